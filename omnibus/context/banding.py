"""Bands of an indicator: fixed cut points (100-300, 300-400, 400-500, 500+) or equal-count groups.

A band set turns each unit's value into a label, which becomes a frame attribute so that
breakdowns and the response profile use it. Pure Python: no Django import.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class IndicatorBand:
    """One band: `low` <= value < `high` (None: unbounded)."""

    label: str
    low: float | None
    high: float | None

    def contains(self, value: float) -> bool:
        """Whether the value falls in this band."""
        return (self.low is None or value >= self.low) and (self.high is None or value < self.high)

    def as_dict(self) -> dict[str, object]:
        """The band as stored: label, from, to."""
        return {"label": self.label, "from": self.low, "to": self.high}


def fixed_bands(cuts: list[float]) -> list[IndicatorBand]:
    """Bands between ascending cut points, the last open-ended: [100, 300, 500] -> 100-300, 300-500, 500+."""
    if not cuts:
        raise ValueError("give at least one cut point")
    if any(b <= a for a, b in zip(cuts, cuts[1:], strict=False)):
        raise ValueError(f"cut points must rise: {', '.join(f'{c:g}' for c in cuts)}")
    bands = [IndicatorBand(f"{low:g}-{high:g}", low, high) for low, high in zip(cuts, cuts[1:], strict=False)]
    return [*bands, IndicatorBand(f"{cuts[-1]:g}+", cuts[-1], None)]


def quantile_bands(values: list[float], groups: int) -> list[IndicatorBand]:
    """`groups` bands holding (as near as ties allow) equal numbers of units, labelled with their ranges."""
    if groups < 2:
        raise ValueError("quantile bands need at least 2 groups")
    data = np.sort(np.asarray(values, dtype=float))
    if data.size < groups:
        raise ValueError(f"{data.size} values cannot make {groups} groups")
    cuts = np.unique(np.quantile(data, np.linspace(0, 1, groups + 1)[1:-1]))
    edges = [None, *[float(c) for c in cuts], None]
    bands = []
    for i, (low, high) in enumerate(zip(edges, edges[1:], strict=False), start=1):
        inside = data[(data >= (low if low is not None else -np.inf)) & (data < (high if high is not None else np.inf))]
        span = f"{inside.min():g}-{inside.max():g}" if inside.size else "none"
        bands.append(IndicatorBand(f"{i} of {len(edges) - 1} ({span})", low, high))
    return bands


def band_of(value: float | None, bands: list[IndicatorBand]) -> str | None:
    """The label of the band holding `value`, or None (no value, or below the first band)."""
    if value is None:
        return None
    return next((b.label for b in bands if b.contains(value)), None)
