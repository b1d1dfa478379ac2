"""Survey answers read against the context: a question by an indicator's bands, a numeric answer by an indicator.

A breakdown by bands is an ordinary banner breakdown of a frame attribute (the bands made a
frame attribute from a date), so the table has the same bases, low-base marks and tests
between columns as every other table. A numeric answer (or a ratio such as spend per child
reached) is correlated with the indicator over the units that gave a usable answer, leaving
out outliers by the spec's rule, and the base and the test are stated. Pure Python: no Django.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from omnibus.analysis.dataset import NOT_ANSWERED, NOT_ASKED, Dataset
from omnibus.analysis.numeric import fences
from omnibus.analysis.spec import AnalysisSpec, Breakdown
from omnibus.analysis.tables import Table, build_banner, decide_significance, prepare, question_tables, shared_ids
from omnibus.context.correlation import Correlation, correlate
from omnibus.context.variation import AreaValue
from omnibus.questionnaire.wording import base_description


class AnswersError(ValueError):
    """A question, variable or attribute the dataset does not have."""


@dataclass
class AnswerCorrelation:
    """A numeric answer against an indicator: the correlation, its base, and the values paired."""

    variable: str
    label: str
    indicator: str
    correlation: Correlation
    base: str  # who is in it, and n
    notes: list[str]
    pairs: list[tuple[str, float, float]]  # unit key, indicator value, answer


def band_tables(dataset: Dataset, question: str, breakdown: Breakdown, spec: AnalysisSpec | None = None) -> list[Table]:
    """The tables of `question` with the breakdown (a frame attribute, e.g. bands of an indicator) as banner."""
    spec = replace(spec or AnalysisSpec(), breakdowns=[breakdown])
    found = dataset.questionnaire.question(question)
    if found is None:
        raise AnswersError(f"{dataset.wave}: no question {question!r} in the questionnaire")
    if f"frame_{breakdown.of}" not in dataset.data.columns:
        known = ", ".join(dataset.frame_attributes)
        raise AnswersError(f"{dataset.wave}: no frame attribute {breakdown.of!r} (the frame has: {known})")
    main = prepare(dataset, spec)
    shared_ids([main])
    columns = build_banner(main.partitions, [], dataset.wave)
    tables = question_tables(main, [], found, spec, columns)
    if not tables:
        raise AnswersError(f"{question} is a {found.type} question: it has no table to break down")
    decide_significance(tables, spec)
    return tables


def answer_values(dataset: Dataset, variable: str, spec: AnalysisSpec | None = None) -> tuple[dict[str, float], str]:
    """Each unit's usable answer to a numeric variable or a ratio of the spec, and the base's wording."""
    spec = spec or AnalysisSpec()
    ratio = next((r for r in spec.ratios if r.name == variable), None)
    if ratio is not None:
        top, top_ok = _numeric(dataset, ratio.numerator, spec)
        bottom, bottom_ok = _numeric(dataset, ratio.denominator, spec)
        ok = top_ok & bottom_ok & (bottom > 0)
        values = np.where(ok, top / np.where(bottom > 0, bottom, 1), np.nan)
        owner = dataset.questionnaire.owner(ratio.numerator)
        who = base_description(owner, dataset.questionnaire) if owner else "Units"
        base = f"{who} who answered both {ratio.numerator} and {ratio.denominator} (above zero), outliers left out"
    else:
        values, ok = _numeric(dataset, variable, spec)
        owner = dataset.questionnaire.owner(variable)
        who = base_description(owner, dataset.questionnaire) if owner else "Units"
        base = f"{who} who gave a figure, outliers left out ({spec.outlier_rule(variable).describe()})"
    keys = dataset.data.get_column("unit").cast(str).to_list()
    return {k: float(v) for k, v, good in zip(keys, values, ok, strict=True) if good}, base


def correlate_answer(
    dataset: Dataset,
    variable: str,
    indicator: dict[str, AreaValue],
    indicator_label: str,
    spec: AnalysisSpec | None = None,
) -> AnswerCorrelation:
    """Pearson's r between a numeric answer (or the spec's ratio) and an indicator, over units with both."""
    answers, who = answer_values(dataset, variable, spec)
    keys = sorted(k for k in answers if k in indicator)
    pairs = [(k, indicator[k].value, answers[k]) for k in keys]
    try:
        result = correlate([p[1] for p in pairs], [p[2] for p in pairs])
    except ValueError as exc:
        raise AnswersError(f"{variable} against {indicator_label}: {exc}") from exc
    without = len(answers) - len(keys)
    notes = [result.test_note()]
    if without:
        notes.append(f"{without} unit(s) that answered have no value of {indicator_label} and are left out.")
    label = next((r.label for r in (spec or AnalysisSpec()).ratios if r.name == variable), variable)
    base = f"Base: {who}, with a value of {indicator_label} (n={result.n})"
    return AnswerCorrelation(variable, label, indicator_label, result, base, notes, pairs)


def _numeric(dataset: Dataset, name: str, spec: AnalysisSpec) -> tuple[np.ndarray, np.ndarray]:
    """A numeric variable's values and the mask of usable ones (answered, inside the outlier fences)."""
    if name not in dataset.data.columns:
        raise AnswersError(f"{dataset.wave}: no variable {name!r}")
    variable = next((v for v in dataset.variables if v.name == name), None)
    if variable is None or variable.kind != "number":
        kind = variable.kind if variable else "not a questionnaire variable"
        raise AnswersError(f"{name} is {kind}: only numeric answers can be correlated")
    values = dataset.data.get_column(name).cast(float).fill_null(NOT_ASKED).to_numpy()
    boxes = [o.code for o in variable.value_labels if o.missing]  # a number's "Don't know" is no value
    answered = (values != NOT_ASKED) & (values != NOT_ANSWERED) & ~np.isin(values, boxes)
    limits = fences(values[answered], spec.outlier_rule(name))
    return values, answered & ~limits.outside(values)
