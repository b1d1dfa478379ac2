"""Significance between banner columns: pooled proportion under H0 for groups, the wave fallback, n < 2.

A group's own variance is zero at 0% or 100%, so the unpooled test called County 0/6 against
Unitary 3/48 significant (z = 2.2); under the pooled proportion it is z = 0.75.
"""

import math
from fractions import Fraction

import numpy as np
import openpyxl
import pytest

from omnibus.analysis.spec import parse_spec
from omnibus.analysis.tables import wave_tables
from omnibus.analysis.variance import (
    covariance,
    difference,
    group_difference,
    pooled_proportion,
    pooled_variance,
    ratio,
    wave_difference,
)
from omnibus.report.tabbook import write_tabbook

from .conftest import make_small

# The finite-population tests, letters down to the smallest testable base (two units), as derived in docs/statistics.md.
FINITE = {"inference": "finite", "min_base_letters": 2}
SPEC = {
    **FINITE,
    "breakdowns": {"kind": {"label": "Type", "groups": {"County": ["county"], "Unitary": ["unitary"]}}},
}
N_COUNTY, N_UNITARY = 21, 131  # 152 frame units


def _type_rows(county_yes: int, county_n: int, unitary_yes: int, unitary_n: int) -> list[dict]:
    """Frame units of two types; Conf = 1 ("Very") for the yes units, 2 for the other respondents."""
    rows = []
    for kind, yes, n, big_n in (
        ("county", county_yes, county_n, N_COUNTY),
        ("unitary", unitary_yes, unitary_n, N_UNITARY),
    ):
        rows += [{"kind": kind, "Conf": 1} for _ in range(yes)]
        rows += [{"kind": kind, "Conf": 2} for _ in range(n - yes)]
        rows += [{"kind": kind, "section": "none"} for _ in range(big_n - n)]  # did not take part
    return rows


def _conf(dataset, earlier=()):
    return next(t for t in wave_tables(dataset, parse_spec(SPEC), list(earlier)) if t.name == "Conf")


def _very(table):
    return next(r for r in table.rows if r.label == "Very")


def _breakdown_test(table, row_index):
    return next(t for t in table.tests if t.kind == "breakdown" and t.row == row_index)


def test_zero_percent_against_a_small_share_is_not_significant(small_questionnaire):
    conf = _conf(make_small(small_questionnaire, _type_rows(0, 6, 3, 48), population=152))
    very = _very(conf)
    assert [c.value for c in very.cells[1:]] == [pytest.approx(0.0), pytest.approx(100 * 3 / 48)]
    test = _breakdown_test(conf, conf.rows.index(very))
    d = test.difference
    assert d.pooled and not d.significant
    # Hand calculation: p = 3/54; f = 1 − n/N per group; Var = p(1 − p)·((1 − f₁)/n₁ + (1 − f₂)/n₂).
    p = 3 / 54
    var = p * (1 - p) * ((1 - 6 / 21) / 6 + (1 - 48 / 131) / 48)
    assert d.se == pytest.approx(math.sqrt(var), rel=1e-12)
    assert d.z == pytest.approx(0.0625 / math.sqrt(var)) and d.z == pytest.approx(0.7503, abs=1e-4)
    assert all(c.letters == "" for r in conf.rows for c in r.cells)
    # The unpooled variance (County's is 0) would have called it significant.
    unpooled = math.sqrt((1 - 48 / 131) * (3 / 48) * (45 / 48) / 47)
    assert 0.0625 / unpooled > 1.96


def test_a_clearly_different_pair_is_still_significant(small_questionnaire):
    conf = _conf(make_small(small_questionnaire, _type_rows(5, 6, 3, 48), population=152))
    very = _very(conf)
    d = _breakdown_test(conf, conf.rows.index(very)).difference
    assert d.pooled and d.significant and d.z < -5
    assert very.cells[1].letters == "C" and very.cells[2].letters == ""


def test_pooled_variance_equals_a_hand_calculation_on_effective_bases():
    # Group 1: weights 1, 2, 1, 2, "yes" weights 1 + 2 → p₁ = 1/2; Kish n₁′ = 6²/10 = 3.6; N₁ = 10.
    g1 = ratio(np.array([1.0, 0, 0, 1]), np.ones(4), np.array([1.0, 2, 1, 2]), 10, proportion=True)
    # Group 2: unweighted 1/5 → p₂ = 1/5; n₂′ = 5; N₂ = 20.
    g2 = ratio(np.array([0.0, 0, 1, 0, 0]), np.ones(5), np.ones(5), 20, proportion=True)
    p = Fraction(18, 5) * Fraction(1, 2) + 5 * Fraction(1, 5)
    p /= Fraction(18, 5) + 5  # (3.6·0.5 + 5·0.2)/8.6 = 14/43
    assert p == Fraction(14, 43)
    assert pooled_proportion(g1, g2) == pytest.approx(14 / 43, rel=1e-12)
    var = p * (1 - p) * (Fraction(6, 10) / Fraction(18, 5) + Fraction(15, 20) / 5)  # (1 − f)/n′ per group
    assert var == Fraction(7714, 110940)
    assert pooled_variance(g1, g2, 14 / 43) == pytest.approx(float(var), rel=1e-12)
    d = group_difference(g1, g2)
    assert d.pooled and d.se == pytest.approx(math.sqrt(float(var)), rel=1e-12)
    assert d.difference == pytest.approx(-0.3)


def test_groups_all_exact_differ_only_if_nonzero_and_means_stay_unpooled():
    a = ratio(np.ones(5), np.ones(5), np.ones(5), population=5, proportion=True)
    b = ratio(np.zeros(5), np.ones(5), np.ones(5), population=5, proportion=True)
    assert group_difference(a, b).significant  # every unit answered: the difference is real
    assert not group_difference(a, a).significant
    m1 = ratio(np.array([1.0, 2, 3, 4]), np.ones(4), np.ones(4), population=40)
    m2 = ratio(np.array([3.0, 5, 4, 6]), np.ones(4), np.ones(4), population=40)
    d = group_difference(m1, m2)
    assert not d.pooled and d.se == pytest.approx(math.sqrt(m1.variance + m2.variance))


def _waves(at_hundred: bool):
    """Earlier: 8 units, all 0 (or all 1). Current: 60 units, the first 8 the same units; 4 differ."""
    units = np.array([f"U{i}" for i in range(60)], dtype=object)
    earlier_y = np.full(8, 1.0 if at_hundred else 0.0)
    current_y = np.full(60, 1.0 if at_hundred else 0.0)
    current_y[[0, 1, 20, 21]] = 0.0 if at_hundred else 1.0  # two of them answered in both waves
    earlier = ratio(earlier_y, np.ones(8), np.ones(8), 152, units=units[:8], proportion=True)
    current = ratio(current_y, np.ones(60), np.ones(60), 152, units=units, proportion=True)
    return earlier, current


def _hand_wave_variance() -> float:
    p = 4 / 68  # pooled: (8·0 + 60·4/60)/68 = 1/17
    pooled = p * (1 - p) * ((1 - 8 / 152) / 8 + (1 - 60 / 152) / 60)
    # Residuals about p over the m = 8 units in both: earlier −p each; current 1 − p twice, −p six times.
    s12 = sum(-p * e for e in [1 - p] * 2 + [-p] * 6) / 8
    cov = s12 * (8 / (8 * 60) - 152 / (152 * 152))
    return pooled - 2 * cov


@pytest.mark.parametrize("at_hundred", [False, True])
def test_wave_at_zero_or_hundred_falls_back_to_the_pooled_variance(at_hundred):
    earlier, current = _waves(at_hundred)
    d = wave_difference(earlier, current, 152)
    assert d.pooled and d.overlap == 8
    assert d.difference == pytest.approx(-4 / 60 if at_hundred else 4 / 60)
    assert d.se == pytest.approx(math.sqrt(_hand_wave_variance()), rel=1e-12)
    assert d.covariance < 0  # the two units that changed pull the residuals apart
    assert not d.significant  # z ≈ 0.78
    # The design-based variance degenerates (the earlier wave's is 0) and would have flagged it.
    cov, m = covariance(earlier, current, 152)
    assert earlier.se == 0 and cov == 0 and difference(earlier, current, cov, m).significant


def test_wave_inside_zero_and_hundred_keeps_the_design_based_variance():
    rng = np.random.default_rng(3)
    units = np.array([f"U{i}" for i in range(152)], dtype=object)
    a, b = rng.choice(152, 70, replace=False), rng.choice(152, 80, replace=False)
    y1, y2 = (rng.random(152) < 0.4) * 1.0, (rng.random(152) < 0.5) * 1.0
    e1 = ratio(y1[a], np.ones(70), np.ones(70), 152, units=units[a], proportion=True)
    e2 = ratio(y2[b], np.ones(80), np.ones(80), 152, units=units[b], proportion=True)
    cov, m = covariance(e1, e2, 152)
    d = wave_difference(e1, e2, 152)
    assert not d.pooled and d.se == difference(e1, e2, cov, m).se and d.covariance == cov


def test_wave_fallback_through_the_tables(small_questionnaire):
    earlier_rows = [{"unit": f"U{i}", "Conf": 2} for i in range(8)]
    earlier_rows += [{"unit": f"U{i}", "section": "none"} for i in range(8, 152)]
    current_rows = [{"unit": f"U{i}", "Conf": 1 if i in (0, 1, 20, 21) else 2} for i in range(60)]
    current_rows += [{"unit": f"U{i}", "section": "none"} for i in range(60, 152)]
    earlier = make_small(small_questionnaire, earlier_rows, wave="w1")
    current = make_small(small_questionnaire, current_rows, wave="w2")
    conf = next(t for t in wave_tables(current, parse_spec(FINITE), [earlier]) if t.name == "Conf")
    very = _very(conf)
    test = next(t for t in conf.tests if t.kind == "wave" and t.row == conf.rows.index(very))
    assert test.difference.pooled and test.difference.overlap == 8
    assert test.difference.se == pytest.approx(math.sqrt(_hand_wave_variance()), rel=1e-12)
    assert very.cells[0].letters == ""


def test_no_test_for_a_group_of_fewer_than_two_units(small_questionnaire):
    rows = [{"kind": "county", "Conf": 1, "Spend1": 5000.0}]
    rows += [{"kind": "unitary", "Conf": 2, "Spend1": float(v)} for v in range(100, 140)]
    tables = wave_tables(make_small(small_questionnaire, rows, population=152), parse_spec(SPEC))
    for name in ("Conf", "Spend1"):
        table = next(t for t in tables if t.name == name)
        assert table.bases[1].n == 1
        assert not [t for t in table.tests if t.kind == "breakdown"], name
        assert all(c.letters == "" for r in table.rows for c in r.cells), name
    one = ratio(np.array([5000.0]), np.ones(1), np.ones(1), 21)
    many = ratio(np.arange(100.0, 140.0), np.ones(40), np.ones(40), 131)
    for d in (group_difference(one, many), wave_difference(one, many, 152)):
        assert math.isnan(d.p) and not d.significant
    p1 = ratio(np.ones(1), np.ones(1), np.ones(1), 21, proportion=True)
    p40 = ratio(np.zeros(40), np.ones(40), np.ones(40), 131, proportion=True)
    assert math.isnan(group_difference(p1, p40).p) and not group_difference(p1, p40).significant


def _letters_of(path, table_name):
    sheet = openpyxl.load_workbook(path)["Main"]
    title = next(
        c for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith(table_name)
    )
    out = []
    r = title.row + 6  # title, base, group headings, labels, letters, base n: then the rows
    while sheet.cell(r, 1).value:
        # the letter column after each figure
        out.append((sheet.cell(r, 1).value, [sheet.cell(r, 3 + 2 * j).value for j in range(3)]))
        r += 1
    return out


def test_tab_book_shows_no_letter_for_the_example(small_questionnaire, tmp_path):
    spec = parse_spec(SPEC)
    example = make_small(small_questionnaire, _type_rows(0, 6, 3, 48), population=152)
    letters = _letters_of(write_tabbook([example], spec, tmp_path / "example.xlsx"), "Conf:")
    assert ("Very", [None] * 3) in letters and sum(label == "  %" for label, _ in letters) == 3
    assert all(v is None for _, vs in letters for v in vs)
    clear = make_small(small_questionnaire, _type_rows(5, 6, 3, 48), population=152)
    letters = _letters_of(write_tabbook([clear], spec, tmp_path / "clear.xlsx"), "Conf:")
    percent_lines = [vs for label, vs in letters if label == "  %"]
    assert percent_lines[0] == [None, "C", None]  # Very: County above Unitary (the letters do show)
    assert percent_lines[1] == [None, None, "B"]  # Fairly: Unitary above County
