"""Statistical neighbours: the units most like a given one on a chosen set of indicators.

Each indicator is standardised (z-scores over the units that have every chosen indicator), so
that a rate per 10,000 and a percentage weigh alike; neighbours are the nearest by Euclidean
distance. Pure Python: no Django import.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Neighbour:
    """A unit near the target, and how near (in standard deviations, over all indicators)."""

    key: str
    name: str
    distance: float


@dataclass
class Neighbourhood:
    """A unit's neighbours, and the units that could not be compared for want of a value."""

    key: str
    name: str
    indicators: list[str]
    neighbours: list[Neighbour]
    left_out: list[str]  # names of units missing a chosen indicator


def statistical_neighbours(
    target: str,
    values: dict[str, dict[str, float | None]],
    names: dict[str, str],
    indicators: list[str],
    count: int = 10,
) -> Neighbourhood:
    """The `count` units nearest `target` on the z-scored `indicators` (values: unit -> indicator -> value)."""
    if not indicators:
        raise ValueError("choose at least one indicator to find neighbours by")
    complete = [k for k, v in values.items() if all(v.get(i) is not None for i in indicators)]
    have = set(complete)
    left_out = sorted(names.get(k, k) for k in values if k not in have)
    if target not in values:
        raise ValueError(f"unit {target} has no values of {', '.join(indicators)}")
    if target not in complete:
        missing = [i for i in indicators if values[target].get(i) is None]
        raise ValueError(f"{names.get(target, target)} has no value of {', '.join(missing)}")
    matrix = np.array([[float(values[k][i]) for i in indicators] for k in complete])
    spread = matrix.std(axis=0)
    spread[spread == 0] = 1.0  # an indicator every unit shares says nothing about nearness
    scores = (matrix - matrix.mean(axis=0)) / spread
    here = scores[complete.index(target)]
    distances = np.sqrt(((scores - here) ** 2).sum(axis=1))
    order = sorted((d, names.get(k, k), k) for k, d in zip(complete, distances, strict=True) if k != target)
    nearest = [Neighbour(k, name, float(d)) for d, name, k in order[:count]]
    return Neighbourhood(target, names.get(target, target), list(indicators), nearest, left_out)
