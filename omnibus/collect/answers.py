"""Save a page of answers: history kept, routing re-applied, colleagues' edits never overwritten.

Every save runs in one transaction holding a lock on the unit's row, so two colleagues
saving at the same moment are put one after the other, never interleaved. What a page
showed is remembered as a fingerprint of its answers; if the stored answers changed after
the page was shown and the new submission differs from them, the save is refused as a
conflict and the person sees the newer answers and decides.

A survey page is on the hot path: `read_unit` reads in one query what a request needs (the
unit, its wave's times, the questionnaire version, the respondent, a section's state and
the live answers), taking the row lock when the request saves; a save then writes only what
changed, in a few set-wise statements.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from omnibus.analysis.profile import counted_sections
from omnibus.collect.models import Answer, AnswerEvent
from omnibus.fieldwork.models import QuestionnaireVersion, Respondent, SectionState, Wave, WaveUnit
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
class UnitRead:
    """What one query read of a unit: the row (with its wave), the respondent, a section's state, the answers.

    The wave unit, its wave and the respondent are built from the columns read, not loaded
    as full rows: enough to show pages and to write answers, never to be saved themselves.
    """

    wave_unit: WaveUnit
    questionnaire: tuple[int, str]  # the stored version's id and digest
    respondent: Respondent | None  # None: not one of the unit's respondents
    answers: dict[str, object]
    section: str = ""
    section_status: str | None = None  # None: the section has no state yet
    section_by: int | None = None  # the respondent who last worked on it


def _read_sql(lock: bool) -> str:
    """The statement `read_unit` runs: parameters the respondent's id, the section, the unit's id.

    Written out rather than built by the ORM: it runs on every request of the survey, and
    building this query through the ORM took more CPU than everything else the request did.
    The columns are named from the models, so a renamed table or column cannot be missed.
    """
    unit, wave, version = WaveUnit._meta.db_table, Wave._meta.db_table, QuestionnaireVersion._meta.db_table
    state, respondent, answer = SectionState._meta.db_table, Respondent._meta.db_table, Answer._meta.db_table
    sql = (
        "SELECT u.name, w.id, w.slug, w.title, w.kind, w.opens_at, w.closes_at, w.questionnaire_id, v.sha256,"
        f" (SELECT r.name FROM {respondent} r WHERE r.id = %s AND r.wave_unit_id = u.id),"
        " s.status, s.last_respondent_id, a.key, a.value"
        f" FROM {unit} u JOIN {wave} w ON w.id = u.wave_id JOIN {version} v ON v.id = w.questionnaire_id"
        f" LEFT JOIN {state} s ON s.wave_unit_id = u.id AND s.section = %s"
        f" LEFT JOIN {answer} a ON a.wave_unit_id = u.id"
        " WHERE u.id = %s"
    )
    # Only the unit's row: the wave's row is read, not locked, or every save in the wave would
    # wait for every other. (SQLite has no row locks; its IMMEDIATE transactions serialise saves.)
    return sql + " FOR UPDATE OF u" if lock and connection.features.has_select_for_update_of else sql


def read_unit(
    wave_unit_id: int, respondent_id: int | None = None, section: str = "", lock: bool = False
) -> UnitRead | None:
    """A unit as a survey request needs it, in one query (None: no such unit); `lock` holds its row for a save."""
    with connection.cursor() as cursor:
        cursor.execute(_read_sql(lock), [respondent_id, section, wave_unit_id])
        rows = cursor.fetchall()
    if not rows:
        return None
    name, wave_id, slug, title, kind, opens_at, closes_at, version, sha256, respondent, status, by = rows[0][:12]
    wave = Wave(pk=wave_id, slug=slug, title=title, kind=kind, opens_at=_aware(opens_at), closes_at=_aware(closes_at))
    wave.questionnaire_id = version
    wave_unit = WaveUnit(pk=wave_unit_id, wave=wave, name=name)
    return UnitRead(
        wave_unit=wave_unit,
        questionnaire=(version, sha256),
        respondent=None if respondent is None else Respondent(pk=respondent_id, wave_unit=wave_unit, name=respondent),
        # JSON comes back as text from both databases (Django leaves decoding to the field, as here).
        answers={key: json.loads(value) for *_, key, value in rows if key is not None},
        section=section,
        section_status=status,
        section_by=by,
    )


def _aware(value: datetime | str) -> datetime:
    """A time as the ORM gives it: SQLite returns the stored UTC text, PostgreSQL an aware datetime."""
    when = parse_datetime(value) if isinstance(value, str) else value
    return timezone.make_aware(when, UTC) if timezone.is_naive(when) else when


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
    """Store a page's answers (None clears one), unless a colleague changed them since `seen` (None: no check).

    For imports and other writers that hold a unit, not a request: the survey's pages read
    the unit under its lock themselves and call `save_read`.
    """
    with transaction.atomic():
        unit = read_unit(wave_unit.pk, section=section, lock=True)
        unit.wave_unit = wave_unit
        return save_read(unit, questionnaire, PageSave(page_keys, submitted, seen, respondent, mode))


@dataclass
class PageSave:
    """A page's answers to save: its answer keys, the values (None clears one), what it showed, by whom."""

    keys: list[str]
    submitted: dict[str, object]
    seen: str | None  # the fingerprint of what the page showed (None: no check)
    respondent: Respondent | None
    mode: str = Answer.WEB


def save_read(unit: UnitRead, questionnaire: Questionnaire, page: PageSave) -> SaveResult:
    """`save_page` for a unit read by `read_unit(lock=True)` in the transaction that is still open."""
    stored, respondent = unit.answers, page.respondent
    current = {key: stored.get(key) for key in page.keys}
    wanted = {key: page.submitted.get(key) for key in page.keys}
    if page.seen is not None and page.seen != fingerprint(stored, page.keys) and wanted != current:
        return SaveResult(saved=False, conflict={k: v for k, v in current.items() if v is not None})
    changed = _write(unit.wave_unit, unit.section, stored, page.submitted, respondent, page.mode)
    result = routed(questionnaire, unit.wave_unit, stored)
    _move_off_route(unit.wave_unit, questionnaire, stored, result, respondent, page.mode)
    _touch_section(unit, respondent, changed)
    return SaveResult(saved=True, route=result)


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
    if not result.off_route:
        return
    owners = answer_key_owners(questionnaire)
    sections = {key: owners[key].section for key in result.off_route if key in owners}
    keep_history(wave_unit, result.off_route, respondent, mode, sections)
    dropped = [key for key in result.off_route if key not in result.live]
    Answer.objects.filter(wave_unit=wave_unit, key__in=dropped).delete()
    for key in dropped:
        stored.pop(key, None)
    for key in result.off_route.keys() & result.live.keys():  # some codes of a multiple choice are no longer offered
        Answer.objects.filter(wave_unit=wave_unit, key=key).update(value=result.live[key])
        stored[key] = result.live[key]


def keep_history(
    wave_unit: WaveUnit,
    off_route: dict[str, object],
    respondent: Respondent | None,
    mode: str,
    sections: dict[str, str],
) -> None:
    """Record answers that are not (or no longer) live as moved off route, in one statement: nothing entered is lost."""
    AnswerEvent.objects.bulk_create(
        AnswerEvent(
            wave_unit=wave_unit,
            key=key,
            value=value,
            kind=AnswerEvent.OFF_ROUTE,
            section=sections.get(key, ""),
            mode=mode,
            respondent=respondent,
        )
        for key, value in off_route.items()
    )


def _touch_section(unit: UnitRead, respondent: Respondent | None, changed: bool) -> None:
    """A change makes a section in progress again, even a completed one, until it is checked.

    A state that would be written as it is already (in progress, by the same respondent) is
    left alone: most saves change answers within a section already in progress.
    """
    respondent_id = respondent.pk if respondent else None
    if unit.section_status is None:
        SectionState.objects.create(
            wave_unit=unit.wave_unit, section=unit.section, status=SectionState.IN_PROGRESS, last_respondent=respondent
        )
    elif changed and (unit.section_status != SectionState.IN_PROGRESS or unit.section_by != respondent_id):
        SectionState.objects.filter(wave_unit=unit.wave_unit, section=unit.section).update(
            status=SectionState.IN_PROGRESS, last_respondent=respondent, completed_at=None, updated_at=timezone.now()
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
