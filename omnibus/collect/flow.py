"""Where a respondent goes next: pages of a section, resume points, back links.

All of it follows from the routing engine's answer to "what is asked?"; nothing here keeps
state of its own, so any server can answer any request.
"""

from __future__ import annotations

from omnibus.questionnaire.kinds import kind_of
from omnibus.questionnaire.model import Question, Section
from omnibus.questionnaire.route import Route


def section_pages(section: Section, route: Route) -> list[Question]:
    """The section's pages (one question, grid or statement each) that are asked, in order."""
    return [q for q in section.questions if q.id in route.questions]


def is_answered(question: Question, route: Route) -> bool:
    """Whether a page needs nothing more: every asked item or the question has a live answer.

    A statement needs nothing; an optional question counts as answered, so that resuming
    does not stop at a question the respondent chose to leave.
    """
    if not kind_of(question).answerable or not question.required:
        return True
    kind = kind_of(question)
    if kind.has_items:
        asked = route.items.get(question.id, [])
        return all(kind.row_answered(question, item, route.live) for item in question.items if item.id in asked)
    return question.id in route.live


def first_unanswered(section: Section, route: Route) -> Question | None:
    """Where to resume a section: its first asked page still needing an answer."""
    return next((q for q in section_pages(section, route) if not is_answered(q, route)), None)


def page_after(section: Section, route: Route, question_id: str) -> Question | None:
    """The next asked page of the section, or None when the section's pages are done."""
    pages = section_pages(section, route)
    ids = [q.id for q in pages]
    if question_id in ids:
        following = pages[ids.index(question_id) + 1 :]
        return following[0] if following else None
    # The page is no longer asked (an earlier change re-routed it): carry on from the start.
    return first_unanswered(section, route)


def page_before(section: Section, route: Route, question_id: str) -> Question | None:
    """The previous asked page of the section, or None on its first page."""
    ids = [q.id for q in section_pages(section, route)]
    if question_id not in ids or ids.index(question_id) == 0:
        return None
    return section_pages(section, route)[ids.index(question_id) - 1]
