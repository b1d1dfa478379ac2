"""Banner columns: the total, each breakdown's groups, and earlier waves, lettered A, B, C…

A breakdown reads a frame attribute (`frame_<name>` of the dataset), perhaps grouping its
values (county against the rest) or banding a number (FSM %). Units with no value for the
attribute fall in none of its columns. Each column knows how many frame units it covers
(its N), which the finite population correction needs.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import polars as pl

from omnibus.analysis.dataset import Dataset
from omnibus.analysis.spec import Breakdown


@dataclass
class Column:
    """One banner column of a table."""

    key: str  # "total", "type:County", "wave:wave-2"
    label: str
    group: str  # "Total", the breakdown's label, or "Earlier waves"
    letter: str
    wave: str


@dataclass
class Partition:
    """A way of splitting a wave's units into banner columns (the total is a partition of one)."""

    name: str
    label: str
    labels: list[str]
    codes: np.ndarray  # per unit: the index of its column, −1 for none
    population: np.ndarray  # per column: frame units in it (N)
    columns: list[Column] = field(default_factory=list)

    @cached_property
    def members(self) -> list[np.ndarray]:
        """Per column: its rows, in row order. Found once, in one sort: every table's columns are cut from these."""
        rows = np.flatnonzero(self.codes >= 0)
        codes = self.codes[rows].astype(np.min_scalar_type(len(self.labels)))  # small integers sort by radix
        order = np.argsort(codes, kind="stable")  # stable: rows stay in order
        sizes = np.bincount(codes, minlength=len(self.labels))
        return np.split(rows[order], np.cumsum(sizes)[:-1])


def letters(count: int) -> list[str]:
    """Column letters A…Z, then AA, AB…"""
    alphabet = string.ascii_uppercase
    out = []
    for i in range(count):
        out.append(alphabet[i] if i < 26 else alphabet[i // 26 - 1] + alphabet[i % 26])
    return out


def total_partition(dataset: Dataset) -> Partition:
    """The whole wave as one column."""
    n = dataset.data.height
    population = np.array([float(dataset.population_size)])
    return Partition("total", "Total", ["Total"], np.zeros(n, dtype=np.int64), population)


def breakdown_partition(dataset: Dataset, breakdown: Breakdown) -> Partition:
    """A breakdown's columns for a wave: grouped values, bands of a number, or each value in turn."""
    column = f"frame_{breakdown.of}"
    if column not in dataset.data.columns:
        raise ValueError(f"breakdown {breakdown.name!r} needs {column!r}, which the dataset of {dataset.wave} lacks")
    values = dataset.data.get_column(column)
    if breakdown.bands:
        labels = list(breakdown.bands)
        codes = _banded(values.cast(pl.Float64).to_numpy(), list(breakdown.bands.values()))
    else:
        text = values.cast(pl.String)
        if breakdown.groups:
            labels = list(breakdown.groups)
            lookup = {v: i for i, vs in enumerate(breakdown.groups.values()) for v in vs}
        else:
            labels = sorted(v for v in text.drop_nulls().unique().to_list() if v != "")
            lookup = {v: i for i, v in enumerate(labels)}
        # mapped by polars over the distinct values, not by a Python lookup per unit
        codes = text.replace_strict(lookup, default=-1, return_dtype=pl.Int64).to_numpy()
    return Partition(breakdown.name, breakdown.label, labels, codes, _populations(dataset, codes, len(labels)))


def _banded(values: np.ndarray, bands: list[tuple[float | None, float | None]]) -> np.ndarray:
    codes = np.full(len(values), -1, dtype=np.int64)
    for i, (low, high) in enumerate(bands):
        inside = ~np.isnan(values)
        if low is not None:
            inside &= values >= low
        if high is not None:
            inside &= values < high
        codes[inside & (codes == -1)] = i  # the first band a value fits wins
    return codes


def _populations(dataset: Dataset, codes: np.ndarray, k: int) -> np.ndarray:
    """Frame units per column: counted when the dataset holds every frame unit, else scaled up."""
    counts = np.bincount(codes[codes >= 0], minlength=k).astype(float)
    if dataset.data.height >= dataset.population_size or dataset.data.height == 0:
        return counts
    return counts * dataset.population_size / dataset.data.height


def build_banner(partitions: list[Partition], earlier: list[str], wave: str) -> list[Column]:
    """Letter every column: the main wave's partitions in order, then one total per earlier wave."""
    columns: list[Column] = []
    for part in partitions:
        part.columns = [
            Column("total" if part.name == "total" else f"{part.name}:{label}", label, part.label, "", wave)
            for label in part.labels
        ]
        columns.extend(part.columns)
    for other in earlier:
        columns.append(Column(f"wave:{other}", other, "Earlier waves", "", other))
    for column, letter in zip(columns, letters(len(columns)), strict=True):
        column.letter = letter
    return columns
