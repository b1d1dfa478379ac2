"""What happened to one unit in a wave, in time order: invited, reminded, started, sections completed, submitted, calls.

Read from what fieldwork keeps: the unit's messages, its respondents and answer history (through the
reverse relations the survey's models declare, so this module needs no import from the survey),
its section states and its call log. For researchers only: it names recipients and callers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Min

from omnibus.fieldwork.models import SectionState, WaveUnit
from omnibus.fieldwork.progress import menu_section_ids
from omnibus.fieldwork.questionnaires import questionnaire_of

# How a campaign's template is said in the timeline; any other template is "Sent NAME".
SENT_AS = {"invitation": "Invited", "reminder": "Reminded"}


@dataclass(frozen=True)
class TimelineEvent:
    """One thing that happened to the unit."""

    at: datetime
    what: str  # Invited, Reminded, Started, Section completed, Submitted, Called
    detail: str = ""


def unit_timeline(wave_unit: WaveUnit) -> list[TimelineEvent]:
    """Every event of the unit, oldest first."""
    events = _messages(wave_unit) + _started(wave_unit) + _sections(wave_unit) + _calls(wave_unit)
    return sorted(events, key=lambda e: e.at)


def _messages(wave_unit: WaveUnit) -> list[TimelineEvent]:
    rows = wave_unit.messages.select_related("campaign").order_by("created_at", "id")
    return [
        TimelineEvent(
            m.sent_at or m.created_at,
            SENT_AS.get(m.campaign.template_name, f"Sent {m.campaign.template_name}"),
            f"{m.recipient_email} ({m.get_status_display().lower()})",
        )
        for m in rows
    ]


def _started(wave_unit: WaveUnit) -> list[TimelineEvent]:
    """When the unit first saw a page, answered (its answer history) or a colleague began."""
    first_page = wave_unit.page_events.aggregate(at=Min("at"))["at"]
    first_answer = wave_unit.answer_events.aggregate(at=Min("at"))["at"]
    first_respondent = wave_unit.respondents.aggregate(at=Min("started_at"))["at"]
    found = [t for t in (first_page, first_answer, first_respondent) if t is not None]
    return [TimelineEvent(min(found), "Started")] if found else []


def _sections(wave_unit: WaveUnit) -> list[TimelineEvent]:
    """Each menu section completed; once every closing section (consent, thanks) is, the unit submitted."""
    questionnaire = questionnaire_of(wave_unit.wave.questionnaire)
    titles = {s.id: s.title for s in questionnaire.sections}
    menu = set(menu_section_ids(wave_unit.wave))
    closing = [sid for sid in titles if sid not in menu]
    done = {
        s.section: s.completed_at or s.updated_at
        for s in wave_unit.sections.filter(status=SectionState.COMPLETED)
        if s.section in titles
    }
    events = [TimelineEvent(at, "Section completed", titles[sid]) for sid, at in done.items() if sid in menu]
    if closing and all(sid in done for sid in closing):
        events.append(TimelineEvent(max(done[sid] for sid in closing), "Submitted"))
    return events


def _calls(wave_unit: WaveUnit) -> list[TimelineEvent]:
    events = []
    for call in wave_unit.call_notes.order_by("at", "id"):
        detail = f"{call.get_outcome_display()} (by {call.caller})"
        if call.promised_for:
            detail += f", promised for {call.promised_for:%d %B %Y}"
        events.append(TimelineEvent(call.at, "Called", detail))
    return events
