"""Save a page of answers: history kept, routing re-applied, colleagues' edits never overwritten.

Every save runs in one transaction holding a lock on the unit's row, so two colleagues
saving at the same moment are put one after the other, never interleaved. What a page
showed is remembered as a fingerprint of its answers; if the stored answers changed after
the page was shown and the new submission differs from them, the save is refused as a
conflict and the person sees the newer answers and decides.

A survey page is on the hot path: `read_visit` reads in one query what a request needs (the
unit its session answers for, its wave's times, the questionnaire version, the respondent, a
section's state and the live answers), after taking the unit's row lock when the request saves; a save then
writes only what changed, in set-wise statements written out here (history rows in one
insert, the answers in one upsert, the cleared ones in one delete; on PostgreSQL the three go
as one statement). On PostgreSQL these statements run prepared (`core.prepared`), so the
server plans each once per connection: their text is the same whatever the number of rows
(rows as one JSON array, keys as one array), so a grid's save is prepared as a one-key page's is.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache, lru_cache

from django.db import connection, transaction
from django.utils import timezone

from omnibus.analysis.profile import counted_sections
from omnibus.collect.models import Answer, AnswerEvent
from omnibus.core import prepared
from omnibus.core.models import Session
from omnibus.fieldwork.models import QuestionnaireVersion, Respondent, SectionState, Wave, WaveUnit
from omnibus.fieldwork.progress import UnitProgress, progress_from_statuses
from omnibus.fieldwork.waves import wave_time
from omnibus.questionnaire.model import Questionnaire
from omnibus.questionnaire.route import Route
from omnibus.questionnaire.routing import route
from omnibus.questionnaire.variables import answer_key_owners


def live_answers(wave_unit: WaveUnit) -> dict[str, object]:
    """A unit's stored answers by key."""
    return dict(Answer.objects.filter(wave_unit=wave_unit).values_list("key", "value"))


# The routes of the last answers this process routed: a page's save routes the answers its page
# was shown with, and the next page routes the answers the save left, so most routes repeat.
ROUTES_KEPT = 256
_routes: OrderedDict[tuple[int, bool, str], tuple[Questionnaire, Route]] = OrderedDict()
_routes_lock = threading.Lock()  # a server's worker threads share the routes kept


def routed(questionnaire: Questionnaire, wave_unit: WaveUnit, answers: dict[str, object] | None = None) -> Route:
    """The route of a unit's answers (pilot questions asked only in pilot waves).

    A route is kept by its questionnaire and its answers' JSON, so routing the same answers
    again costs a JSON dump rather than a walk of the questionnaire. Whoever gets a route only
    reads it.
    """
    stored = live_answers(wave_unit) if answers is None else answers
    pilot = wave_unit.wave.kind == Wave.PILOT
    key = (id(questionnaire), pilot, json.dumps(stored, sort_keys=True, default=str))
    with _routes_lock:
        # A kept route keeps its questionnaire alive too, so no other questionnaire can take its id.
        if key in _routes:
            _routes.move_to_end(key)
            return _routes[key][1]
    result = route(questionnaire, stored, pilot=pilot)
    with _routes_lock:
        _routes[key] = (questionnaire, result)
        if len(_routes) > ROUTES_KEPT:
            _routes.popitem(last=False)
    return result


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


# The unit's answers as one JSON object by key: one row to convert and one text to decode,
# rather than a row per answer repeating the wave's columns.
_ANSWERS_AS_OBJECT = {
    "postgresql": "jsonb_object_agg(a.key, a.value)",  # NULL when there is none
    "sqlite": "json_group_object(a.key, json(a.value))",
}


@cache
def _read_sql(by_session: bool) -> str:
    """The statement that reads a unit as a request needs it, by the unit's id or by a signed-in session's key.

    By id, its parameters are the respondent's id, the section and the unit's id. By session
    (`read_visit`), they are the section, the session's key and the time now: the session's
    row names the unit and the respondent in columns of its own (`core.models.Session`), so
    the session is not read and decoded first. Written out rather than built by the ORM: it
    runs on every request of the survey, and building this query through the ORM took more
    CPU than everything else the request did. The columns are named from the models, so a
    renamed table or column cannot be missed.
    """
    unit, wave, version = WaveUnit._meta.db_table, Wave._meta.db_table, QuestionnaireVersion._meta.db_table
    state, respondent, answer = SectionState._meta.db_table, Respondent._meta.db_table, Answer._meta.db_table
    if by_session:
        source = f"{Session._meta.db_table} x JOIN {unit} u ON u.id = x.wave_unit_id"
        respondent_id, where = "x.respondent_id", "x.session_key = %s AND x.expire_date > %s"
    else:
        source, respondent_id, where = f"{unit} u", "%s", "u.id = %s"
    return (
        "SELECT u.id, r.id, r.name, u.name, w.id, w.slug, w.title, w.kind, w.opens_at, w.closes_at,"
        " w.questionnaire_id, v.sha256, s.status, s.last_respondent_id,"
        f" (SELECT {_ANSWERS_AS_OBJECT[connection.vendor]} FROM {answer} a WHERE a.wave_unit_id = u.id)"
        f" FROM {source} JOIN {wave} w ON w.id = u.wave_id JOIN {version} v ON v.id = w.questionnaire_id"
        f" LEFT JOIN {respondent} r ON r.id = {respondent_id} AND r.wave_unit_id = u.id"
        f" LEFT JOIN {state} s ON s.wave_unit_id = u.id AND s.section = %s"
        f" WHERE {where}"
    )


@cache
def _lock_sql(by_session: bool) -> str:
    """The statement that holds a unit's row for a save, by its id or by a signed-in session's key: the unit's id
    and the session's respondent. Only the unit's row is locked: not its wave's, or saves would queue, nor the
    session's."""
    unit = WaveUnit._meta.db_table
    if not by_session:
        return f"SELECT id FROM {unit} WHERE id = %s FOR UPDATE"
    return (
        f"SELECT u.id, x.respondent_id FROM {Session._meta.db_table} x JOIN {unit} u ON u.id = x.wave_unit_id"
        " WHERE x.session_key = %s AND x.expire_date > %s FOR UPDATE OF u"
    )


def read_unit(
    wave_unit_id: int, respondent_id: int | None = None, section: str = "", lock: bool = False
) -> UnitRead | None:
    """A unit as a request needs it, in one query (None: no such unit); `lock` first holds its row for a save.

    The lock is taken by a statement of its own, before the read. Under PostgreSQL's READ
    COMMITTED a statement reads what was committed when it began: a read that waited for the
    lock in the same statement would miss the answers of the colleague whose save it waited
    for, and check for a conflict against answers that are gone. SQLite has no row locks: its
    IMMEDIATE transactions put saves one after the other.
    """
    with prepared.cursor() as cursor:
        if lock and connection.features.has_select_for_update:
            cursor.execute(_lock_sql(False), [wave_unit_id])
            if cursor.fetchone() is None:
                return None
        cursor.execute(_read_sql(False), [respondent_id, section, wave_unit_id])
        return _unit_read(cursor.fetchone(), section)


def read_visit(session_key: str, section: str = "", lock: bool = False) -> UnitRead | None:
    """The unit a signed-in session answers for, read with the session in one query (None: no such session, it
    has expired, or it is not signed in); `lock` first holds the unit's row for a save, as `read_unit` does."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with prepared.cursor() as cursor:
        if lock and connection.features.has_select_for_update:
            cursor.execute(_lock_sql(True), [session_key, now])
            held = cursor.fetchone()
            if held is None:
                return None
            cursor.execute(_read_sql(False), [held[1], section, held[0]])
        else:
            cursor.execute(_read_sql(True), [section, session_key, now])
        return _unit_read(cursor.fetchone(), section)


def _unit_read(row: tuple | None, section: str) -> UnitRead | None:
    """What `_read_sql` read, as the models the pages use."""
    if row is None:
        return None
    unit_id, respondent_id, respondent, name, wave_id, slug, title, kind, opens_at, closes_at = row[:10]
    version, sha256, status, by, answers = row[10:]
    wave_unit = WaveUnit.from_db(None, _UNIT_FIELDS, (unit_id, wave_id, name))
    wave_unit._state.fields_cache["wave"] = _wave(wave_id, slug, title, kind, opens_at, closes_at, version)
    if respondent_id is not None:
        respondent = Respondent.from_db(None, _RESPONDENT_FIELDS, (respondent_id, unit_id, respondent))
        respondent._state.fields_cache["wave_unit"] = wave_unit
    return UnitRead(
        wave_unit=wave_unit,
        questionnaire=(version, sha256),
        respondent=respondent,
        # JSON comes back as text from both databases (Django leaves decoding to the field, as here).
        answers=json.loads(answers) if answers else {},
        section=section,
        section_status=status,
        section_by=by,
    )


# The columns `read_unit` gives the wave, the unit and the respondent, in the models' order (as
# `from_db` takes them); their other fields are deferred.
_WAVE_FIELDS = ("id", "slug", "title", "questionnaire_id", "opens_at", "closes_at", "kind")
_UNIT_FIELDS = ("id", "wave_id", "name")
_RESPONDENT_FIELDS = ("id", "wave_unit_id", "name")


@lru_cache(maxsize=64)
def _wave(
    wave_id: int, slug: str, title: str, kind: str, opens_at: datetime | str, closes_at: datetime | str, version: int
) -> Wave:
    """The wave as read, made once per process while its columns stay the same (a changed time makes a new one).

    Every request of a wave reads the same columns; making the instance and converting its times
    again each time was a good part of the read's CPU. The instance is only read, never saved.
    """
    values = (wave_id, slug, title, version, wave_time(opens_at), wave_time(closes_at), kind)
    return Wave.from_db(None, _WAVE_FIELDS, values)


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
    """`save_page` for a unit read by `read_visit` or `read_unit` with `lock=True` in the transaction still open."""
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
    respondent_id = respondent.pk if respondent else None
    kinds = {key: AnswerEvent.CLEARED if value is None else AnswerEvent.GIVEN for key, value in changes.items()}
    _run(
        _history(wave_unit.pk, changes, kinds, dict.fromkeys(changes, section), mode, respondent_id, now),
        _deletion(wave_unit.pk, [key for key, value in changes.items() if value is None]),
        _upsert(wave_unit.pk, {k: v for k, v in changes.items() if v is not None}, section, mode, respondent_id, now),
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
    _run(_deletion(wave_unit.pk, dropped))
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
    kinds = dict.fromkeys(off_route, AnswerEvent.OFF_ROUTE)
    sections = {key: sections.get(key, "") for key in off_route}
    _run(_history(wave_unit.pk, off_route, kinds, sections, mode, respondent.pk if respondent else None))


@dataclass
class _Statement:
    """One statement of a save, with its parameters."""

    sql: str
    params: list[object]


def _run(*statements: _Statement | None) -> None:
    """Run a save's statements: on PostgreSQL in one round trip, the first ones as WITH clauses of the last.

    PostgreSQL runs data-modifying WITH clauses with the main statement, on one snapshot: they
    write the history and different keys of the live answers, so none needs another's effect.
    SQLite, in the same process, runs them one after the other. Each statement's text is the same
    whatever its number of rows on PostgreSQL, so each combination is one prepared statement.
    """
    found = [statement for statement in statements if statement is not None]
    if connection.vendor == "postgresql" and len(found) > 1:
        found = [_Statement(_with_sql(tuple(s.sql for s in found)), [p for s in found for p in s.params])]
    for statement in found:
        with prepared.cursor() as cursor:
            cursor.execute(statement.sql, statement.params)


@lru_cache(maxsize=16)
def _with_sql(texts: tuple[str, ...]) -> str:
    """The statements `texts` as one: the first ones as WITH clauses of the last."""
    *clauses, last = texts
    return "WITH " + ", ".join(f"w{n} AS ({sql})" for n, sql in enumerate(clauses)) + " " + last


def _history(
    wave_unit_id: int,
    values: dict[str, object],
    kinds: dict[str, str],
    sections: dict[str, str],
    mode: str,
    respondent_id: int | None,
    at: datetime | None = None,
) -> _Statement | None:
    """The insert of a history row per key of `values` (None: cleared), of its kind and section, in their order."""
    if not values:
        return None
    json_value = AnswerEvent._meta.get_field("value")
    when = connection.ops.adapt_datetimefield_value(at or timezone.now())
    rows = [(key, prepared.json_text(json_value, value), kinds[key], sections[key]) for key, value in values.items()]
    params = prepared.insert_params([wave_unit_id, mode, respondent_id, when], rows)
    return _Statement(_history_sql(len(values)), params)


def _upsert(
    wave_unit_id: int, values: dict[str, object], section: str, mode: str, respondent_id: int | None, now: datetime
) -> _Statement | None:
    """The insert of the live answers `values` (none None), new or replacing the stored ones."""
    if not values:
        return None
    json_value = Answer._meta.get_field("value")
    when = connection.ops.adapt_datetimefield_value(now)
    rows = [(key, prepared.json_text(json_value, value)) for key, value in values.items()]
    params = prepared.insert_params([wave_unit_id, section, mode, respondent_id, when], rows)
    return _Statement(_upsert_sql(len(values)), params)


def _deletion(wave_unit_id: int, keys: list[str]) -> _Statement | None:
    """The delete of the live answers of `keys`."""
    if not keys:
        return None
    return _Statement(_delete_sql(len(keys)), [wave_unit_id, *prepared.in_params(keys)])


# The columns written, by field name: those with one value for every row of a save, then those of each row.
_HISTORY_FIXED = ("wave_unit", "mode", "respondent", "at")
_HISTORY_FIELDS = ("key", "value", "kind", "section")
_ANSWER_FIXED = ("wave_unit", "section", "mode", "respondent", "updated_at")
_ANSWER_FIELDS = ("key", "value")


@cache
def _history_sql(count: int) -> str:
    """The insert of `count` history rows (one text whatever `count` on PostgreSQL)."""
    return prepared.insert_sql(AnswerEvent, _HISTORY_FIELDS, count, _HISTORY_FIXED)


@cache
def _upsert_sql(count: int) -> str:
    """The insert of `count` live answers, each replacing the unit's stored answer of its key (SQLite says it alike)."""
    unit, key = prepared.columns(Answer, ("wave_unit", "key"))
    replaced = prepared.columns(Answer, ("value", *_ANSWER_FIXED[1:]))
    updates = ", ".join(f"{column} = EXCLUDED.{column}" for column in replaced)
    insert = prepared.insert_sql(Answer, _ANSWER_FIELDS, count, _ANSWER_FIXED)
    return f"{insert} ON CONFLICT ({unit}, {key}) DO UPDATE SET {updates}"


@cache
def _delete_sql(count: int) -> str:
    """The delete of a unit's live answers of `count` keys."""
    (unit,) = prepared.columns(Answer, ("wave_unit",))
    return f"DELETE FROM {Answer._meta.db_table} WHERE {unit} = %s AND {prepared.in_sql(Answer, 'key', count)}"


def _touch_section(unit: UnitRead, respondent: Respondent | None, changed: bool) -> None:
    """A change makes a section in progress again, even a completed one, until it is checked.

    A state that would be written as it is already (in progress, by the same respondent) is
    left alone: most saves change answers within a section already in progress.
    """
    respondent_id = respondent.pk if respondent else None
    if unit.section_status is None or (
        changed and (unit.section_status != SectionState.IN_PROGRESS or unit.section_by != respondent_id)
    ):
        _run(_section_state(unit.wave_unit.pk, unit.section, SectionState.IN_PROGRESS, respondent_id))


def complete_section(wave_unit: WaveUnit, section: str, respondent: Respondent | None) -> None:
    """Mark a section completed (its "Check your answers" page was confirmed)."""
    _run(_section_state(wave_unit.pk, section, SectionState.COMPLETED, respondent.pk if respondent else None))


def _section_state(wave_unit_id: int, section: str, status: str, respondent_id: int | None) -> _Statement:
    """The write of a section's state, new or replacing the stored one: its status, by whom, when (completed_at
    only when completed)."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    completed_at = now if status == SectionState.COMPLETED else None
    row = (wave_unit_id, section, status, respondent_id, completed_at, now)
    return _Statement(_section_state_sql(), prepared.insert_params([], [row]))


_SECTION_STATE_FIELDS = ("wave_unit", "section", "status", "last_respondent", "completed_at", "updated_at")


@cache
def _section_state_sql() -> str:
    """The insert of a section's state, replacing the unit's stored state of that section (one statement, no
    savepoint: `update_or_create` took four round trips)."""
    unit, section, *replaced = prepared.columns(SectionState, _SECTION_STATE_FIELDS)
    updates = ", ".join(f"{column} = EXCLUDED.{column}" for column in replaced)
    insert = prepared.insert_sql(SectionState, _SECTION_STATE_FIELDS, 1)
    return f"{insert} ON CONFLICT ({unit}, {section}) DO UPDATE SET {updates}"


def unit_section_states(wave_unit: WaveUnit) -> dict[str, SectionState]:
    """The unit's section states by section id (a section never touched has none), with who last worked on each.

    Read by one written-out statement (the menu shows it on every visit); each state is made by
    `from_db` with its section, status and last respondent's id and name, its other fields deferred.
    """
    with prepared.cursor() as cursor:
        cursor.execute(_states_sql(), [wave_unit.pk])
        rows = cursor.fetchall()
    states = {}
    for section, status, by, name in rows:
        state = SectionState.from_db(None, _STATE_FIELDS, (wave_unit.pk, section, status, by))
        last = None if by is None else Respondent.from_db(None, ("id", "name"), (by, name))
        state._state.fields_cache["last_respondent"] = last
        states[section] = state
    return states


_STATE_FIELDS = ("wave_unit_id", "section", "status", "last_respondent_id")


@cache
def _states_sql() -> str:
    """The read of a unit's section states with the name of who last worked on each: parameter the unit's id."""
    state, respondent = SectionState._meta.db_table, Respondent._meta.db_table
    return (
        f"SELECT s.section, s.status, s.last_respondent_id, r.name FROM {state} s"
        f" LEFT JOIN {respondent} r ON r.id = s.last_respondent_id WHERE s.wave_unit_id = %s"
    )


def menu_progress(wave_unit: WaveUnit, questionnaire: Questionnaire, states: dict[str, SectionState]) -> UnitProgress:
    """The unit's progress over the menu sections, from its states as `unit_section_states` read them."""
    menu = [section.id for section in counted_sections(questionnaire)]
    return progress_from_statuses(wave_unit.pk, {sid: state.status for sid, state in states.items()}, menu)
