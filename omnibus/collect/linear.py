"""Where a respondent goes next in a linear survey: page by page through every routed section.

A linear survey (`settings: flow: linear`, or a questionnaire without a menu) has no section
menu: its pages run from the first routed section to the last, then Check your answers for
the whole survey, then submit. Like `flow`, this reads only the routing engine's answer, so
a change that re-routes the survey moves every later step with it.
"""

from __future__ import annotations

from omnibus.collect import flow
from omnibus.questionnaire.model import Question, Questionnaire, Section
from omnibus.questionnaire.route import Route


def routed_sections(questionnaire: Questionnaire, route: Route) -> list[Section]:
    """The sections asked of this unit, in questionnaire order."""
    return [section for section in questionnaire.sections if section.id in route.sections]


def survey_pages(questionnaire: Questionnaire, route: Route) -> list[Question]:
    """Every asked page of the survey, section after section."""
    return [page for section in routed_sections(questionnaire, route) for page in flow.section_pages(section, route)]


def first_unanswered(questionnaire: Questionnaire, route: Route) -> Question | None:
    """Where to resume: the survey's first asked page still needing an answer (None: ready to check)."""
    return next((page for page in survey_pages(questionnaire, route) if not flow.is_answered(page, route)), None)


def page_after(questionnaire: Questionnaire, route: Route, question_id: str) -> Question | None:
    """The next asked page, in this section or the next routed one; None after the last page."""
    pages = survey_pages(questionnaire, route)
    ids = [page.id for page in pages]
    if question_id not in ids:  # no longer asked (re-routed): carry on where answers are missing
        return first_unanswered(questionnaire, route)
    following = pages[ids.index(question_id) + 1 :]
    return following[0] if following else None


def page_before(questionnaire: Questionnaire, route: Route, question_id: str) -> Question | None:
    """The previous asked page, across sections; None on the survey's first page."""
    pages = survey_pages(questionnaire, route)
    ids = [page.id for page in pages]
    if question_id not in ids or ids.index(question_id) == 0:
        return None
    return pages[ids.index(question_id) - 1]


def starts_section(section: Section, route: Route, question_id: str) -> bool:
    """Whether the page is the first asked page of its section (where the section's intro is shown)."""
    pages = flow.section_pages(section, route)
    return bool(pages) and pages[0].id == question_id


def after_page(questionnaire: Questionnaire, route: Route, question_id: str, to_check: bool) -> Question | None:
    """The page to show once a page is saved; None: Check your answers.

    From Check your answers ("Change") the respondent goes back to it, unless the change
    re-routed the survey to a page that still needs an answer: that page comes first.
    """
    if to_check:
        return first_unanswered(questionnaire, route)
    return page_after(questionnaire, route, question_id)
