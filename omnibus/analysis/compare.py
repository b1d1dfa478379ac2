"""Waves compared: each percentage and mean of a wave against an earlier wave, with a test.

Questions are matched across waves by variable name (and codes by their code). The test
uses the covariance of the two estimates through the units that answered in both waves
(`variance.covariance`), each wave's finite population correction, and optionally
Benjamini-Hochberg across all the comparisons. A percentage at 0% or 100% in either wave is
tested with the pooled proportion under H0 instead (`variance.wave_difference`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from omnibus.analysis.dataset import Dataset
from omnibus.analysis.spec import AnalysisSpec
from omnibus.analysis.tables import wave_tables


@dataclass
class Comparison:
    """A figure in two waves and whether they differ."""

    name: str  # variable, item or ratio
    row: str  # the row label (a code, a net, "Mean")
    kind: str  # percent, net, mean, ratio
    earlier: float  # percentages in per cent
    current: float
    difference: float  # current − earlier
    se: float
    p: float
    q: float | None  # Benjamini-Hochberg adjusted p when the spec controls the false discovery rate
    significant: bool
    overlap: int  # units in both bases


def compare_waves(
    current: Dataset,
    earlier: Dataset,
    spec: AnalysisSpec,
    weights: dict[str, np.ndarray] | None = None,
) -> list[Comparison]:
    """Every tested figure of `current` against `earlier` (variables matched by name)."""
    plain = replace(spec, breakdowns=[])  # the total only: breakdowns are not compared across waves
    out = []
    for table in wave_tables(current, plain, [earlier], weights):
        for test in table.tests:
            if test.kind != "wave":
                continue
            row = table.rows[test.row]
            scale = 100.0 if row.kind in ("percent", "net") else 1.0
            d = test.difference
            out.append(
                Comparison(
                    table.name,
                    row.label,
                    row.kind,
                    row.cells[test.a].value,
                    row.cells[test.b].value,
                    d.difference * scale,
                    d.se * scale,
                    d.p,
                    d.q,
                    d.significant,
                    d.overlap,
                )
            )
    return out
