"""A respondent's answers beside its statistical neighbours', as consent allows.

For researchers every unit is named. For a client a unit's answers are shown by name only
where it consented to be linked to them (the questionnaire's `consent: {purpose: link}`
question); the target must have consented, and neighbours that did not are pooled into one
"other neighbours" line that names nobody. Pure Python: no Django import.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from omnibus.analysis.dataset import NOT_ANSWERED, NOT_ASKED, Dataset
from omnibus.context.neighbours import Neighbourhood
from omnibus.dataset.exporting import consent_variable
from omnibus.frame.schema import UnitNoun

RESEARCHER, CLIENT = "researcher", "client"
MIN_POOLED = 3  # fewer pooled answers than this would let a reader work out a neighbour's own


class ComparisonError(ValueError):
    """The comparison cannot be shown to this audience, or asks for what the dataset lacks."""


@dataclass
class ComparisonRow:
    """One line: a unit (or the pooled neighbours) and its answer to each variable."""

    label: str
    answers: list[str]


@dataclass
class NeighbourComparison:
    """The target's answers, then its neighbours', for the variables asked."""

    variables: list[str]
    rows: list[ComparisonRow]
    notes: list[str]


def compare_with_neighbours(
    dataset: Dataset,
    neighbourhood: Neighbourhood,
    variables: list[str],
    audience: str = RESEARCHER,
    units: UnitNoun | None = None,
) -> NeighbourComparison:
    """The target's and its neighbours' answers; a client sees by name only units that consented."""
    units = units or UnitNoun()
    if audience not in (RESEARCHER, CLIENT):
        raise ComparisonError(f"audience is {RESEARCHER} or {CLIENT}, not {audience!r}")
    missing = [v for v in variables if v not in dataset.data.columns]
    if missing:
        raise ComparisonError(f"{dataset.wave}: no variable(s) {', '.join(missing)}")
    keys = dataset.data.get_column("unit").cast(str).to_list()
    index = {k: i for i, k in enumerate(keys)}
    agreed = _consented(dataset)
    target = neighbourhood.key
    if target not in index:
        raise ComparisonError(f"{neighbourhood.name} is not in the wave {dataset.wave}")
    if audience == CLIENT and not agreed[index[target]]:
        raise ComparisonError(f"{neighbourhood.name} did not consent to its answers being linked to its name")
    rows = [ComparisonRow(f"{neighbourhood.name} (this {units.singular})", _answers(dataset, index[target], variables))]
    pooled = []
    for n in neighbourhood.neighbours:
        if n.key not in index:
            continue
        if audience == RESEARCHER or agreed[index[n.key]]:
            rows.append(
                ComparisonRow(
                    f"{n.name} (neighbour, distance {n.distance:.2f})", _answers(dataset, index[n.key], variables)
                )
            )
        else:
            pooled.append(index[n.key])
    notes = [f"Neighbours by {', '.join(neighbourhood.indicators)} (z-scores, Euclidean distance)."]
    if pooled:
        rows.append(ComparisonRow(f"Other neighbours ({len(pooled)}, not named)", _pooled(dataset, pooled, variables)))
        notes.append(
            f"Neighbours that did not consent to be named are shown together (a mean or counts), and only "
            f"where at least {MIN_POOLED} of them answered."
        )
    if audience == RESEARCHER:
        notes.append(f"For researchers only: every {units.singular} is named.")
    return NeighbourComparison(variables, rows, notes)


def _consented(dataset: Dataset) -> list[bool]:
    consent = consent_variable(dataset)
    if consent is None or consent[0] not in dataset.data.columns:
        return [False] * dataset.data.height
    return (dataset.data.get_column(consent[0]) == consent[1]).fill_null(False).to_list()


def _answers(dataset: Dataset, row: int, variables: list[str]) -> list[str]:
    return [_show(dataset.data.get_column(v)[row]) for v in variables]


def _show(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, int | float) and value in (NOT_ASKED, NOT_ANSWERED):
        return "not asked" if value == NOT_ASKED else "not answered"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _pooled(dataset: Dataset, rows: list[int], variables: list[str]) -> list[str]:
    """Means of numbers and counts of codes over the pooled units; fewer than MIN_POOLED answers are not shown."""
    kinds = {v.name: v.kind for v in dataset.variables}
    shown = []
    for v in variables:
        given = [x for x in (dataset.data.get_column(v)[r] for r in rows) if x is not None]
        given = [x for x in given if not (isinstance(x, int | float) and x in (NOT_ASKED, NOT_ANSWERED))]
        if len(given) < MIN_POOLED:
            shown.append(f"fewer than {MIN_POOLED} answers: not shown")
        elif kinds.get(v) == "number":
            shown.append(f"mean {np.mean([float(x) for x in given]):g} (n={len(given)})")
        else:
            counts = Counter(_show(x) for x in given)
            shown.append("; ".join(f"{code}: {n}" for code, n in sorted(counts.items())))
    return shown
