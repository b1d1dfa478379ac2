"""A trend's tests: with `adjacent`, each earlier wave is tested against the wave after it, not the current one.

Three waves of the small questionnaire, the units overlapping: the test of each adjacent pair in
the three-wave table is the test the two-wave table of that pair makes, to the last digit, and
the multiple-comparison family takes them as it takes any wave test.
"""

import pytest

from omnibus.analysis.spec import parse_spec
from omnibus.analysis.tables import families_of_tests, wave_tables

from .conftest import make_small

SPEC = parse_spec({"inference": "finite", "min_base_letters": 2, "fdr": "waves"})


def _wave(small_questionnaire, wave: str, very: range):
    """30 of 40 units answered Conf, those in `very` "Very" (1); the other ten did not take part."""
    rows = [{"unit": f"U{i}", "Conf": 1 if i in very else 2} for i in range(30)]
    rows += [{"unit": f"U{i}", "section": "none"} for i in range(30, 40)]
    return make_small(small_questionnaire, rows, wave=wave)


@pytest.fixture
def waves(small_questionnaire):
    """Oldest first: Very at 5 in 30, then 20 in 30 (a jump), then 20 in 30 again (other units)."""
    return [
        _wave(small_questionnaire, w, very) for w, very in (("w1", range(5)), ("w2", range(20)), ("w3", range(5, 25)))
    ]


def _conf(current, earlier, adjacent=False):
    return next(t for t in wave_tables(current, SPEC, earlier, adjacent=adjacent) if t.name == "Conf")


def _wave_tests(table):
    row = next(i for i, r in enumerate(table.rows) if r.label == "Very")
    return {(t.a, t.b): t.difference for t in table.tests if t.kind == "wave" and t.row == row}


def test_adjacent_waves_are_tested_pair_by_pair(waves):
    w1, w2, w3 = waves
    trend = _conf(w3, [w2, w1], adjacent=True)  # earlier waves newest first
    columns = [c.wave for c in trend.columns]
    w2_at, w1_at = columns.index("w2"), columns.index("w1")
    tests = _wave_tests(trend)
    assert set(tests) == {(w2_at, 0), (w1_at, w2_at)}  # each pair says which waves it compares
    # Each pair's test is the test of the two waves on their own.
    for pair, (later, earlier) in {(w2_at, 0): (w3, w2), (w1_at, w2_at): (w2, w1)}.items():
        alone = _wave_tests(_conf(later, [earlier]))[(1, 0)]
        assert tests[pair].difference == pytest.approx(alone.difference, rel=1e-12)
        assert tests[pair].se == pytest.approx(alone.se, rel=1e-12)
    assert tests[(w1_at, w2_at)].significant and not tests[(w2_at, 0)].significant


def test_without_adjacent_every_earlier_wave_is_tested_against_the_current_one(waves):
    w1, w2, w3 = waves
    table = _conf(w3, [w2, w1])
    columns = [c.wave for c in table.columns]
    assert set(_wave_tests(table)) == {(columns.index("w2"), 0), (columns.index("w1"), 0)}


def test_adjacent_tests_are_in_the_family_of_wave_tests(waves):
    w1, w2, w3 = waves
    tables = wave_tables(w3, SPEC, [w2, w1], adjacent=True)
    (family,) = families_of_tests(tables, "waves")
    conf = next(t for t in tables if t.name == "Conf")
    adjacent = [t.difference for t in conf.tests if t.kind == "wave" and t.b != 0]
    assert adjacent and all(any(d is f for f in family) for d in adjacent)
