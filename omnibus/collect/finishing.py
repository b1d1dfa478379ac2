"""Finishing the survey: the warning about sections still in progress, and the one thank-you.

Pure Python over the questionnaire and routing (no Django), so the load bench follows the same pages.

The closing sections (consent) end with a statement of thanks in most questionnaires; the web
survey shows it on the thank-you page rather than as a page of its own, so a respondent is
thanked once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from omnibus.analysis.dataset import NONE, PARTIAL
from omnibus.collect import flow
from omnibus.questionnaire.kinds import kind_of
from omnibus.questionnaire.model import Question, Questionnaire, Section
from omnibus.questionnaire.route import Route


def farewell(questionnaire: Questionnaire) -> Question | None:
    """The statement ending the closing sections, shown on the thank-you page (None when they end with a question)."""
    closing = questionnaire.closing_sections
    last = closing[-1].questions[-1] if closing and closing[-1].questions else None
    return last if last is not None and not kind_of(last).answerable else None


def next_page(questionnaire: Questionnaire, section: Section, route: Route, question_id: str) -> Question | None:
    """The section's next asked page, leaving out the farewell (the thank-you page shows it)."""
    following = flow.page_after(section, route, question_id)
    return None if following is not None and following is farewell(questionnaire) else following


@dataclass(frozen=True)
class Unfinished:
    """The menu sections not completed yet, as the warning before finishing lists them."""

    in_progress: list[Section]
    not_started: list[Section]


def unfinished(sections: list[Section], statuses: Mapping[str, str]) -> Unfinished:
    """The offered menu sections in progress and not started, in menu order (statuses as `UnitProgress.sections`)."""
    return Unfinished(
        in_progress=[s for s in sections if statuses.get(s.id) == PARTIAL],
        not_started=[s for s in sections if statuses.get(s.id, NONE) == NONE],
    )
