"""Variance formulas: FPC, Wilson, ratio linearisation, the overlap covariance (by simulation), BH."""

import math

import numpy as np
import pytest

from omnibus.analysis.variance import (
    Difference,
    benjamini_hochberg,
    covariance,
    difference,
    fpc,
    kish,
    ratio,
    wilson,
    z_value,
)


def test_proportion_variance_has_the_finite_population_correction():
    y = np.array([1, 1, 0, 0, 1, 0, 1, 1, 0, 1], float)
    est = ratio(y, np.ones(10), np.ones(10), population=40)
    p = 0.6
    assert est.value == pytest.approx(p)
    assert est.se == pytest.approx(math.sqrt((1 - 10 / 40) * p * (1 - p) / 9))
    assert ratio(y, np.ones(10), np.ones(10), population=10).se == 0.0  # everyone answered: exact


def test_ratio_variance_is_linearised():
    y = np.array([10.0, 30.0, 20.0, 50.0])
    x = np.array([1.0, 2.0, 2.0, 3.0])
    est = ratio(y, x, np.ones(4), population=20)
    r = y.sum() / x.sum()
    expected = (1 - 4 / 20) / (4 * 3) * np.sum((y - r * x) ** 2) / x.mean() ** 2
    assert est.value == pytest.approx(r)
    assert est.se == pytest.approx(math.sqrt(expected))


def test_wilson_stays_inside_and_is_not_empty_at_the_edges():
    z = z_value(0.95)
    assert z == pytest.approx(1.959964, abs=1e-6)
    low, high = wilson(0.0, 30, z)
    assert low == 0 and 0.05 < high < 0.2
    low, high = wilson(1.0, 30, z)
    assert high == pytest.approx(1) and 0.8 < low < 0.95
    assert wilson(0.4, math.inf, z) == (0.4, 0.4)


def test_kish_and_fpc():
    assert kish(np.ones(10)) == pytest.approx(10)
    assert kish(np.array([1.0, 3.0])) == pytest.approx(16 / 10)
    assert fpc(50, 152) == pytest.approx(1 - 50 / 152)


def test_difference_of_exact_figures_is_significant_only_if_nonzero():
    a = ratio(np.ones(5), np.ones(5), np.ones(5), population=5)
    b = ratio(np.zeros(5), np.ones(5), np.ones(5), population=5)
    assert difference(a, b).significant
    assert not difference(a, a).significant


def test_benjamini_hochberg_is_stricter_than_single_tests():
    tests = [Difference(0.1, 0.05, 2.0, p, 0, 0.0, p < 0.05) for p in (0.01, 0.04, 0.045, 0.5)]
    benjamini_hochberg(tests)
    assert tests[0].significant and tests[0].q == pytest.approx(0.04)
    assert tests[1].q == pytest.approx(0.06)  # 0.045·4/3 = 0.06 ≥ 0.05, and q is monotone
    assert not tests[1].significant and not tests[2].significant


def _population(rng, n_units=152):
    y1 = (rng.random(n_units) < 0.45).astype(float)
    flip = rng.random(n_units) < 0.2
    y2 = np.where(flip, 1 - y1, y1)  # wave 2 answers mostly repeat wave 1's
    return y1, y2


@pytest.mark.parametrize("m", [65, 15])  # more overlap than chance (40.6), and less
def test_overlap_covariance_matches_simulation(m):
    rng = np.random.default_rng(7)
    big_n, n1, n2 = 152, 80, 77
    y1, y2 = _population(rng, big_n)
    reps = 40000
    order = np.argsort(rng.random((reps, big_n)), axis=1)
    s1 = order[:, :n1]
    s2 = np.concatenate([order[:, :m], order[:, n1 : n1 + n2 - m]], axis=1)
    d = y2[s2].mean(axis=1) - y1[s1].mean(axis=1)
    empirical = d.var()
    s_11, s_22 = y1.var(ddof=1), y2.var(ddof=1)
    s_12 = np.cov(y1, y2, ddof=1)[0, 1]
    cov = s_12 * (m / (n1 * n2) - 1 / big_n)
    formula = (1 - n1 / big_n) * s_11 / n1 + (1 - n2 / big_n) * s_22 / n2 - 2 * cov
    independent = (1 - n1 / big_n) * s_11 / n1 + (1 - n2 / big_n) * s_22 / n2
    assert empirical == pytest.approx(formula, rel=0.04)
    assert abs(empirical - independent) > 0.1 * independent  # the overlap matters here
    # The estimator from one sample's data is right on average.
    estimated = []
    units = np.array([f"U{i}" for i in range(big_n)], dtype=object)
    for k in range(1500):
        a, b = s1[k], s2[k]
        e1 = ratio(y1[a], np.ones(n1), np.ones(n1), big_n, units=units[a], proportion=True)
        e2 = ratio(y2[b], np.ones(n2), np.ones(n2), big_n, units=units[b], proportion=True)
        c, overlap = covariance(e1, e2, big_n)
        assert overlap == m
        estimated.append(difference(e1, e2, c, overlap).se ** 2)
    assert np.mean(estimated) == pytest.approx(formula, rel=0.06)


def test_median_interval_is_the_order_statistics_the_binomial_gives():
    from omnibus.analysis.numeric import median_interval

    # Of 10 values the count below the median is Binomial(10, ½); P(count ≤ 1) = 11/1024 < 2.5% < P(≤ 2),
    # so the interval runs from the 2nd to the 9th value, covering with 1 − 2·11/1024 = 97.9%.
    assert median_interval(np.array([5.0, 1, 9, 3, 7, 2, 10, 4, 8, 6])) == (2.0, 9.0)
    assert all(math.isnan(v) for v in median_interval(np.arange(5.0)))  # 5 values cannot give 95%


def test_a_mean_of_amounts_has_its_interval_on_the_log_scale():
    from omnibus.analysis.variance import ratio, z_value

    y = np.array([10.0, 12, 15, 20, 400])
    e = ratio(y, np.ones(5), np.ones(5), math.inf)
    spread = math.exp(z_value(0.95) * e.se / e.value)
    assert (e.low, e.high) == pytest.approx((e.value / spread, e.value * spread))
    assert e.low > 0 and e.high - e.value > e.value - e.low  # reaches further up than down
    negative = ratio(y - 100, np.ones(5), np.ones(5), math.inf)  # not an amount: the symmetric interval
    assert negative.high - negative.value == pytest.approx(negative.value - negative.low)


@pytest.mark.parametrize("share", [0.0, 0.3, 1.0])
@pytest.mark.parametrize("n", [1, 2, 57])
def test_proportion_from_tallies_equals_the_ratio_estimator(share, n):
    """A percentage from its column's Σw and Σw² is `ratio` over the units."""
    from omnibus.analysis.variance import proportion

    rng = np.random.default_rng(n)
    y = (rng.random(n) < share) * 1.0
    w = rng.uniform(0.5, 3.0, n)
    expected = ratio(y, np.ones(n), w, 80, 0.9, proportion=True)
    got = proportion(float(w @ y), float((w * w) @ y), float((w * w) @ (1 - y)), n, float(w.sum()), kish(w), 80, 0.9)
    for field in ("value", "se", "low", "high", "n_eff", "population"):
        a, b = getattr(got, field), getattr(expected, field)
        assert (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, rel=1e-12, abs=1e-15), field
    assert got.n == expected.n and got.proportion and len(got.residuals) == 0  # no residuals: tallies suffice


def _two_waves(rng, k1, k2, full):
    """Two waves' answers (positions among k₁ and k₂ answers) and weights, of units partly in both."""
    keys = np.arange(400)
    if full:  # the same units in both bases
        units1 = units2 = rng.permutation(keys)[:150]
    else:
        units1, units2 = rng.permutation(keys)[:150], rng.permutation(keys)[:170]
    answers1, answers2 = rng.integers(0, k1, len(units1)), rng.integers(0, k2, len(units2))
    return units1, answers1, rng.uniform(0.3, 3.0, len(units1)), units2, answers2, rng.uniform(0.3, 3.0, len(units2))


def _tallied(chosen, answers, w, population):
    """A percentage from its tallies (as a table's column makes it) and the same over the units."""
    from omnibus.analysis.variance import proportion

    y, ones = chosen[answers], np.ones(len(answers))
    by_units = ratio(y, ones, w, population, proportion=True)
    total = float(w @ ones)  # as `ratio` sums: at 100% both give exactly 1
    tallied = proportion(float(w @ y), float((w * w) @ y), float((w * w) @ (1 - y)), len(y), total, kish(w), population)
    return tallied, by_units


@pytest.mark.parametrize("full", [False, True])
@pytest.mark.parametrize("dense", [True, False])
def test_the_tallied_wave_covariance_equals_the_covariance_of_the_units(full, dense, monkeypatch):
    """A wave test's covariance from the pair's joint tally is the one from the units' residuals, pooled or not."""
    from omnibus.analysis import variance
    from omnibus.analysis.variance import joint_tally, pooled_covariance, pooled_proportion, wave_difference

    if not dense:
        monkeypatch.setattr(variance, "JOINT_CELLS", 1)  # many answers: the joint tally is kept sparse
    rng = np.random.default_rng(11 + full)
    pooled = 0
    for table, (k1, k2) in enumerate([(2, 2), (5, 6), (9, 4)]):  # several tables: answers differ between waves
        units1, answers1, w1, units2, answers2, w2 = _two_waves(rng, k1, k2, full)
        _, i1, i2 = np.intersect1d(units1, units2, assume_unique=True, return_indices=True)
        assert len(i1) == (150 if full else len(i1)) and len(i1) > 2
        s1, s2 = len(w1) * w1 / w1.sum(), len(w2) * w2 / w2.sum()
        joint = joint_tally(answers1[i1], s1[i1], k1, answers2[i2], s2[i2], k2)
        rows = [rng.random(k1) < 0.5 for _ in range(6)] + [np.zeros(k1, bool), np.ones(k1, bool)]  # and 0%, 100%
        for row in rows:
            c1, c2 = row * 1.0, (rng.random(k2) < 0.5) * 1.0
            first, first_units = _tallied(c1, answers1, w1, 400)
            second, second_units = _tallied(c2, answers2, w2, 420)
            first_units.units, second_units.units = units1, units2
            overlap = joint.overlap(c1, c2)
            for common in (0.0, 380.0):
                expected, got = (
                    covariance(first_units, second_units, common),
                    covariance(first, second, common, overlap=overlap),
                )
                assert got[1] == expected[1] == len(i1)
                assert got[0] == pytest.approx(expected[0], rel=1e-9, abs=1e-15), (table, common)
                p = pooled_proportion(first, second)
                expected = pooled_covariance(first_units, second_units, p, common)
                got = pooled_covariance(first, second, p, common, overlap=overlap)
                assert got[0] == pytest.approx(expected[0], rel=1e-9, abs=1e-15) and got[1] == expected[1]
                expected = wave_difference(first_units, second_units, common)
                got = wave_difference(first, second, common, overlap=overlap)
                assert (got.pooled, got.overlap) == (expected.pooled, expected.overlap)
                assert got.se == pytest.approx(expected.se, rel=1e-9) and got.p == pytest.approx(expected.p, rel=1e-9)
                pooled += got.pooled
    assert pooled  # rows at 0% and 100% took the pooled covariance


@pytest.mark.parametrize("dense", [True, False])
def test_a_joint_tally_of_unweighted_waves_counts_what_weights_of_one_sum(dense, monkeypatch):
    from omnibus.analysis import variance
    from omnibus.analysis.variance import joint_tally

    if not dense:
        monkeypatch.setattr(variance, "JOINT_CELLS", 1)
    rng = np.random.default_rng(5)
    k1, k2 = 40, 30  # cells past 255: byte positions must be widened before they are combined
    a1, a2 = rng.integers(0, k1, 300).astype(np.uint8), rng.integers(0, k2, 300).astype(np.uint8)
    counted, summed = joint_tally(a1, 1.0, k1, a2, 1.0, k2), joint_tally(a1, np.ones(300), k1, a2, np.ones(300), k2)
    c1, c2 = (rng.random(k1) < 0.5) * 1.0, (rng.random(k2) < 0.5) * 1.0
    assert counted.overlap(c1, c2) == summed.overlap(c1, c2)
    assert counted.overlap(c1, c2).e1e2 == np.count_nonzero(c1[a1] * c2[a2])


@pytest.mark.parametrize("alpha", [0.05, 0.1])
def test_benjamini_hochberg_decides_and_adjusts_as_statsmodels_does(alpha):
    from statsmodels.stats.multitest import multipletests

    rng = np.random.default_rng(int(alpha * 100))
    for n in (1, 2, 7, 60, 500):
        p = np.concatenate([rng.uniform(0, 0.02, n // 3), rng.uniform(0, 1, n - n // 3)])
        p[rng.random(n) < 0.2] = p[0]  # ties
        tests = [Difference(0.1, 0.05, 2.0, float(v), 0, 0.0) for v in p]
        untestable = Difference(0.1, math.nan, math.nan, math.nan, 0, 0.0)
        benjamini_hochberg([*tests, untestable], alpha)
        reject, q, _, _ = multipletests(p, alpha=alpha, method="fdr_bh")
        assert [t.q for t in tests] == pytest.approx(list(q), rel=1e-12) and [t.significant for t in tests] == list(
            reject
        )
        assert untestable.q is None and not untestable.significant
