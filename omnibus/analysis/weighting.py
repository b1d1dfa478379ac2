"""Weighting, optional per wave: raking respondents to the frame's margins.

Raking (iterative proportional fitting) adjusts weights until the weighted respondents match
the frame's count in every group of every chosen attribute at once. Respondents with no value
for an attribute are left as they are at that attribute's step. Weighted tables show Kish's
effective base, (Σw)²/Σw², the unweighted base that would give the same precision.
"""

from __future__ import annotations

import numpy as np

from omnibus.analysis.banner import breakdown_partition
from omnibus.analysis.dataset import Dataset
from omnibus.analysis.profile import took_part
from omnibus.analysis.spec import AnalysisSpec, Breakdown


def rake(dataset: Dataset, margins: list[Breakdown], iterations: int = 100, tolerance: float = 1e-10) -> np.ndarray:
    """Weights (one per dataset row) raking respondents to the frame counts of each margin.

    Non-respondents get weight 0. Starts from N / respondents; stops when no weight changes by
    more than `tolerance` (relative) or after `iterations` rounds.
    """
    responded = took_part(dataset)
    n = int(responded.sum())
    if n == 0:
        raise ValueError(f"no unit of {dataset.wave} took part: nothing to weight")
    weights = np.where(responded, dataset.population_size / n, 0.0)
    parts = [breakdown_partition(dataset, m) for m in margins]
    for _ in range(iterations):
        before = weights.copy()
        for part in parts:
            for j in range(len(part.labels)):
                members = responded & (part.codes == j)
                current = weights[members].sum()
                if current > 0:
                    weights[members] *= part.population[j] / current
        if np.max(np.abs(weights - before) / np.maximum(before, 1e-300)) < tolerance:
            break
    return weights


def rake_spec(dataset: Dataset, spec: AnalysisSpec) -> np.ndarray | None:
    """Weights for a wave as its spec asks (`weighting: {rake: [...]}`), or None when unweighted.

    A name in `rake` is a breakdown of the spec (its groups or bands) or else a frame attribute.
    """
    if not spec.rake:
        return None
    named = {b.name: b for b in spec.breakdowns}
    margins = [named.get(name, Breakdown(name, name, name)) for name in spec.rake]
    return rake(dataset, margins)


def kish_effective_base(weights: np.ndarray) -> float:
    """Kish's effective base of a set of weights."""
    w = weights[weights > 0]
    return float(w.sum()) ** 2 / float(np.dot(w, w)) if len(w) else 0.0
