"""Two measures of the same units against each other: Pearson's r with its test, R², the fitted line.

Used for indicator against indicator (looked-after rate against deprivation) and for survey
answers against an indicator (spend per child reached against the children-in-need rate).
Only units with both values count; the base says how many. Pure Python: no Django import.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

MIN_PAIRS = 3  # a correlation of two points is always ±1; its test has no degrees of freedom


@dataclass(frozen=True)
class Correlation:
    """Pearson's r between x and y over `n` units, with its two-sided t-test and Spearman's rho."""

    n: int
    r: float
    r_squared: float
    p: float  # two-sided, t-test on n − 2 degrees of freedom (H0: no linear association)
    intercept: float  # least-squares line y = intercept + slope × x
    slope: float
    rho: float  # Spearman's rank correlation, for a check that does not lean on a straight line
    rho_p: float

    def significant(self, alpha: float = 0.05) -> bool:
        """Whether the correlation differs from zero at level `alpha`."""
        return self.p < alpha

    def test_note(self) -> str:
        """The test, as a table or chart states it."""
        return (
            f"Pearson's r = {self.r:.2f} (R² = {self.r_squared:.2f}), n = {self.n}; two-sided t-test of r = 0 on "
            f"{self.n - 2} degrees of freedom, {_p(self.p)}. "
            f"Spearman's rho = {self.rho:.2f} ({_p(self.rho_p)})."
        )


def correlate(x: list[float] | np.ndarray, y: list[float] | np.ndarray) -> Correlation:
    """Correlate paired values; pairs with a missing (NaN) value on either side are left out."""
    xs, ys = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if xs.shape != ys.shape:
        raise ValueError(f"x has {xs.size} values and y {ys.size}: they must be paired")
    both = ~np.isnan(xs) & ~np.isnan(ys)
    xs, ys = xs[both], ys[both]
    if xs.size < MIN_PAIRS:
        raise ValueError(f"a correlation needs at least {MIN_PAIRS} units with both values; there are {xs.size}")
    if np.ptp(xs) == 0 or np.ptp(ys) == 0:
        raise ValueError("one of the measures has the same value for every unit: there is nothing to correlate")
    pearson = stats.pearsonr(xs, ys)
    spearman = stats.spearmanr(xs, ys)
    slope, intercept = np.polyfit(xs, ys, 1)
    r = float(pearson.statistic)
    return Correlation(
        n=int(xs.size),
        r=r,
        r_squared=r * r,
        p=float(pearson.pvalue),
        intercept=float(intercept),
        slope=float(slope),
        rho=float(spearman.statistic),
        rho_p=float(spearman.pvalue),
    )


def _p(p: float) -> str:
    """p as a test note writes it: "p < 0.001" or "p = 0.042"."""
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"
