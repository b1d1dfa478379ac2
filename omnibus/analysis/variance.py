"""Estimates and their variances for a census of a small finite population (docs/statistics.md).

Every figure in a table (a percentage, a mean, a ratio such as spend per child reached) is a
ratio of weighted sums, θ = Σ w·y / Σ w·x, over the units in its base. The units that
answered are treated as a simple random sample without replacement of the N̂ units the
figure describes, so the variance carries the finite population correction (1 − n/N̂), and is
linearised:

    e_i = n · w_i · (y_i − θ·x_i) / Σ w·x        (a unit's residual, mean zero)
    Var(θ) = (1 − n/N̂) · Σ e_i² / (n·(n − 1))

which is what R's survey package gives for `svydesign(ids = ~1, weights = ~w, fpc = ~N)`
with `svymean` or `svyratio`. Two waves' estimates share the units that answered in both;
their covariance is

    Cov(θ₁, θ₂) = s₁₂ · (m/(n₁·n₂) − N₁₂/(N₁·N₂))

with s₁₂ the covariance of the residuals over the m units in both bases and N₁₂ the units in
both populations. It is positive when the overlap is larger than chance would give and
negative when it is smaller, so the overlap can lower or raise the variance of a difference.

Percentages of two groups of a breakdown are tested with the pooled proportion under the null
hypothesis, p̂ = (n₁′p₁ + n₂′p₂)/(n₁′ + n₂′) on the effective bases n′:

    Var₀(p₂ − p₁) = p̂(1 − p̂) · ((1 − f₁)/n₁′ + (1 − f₂)/n₂′)

because a group's own variance is zero at 0% or 100%, which would make any difference from
it "significant" (`group_difference`). Waves keep the design-based variance with the overlap
covariance unless either wave is at 0% or 100%; then the variances and the covariance are
taken under the pooled p̂ as well (`wave_difference`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from scipy import sparse, stats

_NONE = np.empty(0)  # what an estimate without units keeps: one array for all (a tab book makes thousands)
_NONE.flags.writeable = False


@dataclass
class Estimate:
    """One figure with its standard error and confidence interval."""

    value: float  # a proportion (0-1), a mean or a ratio; nan when there is no base
    se: float
    n: int  # units in the base (unweighted)
    n_eff: float  # Kish's effective base (Σw)² / Σw²
    population: float  # N̂: the units the figure describes
    low: float
    high: float
    units: np.ndarray = field(default_factory=lambda: _NONE, repr=False)  # unit keys of the base
    residuals: np.ndarray = field(default_factory=lambda: _NONE, repr=False)  # e_i, in `units` order
    proportion: bool = False  # a percentage (y a 0/1 indicator, x = 1): tested with the pooled proportion
    # n·w_i/Σw·x, in `units` order: e_i = scaled_i·(y_i − θ·x_i), so residuals about another θ can be had
    scaled_weights: np.ndarray = field(default_factory=lambda: _NONE, repr=False)

    @property
    def variance(self) -> float:
        """The squared standard error."""
        return self.se**2


@lru_cache(maxsize=16)
def z_value(confidence: float) -> float:
    """The two-sided normal quantile for a confidence level (1.959964 for 95%)."""
    return float(stats.norm.ppf(0.5 + confidence / 2))


def kish(w: np.ndarray) -> float:
    """Kish's effective base, (Σw)² / Σw²: the unweighted base with the same precision."""
    s2 = float(np.dot(w, w))
    return float(w.sum()) ** 2 / s2 if s2 > 0 else 0.0


def fpc(n: float, population: float) -> float:
    """The finite population correction 1 − n/N (never below zero)."""
    return max(0.0, 1.0 - n / population) if population > 0 else 1.0


def ratio(
    y: np.ndarray,
    x: np.ndarray,
    w: np.ndarray,
    population: float,
    confidence: float = 0.95,
    units: np.ndarray | None = None,
    proportion: bool = False,
) -> Estimate:
    """θ = Σwy/Σwx with its linearised, finite-population variance; `proportion` uses Wilson's interval."""
    n = len(y)
    total_x = float(np.dot(w, x))
    if n == 0 or total_x == 0:
        nan = math.nan
        return Estimate(nan, nan, n, 0.0, population, nan, nan, proportion=proportion)
    theta = float(np.dot(w, y)) / total_x
    scaled = n * w / total_x
    e = scaled * (y - theta * x)
    f = fpc(n, population)
    var = f * float(np.dot(e, e)) / (n * (n - 1)) if n > 1 else math.nan
    se = math.sqrt(var) if var == var else math.nan
    n_eff = kish(w)
    z = z_value(confidence)
    if proportion:
        low, high = wilson(theta, effective_base(theta, var, n_eff, f), z)
    elif theta > 0 and (y >= 0).all() and (x >= 0).all():
        low, high = log_interval(theta, se, z)  # money and counts: skewed, never below zero
    else:
        low, high = (theta - z * se, theta + z * se) if se == se else (math.nan, math.nan)
    keys = units if units is not None else np.arange(n)
    return Estimate(theta, se, n, n_eff, population, low, high, keys, e, proportion, scaled)


def proportion(
    chosen: float,
    chosen_squares: float,
    rest_squares: float,
    n: int,
    total: float,
    n_eff: float,
    population: float,
    confidence: float = 0.95,
) -> Estimate:
    """A percentage from its base's weighted tallies: what `ratio` gives for a 0/1 `y` and x = 1.

    `chosen` is Σw over the units with y = 1, `chosen_squares` Σw² over them and `rest_squares`
    Σw² over the others; `n`, `total` (Σw) and `n_eff` (Kish's base) are the base's, shared by
    every row of a column. With residuals e_i = n·w_i(y_i − θ)/Σw,

        Σe² = (n/Σw)² · (Σ_{y=1} w²·(1 − θ)² + Σ_{y=0} w²·θ²)

    so a row of a column costs a few sums rather than a pass over its units. So does its
    covariance with another wave's percentage (`JointTally`): no residuals are made.
    """
    if n == 0 or total == 0:
        nan = math.nan
        return Estimate(nan, nan, n, 0.0, population, nan, nan, proportion=True)
    theta = chosen / total
    squares = (n / total) ** 2 * (chosen_squares * (1 - theta) ** 2 + rest_squares * theta**2)
    f = fpc(n, population)
    var = f * squares / (n * (n - 1)) if n > 1 else math.nan
    se = math.sqrt(var) if var == var else math.nan
    low, high = wilson(theta, effective_base(theta, var, n_eff, f), z_value(confidence))
    return Estimate(theta, se, n, n_eff, population, low, high, proportion=True)


def effective_base(p: float, var: float, n_eff: float, f: float) -> float:
    """The base n* with p(1−p)/n* equal to the variance; at 0% or 100% from Kish's base and the FPC."""
    if var == var and var > 0 and 0 < p < 1:
        return p * (1 - p) / var
    if f <= 0:
        return math.inf  # every unit of the domain answered: the figure is exact
    return max(n_eff - 1, 0.0) / f


def log_interval(theta: float, se: float, z: float) -> tuple[float, float]:
    """θ·exp(±z·SE/θ): the interval on the log scale, for a positive mean or ratio of skewed amounts.

    Spend is skewed to the right and so is the sampling distribution of its mean: the interval
    θ ± z·SE misses high more often than low, and can go below zero. On the log scale it reaches
    further up than down (bench/test_size.py gives its coverage).
    """
    if se != se:
        return math.nan, math.nan
    spread = math.exp(z * se / theta)
    return theta / spread, theta * spread


def wilson(p: float, n_star: float, z: float) -> tuple[float, float]:
    """Wilson's score interval on an effective base: stays within [0, 1] and is not empty at 0% or 100%."""
    if p != p or n_star <= 0:
        return math.nan, math.nan
    if math.isinf(n_star):
        return p, p
    z2 = z * z
    centre = (p + z2 / (2 * n_star)) / (1 + z2 / n_star)
    half = z / (1 + z2 / n_star) * math.sqrt(p * (1 - p) / n_star + z2 / (4 * n_star * n_star))
    return max(0.0, centre - half), min(1.0, centre + half)


Matched = tuple[np.ndarray, np.ndarray]
"""The units in both bases of two estimates: their positions in the first's and in the second's `units`."""


def match_units(first: Estimate, second: Estimate) -> Matched:
    """The units in both bases, matched by key (tables match them once per wave pair instead)."""
    _, i1, i2 = np.intersect1d(first.units, second.units, assume_unique=True, return_indices=True)
    return i1, i2


@dataclass(frozen=True)
class Overlap:
    """Sums over the m units in both bases of two waves' figures: what their covariance is made of.

    With scaled weights sⱼ = nⱼ·wⱼ/Σwⱼxⱼ and residuals eⱼ = sⱼ·(yⱼ − tⱼxⱼ) about references t₁, t₂,
    the sums of residuals about any other θ₁, θ₂ of a percentage (x = 1, so eⱼ shifts by
    sⱼ·(tⱼ − θⱼ)) follow from these eight (`about`). Made from two estimates' residuals
    (`unit_overlap`, t = each one's own θ), or for percentages from their answers' tallies
    (`JointTally.overlap`, t = 0) without a pass over the units.
    """

    m: int
    references: tuple[float, float]  # t₁, t₂
    e1: float  # Σe₁
    e2: float  # Σe₂
    s1: float  # Σs₁
    s2: float  # Σs₂
    e1e2: float  # Σe₁e₂
    e1s2: float  # Σe₁s₂
    s1e2: float  # Σs₁e₂
    s1s2: float  # Σs₁s₂

    def about(self, theta1: float, theta2: float) -> tuple[float, float, float]:
        """Σe₁, Σe₂ and Σe₁e₂ with the residuals taken about θ₁ and θ₂."""
        d1, d2 = self.references[0] - theta1, self.references[1] - theta2
        if not (d1 or d2):  # about the references themselves (a mean's or ratio's own θ): the sums as they are
            return self.e1, self.e2, self.e1e2
        cross = self.e1e2 + d2 * self.e1s2 + d1 * self.s1e2 + d1 * d2 * self.s1s2
        return self.e1 + d1 * self.s1, self.e2 + d2 * self.s2, cross


def unit_overlap(first: Estimate, second: Estimate, matched: Matched | None = None) -> Overlap:
    """The overlap's sums from two estimates' residuals over the units in both bases (`match_units` unless given)."""
    i1, i2 = matched if matched is not None else match_units(first, second)
    e1, e2 = first.residuals[i1], second.residuals[i2]
    s1, s2 = _scaled_at(first, i1), _scaled_at(second, i2)
    return Overlap(
        len(i1),
        (first.value, second.value),
        float(e1.sum()),
        float(e2.sum()),
        float(s1.sum()),
        float(s2.sum()),
        float(np.dot(e1, e2)),
        float(np.dot(e1, s2)),
        float(np.dot(s1, e2)),
        float(np.dot(s1, s2)),
    )


def _scaled_at(e: Estimate, at: np.ndarray) -> np.ndarray:
    """An estimate's scaled weights at some of its units; nan where it keeps none."""
    return e.scaled_weights[at] if len(e.scaled_weights) == e.n else np.full(len(at), math.nan)


JOINT_CELLS = 1 << 16  # a joint tally of up to this many (answer, answer) cells is a dense array, else sparse


@dataclass
class JointTally:
    """Two waves' answers over the m units in both bases, tallied: what each row's overlap sums.

    cross[a, b] = Σ s₁s₂ over the units answering a in the first wave and b in the second;
    first[a] = Σ s₁ and second[b] = Σ s₂ over them. A table makes it once per wave pair, and a
    row of percentages, counting the answers `chosen1` and `chosen2` (0/1 over the answers),
    has Σe₁ = c₁·S₁ − θ₁ΣS₁ and Σe₁e₂ = c₁ᵀJc₂ − θ₂c₁ᵀJ1 − θ₁1ᵀJc₂ + θ₁θ₂1ᵀJ1 (`Overlap.about`).
    """

    cross: np.ndarray | sparse.csr_array  # J, k₁ × k₂
    rows: np.ndarray  # J1
    columns: np.ndarray  # 1ᵀJ
    first: np.ndarray  # S₁
    second: np.ndarray  # S₂
    m: int

    def overlap(self, chosen1: np.ndarray, chosen2: np.ndarray) -> Overlap:
        """The overlap of the row counting `chosen1` of the first wave's answers and `chosen2` of the second's."""
        return Overlap(
            self.m,
            (0.0, 0.0),  # about zero the residuals are s·y
            float(chosen1 @ self.first),
            float(chosen2 @ self.second),
            float(self.first.sum()),
            float(self.second.sum()),
            float(chosen1 @ (self.cross @ chosen2)),
            float(chosen1 @ self.rows),
            float(self.columns @ chosen2),
            float(self.rows.sum()),
        )


def joint_tally(
    answers1: np.ndarray,
    scaled1: np.ndarray | float,
    k1: int,
    answers2: np.ndarray,
    scaled2: np.ndarray | float,
    k2: int,
) -> JointTally:
    """Tally the units in both bases by their answers' positions in each wave (below k₁, k₂) and scaled weights.

    A wave's scaled weights may be one number, the same for every unit (1 when unweighted): then
    its tallies are counts, which bincount finds faster than sums of weights.
    """
    both = scaled1 * scaled2
    if k1 * k2 <= JOINT_CELLS:
        cells = np.multiply(answers1, k2, dtype=np.int64)  # positions may come as small integers: widened first
        cells += answers2
        cross = _weighted_count(cells, both, k1 * k2).reshape(k1, k2)
    else:  # many answers (codes far apart, or several variables): only the pairs that occur are kept
        values = np.broadcast_to(both, answers1.shape)
        cross = sparse.csr_array((values, (answers1, answers2)), shape=(k1, k2))
    rows, columns = np.asarray(cross.sum(axis=1)).ravel(), np.asarray(cross.sum(axis=0)).ravel()
    first, second = _weighted_count(answers1, scaled1, k1), _weighted_count(answers2, scaled2, k2)
    return JointTally(cross, rows, columns, first, second, len(answers1))


def _weighted_count(at: np.ndarray, weights: np.ndarray | float, k: int) -> np.ndarray:
    """Σ weights per position below k; a single weight multiplies the count."""
    if np.ndim(weights):
        return np.bincount(at, weights=weights, minlength=k)
    return np.bincount(at, minlength=k) * float(weights)


def _overlap_factor(first: Estimate, second: Estimate, m: int, common_population: float) -> float:
    """m/(n₁n₂) − N₁₂/(N₁N₂): what the residuals' covariance s₁₂ is multiplied by."""
    return m / (first.n * second.n) - common_population / (first.population * second.population)


def covariance(
    first: Estimate,
    second: Estimate,
    common_population: float,
    matched: Matched | None = None,
    overlap: Overlap | None = None,
) -> tuple[float, int]:
    """The covariance of two waves' estimates through the units in both bases, and that overlap m.

    `common_population` is N₁₂, the units in both waves' populations (for a domain, scaled by
    the domains' shares of their populations). `overlap` gives the units' sums when a table
    has them from its tallies; otherwise they come from the residuals of the units in both
    bases, `matched` when already known (`match_units` otherwise).
    """
    if overlap is None:
        overlap = unit_overlap(first, second, matched)
    m = overlap.m
    if m < 2 or first.n == 0 or second.n == 0:
        return 0.0, m
    sum1, sum2, cross = overlap.about(first.value, second.value)
    s12 = (cross - sum1 * sum2 / m) / (m - 1)
    return s12 * _overlap_factor(first, second, m, common_population), m


@dataclass
class Difference:
    """A difference between two estimates with its test."""

    difference: float  # second − first
    se: float
    z: float
    p: float
    overlap: int  # units in both bases (0 for independent groups)
    covariance: float
    significant: bool = False
    q: float | None = None  # Benjamini-Hochberg adjusted p, when the false discovery rate is controlled
    pooled: bool = False  # the variance was taken under the null hypothesis, with the pooled proportion


def difference(
    first: Estimate, second: Estimate, cov: float = 0.0, overlap: int = 0, alpha: float = 0.05
) -> Difference:
    """second − first, its standard error (with the covariance) and a two-sided normal test."""
    d = second.value - first.value
    return _test(d, first.variance + second.variance - 2 * cov, cov, overlap, alpha)


def _test(d: float, var: float, cov: float, overlap: int, alpha: float, pooled: bool = False) -> Difference:
    """The two-sided normal test of a difference d with variance var."""
    if math.isnan(var) or math.isnan(d):
        return Difference(d, math.nan, math.nan, math.nan, overlap, cov, pooled=pooled)
    if var <= 0:
        # Both figures are exact (every unit answered): any difference is real, none is noise.
        p = 0.0 if d != 0 else 1.0
        z = math.copysign(math.inf, d) if d else 0.0
        return Difference(d, 0.0, z, p, overlap, cov, p < alpha, pooled=pooled)
    se = math.sqrt(var)
    z = d / se
    p = math.erfc(abs(z) / math.sqrt(2))  # two-sided normal p; scipy's sf is slow per call
    return Difference(d, se, z, p, overlap, cov, p < alpha, pooled=pooled)


def _no_test(first: Estimate, second: Estimate, overlap: int = 0) -> Difference:
    nan = math.nan
    return Difference(second.value - first.value, nan, nan, nan, overlap, 0.0)


def degenerate(e: Estimate) -> bool:
    """A percentage at 0% or 100%: its own (unpooled) variance is zero, whatever its base."""
    return e.proportion and (e.value <= 0 or e.value >= 1)


def pooled_proportion(first: Estimate, second: Estimate) -> float:
    """p̂ = (n₁′p₁ + n₂′p₂)/(n₁′ + n₂′) on Kish's effective bases ((x₁ + x₂)/(n₁ + n₂) unweighted)."""
    total = first.n_eff + second.n_eff
    return (first.n_eff * first.value + second.n_eff * second.value) / total if total > 0 else math.nan


def pooled_variance(first: Estimate, second: Estimate, p: float) -> float:
    """p̂(1 − p̂)·((1 − f₁)/n₁′ + (1 − f₂)/n₂′): the variance of p₂ − p₁ under p₁ = p₂ = p̂, as if independent."""
    if first.n_eff <= 0 or second.n_eff <= 0:
        return math.nan
    f1, f2 = fpc(first.n, first.population), fpc(second.n, second.population)
    return p * (1 - p) * (f1 / first.n_eff + f2 / second.n_eff)


def pooled_covariance(
    first: Estimate,
    second: Estimate,
    p: float,
    common_population: float,
    matched: Matched | None = None,
    overlap: Overlap | None = None,
) -> tuple[float, int]:
    """The overlap covariance of two waves' percentages under the null hypothesis, and the overlap m.

    As `covariance`, but s₁₂ is the mean cross-product of the residuals about the common p̂,
    s₁₂⁰ = Σ e⁰₁ᵢ e⁰₂ᵢ / m with e⁰ᵢ = n·wᵢ(yᵢ − p̂)/Σw, rather than the covariance about each
    wave's own mean (which is zero when a wave is at 0% or 100%). It is kept within the
    correlation bound |s₁₂⁰| ≤ s₁⁰ s₂⁰, sⱼ⁰² = p̂(1 − p̂)·nⱼ/nⱼ′, so the variance stays positive.
    """
    if overlap is None:
        overlap = unit_overlap(first, second, matched)
    m = overlap.m
    cross = overlap.about(p, p)[2] if m >= 2 and first.n and second.n else math.nan
    if cross != cross:  # under two units in both, an empty base, or no scaled weights to shift the residuals by
        return 0.0, m
    bound = p * (1 - p) * math.sqrt(first.n * second.n / (first.n_eff * second.n_eff))
    s12 = min(max(cross / m, -bound), bound)
    return s12 * _overlap_factor(first, second, m, common_population), m


def group_difference(first: Estimate, second: Estimate, alpha: float = 0.05) -> Difference:
    """Two groups of one breakdown (disjoint, independent): second − first and its test.

    Percentages use the pooled proportion under the null hypothesis (`pooled_variance`); means
    and ratios their own variances. A group of fewer than two units gives no test.
    """
    if first.n < 2 or second.n < 2:
        return _no_test(first, second)
    if not (first.proportion and second.proportion):
        return difference(first, second, alpha=alpha)
    d = second.value - first.value
    return _test(d, pooled_variance(first, second, pooled_proportion(first, second)), 0.0, 0, alpha, True)


def wave_difference(
    earlier: Estimate,
    current: Estimate,
    common_population: float,
    alpha: float = 0.05,
    matched: Matched | None = None,
    overlap: Overlap | None = None,
) -> Difference:
    """current − earlier for one figure in two waves sharing units, and its test.

    The design-based variance with the overlap covariance (`covariance`), except for a
    percentage at 0% or 100% in either wave: its own variance is degenerate, so the variances
    and the covariance are taken under the pooled p̂ (`pooled_variance`, `pooled_covariance`).
    A wave with fewer than two units in the base gives no test. `matched`: the units in both
    bases, earlier's positions first, when already known; `overlap`: their sums, earlier's
    first, when a table has them from its tallies (then no residuals are needed).
    """
    if earlier.n < 2 or current.n < 2:
        return _no_test(earlier, current)
    if earlier.proportion and current.proportion and (degenerate(earlier) or degenerate(current)):
        p = pooled_proportion(earlier, current)
        cov, m = pooled_covariance(earlier, current, p, common_population, matched, overlap)
        var = pooled_variance(earlier, current, p) - 2 * cov
        return _test(current.value - earlier.value, var, cov, m, alpha, True)
    cov, m = covariance(earlier, current, common_population, matched, overlap)
    return difference(earlier, current, cov, m, alpha)


def benjamini_hochberg(tests: list[Difference], alpha: float = 0.05) -> None:
    """Control the false discovery rate across `tests`: sets each q and re-decides `significant`.

    Benjamini and Hochberg's step-up rule, by SciPy's `false_discovery_control`: q₍ₖ₎ = min over
    j ≥ k of p₍ⱼ₎·n/j (at most 1), and a test is significant when its q is at most α, which is
    the step-up rule's decision. SciPy is loaded already; statsmodels' `multipletests` gives the
    same (the tests check it) but importing statsmodels would cost a tab book 0.2 s.
    """
    usable = [t for t in tests if t.p == t.p]
    if not usable:
        return
    q = stats.false_discovery_control([t.p for t in usable], method="bh")
    for test, value in zip(usable, q, strict=True):
        test.q = float(value)
        test.significant = bool(value <= alpha)
