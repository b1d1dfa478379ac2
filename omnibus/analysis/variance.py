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
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from scipy import stats


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
    units: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=object), repr=False)  # unit keys of the base
    residuals: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False)  # e_i, in `units` order

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
        return Estimate(nan, nan, n, 0.0, population, nan, nan)
    theta = float(np.dot(w, y)) / total_x
    e = n * w * (y - theta * x) / total_x
    f = fpc(n, population)
    var = f * float(np.dot(e, e)) / (n * (n - 1)) if n > 1 else math.nan
    se = math.sqrt(var) if var == var else math.nan
    n_eff = kish(w)
    z = z_value(confidence)
    if proportion:
        low, high = wilson(theta, effective_base(theta, var, n_eff, f), z)
    else:
        low, high = (theta - z * se, theta + z * se) if se == se else (math.nan, math.nan)
    keys = units if units is not None else np.arange(n)
    return Estimate(theta, se, n, n_eff, population, low, high, keys, e)


def effective_base(p: float, var: float, n_eff: float, f: float) -> float:
    """The base n* with p(1−p)/n* equal to the variance; at 0% or 100% from Kish's base and the FPC."""
    if var == var and var > 0 and 0 < p < 1:
        return p * (1 - p) / var
    if f <= 0:
        return math.inf  # every unit of the domain answered: the figure is exact
    return max(n_eff - 1, 0.0) / f


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


def covariance(first: Estimate, second: Estimate, common_population: float) -> tuple[float, int]:
    """The covariance of two waves' estimates through the units in both bases, and that overlap m.

    `common_population` is N₁₂, the units in both waves' populations (for a domain, scaled by
    the domains' shares of their populations).
    """
    shared, i1, i2 = np.intersect1d(first.units, second.units, assume_unique=True, return_indices=True)
    m = len(shared)
    if m < 2 or first.n == 0 or second.n == 0:
        return 0.0, m
    e1, e2 = first.residuals[i1], second.residuals[i2]
    s12 = float(np.dot(e1 - e1.mean(), e2 - e2.mean())) / (m - 1)
    factor = m / (first.n * second.n) - common_population / (first.population * second.population)
    return s12 * factor, m


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


def difference(
    first: Estimate, second: Estimate, cov: float = 0.0, overlap: int = 0, alpha: float = 0.05
) -> Difference:
    """second − first, its standard error (with the covariance) and a two-sided normal test."""
    d = second.value - first.value
    var = first.variance + second.variance - 2 * cov
    if math.isnan(var) or math.isnan(d):
        return Difference(d, math.nan, math.nan, math.nan, overlap, cov)
    if var <= 0:
        # Both figures are exact (every unit answered): any difference is real, none is noise.
        p = 0.0 if d != 0 else 1.0
        return Difference(d, 0.0, math.copysign(math.inf, d) if d else 0.0, p, overlap, cov, p < alpha)
    se = math.sqrt(var)
    z = d / se
    p = math.erfc(abs(z) / math.sqrt(2))  # two-sided normal p; scipy's sf is slow per call
    return Difference(d, se, z, p, overlap, cov, p < alpha)


def benjamini_hochberg(tests: list[Difference], alpha: float = 0.05) -> None:
    """Control the false discovery rate across `tests`: sets each q and re-decides `significant`."""
    from statsmodels.stats.multitest import multipletests

    usable = [t for t in tests if t.p == t.p]
    if not usable:
        return
    reject, q, _, _ = multipletests([t.p for t in usable], alpha=alpha, method="fdr_bh")
    for test, r, qv in zip(usable, reject, q, strict=True):
        test.q = float(qv)
        test.significant = bool(r)
