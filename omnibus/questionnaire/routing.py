"""The routing engine: which sections, questions, items and options are asked of a unit.

This is the one implementation of "was this asked?" in Omnibus. The web survey uses it to
find the next page, imports and cleaning to find answers that should not exist, the
dataset to tell "not asked" from "not answered", tables for the base, and the printed
questionnaire for its "Ask if …" lines (through `wording.py`).

Answers are a mapping from answer key (see `variables.py`) to value:

    {"SuppSou": [1, 6, 14], "SuppSou_14_text": "…", "HelpSupp": 6,
     "SocWork_a": 2, "HLEspend1718": 25000, "SWreturn": "…"}

The engine walks the questionnaire in order. A question is asked when its section is asked
and its `ask_if` holds on the answers that are live so far; its own stored answers then
become live if they fit what it offers. Everything else stored is off route: kept in the
answer history by the stores, but never counted as an answer. The `Route` it fills in,
and the rule for which options a question offers, are in `route`, below the question kinds
that read them.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from omnibus.questionnaire import expressions as ex
from omnibus.questionnaire.as_at import date_key
from omnibus.questionnaire.kinds import kind_of
from omnibus.questionnaire.model import Option, Question, Questionnaire
from omnibus.questionnaire.naming import specify_key
from omnibus.questionnaire.route import Route, offered_options
from omnibus.questionnaire.totals import total
from omnibus.questionnaire.unavailable import without_boxes

Answers = Mapping[str, object]


@lru_cache(maxsize=4096)
def parsed(text: str) -> ex.Expr:
    """A parsed expression, cached: the same `ask_if` is evaluated on every page view."""
    return ex.parse(text)


class _Live:
    """The evaluation context: answers that are live so far in the walk."""

    def __init__(self, questionnaire: Questionnaire, live: dict[str, object]) -> None:
        self.questionnaire = questionnaire
        self.live = live

    def value(self, name: str) -> object:
        owner = self.questionnaire.owner(name)
        if owner is not None and owner.unavailable:
            return without_boxes(owner, self.live, name)  # a "Don't know" box has no value to compare
        return self.live.get(name)

    def count(self, name: str) -> int:
        owner = self.questionnaire.owner(name)
        if owner is not None and owner.id == name and kind_of(owner).has_items:
            return sum(1 for item in owner.items if kind_of(owner).row_given(owner, item, self.live))
        value = self.live.get(name)
        if isinstance(value, list):
            return len(value)
        return 0 if value is None else 1

    def answered(self, name: str) -> bool:
        return self.count(name) > 0

    def total(self, name: str) -> float | None:
        return total(self.questionnaire, self.live, name)


def live_context(questionnaire: Questionnaire, live: dict[str, object]) -> ex.Context:
    """The context routing evaluates expressions in: these live answers, a "Don't know" box without a value."""
    return _Live(questionnaire, live)


def holds(condition: str | None, questionnaire: Questionnaire, live: dict[str, object]) -> bool:
    """Whether an `ask_if` holds on these live answers (no condition: always)."""
    if not condition:
        return True
    return ex.evaluate(parsed(condition), _Live(questionnaire, live))


def route(questionnaire: Questionnaire, answers: Answers, pilot: bool = False) -> Route:
    """Walk the questionnaire over a unit's stored answers and say what is asked and live.

    Questions marked `pilot` are asked only when `pilot` is true (a pilot wave).
    """
    result = Route()
    for section in questionnaire.sections:
        if not holds(section.ask_if, questionnaire, result.live):
            continue
        result.sections.append(section.id)
        for question in section.questions:
            if (pilot or not question.pilot) and holds(question.ask_if, questionnaire, result.live):
                _ask(question, questionnaire, answers, result)
    result.off_route = _off_route(answers, result.live)
    return result


def _ask(question: Question, questionnaire: Questionnaire, answers: Answers, result: Route) -> None:
    result.questions.append(question.id)
    kind = kind_of(question)
    if kind.has_items:
        asked = [i for i in question.items if holds(i.ask_if, questionnaire, result.live)]
        result.items[question.id] = [i.id for i in asked]
        result.live.update(kind.take_items(question, asked, answers))
        if kind.scale:
            result.options[question.id] = list(question.options)
        return
    if kind.choice:
        offered = offered_options(question, questionnaire, result.live)
        result.options[question.id] = offered
        _take_choice(question, offered, answers, result.live)
        return
    value = answers.get(question.id)
    if value is not None and kind.answerable:
        result.live[question.id] = value
        dated = date_key(question.id)  # a number's date lives with its figure
        if question.as_at is not None and answers.get(dated) is not None:
            result.live[dated] = answers[dated]


def _take_choice(question: Question, offered: list[Option], answers: Answers, live: dict[str, object]) -> None:
    codes = {o.code for o in offered}
    value = answers.get(question.id)
    multiple = kind_of(question).multiple
    if multiple and isinstance(value, list | tuple | set):
        kept = [code for code in value if code in codes]
        if kept:
            live[question.id] = kept
        chosen = set(kept)
    elif not multiple and value in codes:
        live[question.id] = value
        chosen = {value}
    else:
        chosen = set()
    for option in offered:
        if option.specify and option.code in chosen:
            key = specify_key(question.id, option.code)
            if answers.get(key) not in (None, ""):
                live[key] = answers[key]


def _off_route(answers: Answers, live: Mapping[str, object]) -> dict[str, object]:
    off: dict[str, object] = {}
    for key, value in answers.items():
        if value is None:
            continue
        if key not in live:
            off[key] = value
        elif isinstance(value, list | tuple | set):
            dropped = [code for code in value if code not in live[key]]  # type: ignore[operator]
            if dropped:
                off[key] = dropped
    return off


def dependencies(questionnaire: Questionnaire) -> dict[str, set[str]]:
    """For each question, the questions whose answers decide whether or how it is asked.

    A question depends on what its own `ask_if`, its items', its section's and its
    fed-through options read. Piping changes wording, not routing, and is left out.
    """
    result: dict[str, set[str]] = {}
    for section in questionnaire.sections:
        section_reads = _reads(section.ask_if, questionnaire)
        for question in section.questions:
            reads = set(section_reads) | _reads(question.ask_if, questionnaire)
            for item in question.items:
                reads |= _reads(item.ask_if, questionnaire)
            if question.options_from is not None:
                reads.add(question.options_from.question)
            result[question.id] = reads
    return result


def _reads(condition: str | None, questionnaire: Questionnaire) -> set[str]:
    if not condition:
        return set()
    owners = (questionnaire.owner(name) for name in ex.references(parsed(condition)))
    return {owner.id for owner in owners if owner is not None}
