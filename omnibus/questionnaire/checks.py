"""Cross-item checks (`checks:`): rules over several answers, checked on the page, in imports and by the checker.

    checks:
      - rule: PBplans <= EHCPissued
        message: Plans with a personal budget must be no more than the plans issued
        field: PBplans
      - rule: sum(Pct) = 100
        message: The percentages must add up to 100

A check sits on a question (its rule reads that question and earlier ones) or on a section
(any of its questions and earlier ones). It is made once every answer it reads has a value:
a number not given yet, a "Don't know" box or an item not asked leaves it unmade, so a
respondent is never held up by a figure they could not give. It is checked on the page of each
question it reads, so a check spanning pages is made when the later page is submitted (and again
if an earlier one is changed); its message points to `field` when that is on the page, else to
the page's first answer the rule reads. Imports make every check on each unit's answers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from omnibus.questionnaire import expressions as ex
from omnibus.questionnaire.kinds import kind_of
from omnibus.questionnaire.model import Check, Question, Questionnaire, Section
from omnibus.questionnaire.problems import Problem
from omnibus.questionnaire.reading import FieldError
from omnibus.questionnaire.route import Route
from omnibus.questionnaire.routing import live_context, parsed, route
from omnibus.questionnaire.unavailable import without_boxes
from omnibus.questionnaire.wording import describe


@dataclass(frozen=True)
class PlacedCheck:
    """A check with where it is declared, what it reads, and the answer its message points to."""

    check: Check
    owner: Question | Section
    reads: tuple[str, ...]  # the question and item ids of its rule, in order
    field: str  # an answer key: the field named, or the first the rule reads (a set's first item)

    def applies(self, result: Route) -> bool:
        """Whether the unit was asked what the check is declared on."""
        if isinstance(self.owner, Section):
            return self.owner.id in result.sections
        return self.owner.id in result.questions


class _Unknown(Exception):
    """An answer a check reads has no value yet: the check is not made."""


class _Known:
    """The evaluation context of a check: every answer it reads must have a value."""

    def __init__(self, questionnaire: Questionnaire, result: Route) -> None:
        self.q, self.route = questionnaire, result
        self.live = live_context(questionnaire, result.live)

    def value(self, name: str) -> object:
        owner = self.q.owner(name)
        value = without_boxes(owner, self.route.live, name) if owner is not None else None
        if value is None:
            raise _Unknown(name)
        return value

    def count(self, name: str) -> int:
        return self.live.count(name)

    def answered(self, name: str) -> bool:
        return self.live.answered(name)

    def total(self, name: str) -> float | None:
        owner = self.q.owner(name)
        names = self.route.items.get(name, []) if owner is not None and owner.id == name and owner.items else [name]
        values = [self.value(n) for n in names]
        if not values or not all(_is_number(v) for v in values):
            raise _Unknown(name)
        return sum(values)  # type: ignore[arg-type]


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def placed_checks(questionnaire: Questionnaire) -> list[PlacedCheck]:
    """Every check of the questionnaire (sections' after their questions'), each placed; unparsable ones left out."""
    placed = []
    for section in questionnaire.sections:
        for question in section.questions:
            placed += [_place(c, question, questionnaire) for c in question.checks]
        placed += [_place(c, section, questionnaire) for c in section.checks]
    return [p for p in placed if p is not None]


def _place(check: Check, owner: Question | Section, q: Questionnaire) -> PlacedCheck | None:
    try:
        reads = tuple(ex.references(parsed(check.rule)))
    except ex.ExpressionError:
        return None
    own = [n for n in reads if isinstance(owner, Question) and _owner_id(n, q) == owner.id]
    named = check.field or (own or list(reads) or [""])[0]
    return PlacedCheck(check, owner, reads, _first_key(named, q))


def _owner_id(name: str, q: Questionnaire) -> str | None:
    owner = q.owner(name)
    return owner.id if owner is not None else None


def _first_key(name: str, q: Questionnaire) -> str:
    """An answer key for a name: a set's (or grid's) first item, else the name itself."""
    owner = q.owner(name)
    if owner is not None and owner.id == name and owner.items:
        return owner.items[0].id
    return name


def holds(placed: PlacedCheck, questionnaire: Questionnaire, result: Route) -> bool | None:
    """Whether the check holds on a unit's route; None when it is not made (not asked, or an answer has no value)."""
    if not placed.applies(result):
        return None
    try:
        return ex.evaluate(parsed(placed.check.rule), _Known(questionnaire, result))
    except _Unknown:
        return None


def failures(questionnaire: Questionnaire, result: Route) -> list[PlacedCheck]:
    """The checks that a unit's answers break."""
    return [p for p in placed_checks(questionnaire) if holds(p, questionnaire, result) is False]


def page_errors(
    page: Question, questionnaire: Questionnaire, live: dict[str, object], given: dict[str, object], pilot: bool
) -> list[FieldError]:
    """The checks a page's answers break, with the stored answers: errors on the page's own fields."""
    on_page = {page.id, *(item.id for item in page.items)}
    due = [p for p in placed_checks(questionnaire) if on_page.intersection(p.reads)]
    if not due:  # most pages: no check reads them, and routing is not walked again
        return []
    merged = {k: v for k, v in {**live, **given}.items() if v is not None}
    result = route(questionnaire, merged, pilot=pilot)
    errors = []
    for placed in due:
        read_here = [n for n in placed.reads if n in on_page]
        if holds(placed, questionnaire, result) is False:
            anchor = placed.field if placed.field in on_page else _first_key(read_here[0], questionnaire)
            errors.append(FieldError(anchor, placed.check.message))
    return errors


def check_lines(question: Question, questionnaire: Questionnaire) -> list[str]:
    """The printed copies' lines for the checks made once this question is answered (the last they read)."""
    lines = []
    for placed in placed_checks(questionnaire):
        positions = [questionnaire.position(o) for n in placed.reads if (o := _owner_id(n, questionnaire))]
        if positions and max(positions) == questionnaire.position(question.id):
            lines.append(f"Check: {describe(placed.check.rule, questionnaire)}. If not: “{placed.check.message}”")
    return lines


# -- what the checker reports -------------------------------------------------------------------


def problems(questionnaire: Questionnaire) -> list[Problem]:
    """Every check's mistakes, at their lines: a rule that does not parse, names an unknown or later
    question, compares what cannot be compared, or a field that is not one of its answers."""
    found: list[Problem] = []
    for section in questionnaire.sections:
        last = section.questions[-1] if section.questions else None
        for question in section.questions:
            found += _check_problems(question.checks, question, question, questionnaire)
        if last is not None:
            found += _check_problems(section.checks, section, last, questionnaire)
    return found


def _check_problems(checks: list[Check], owner: Question | Section, last: Question, q: Questionnaire) -> list[Problem]:
    where = f"{owner.id}: check" if isinstance(owner, Question) else f"section {owner.id}: check"
    found = []
    for check in checks:
        line = check.lines.get("rule", check.line)
        try:
            expr = parsed(check.rule)
        except ex.ExpressionError as error:
            found.append(Problem(line, f"{where} '{check.rule}': {error.message} (at column {error.column})"))
            continue
        reads = ex.references(expr)
        if not reads:
            found.append(Problem(line, f"{where} '{check.rule}' reads no answer"))
        for name in reads:
            source = q.owner(name)
            if source is None:
                found.append(
                    Problem(line, f"{where} '{check.rule}' refers to '{name}', which is not a question or item")
                )
            elif q.position(source.id) > q.position(last.id):
                found.append(Problem(line, f"{where} '{check.rule}' refers to {name}, which comes after it"))
        found += [Problem(line, f"{where} '{check.rule}': {message}") for message in _type_problems(expr, q)]
        if check.field is not None and not _answers_of(check.field, owner, q):
            what = f"{owner.id}" if isinstance(owner, Question) else f"section {owner.id}"
            found.append(
                Problem(
                    check.lines.get("field", check.line), f"{where}: field '{check.field}' is not an answer of {what}"
                )
            )
    return found


def _answers_of(name: str, owner: Question | Section, q: Questionnaire) -> bool:
    source = q.owner(name)
    if source is None:
        return False
    return source.id == owner.id if isinstance(owner, Question) else source.section == owner.id


def _type_problems(expr: ex.Expr, q: Questionnaire) -> Iterable[str]:
    if isinstance(expr, ex.Compare):
        left, right = _sort(expr.left, q), _sort(expr.right, q)
        for node, sort in ((expr.left, left), (expr.right, right)):
            if sort in SORT_WORDS:
                yield f"{_shown(node)} {SORT_WORDS[sort]}: compare one value (an item, or sum(…))"
        if {left, right} == {"number", "text"} or {left, right} == {"code", "text"}:
            yield f"{_shown(expr.left)} ({left}) cannot be compared with {_shown(expr.right)} ({right})"
    if isinstance(expr, ex.Call) and expr.function == "sum":
        for arg in expr.args:
            if _sort(arg, q) not in ("number", "set of numbers"):
                yield f"sum() adds numbers, and {_shown(arg)} is not a number or a set of numbers"
    for child in ex.children(expr):
        yield from _type_problems(child, q)


SORT_WORDS = {"several": "has several answers", "none": "has no answer", "set of numbers": "has items"}


def _sort(node: ex.Expr, q: Questionnaire) -> str:
    """What a value is, for comparing: number, code, text, set of numbers, several, none, or other."""
    if isinstance(node, ex.Literal):
        return "text" if isinstance(node.value, str) else "number"
    if isinstance(node, ex.Call):
        return "number" if node.function in ("sum", "count") else "other"
    if not isinstance(node, ex.Ref):
        return "other"
    owner = q.owner(node.name)
    if owner is None:
        return "other"
    kind = kind_of(owner)
    if owner.id == node.name and kind.has_items:
        return "set of numbers" if kind.numeric else "several"
    if kind.multiple:
        return "several"
    if not kind.answerable:
        return "none"
    return "number" if kind.numeric else "code" if kind.coded else "text"


def _shown(node: ex.Expr) -> str:
    if isinstance(node, ex.Ref):
        return node.name
    if isinstance(node, ex.Literal):
        return repr(node.value) if isinstance(node.value, str) else str(node.value)
    if isinstance(node, ex.Call):
        return f"{node.function}({', '.join(_shown(a) for a in node.args)})"
    return "the expression"
