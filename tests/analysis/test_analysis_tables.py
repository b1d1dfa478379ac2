"""Tables: bases, missing codes, nets, multi-response, grids, numeric items, ratios, banners."""

import math

import numpy as np
import pytest

from omnibus.analysis.spec import parse_spec
from omnibus.analysis.synthetic import synthetic_dataset
from omnibus.analysis.tables import grid_summary, wave_tables

from .conftest import make_small

SPEC = {
    "breakdowns": {"kind": {"label": "Kind"}},
    "nets": {"Conf": {"Very or fairly": [1, 2]}, "Src": {"Peers or DfE": [1, 2]}, "Grid": {"Any good": [1]}},
    "ratios": {"Per": {"label": "Spend per child", "numerator": "Spend1", "denominator": "Reach1"}},
}


def by_name(tables, name):
    return next(t for t in tables if t.name == name)


def row(table, label):
    return next(r for r in table.rows if r.label == label)


def test_missing_codes_and_not_answered_leave_the_base(small):
    conf = by_name(wave_tables(small, parse_spec(SPEC)), "Conf")
    assert conf.bases[0].n == 5  # 7 reached; one "Don't know", one not answered
    assert row(conf, "Very").cells[0].value == pytest.approx(40.0)
    assert row(conf, "Don't know (not in base)").cells[0].value == 1
    assert row(conf, "Not answered (not in base)").cells[0].value == 1
    assert "excluding 'Don't know'" in conf.base_description
    assert conf.base_description.startswith("All responding units")


def test_keep_missing_puts_dont_know_back_in_the_base(small):
    conf = by_name(wave_tables(small, parse_spec({**SPEC, "keep_missing": ["Conf"]})), "Conf")
    assert conf.bases[0].n == 6
    assert row(conf, "Don't know").cells[0].value == pytest.approx(100 / 6)
    assert "excluding" not in conf.base_description


def test_spec_exclude_drops_a_code(small):
    conf = by_name(wave_tables(small, parse_spec({**SPEC, "exclude": {"Conf": [3]}})), "Conf")
    assert conf.bases[0].n == 3
    assert "excluding 'Not very' and 'Don't know'" in conf.base_description or "'Not very'" in conf.base_description


def test_routed_question_uses_its_base_wording_and_routed_units(small):
    why = by_name(wave_tables(small, parse_spec(SPEC)), "Why")
    assert why.base_description.startswith("Units not very confident")
    assert why.bases[0].n == 1
    assert why.bases[0].population == pytest.approx(10 * 2 / 7)  # N × asked / reached the section


def test_nets_count_a_unit_once(small):
    tables = wave_tables(small, parse_spec(SPEC))
    assert row(by_name(tables, "Conf"), "NET: Very or fairly").cells[0].value == pytest.approx(60.0)
    src = by_name(tables, "Src")
    assert row(src, "NET: Peers or DfE").cells[0].value == pytest.approx(100 * 5 / 6)


def test_a_net_of_one_code_on_a_multi_is_that_option(small):
    spec = parse_spec({**SPEC, "nets": {"Src": {"Peers only": [1]}}})
    src = by_name(wave_tables(small, spec), "Src")
    net, peers = row(src, "NET: Peers only"), row(src, "Peers")
    assert net.cells[0].value == pytest.approx(peers.cells[0].value) == pytest.approx(100 * 4 / 6)


def test_multi_response_can_sum_past_100(small):
    src = by_name(wave_tables(small, parse_spec(SPEC)), "Src")
    assert src.multi_response
    assert src.bases[0].n == 6
    total = sum(r.cells[0].value for r in src.rows if r.kind == "percent")
    assert total > 100
    assert row(src, "Peers").cells[0].value == pytest.approx(100 * 4 / 6)


def test_grid_items_are_tables_and_summarise_with_items_as_rows(small):
    tables = wave_tables(small, parse_spec(SPEC))
    assert by_name(tables, "Grid_b").bases[0].n == 6
    summary = grid_summary(tables, small.questionnaire.question("Grid"))
    assert summary.items == ["Health", "Schools"]
    assert summary.headings == ["Good", "Poor", "NET: Any good"]
    assert summary.percents[0][0] == pytest.approx(100 * 5 / 7)
    assert summary.bases == [7, 6]


def test_numeric_mean_leaves_out_the_outlier_and_footnotes_it(small):
    spend = by_name(wave_tables(small, parse_spec(SPEC)), "Spend1")
    values = [100, 200, 300, 400, 500, 100000, 150]
    assert row(spend, "Mean").cells[0].value == pytest.approx(np.mean([v for v in values if v != 100000]))
    assert row(spend, "Median").cells[0].value == pytest.approx(np.median(values))
    assert row(spend, "Maximum").cells[0].value == 100000
    assert row(spend, "Outliers left out of the mean").cells[0].value == 1
    assert "interquartile range" in spend.notes[0]
    kept_all = by_name(wave_tables(small, parse_spec({**SPEC, "numeric": {"outliers": {"rule": "none"}}})), "Spend1")
    assert row(kept_all, "Mean").cells[0].value == pytest.approx(np.mean(values))


def test_numeric_columns_cut_from_one_sort_give_each_columns_own_figures(wave3):
    """Every column's median (and its interval), minimum, maximum and outliers are those of its own values."""
    from omnibus.analysis.numeric import fences, median_interval

    current = synthetic_dataset(wave3, 400, seed=7, wave="wave-3")
    earlier = synthetic_dataset(wave3, 400, seed=8, wave="wave-2")
    spec = parse_spec({"breakdowns": {"type": {}, "region_group": {}}})
    table = by_name(wave_tables(current, spec, [earlier]), "HLEspend1718")
    checked = 0
    for column, base in zip(table.columns, table.bases, strict=True):
        dataset = earlier if column.key.startswith("wave:") else current
        data = dataset.data
        given = data["HLEspend1718"].to_numpy()
        valid = given >= 0  # not asked, not answered and the boxes are negative codes
        limits = fences(given[valid], spec.outlier_rule("HLEspend1718"))
        if column.key != "total" and not column.key.startswith("wave:"):
            attribute, label = column.key.split(":")
            valid &= (data[f"frame_{attribute}"].cast(str) == label).to_numpy()
        values = given[valid]
        assert base.n == len(values) > 5
        figures = {r.kind: r.cells[table.columns.index(column)] for r in table.rows}
        assert figures["median"].value == np.median(values)
        assert (figures["median"].low, figures["median"].high) == median_interval(values)
        assert (figures["minimum"].value, figures["maximum"].value) == (values.min(), values.max())
        assert figures["outliers"].value == np.count_nonzero(limits.outside(values))
        checked += 1
    assert checked == len(table.columns) >= 4


def test_a_trimmed_mean_is_not_tested_and_the_mean_of_every_value_is(wave3):
    current = synthetic_dataset(wave3, 400, seed=7, wave="wave-3")
    earlier = synthetic_dataset(wave3, 400, seed=8, wave="wave-2")

    def mean_tests(spec: dict) -> set[str]:
        table = by_name(wave_tables(current, parse_spec(spec), [earlier]), "HLEspend1718")
        mean = next(i for i, r in enumerate(table.rows) if r.kind == "mean")
        return {t.kind for t in table.tests if t.row == mean}

    spec = {"breakdowns": {"type": {}}}
    assert mean_tests(spec) == set()  # outliers left out (the default rule)
    assert mean_tests({**spec, "numeric": {"outliers": {"rule": "none"}}}) == {"breakdown", "wave"}


def test_ratio_is_sum_over_sum_of_units_answering_both(small):
    per = by_name(wave_tables(small, parse_spec({**SPEC, "numeric": {"outliers": {"rule": "none"}}})), "Per")
    # unit 4 gave no reach: left out of both sums
    spend = [100, 200, 300, 500, 100000, 150]
    reach = [10, 10, 20, 40, 50, 15]
    assert per.rows[0].cells[0].value == pytest.approx(sum(spend) / sum(reach))
    assert per.bases[0].n == 6


def test_breakdown_columns_and_low_bases(small):
    conf = by_name(wave_tables(small, parse_spec(SPEC)), "Conf")
    assert [c.label for c in conf.columns] == ["Total", "a", "b"]
    assert [c.letter for c in conf.columns] == ["A", "B", "C"]
    assert [b.n for b in conf.bases] == [5, 3, 2]  # the unit with no kind is in the total only
    assert all(b.low for b in conf.bases)
    assert any("Bases under 50" in n for n in conf.notes)


def test_breakdown_groups_and_bands(small):
    spec = parse_spec({"breakdowns": {"kind": {"groups": {"Only a": ["a"]}}}})
    conf = by_name(wave_tables(small, spec), "Conf")
    assert [c.label for c in conf.columns] == ["Total", "Only a"]
    assert conf.bases[1].n == 3


def test_earlier_wave_without_the_variable_shows_nothing(small, small_questionnaire):
    earlier = make_small(small_questionnaire, [{"Conf": 1}, {"Conf": 2}], wave="w0")
    earlier.data = earlier.data.drop("Why")
    why = by_name(wave_tables(small, parse_spec(SPEC), [earlier]), "Why")
    assert why.columns[-1].label == "w0"
    assert why.rows[0].cells[-1].value is None


def test_significance_letters_mark_the_higher_column(small_questionnaire):
    rows = [{"kind": "a", "Conf": 1} for _ in range(40)] + [{"kind": "b", "Conf": 2} for _ in range(40)]
    data = make_small(small_questionnaire, rows, population=400)
    conf = by_name(wave_tables(data, parse_spec(SPEC)), "Conf")
    very = row(conf, "Very")
    assert very.cells[1].letters == "C" and very.cells[2].letters == ""
    assert row(conf, "Fairly").cells[2].letters == "B"


def test_wilson_interval_is_sensible_at_zero_and_hundred(small_questionnaire):
    rows = [{"Conf": 1} for _ in range(20)]
    conf = by_name(wave_tables(make_small(small_questionnaire, rows, population=152), parse_spec({})), "Conf")
    very, fairly = row(conf, "Very").cells[0], row(conf, "Fairly").cells[0]
    assert very.value == 100 and very.high == pytest.approx(100) and 80 < very.low < 100
    assert fairly.value == 0 and fairly.low == 0 and 0 < fairly.high < 20


def test_synthetic_wave3_tables_follow_the_contract(wave3):
    data = synthetic_dataset(wave3, 152, seed=3)
    tables = wave_tables(data, parse_spec({}))
    help_supp = by_name(tables, "HelpSupp")
    assert help_supp.base_description.startswith("LAs that used more than one source of support")
    supp = by_name(tables, "SuppSou")
    routed = data.data.filter(data.data["SuppSou_1"] >= 0)
    assert supp.bases[0].n == routed.height
    for table in tables:
        for r in table.rows:
            for cell in r.cells:
                if r.kind in ("percent", "net") and cell.value is not None:
                    assert 0 <= cell.value <= 100
                    assert cell.low is None or cell.low <= cell.value + 1e-9 <= cell.high + 2e-9
    assert not math.isnan(by_name(tables, "HLEspend1718").rows[0].cells[0].value)


def test_one_switch_puts_dont_know_in_every_base_and_a_question_can_opt_out(small):
    out = by_name(wave_tables(small, parse_spec(SPEC)), "Conf")
    switched = by_name(wave_tables(small, parse_spec({**SPEC, "missing_in_base": True})), "Conf")
    assert (out.bases[0].n, switched.bases[0].n) == (5, 6)  # the unit answering "Don't know" joins the base
    assert row(switched, "Don't know").cells[0].value == pytest.approx(100 / 6)
    assert row(switched, "Very").cells[0].value == pytest.approx(200 / 6)  # of all responding, as publishers print
    assert "excluding" not in switched.base_description
    dropped = by_name(
        wave_tables(small, parse_spec({**SPEC, "missing_in_base": True, "drop_missing": ["Conf"]})), "Conf"
    )
    assert dropped.bases[0].n == 5 and "excluding 'Don't know'" in dropped.base_description
    src = by_name(wave_tables(small, parse_spec({**SPEC, "missing_in_base": True})), "Src")
    assert src.bases[0].n == 6  # a multi with no "Don't know" option is unchanged


def test_a_changed_wording_stops_the_wave_test_and_says_why(small, small_questionnaire):
    from dataclasses import replace

    from omnibus.questionnaire.loader import read_text

    from .conftest import SMALL

    reworded, problems = read_text(SMALL.replace("How confident?", "How confident are you now?"))
    assert reworded is not None, problems
    earlier = replace(small, wave="w0", questionnaire=reworded)
    spec = {**SPEC, "min_base_letters": 2}  # the small waves' bases of 5 are tested
    tables = wave_tables(small, parse_spec(spec), [earlier])
    conf, why = by_name(tables, "Conf"), by_name(tables, "Why")
    assert not [t for t in conf.tests if t.kind == "wave"]
    assert any("Conf changed between w0 and w1 (its wording)" in note for note in conf.notes)
    assert row(conf, "Very").cells[-1].value == pytest.approx(40.0)  # still shown beside the current wave
    assert not any("changed between" in note for note in why.notes)
    assert [t for t in by_name(tables, "Src").tests if t.kind == "wave"]  # other questions are still tested
    cosmetic = by_name(wave_tables(small, parse_spec({**spec, "cosmetic": ["Conf"]}), [earlier]), "Conf")
    assert not any("changed between" in note for note in cosmetic.notes)
    assert [t for t in cosmetic.tests if t.kind == "wave"]


def test_changed_answer_options_are_a_wording_change(small_questionnaire):
    from omnibus.analysis.comparability import wording_change
    from omnibus.questionnaire.loader import read_text

    from .conftest import SMALL

    relabelled, _ = read_text(SMALL.replace("3: Not very", "3: Not at all"))
    assert wording_change("Conf", small_questionnaire, relabelled) == "its answer options"
    assert wording_change("Why", small_questionnaire, relabelled) == ""


def test_tallied_percentages_and_wave_tests_equal_the_estimator_unit_by_unit(wave3):
    """Each column's tallies and the once-matched units give what `ratio` and key matching give."""
    from omnibus.analysis.variance import wave_difference

    current = synthetic_dataset(wave3, 300, seed=3, wave="wave-3")
    earlier = synthetic_dataset(wave3, 300, seed=4, wave="wave-2")  # the same frame: units in both waves
    spec = parse_spec({"inference": "finite", "breakdowns": {"type": {}}, "nets": {"ConfUnd": {"Confident": [1, 2]}}})
    weights = np.random.default_rng(1).uniform(0.5, 2.0, current.data.height)
    table = by_name(wave_tables(current, spec, [earlier], weights={"wave-3": weights}), "ConfUnd")
    x, e = current.data["ConfUnd"].to_numpy(), earlier.data["ConfUnd"].to_numpy()
    base, ebase = (x >= 1) & (x <= 4), (e >= 1) & (e <= 4)
    units, eunits = current.data["unit"].to_numpy()[base], earlier.data["unit"].to_numpy()[ebase]
    shared = len(np.intersect1d(units.astype(str), eunits.astype(str)))
    assert 0 < shared < base.sum()
    total_n, earlier_n = table.bases[0].population, table.bases[-1].population
    checked = 0
    for number, r in enumerate(table.rows):
        if r.kind not in ("percent", "net"):
            continue
        codes = [r.code] if r.kind == "percent" else [1, 2]
        total = _percentage(np.isin(x[base], codes), weights[base], total_n, units)
        before = _percentage(np.isin(e[ebase], codes), np.ones(ebase.sum()), earlier_n, eunits)
        for cell, expected in ((r.cells[0], total), (r.cells[-1], before)):
            assert cell.value == pytest.approx(100 * expected.value, rel=1e-12)
            assert cell.se == pytest.approx(100 * expected.se, rel=1e-9)
            assert (cell.low, cell.high) == pytest.approx((100 * expected.low, 100 * expected.high), rel=1e-9)
        in_both = len(np.intersect1d(current.data["unit"].to_numpy(), earlier.data["unit"].to_numpy()))
        common = in_both * math.sqrt((earlier_n / earlier.population_size) * (total_n / current.population_size))
        test = next(t for t in table.tests if t.kind == "wave" and t.row == number)
        d = wave_difference(before, total, common)
        assert test.difference.overlap == d.overlap == shared
        assert test.difference.se == pytest.approx(d.se, rel=1e-9)
        assert test.difference.covariance == pytest.approx(d.covariance, rel=1e-9, abs=1e-15)
        checked += 1
    assert checked == 5  # four codes and the net


def test_wave_tests_of_a_multiple_choice_equal_the_estimator_unit_by_unit(wave3):
    """A multiple choice's rows and its net of several variables test waves as the units' residuals do."""
    from omnibus.analysis.variance import wave_difference

    current = synthetic_dataset(wave3, 300, seed=5, wave="wave-3")
    earlier = synthetic_dataset(wave3, 300, seed=6, wave="wave-2")
    spec = parse_spec({"inference": "finite", "nets": {"SuppSou": {"From other LAs": [1, 2, 3]}}})
    rng = np.random.default_rng(2)
    weights = {d.wave: rng.uniform(0.5, 2.0, d.data.height) for d in (current, earlier)}
    table = by_name(wave_tables(current, spec, [earlier], weights=weights), "SuppSou")
    figures = []
    for d in (current, earlier):  # the base: asked and answered (no option of SuppSou is a missing code)
        base = d.data["SuppSou_1"].to_numpy() >= 0
        figures.append((d, base, d.data["unit"].to_numpy()[base].astype(str), weights[d.wave][base]))
    (_, base, units, w), (_, ebase, eunits, ew) = figures
    in_both = len(np.intersect1d(current.data["unit"].to_numpy(), earlier.data["unit"].to_numpy()))
    total_n, earlier_n = table.bases[0].population, table.bases[-1].population
    common = in_both * math.sqrt((earlier_n / earlier.population_size) * (total_n / current.population_size))
    checked = 0
    for number, r in enumerate(table.rows):
        if r.kind not in ("percent", "net"):
            continue
        codes = [r.code] if r.kind == "percent" else [1, 2, 3]
        chosen = [np.any([d.data[f"SuppSou_{c}"].to_numpy()[b] == 1 for c in codes], axis=0) for d, b, _, _ in figures]
        total = _percentage(chosen[0], w, total_n, units)
        before = _percentage(chosen[1], ew, earlier_n, eunits)
        assert r.cells[0].value == pytest.approx(100 * total.value, rel=1e-12)
        assert r.cells[-1].value == pytest.approx(100 * before.value, rel=1e-12)
        test = next(t for t in table.tests if t.kind == "wave" and t.row == number)
        d = wave_difference(before, total, common)
        assert test.difference.overlap == d.overlap > 0
        assert test.difference.se == pytest.approx(d.se, rel=1e-9)
        assert test.difference.covariance == pytest.approx(d.covariance, rel=1e-9, abs=1e-15)
        checked += 1
    assert checked == 16  # fifteen options and the net


def _percentage(chosen, weights, population, units):
    from omnibus.analysis.variance import ratio

    n = len(chosen)
    return ratio(chosen * 1.0, np.ones(n), weights, population, 0.95, units.astype(str), proportion=True)


def test_a_multiple_choice_net_is_the_same_tallied_by_combination_or_by_unique_rows(small, monkeypatch):
    from omnibus.analysis import tables as tabulating

    def net():
        cells = row(by_name(wave_tables(small, parse_spec(SPEC)), "Src"), "NET: Peers or DfE").cells
        return [figure for c in cells for figure in (c.value, c.se, c.low, c.high)]

    by_combination = net()
    monkeypatch.setattr(tabulating, "TALLY_COMBINATIONS", 1)  # too many codes to combine: unique rows instead
    assert net() == pytest.approx(by_combination, nan_ok=True) and by_combination[0] == pytest.approx(100 * 5 / 6)
