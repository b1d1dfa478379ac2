"""The multivariable view of response: a logistic model of taking part on every profile attribute at once.

Table 3 tests each attribute alone; attributes go together (counties are mostly in the south),
so an attribute can look related to response only through another. The model puts all the
profile's attributes in together and tests each one given the others (a likelihood-ratio test
of dropping it), and the R-indicator summarises how much the modelled response propensities
vary: R = 1 − 2·S(ρ̂), 1 when every unit is as likely to respond as any other (Schouten, Cobben
and Bethlehem 2009). Units with no value for an attribute (and no `no_value` row) are left out.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from scipy import stats


@dataclass(frozen=True)
class AttributeEffect:
    """One attribute's test given the others: the likelihood-ratio statistic of dropping it."""

    label: str
    lr: float
    df: int
    p: float


@dataclass(frozen=True)
class ResponseModel:
    """The logistic model of taking part on the profile's attributes, with the R-indicator."""

    units: int  # units with a value for every attribute
    took_part: int
    effects: list[AttributeEffect]
    lr: float  # all attributes together against response at random
    df: int
    p: float
    r_indicator: float

    def describe(self) -> list[str]:
        """The sentences under Table 3 (the live page, Appendix 1 and the tab book say the same)."""
        each = "; ".join(f"{e.label} {e.lr:.2f} on {e.df} df, p = {e.p:.3f}" for e in self.effects)
        return [
            f"All attributes together (a logistic model of taking part, {self.units} units with every value): "
            f"likelihood-ratio chi-square {self.lr:.2f} on {self.df} df, p = {self.p:.3f}; "
            f"R-indicator {self.r_indicator:.2f} (1 means response as if at random across these attributes).",
            f"Each attribute given the others: {each}.",
        ]


def response_model(rows: list[tuple[str, np.ndarray]], responded: np.ndarray) -> ResponseModel | None:
    """Fit the model from each attribute's (label, row index per unit, −1 for no value); None if it cannot be fitted."""
    if not rows:
        return None
    known = np.all([codes >= 0 for _, codes in rows], axis=0)
    y = responded[known].astype(np.int64)
    if len(y) < 10 or y.min() == y.max():
        return None
    patterns = _patterns([codes[known] for _, codes in rows], y)
    blocks = [_dummies(codes) for codes in patterns.codes]
    full = _fit(patterns, blocks)
    empty = _fit(patterns, [])
    if full is None or empty is None:
        return None
    effects = []
    for i, (label, _) in enumerate(rows):
        reduced = _fit(patterns, blocks[:i] + blocks[i + 1 :])
        df = blocks[i].shape[1]
        if reduced is None or df == 0:
            continue
        lr = max(2 * (full.llf - reduced.llf), 0.0)
        effects.append(AttributeEffect(label, lr, df, float(stats.chi2.sf(lr, df))))
    df = sum(b.shape[1] for b in blocks)
    lr = max(2 * (full.llf - empty.llf), 0.0)
    return ResponseModel(
        int(known.sum()),
        int(y.sum()),
        effects,
        lr,
        df,
        float(stats.chi2.sf(lr, df)) if df else float("nan"),
        float(1 - 2 * _unit_std(full.predict(), patterns.units)),
    )


@dataclass(frozen=True)
class _Patterns:
    """The units grouped by their attributes' rows and whether they took part: the model's data.

    A logistic model of categorical attributes only sees each distinct pattern, so fitting one
    row per (pattern, took part) with its count as a frequency weight gives the same likelihood
    as one row per unit, with a few hundred rows where a large frame has hundreds of thousands.
    """

    codes: list[np.ndarray]  # each attribute's row, per pattern
    took_part: np.ndarray  # 0/1 per pattern
    units: np.ndarray  # units per pattern


def _patterns(codes: list[np.ndarray], y: np.ndarray) -> _Patterns:
    """Count the units of each distinct (attribute rows, took part) combination."""
    dense = [np.unique(c, return_inverse=True) for c in codes]
    sizes = [len(values) for values, _ in dense] + [2]
    keys = np.ravel_multi_index([inverse for _, inverse in dense] + [y], sizes)
    unique, counts = np.unique(keys, return_counts=True)
    parts = np.unravel_index(unique, sizes)
    return _Patterns(
        codes=[values[part] for (values, _), part in zip(dense, parts[:-1], strict=True)],
        took_part=parts[-1].astype(float),
        units=counts.astype(float),
    )


def _unit_std(propensity: np.ndarray, units: np.ndarray) -> float:
    """The standard deviation over units (divisor n) of the propensities fitted per pattern."""
    mean = np.average(propensity, weights=units)
    return float(np.sqrt(np.average((propensity - mean) ** 2, weights=units)))


def _dummies(codes: np.ndarray) -> np.ndarray:
    """Indicator columns of each row present but the first (the reference)."""
    present = np.unique(codes)
    return (
        np.column_stack([codes == c for c in present[1:]]).astype(float)
        if len(present) > 1
        else np.empty((len(codes), 0))
    )


def _fit(patterns: _Patterns, blocks: list[np.ndarray]):  # noqa: ANN202 - a statsmodels results object
    """The logistic fit of taking part on an intercept and the blocks' columns, or None when it fails."""
    # Imported here: statsmodels takes a second to import, which every command and server worker
    # would pay at start-up (the outbox's messages import this module) to fit no model. Its GLM
    # alone, not statsmodels.api: half the time, which a tab book's first call pays.
    from statsmodels.genmod.families import Binomial
    from statsmodels.genmod.generalized_linear_model import GLM

    n = len(patterns.took_part)
    x = np.column_stack([np.ones(n), *blocks]) if blocks else np.ones((n, 1))
    model = GLM(patterns.took_part, x, family=Binomial(), freq_weights=patterns.units)
    with warnings.catch_warnings():
        # A row where nobody (or everybody) took part sends its coefficient to infinity; the
        # likelihood still converges, which is all the tests and the propensities need.
        warnings.simplefilter("ignore")
        try:
            return model.fit(maxiter=100)
        except (np.linalg.LinAlgError, ValueError):
            return None
