"""Synthetic datasets for tests and benchmarks: a frame, random answers, the routing engine.

`synthetic_dataset` makes a `Dataset` the way the dataset builder does, but from random
answers instead of the answer store: each responding unit picks sections, answers are drawn
in questionnaire order (a fed-through question draws from what its source offered), and
`routing.route` decides what was asked. Missing codes follow the contract in `dataset.py`:
a section not reached is NOT_ASKED throughout; within a reached section a question routing
did not ask is NOT_ASKED and one it asked but got no answer is NOT_ANSWERED.

Large datasets reuse a pool of distinct answer patterns (routing every one of 200,000 units
in Python would take minutes and add nothing to a benchmark of the tables).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import polars as pl

from omnibus.analysis.dataset import NOT_ASKED, Dataset
from omnibus.questionnaire.kinds import dataset_value, kind_of
from omnibus.questionnaire.model import Item, Option, Question, Questionnaire
from omnibus.questionnaire.naming import Variable
from omnibus.questionnaire.route import Route
from omnibus.questionnaire.routing import route
from omnibus.questionnaire.variables import question_variables, variables

# The default frame is the CSO's: the shares of its Wave 3 frame (Table 3 of the seed). Another
# population's shares, or its frame itself (`frame=`), make a dataset of that population.
CSO_FRAME_SHARES: dict[str, dict[str, float]] = {
    "type": {"county": 27, "unitary": 55, "metropolitan district": 36, "London borough": 34},
    "region_group": {"North": 50, "East & Midlands": 34, "London & South": 68},
    "cin_band": {"100-300": 49, "300-400": 53, "400-500": 34, "500+": 16},
    "ofsted": {"Outstanding": 2, "Good": 47, "Requires improvement to be good": 66, "Inadequate": 29, "": 8},
}


def synthetic_frame(
    units: int, rng: np.random.Generator, shares: Mapping[str, Mapping[str, float]] = CSO_FRAME_SHARES
) -> pl.DataFrame:
    """A frame of `units` units with attributes drawn in `shares` (`frame_<name>` columns; "" draws no value).

    The CSO's default adds an FSM percentage, a number attribute, as its frame has one.
    """
    columns: dict[str, object] = {"unit": [f"U{i:06d}" for i in range(units)]}
    for name, weights in shares.items():
        labels = list(weights)
        p = np.array([weights[k] for k in labels], dtype=float)
        drawn = rng.choice(len(labels), size=units, p=p / p.sum())
        columns[f"frame_{name}"] = [labels[i] or None for i in drawn]
    if shares is not CSO_FRAME_SHARES:
        return pl.DataFrame(columns)
    fsm = rng.normal(38, 13, size=units).clip(2, 75).round(1)
    fsm[rng.random(units) < 0.07] = np.nan  # some units have no FSM figure
    columns["frame_fsm_pct"] = fsm
    return pl.DataFrame(columns).with_columns(pl.col("frame_fsm_pct").fill_nan(None))


def synthetic_dataset(
    questionnaire: Questionnaire,
    units: int,
    *,
    seed: int = 0,
    wave: str = "synthetic",
    take_part: float = 0.5,
    section_take: float = 0.85,
    partial: float = 0.06,
    skip: float = 0.03,
    pool: int = 3000,
    frame: pl.DataFrame | None = None,
) -> Dataset:
    """A wave's dataset for `units` frame units with random answers routed by the questionnaire.

    `take_part` is the share of units that respond at all; a responding unit takes each menu
    section with probability `section_take`, leaves a taken section part-way with probability
    `partial`, and leaves an asked question unanswered with probability `skip`. Pass `frame` (a
    DataFrame with `unit` and `frame_<name>` columns) to answer for a given population.
    """
    rng = np.random.default_rng(seed)
    frame = synthetic_frame(units, rng) if frame is None else frame
    n = frame.height
    names = variables(questionnaire)
    patterns = [_respondent(questionnaire, rng, section_take, partial, skip) for _ in range(min(pool, n))]
    takes = rng.random(n) < take_part
    which = rng.integers(0, len(patterns), size=n)
    pool_frame = _to_frame([*patterns, _nonrespondent(questionnaire)], names, questionnaire)
    data = pool_frame[np.where(takes, which, len(patterns))]  # gather: fast for any size
    data = pl.concat([frame, data], how="horizontal")
    attributes = [c.removeprefix("frame_") for c in frame.columns if c.startswith("frame_")]
    return Dataset(wave, questionnaire, names, data, population_size=n, frame_attributes=attributes)


def _nonrespondent(questionnaire: Questionnaire) -> dict[str, object]:
    row: dict[str, object] = {f"section_{s.id}": "none" for s in questionnaire.sections}
    for var in variables(questionnaire):
        row[var.name] = None if var.kind in ("text", "date") else NOT_ASKED
    return row


def _respondent(
    questionnaire: Questionnaire, rng: np.random.Generator, section_take: float, partial: float, skip: float
) -> dict[str, object]:
    """One responding unit: sections taken, answers drawn, routed, then coded as the contract says."""
    # Without a menu every section is asked of everyone, so none is drawn.
    menu_sections = {s.id for _, s in questionnaire.menu_sections} if questionnaire.menu else set()
    taken = {s.id for s in questionnaire.sections if s.id not in menu_sections or rng.random() < section_take}
    if not taken & menu_sections and menu_sections:
        taken.add(sorted(menu_sections)[int(rng.integers(len(menu_sections)))])
    answers: dict[str, object] = {}
    stopped: dict[str, int] = {}
    for section in questionnaire.sections:
        if section.id not in taken:
            continue
        questions = [q for q in section.questions if kind_of(q).answerable]
        stop = int(rng.integers(1, len(questions))) if len(questions) > 1 and rng.random() < partial else None
        stopped[section.id] = len(questions) if stop is None else stop
        for index, question in enumerate(questions):
            if index >= stopped[section.id]:
                break
            answers.update(_answer(question, questionnaire, answers, rng, skip))
    routed = route(questionnaire, answers)
    row: dict[str, object] = {}
    for section in questionnaire.sections:
        answerable = [q for q in section.questions if kind_of(q).answerable]
        state = "none"
        if section.id in taken:
            state = "complete" if stopped.get(section.id, 0) >= len(answerable) else "partial"
        row[f"section_{section.id}"] = state
        for question in section.questions:
            reached = state != "none"
            for var in question_variables(question, questionnaire):
                row[var.name] = _coded(var, question, routed, reached)
    return row


def _answer(
    question: Question, questionnaire: Questionnaire, answers: dict[str, object], rng: np.random.Generator, skip: float
) -> dict[str, object]:
    """Random stored answers for one question (some left blank)."""
    if rng.random() < skip:
        return {}
    return kind_of(question).random_answer(question, questionnaire, answers, SyntheticDraw(rng))


@dataclass
class SyntheticDraw:
    """How synthetic answers are drawn: earlier codes more often, skewed numbers, fixed texts; every item answered."""

    rng: np.random.Generator

    def items(self, question: Question, questionnaire: Questionnaire, answers: Mapping[str, object]) -> list[Item]:
        """Every item (routing later decides which were asked)."""
        return list(question.items)

    def code(self, question: Question, options: list[Option]) -> int:
        """One code, earlier ones more often."""
        return int(options[_skewed(self.rng, len(options))].code)

    def codes(self, question: Question, offered: list[Option]) -> list[int]:
        """Now and then the exclusive code alone, else up to max_choices of the others (earlier ones more often)."""
        exclusive = [o for o in offered if o.exclusive]
        plain = [o for o in offered if not o.exclusive]
        if exclusive and self.rng.random() < 0.08 or not plain:
            return [exclusive[0].code] if exclusive else []
        limit = question.max_choices or len(plain)
        k = int(self.rng.integers(1, min(limit, len(plain)) + 1))
        picks = self.rng.choice(len(plain), size=k, replace=False, p=_weights(len(plain)))
        return [plain[i].code for i in sorted(picks)]

    def number(self, question: Question, item: Item | None) -> float:
        """A skewed number within the item's bounds, else the question's."""
        if item is None:
            return _number(question, self.rng, question.min, question.max)
        return _number(question, self.rng, item.min, item.max)

    def text(self, question: Question) -> str:
        """The same few words for every open answer."""
        return "Some words"

    def specify(self, question: Question, option: Option) -> str:
        """The same words for every "please specify"."""
        return "Something else"


def _weights(k: int) -> np.ndarray:
    w = 1.0 / np.arange(1, k + 1) ** 0.7  # earlier options chosen more often, as in real data
    return w / w.sum()


def _skewed(rng: np.random.Generator, k: int) -> int:
    return int(rng.choice(k, p=_weights(k)))


def _number(question: Question, rng: np.random.Generator, low: float | None, high: float | None) -> float:
    top = high if high is not None else question.max if question.max is not None else 1000.0
    bottom = low if low is not None else question.min if question.min is not None else 0.0
    scale = max((top - bottom) / 200.0, 1.0)
    value = min(top, bottom + rng.lognormal(0.0, 1.0) * scale)  # skewed: a few very large values
    return float(round(value)) if question.integer else round(float(value), 2)


def _coded(var: Variable, question: Question, routed: Route, reached: bool) -> object:
    """One variable's dataset value, with the contract's missing codes."""
    asked = reached and kind_of(question).is_asked(question, var.name, routed)
    return dataset_value(var, asked, routed.live)


def _to_frame(rows: list[dict[str, object]], names: list[Variable], questionnaire: Questionnaire) -> pl.DataFrame:
    columns: dict[str, pl.Series] = {}
    for section in questionnaire.sections:
        key = f"section_{section.id}"
        columns[key] = pl.Series(key, [r[key] for r in rows], dtype=pl.String)
    for var in names:
        values = [r[var.name] for r in rows]
        dtype = {"text": pl.String, "number": pl.Float64, "date": pl.Date}.get(var.kind, pl.Int64)
        columns[var.name] = pl.Series(var.name, values, dtype=dtype)
    return pl.DataFrame(list(columns.values()))
