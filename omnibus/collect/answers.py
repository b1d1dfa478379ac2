"""Save a page of answers: history kept, routing re-applied, colleagues' edits never overwritten.

Every save runs in one transaction holding a lock on the unit's row, so two colleagues
saving at the same moment are put one after the other, never interleaved. What a page
showed is remembered as a fingerprint of its answers; if the stored answers changed after
the page was shown and the new submission differs from them, the save is refused as a
conflict and the person sees the newer answers and decides.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from omnibus.analysis.profile import counted_sections
from omnibus.collect.models import Answer, AnswerEvent
from omnibus.fieldwork.models import Respondent, SectionState, Wave, WaveUnit
from omnibus.fieldwork.progress import UnitProgress, progress_from_statuses
from omnibus.questionnaire.model import Questionnaire
from omnibus.questionnaire.route import Route
from omnibus.questionnaire.routing import route
from omnibus.questionnaire.variables import answer_key_owners


def live_answers(wave_unit: WaveUnit) -> dict[str, object]:
    """A unit's stored answers by key."""
    return dict(Answer.objects.filter(wave_unit=wave_unit).values_list("key", "value"))


def routed(questionnaire: Questionnaire, wave_unit: WaveUnit, answers: dict[str, object] | None = None) -> Route:
    """The route of a unit's answers (pilot questions asked only in pilot waves)."""
    stored = live_answers(wave_unit) if answers is None else answers
    return route(questionnaire, stored, pilot=wave_unit.wave.kind == Wave.PILOT)


def fingerprint(answers: dict[str, object], keys: list[str]) -> str:
    """A short digest of the values of `keys`: what a page showed, to spot a colleague's change."""
    shown = {key: answers.get(key) for key in sorted(keys)}
    return hashlib.sha256(json.dumps(shown, sort_keys=True, default=str).encode()).hexdigest()[:32]


@dataclass
class SaveResult:
    """What a save did: saved, or refused because a colleague changed the page first."""

    saved: bool
    conflict: dict[str, object] = field(default_factory=dict)  # the newer stored answers of the page
    route: Route | None = None


def save_page(
    wave_unit: WaveUnit,
    questionnaire: Questionnaire,
    section: str,
    page_keys: list[str],
    submitted: dict[str, object],
    seen: str | None,
    respondent: Respondent | None,
    mode: str = Answer.WEB,
) -> SaveResult:
    """Store a page's answers (None clears one), unless a colleague changed them since `seen`."""
    with transaction.atomic():
        lock_unit(wave_unit)
        stored = live_answers(wave_unit)
        current = {key: stored.get(key) for key in page_keys}
        wanted = {key: submitted.get(key) for key in page_keys}
        if seen is not None and seen != fingerprint(stored, page_keys) and wanted != current:
            return SaveResult(saved=False, conflict={k: v for k, v in current.items() if v is not None})
        changed = _write(wave_unit, section, stored, submitted, respondent, mode)
        result = routed(questionnaire, wave_unit, stored)
        _move_off_route(wave_unit, questionnaire, stored, result, respondent, mode)
        if changed or not SectionState.objects.filter(wave_unit=wave_unit, section=section).exists():
            _touch_section(wave_unit, section, respondent)
        return SaveResult(saved=True, route=result)


def lock_unit(wave_unit: WaveUnit) -> None:
    """Hold the unit's row until the transaction ends, so saves for one unit go one at a time.

    `of=("self",)` and the plain ordering keep the lock on this one row: a join to the wave
    (which a default ordering would add) would lock the wave's row too and make every save
    in the wave wait for every other.
    """
    WaveUnit.objects.select_for_update(of=("self",)).filter(pk=wave_unit.pk).order_by("pk").values_list("pk").first()


def _write(
    wave_unit: WaveUnit,
    section: str,
    stored: dict[str, object],
    submitted: dict[str, object],
    respondent: Respondent | None,
    mode: str,
) -> bool:
    """Apply the page to `stored` and the database in a few statements; whether anything changed."""
    changes = {key: value for key, value in submitted.items() if stored.get(key) != value}
    if not changes:
        return False
    now = timezone.now()
    AnswerEvent.objects.bulk_create(
        AnswerEvent(
            wave_unit=wave_unit,
            key=key,
            value=value,
            kind=AnswerEvent.CLEARED if value is None else AnswerEvent.GIVEN,
            section=section,
            mode=mode,
            respondent=respondent,
            at=now,
        )
        for key, value in changes.items()
    )
    cleared = [key for key, value in changes.items() if value is None]
    Answer.objects.filter(wave_unit=wave_unit, key__in=cleared).delete()
    given = [
        Answer(
            wave_unit=wave_unit, key=key, value=value, section=section, mode=mode, respondent=respondent, updated_at=now
        )
        for key, value in changes.items()
        if value is not None
    ]
    Answer.objects.bulk_create(
        given,
        update_conflicts=True,
        unique_fields=["wave_unit", "key"],
        update_fields=["value", "section", "mode", "respondent", "updated_at"],
    )
    for key, value in changes.items():
        if value is None:
            stored.pop(key, None)
        else:
            stored[key] = value
    return True


def _move_off_route(
    wave_unit: WaveUnit,
    questionnaire: Questionnaire,
    stored: dict[str, object],
    result: Route,
    respondent: Respondent | None,
    mode: str,
) -> None:
    """Answers the new route no longer asks for leave the live answers; the history keeps them."""
    owners = answer_key_owners(questionnaire)
    for key, value in result.off_route.items():
        section = owners[key].section if key in owners else ""
        AnswerEvent.objects.create(
            wave_unit=wave_unit,
            key=key,
            value=value,
            kind=AnswerEvent.OFF_ROUTE,
            section=section,
            mode=mode,
            respondent=respondent,
        )
        if key in result.live:  # some codes of a multiple choice are no longer offered
            Answer.objects.filter(wave_unit=wave_unit, key=key).update(value=result.live[key])
            stored[key] = result.live[key]
        else:
            Answer.objects.filter(wave_unit=wave_unit, key=key).delete()
            stored.pop(key, None)


def _touch_section(wave_unit: WaveUnit, section: str, respondent: Respondent | None) -> None:
    """A change makes a section in progress again, even a completed one, until it is checked."""
    SectionState.objects.update_or_create(
        wave_unit=wave_unit,
        section=section,
        defaults={"status": SectionState.IN_PROGRESS, "last_respondent": respondent, "completed_at": None},
    )


def complete_section(wave_unit: WaveUnit, section: str, respondent: Respondent | None) -> None:
    """Mark a section completed (its "Check your answers" page was confirmed)."""
    SectionState.objects.update_or_create(
        wave_unit=wave_unit,
        section=section,
        defaults={"status": SectionState.COMPLETED, "last_respondent": respondent, "completed_at": timezone.now()},
    )


def unit_section_states(wave_unit: WaveUnit) -> dict[str, SectionState]:
    """The unit's section states by section id (a section never touched has none), with who last worked on each."""
    return {s.section: s for s in SectionState.objects.filter(wave_unit=wave_unit).select_related("last_respondent")}


def menu_progress(wave_unit: WaveUnit, questionnaire: Questionnaire, states: dict[str, SectionState]) -> UnitProgress:
    """The unit's progress over the menu sections, from its states as `unit_section_states` read them."""
    menu = [section.id for section in counted_sections(questionnaire)]
    return progress_from_statuses(wave_unit.pk, {sid: state.status for sid, state in states.items()}, menu)
