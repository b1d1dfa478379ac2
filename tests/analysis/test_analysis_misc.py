"""Spec, conventions, weighting, wave comparison, and the analysis room's independence from Django."""

import ast
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from omnibus.analysis.banner import breakdown_partition
from omnibus.analysis.conventions import GSS, SEED, conventions
from omnibus.analysis.spec import SpecError, parse_spec
from omnibus.analysis.synthetic import synthetic_dataset
from omnibus.analysis.tables import wave_tables
from omnibus.analysis.weighting import kish_effective_base, rake, rake_spec

ANALYSIS = Path(__file__).resolve().parents[2] / "omnibus" / "analysis"


def test_no_django_import_in_the_analysis_room():
    for path in ANALYSIS.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            assert not any(n == "django" or n.startswith("django.") for n in names), path.name
    modules = ", ".join(f"omnibus.analysis.{p.stem}" for p in ANALYSIS.glob("*.py") if p.stem != "__init__")
    code = f"import sys, omnibus.report.tabbook, {modules}; print('django' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_spec_rejects_unknown_keys_and_bad_codes():
    with pytest.raises(SpecError, match="unknown key"):
        parse_spec({"netz": {}})
    with pytest.raises(SpecError, match="list of codes"):
        parse_spec({"nets": {"ConfUnd": {"Confident": "1,2"}}})
    with pytest.raises(SpecError, match="groups or bands"):
        parse_spec({"breakdowns": {"x": {"groups": {"a": ["b"]}, "bands": {"c": [0, 1]}}}})
    with pytest.raises(ValueError, match="unknown conventions"):
        parse_spec({"conventions": "apa"})


def test_spec_reads_every_setting():
    spec = parse_spec(
        {
            "conventions": "gss",
            "decimals": 1,
            "fdr": True,
            "nets": {"SocWork": {"Confident": [1, 2]}, "SocWork_a": {"Very": [1]}},
            "numeric": {"outliers": {"rule": "iqr", "k": 1.5}, "items": {"X": {"outliers": {"rule": "none"}}}},
            "weighting": {"rake": ["type"]},
        }
    )
    assert spec.conventions.not_applicable == "[z]" and spec.conventions.decimals == 1 and spec.fdr
    assert spec.nets_for("SocWork_a", "SocWork") == {"Confident": (1, 2), "Very": (1,)}
    assert spec.outlier_rule("X").rule == "none" and spec.outlier_rule("Y").k == 1.5
    assert spec.rake == ["type"]


def test_conventions_show_symbols():
    assert SEED.show_percent(0.3, 1) == "*"
    assert SEED.show_percent(0.0, 0) == "0"
    assert SEED.show_percent(None, None) == "-"
    assert SEED.show_percent(12.4, 9) == "12"
    assert GSS.show_percent(0.3, 1) == "[low]" and GSS.show_percent(None, None) == "[z]"
    assert conventions("seed", decimals=1).show_percent(0.3, 1) == "0.3"
    assert "rounded" in SEED.rounding_note()


def test_every_symbol_of_a_legend_means_one_thing():
    for style in (SEED, GSS):
        symbols = [symbol for symbol, _ in style.symbols()]
        assert len(symbols) == len(set(symbols)), style.name


def test_raking_matches_every_margin(wave3):
    data = synthetic_dataset(wave3, 152, seed=4, take_part=0.5)
    spec = parse_spec({"breakdowns": {"region_group": {}}, "weighting": {"rake": ["region_group", "cin_band"]}})
    weights = rake_spec(data, spec)
    for margin in spec.breakdowns + [parse_spec({"breakdowns": {"cin_band": {}}}).breakdowns[0]]:
        part = breakdown_partition(data, margin)
        for j in range(len(part.labels)):
            assert weights[part.codes == j].sum() == pytest.approx(part.population[j])
    respondents = weights > 0
    assert 0 < kish_effective_base(weights) <= respondents.sum()
    assert rake_spec(data, parse_spec({})) is None


def test_raking_leaves_balanced_respondents_alone(wave3):
    data = synthetic_dataset(wave3, 40, seed=4, take_part=1.0)
    weights = rake(data, [])
    assert np.allclose(weights, 1.0)


def _wave_tests(current, earlier, spec):
    """Each wave test of the tables as (table name, row, test): the current wave against the earlier one."""
    return [(t.name, t.rows[test.row], test) for t in wave_tables(current, spec, [earlier]) for test in t.tests]


def test_wave_tests_match_by_name_and_control_fdr(wave3):
    current = synthetic_dataset(wave3, 152, seed=21, wave="wave-3")
    earlier = synthetic_dataset(wave3, 152, seed=22, wave="wave-2")
    plain = _wave_tests(current, earlier, parse_spec({}))
    assert plain and all(test.kind == "wave" for _, _, test in plain)  # no breakdowns: only the waves are tested
    assert all(row.kind in ("percent", "net", "mean", "ratio") for _, row, _ in plain)
    assert any(test.difference.overlap > 0 for _, _, test in plain)  # same unit keys: answering in both waves
    _, row, test = next(found for found in plain if found[0] == "ConfUnd")
    scale = 100.0 if row.kind in ("percent", "net") else 1.0
    expected = row.cells[test.b].value - row.cells[test.a].value
    assert test.difference.difference * scale == pytest.approx(expected)
    controlled = [test.difference for _, _, test in _wave_tests(current, earlier, parse_spec({"fdr": True}))]
    family = [d for d in controlled if d.q is not None]
    assert family and all(d.q >= d.p - 1e-12 for d in family)
    # Tests left out of the family repeat one in it (a net of one code, the "No" of a Yes/No pair).
    assert all(any(abs(d.z) == pytest.approx(abs(f.z)) for f in family) for d in controlled if d.q is None)
    assert sum(d.significant for d in controlled) <= sum(test.difference.significant for _, _, test in plain)


def test_a_synthetic_frame_of_another_population_draws_its_own_attributes():
    import numpy as np

    from omnibus.analysis.synthetic import synthetic_frame

    frame = synthetic_frame(40, np.random.default_rng(1), {"phase": {"primary": 3, "secondary": 1, "": 1}})
    assert frame.columns == ["unit", "frame_phase"]
    assert set(frame["frame_phase"].to_list()) == {"primary", "secondary", None}
    assert "frame_region_group" in synthetic_frame(5, np.random.default_rng(1)).columns  # the CSO's by default
