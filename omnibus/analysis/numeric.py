"""Numeric items (spend, children reached): n, mean, median, minimum, maximum, and outliers.

The seed reports spend means "with one outlier removed": the mean leaves out the values an
outlier rule marks, and a footnote says how many and by which rule; the median, minimum and
maximum use every value (the median is what an outlier hardly moves). The default rule marks
values more than 3 times the interquartile range beyond the quartiles (Tukey's "far out").

The median's interval is distribution-free: the order statistics between which the median
lies with 95% probability whatever the shape of the values (the binomial count of values
below it), so it holds with skewed money where a normal interval would not.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from omnibus.analysis.spec import OutlierRule


@dataclass(frozen=True)
class Fences:
    """The limits outside which a value is an outlier (inclusive limits are kept)."""

    low: float
    high: float

    def outside(self, values: np.ndarray) -> np.ndarray:
        """A mask of the values beyond the fences."""
        return (values < self.low) | (values > self.high)


def fences(values: np.ndarray, rule: OutlierRule) -> Fences:
    """Q1 − k·IQR and Q3 + k·IQR of `values` (quartiles as R's default type 7), or no limits."""
    if rule.rule == "none" or len(values) < 4:
        return Fences(-np.inf, np.inf)
    q1, q3 = np.percentile(values, [25, 75])
    iqr = q3 - q1
    return Fences(float(q1 - rule.k * iqr), float(q3 + rule.k * iqr))


@dataclass(frozen=True)
class Summary:
    """What a numeric table row shows for one column."""

    n: int  # units giving a value
    n_mean: int  # of which kept for the mean
    outliers: int
    mean: float
    median: float
    minimum: float
    maximum: float
    median_low: float = float("nan")  # the median's distribution-free interval
    median_high: float = float("nan")


def median_interval(values: np.ndarray, confidence: float = 0.95) -> tuple[float, float]:
    """The order statistics x₍ₗ₎ ≤ median ≤ x₍ᵤ₎ covering the median with at least `confidence`.

    The count of values below the median is Binomial(n, ½) whatever their distribution; l and u
    are its two-sided quantiles. Under 6 values no interval reaches 95%: nan.
    """
    return _median_interval_of_ordered(np.sort(values), confidence)


def _median_interval_of_ordered(ordered: np.ndarray, confidence: float) -> tuple[float, float]:
    """`median_interval` of values already in ascending order."""
    n = len(ordered)
    low = int(stats.binom.ppf((1 - confidence) / 2, n, 0.5))
    high = n - low  # symmetric: x₍ₗ₎ and x₍ₙ₋ₗ₊₁₎ in 1-based order statistics
    if n == 0 or low < 1:
        return float("nan"), float("nan")
    return float(ordered[low - 1]), float(ordered[high])


def summarise(ordered: np.ndarray, limits: Fences, confidence: float = 0.95) -> Summary:
    """n, mean without outliers, and median (with its interval), minimum and maximum of all values.

    The values come in ascending order (a table sorts each wave's values once and cuts every
    column's from them), so the figures are read off by position and the values within the
    fences are one slice.
    """
    n = len(ordered)
    if n == 0:
        nan = float("nan")
        return Summary(0, 0, 0, nan, nan, nan, nan)
    kept = ordered[np.searchsorted(ordered, limits.low, "left") : np.searchsorted(ordered, limits.high, "right")]
    mean = float(kept.mean()) if len(kept) else float("nan")
    return Summary(
        n,
        len(kept),
        n - len(kept),
        mean,
        float((ordered[(n - 1) // 2] + ordered[n // 2]) / 2),  # as np.median: the middle value, or the two's mean
        float(ordered[0]),
        float(ordered[-1]),
        *_median_interval_of_ordered(ordered, confidence),
    )
