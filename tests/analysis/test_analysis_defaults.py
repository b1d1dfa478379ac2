"""The spec's statistical choices: the family of tests, minimum bases, what the tests ask, in words."""

from __future__ import annotations

import pytest

from omnibus.analysis.inference import inference_statement
from omnibus.analysis.spec import SpecError, parse_spec
from omnibus.analysis.synthetic import synthetic_dataset
from omnibus.analysis.tables import distinct_tests, wave_tables

from .conftest import make_small

BREAKDOWN = {"breakdowns": {"type": {"label": "Type", "groups": {"County": ["county"], "Unitary": ["unitary"]}}}}


@pytest.fixture(scope="module")
def two_waves(wave3):
    return synthetic_dataset(wave3, 152, seed=31, wave="w3"), synthetic_dataset(wave3, 152, seed=32, wave="w2")


def _adjusted(tables, kind: str) -> list[bool]:
    return [t.difference.q is not None for table in tables for t in table.tests if t.kind == kind]


def test_the_family_is_each_table_or_every_wave_comparison(two_waves):
    current, earlier = two_waves
    per_table = wave_tables(current, parse_spec({**BREAKDOWN, "fdr": "table"}), [earlier])
    assert any(_adjusted(per_table, "breakdown")) and any(_adjusted(per_table, "wave"))
    waves = wave_tables(current, parse_spec({**BREAKDOWN, "fdr": "waves"}), [earlier])
    assert not any(_adjusted(waves, "breakdown")) and any(_adjusted(waves, "wave"))
    none = wave_tables(current, parse_spec({**BREAKDOWN, "fdr": "none"}), [earlier])
    assert not any(_adjusted(none, "breakdown") + _adjusted(none, "wave"))
    with pytest.raises(SpecError, match="fdr: 'everything' is not one of table, waves, none"):
        parse_spec({"fdr": "everything"})


def test_the_second_of_a_yes_no_pair_is_not_a_second_test(small_questionnaire):
    rows = [{"Conf": 1 if i % 3 else 2, "unit": f"U{i}"} for i in range(40)]
    dataset = make_small(small_questionnaire, rows)
    spec = parse_spec({"exclude": {"Conf": [3]}, "nets": {"Conf": {"Very only": [1]}}, "min_base_letters": 2})
    earlier = make_small(small_questionnaire, [{"Conf": 1 if i % 2 else 2, "unit": f"U{i}"} for i in range(40)])
    earlier.wave = "w0"
    conf = next(t for t in wave_tables(dataset, spec, [earlier]) if t.name == "Conf")
    tested = {conf.rows[t.row].label for t in conf.tests}
    assert {"Very", "Fairly", "NET: Very only"} <= tested
    assert {conf.rows[t.row].label for t in distinct_tests(conf)} == {"Very"}  # Fairly = 100 − Very; the net = Very


def test_letters_need_the_minimum_base_in_both_columns(small_questionnaire):
    rows = [{"Conf": 1, "kind": "a", "unit": f"A{i}"} for i in range(12)]
    rows += [{"Conf": 2, "kind": "b", "unit": f"B{i}"} for i in range(8)]
    dataset = make_small(small_questionnaire, rows)
    spec = {"breakdowns": {"kind": {"label": "Kind"}}}
    conf = next(t for t in wave_tables(dataset, parse_spec(spec)) if t.name == "Conf")
    assert not [t for t in conf.tests if t.kind == "breakdown"]  # 8 units in b: under the default 10
    conf = next(t for t in wave_tables(dataset, parse_spec({**spec, "min_base_letters": 8})) if t.name == "Conf")
    assert [t for t in conf.tests if t.kind == "breakdown"]


def test_process_inference_has_no_fpc_and_finite_has(small_questionnaire):
    rows = [{"Conf": 1 if i < 30 else 2, "unit": f"U{i}"} for i in range(60)]
    dataset = make_small(small_questionnaire, rows, population=80)
    process = next(t for t in wave_tables(dataset, parse_spec({})) if t.name == "Conf")
    finite = next(t for t in wave_tables(dataset, parse_spec({"inference": "finite"})) if t.name == "Conf")
    se_process, se_finite = process.rows[0].cells[0].se, finite.rows[0].cells[0].se
    assert se_finite == pytest.approx(se_process * (1 - 60 / 80) ** 0.5)


def test_the_legend_and_methodology_say_which_question_the_tests_answer():
    process = " ".join(inference_statement(parse_spec({"fdr": "none"})))
    finite = " ".join(inference_statement(parse_spec({"inference": "finite"})))  # fdr: table by default
    assert "more than chance variation" in process and "without the finite population correction" in process
    assert "the units themselves differ" in finite and "finite population correction (1 − n/N)" in finite
    assert "within each table" in finite and "no control" in process
    assert "unrelated to its answer" in process and "unrelated to its answer" in finite
