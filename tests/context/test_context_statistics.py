"""The pure computations: variation (the APPG's 2016 figures), correlation, neighbours, bands."""

import csv
import statistics
from pathlib import Path

import numpy as np
import pytest
import statsmodels.api as sm

from omnibus.context.banding import band_of, fixed_bands, quantile_bands
from omnibus.context.correlation import correlate
from omnibus.context.neighbours import statistical_neighbours
from omnibus.context.variation import AreaValue, ExclusionRule, describe_variation, variation_summary
from omnibus.frame.schema import UnitNoun

LAS = UnitNoun("local authority", "local authorities")

CLA = Path(__file__).resolve().parents[2] / "examples" / "reference" / "la_cla_rate_2016.csv"


def cla_2016() -> list[AreaValue]:
    with CLA.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [AreaValue(r["dfe_la_code"], r["name"], float(r["cla_rate_per_10000_31mar2016"])) for r in rows]


def test_variation_reproduces_the_appg_reading_of_2016():
    summary = variation_summary(
        cla_2016(), 60.0, ExclusionRule(), "cla_rate", "Children looked after", "2016", units=LAS
    )
    assert (summary.minimum, summary.maximum, summary.national, summary.n) == (22.0, 164.0, 60.0, 151)
    assert [a.name for a in summary.lowest] == ["Wokingham"] and [a.name for a in summary.highest] == ["Blackpool"]
    assert len(summary.half_or_less) == 6 and len(summary.double_or_more) == 3
    assert {a.name for a in summary.double_or_more} == {"Blackpool", "Middlesbrough", "Southampton"}
    assert summary.ratio == pytest.approx(164 / 22)
    assert [a.name for a, _ in summary.excluded] == ["Isles of Scilly"]
    assert summary.footnotes()[0] == "Local authorities with a value of 0 are left out: Isles of Scilly (a value of 0)"
    kept = [a.value for a in summary.values]
    assert summary.deciles == pytest.approx(statistics.quantiles(kept, n=10, method="inclusive"))
    text = describe_variation(summary, "per 10,000")
    assert text.startswith("Across 151 local authorities, children looked after ranged from 22 per 10,000 (Wokingham)")
    assert "to 164 per 10,000 (Blackpool), against a national 60; 6 local authorities were at half or less" in text


def test_without_the_rule_the_range_starts_at_zero():
    summary = variation_summary(cla_2016(), 60.0, ExclusionRule(zero=False), units=LAS)
    assert summary.minimum == 0 and summary.ratio is None and summary.n == 152
    assert len(summary.half_or_less) == 7
    assert summary.rule == "No local authority is left out"
    forums = UnitNoun("parent carer forum", "parent carer forums")
    other = variation_summary(cla_2016(), None, ExclusionRule(zero=False), no_value=["Tees (x)"], units=forums)
    assert other.rule == "No parent carer forum is left out"
    assert other.footnotes()[1:] == [
        "No published value for 1 parent carer forum: Tees (x).",
        "No national value was loaded, so no parent carer forum is compared with it.",
    ]
    assert describe_variation(other).startswith("Across 152 parent carer forums, ")


def test_a_tiny_base_is_left_out_by_the_stated_rule():
    areas = [AreaValue("1", "Big", 50), AreaValue("2", "Tiny", 500), AreaValue("3", "Mid", 40)]
    rule = ExclusionRule(base={"1": 90000, "2": 300, "3": 20000}, min_base=1000, base_label="children under 18")
    summary = variation_summary(areas, 45.0, rule)
    assert summary.maximum == 50 and summary.excluded[0][1] == "fewer than 1,000 children under 18"
    assert rule.describe(LAS) == (
        "Local authorities with a value of 0 or with fewer than 1,000 children under 18 are left out"
    )


def test_correlation_agrees_with_least_squares():
    rng = np.random.default_rng(5)
    x = rng.normal(20, 8, 80)
    y = 10 + 2.5 * x + rng.normal(0, 15, 80)
    y[3] = np.nan  # a unit with no value is left out
    found = correlate(x, y)
    fit = sm.OLS(y[~np.isnan(y)], sm.add_constant(x[~np.isnan(y)])).fit()
    assert found.n == 79
    assert found.r_squared == pytest.approx(fit.rsquared)
    assert (found.intercept, found.slope) == pytest.approx(tuple(fit.params))
    assert found.p == pytest.approx(fit.pvalues[1])
    assert "on 77 degrees of freedom" in found.test_note()


def test_correlation_refuses_what_cannot_be_correlated():
    with pytest.raises(ValueError, match="at least 3"):
        correlate([1, 2], [3, 4])
    with pytest.raises(ValueError, match="same value"):
        correlate([1, 2, 3], [5, 5, 5])


def test_neighbours_weigh_indicators_alike_after_standardising():
    # On raw numbers B would be nearest A (the rate differs by 10 of thousands); standardised,
    # the percentage matters as much, and C is nearest.
    values = {
        "A": {"rate": 1000.0, "pct": 10.0},
        "B": {"rate": 1010.0, "pct": 30.0},
        "C": {"rate": 1200.0, "pct": 10.5},
        "D": {"rate": 3000.0, "pct": 20.0},
        "E": {"rate": None, "pct": 10.0},
    }
    names = {k: f"LA {k}" for k in values}
    found = statistical_neighbours("A", values, names, ["rate", "pct"], count=2)
    assert [n.key for n in found.neighbours] == ["C", "B"]
    assert found.neighbours[0].distance < found.neighbours[1].distance
    assert found.left_out == ["LA E"]
    with pytest.raises(ValueError, match="LA E has no value of rate"):
        statistical_neighbours("E", values, names, ["rate", "pct"])


def test_fixed_bands_label_their_ranges_and_leave_lower_values_out():
    bands = fixed_bands([100, 300, 400, 500])
    assert [b.label for b in bands] == ["100-300", "300-400", "400-500", "500+"]
    assert [band_of(v, bands) for v in (99.9, 100, 299.9, 300, 500, 1200, None)] == [
        None, "100-300", "100-300", "300-400", "500+", "500+", None,
    ]  # fmt: skip
    with pytest.raises(ValueError, match="must rise"):
        fixed_bands([300, 100])


def test_quantile_bands_hold_equal_counts():
    values = [float(v) for v in range(1, 101)]
    bands = quantile_bands(values, 4)
    counts = [sum(1 for v in values if band_of(v, bands) == b.label) for b in bands]
    assert counts == [25, 25, 25, 25]
    assert bands[0].label == "1 of 4 (1-25)" and bands[-1].label == "4 of 4 (76-100)"
