"""A unit's answers as lines of words, for Check your answers and the printable copy.

One wording for both: option labels for codes, numbers with their prefix and suffix, texts as
typed (`piping.answer_text`, as piped text shows them), grid and numeric items each on a line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from omnibus.collect import flow
from omnibus.questionnaire import as_at
from omnibus.questionnaire.kinds import kind_of
from omnibus.questionnaire.labels import short_label
from omnibus.questionnaire.model import Question, Questionnaire, Section
from omnibus.questionnaire.piping import answer_text, pipe
from omnibus.questionnaire.route import Route
from omnibus.questionnaire.row_answers import row_lines

NOT_ANSWERED = "Not answered"


@dataclass
class AnsweredPage:
    """One asked page and what the unit answered on it."""

    question: Question
    label: str  # the short label, piped
    text: str  # the question's full wording, piped
    lines: list[str]


@dataclass
class AnsweredSection:
    """A section on the unit's route, with its asked pages."""

    section: Section
    pages: list[AnsweredPage] = field(default_factory=list)


def answer_lines(page: Question, q: Questionnaire, route: Route, item_length: int | None = None) -> list[str]:
    """What the unit answered on a page, a line per answer ("Not answered" when nothing is stored).

    A grid's or set's items are named by their text, cut at a word to `item_length` characters
    when given (Check your answers), whole otherwise (the copy kept for the records).
    """
    live = route.live
    if kind_of(page).has_items:
        return row_lines(page, q, live, item_length) or [NOT_ANSWERED]
    if page.id not in live:
        return [NOT_ANSWERED]
    dated = live.get(as_at.date_key(page.id)) if page.as_at is not None else None
    relates = [f"Figures relate to {as_at.long_date(date.fromisoformat(dated))}"] if isinstance(dated, str) else []
    specified = [str(live[k]) for k in sorted(live) if k.startswith(f"{page.id}_") and k.endswith("_text")]
    return [answer_text(page.id, q, live), *relates, *specified]


def answered_page(page: Question, q: Questionnaire, route: Route, item_length: int | None = None) -> AnsweredPage:
    """A page with its label, wording and answer lines (items cut to `item_length`, see `answer_lines`)."""
    live = route.live
    lines = answer_lines(page, q, route, item_length)
    return AnsweredPage(page, pipe(short_label(page), q, live), pipe(page.text, q, live), lines)


def answered_sections(q: Questionnaire, route: Route) -> list[AnsweredSection]:
    """The sections the unit answered, each with its asked pages (answered or not), in questionnaire order."""
    sections = []
    for section in q.sections:
        if section.id not in route.sections:
            continue
        pages = [answered_page(p, q, route) for p in flow.section_pages(section, route) if kind_of(p).answerable]
        if any(page.lines != [NOT_ANSWERED] for page in pages):
            sections.append(AnsweredSection(section, pages))
    return sections
