"""Write answers that did not come through the web survey: imports (through save_page) and simulations (in bulk).

An import goes through `collect.answers.save_page`, a section at a time: one save of a whole
section is what saving its pages one after another would leave (the same live answers, the
same history, routing applied once more at the end), at a fraction of the queries.

A simulation writes synthetic answers that the routing engine itself chose, so routing has
nothing to move; it writes the same rows (live answers, their history, section states, page
events) with plain multi-row inserts, which is what makes a 20,000-unit test wave possible.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection
from django.db.models import CharField, DateTimeField, Field, ForeignKey, Model
from django.utils import timezone

from omnibus.collect.answers import complete_section, routed, save_page
from omnibus.collect.models import Answer, AnswerEvent, PageEvent
from omnibus.dataset.build import section_answered
from omnibus.fieldwork.models import SectionState, WaveUnit
from omnibus.questionnaire.model import Questionnaire
from omnibus.questionnaire.variables import answer_key_owners

BATCH = 5000  # rows per executemany


def save_unit(
    wave_unit: WaveUnit, questionnaire: Questionnaire, by_section: dict[str, dict[str, object]], mode: str
) -> int:
    """Save one unit's answers section by section through save_page; mark answered sections complete.

    Returns how many answer keys changed. A section is marked complete when every question
    routing asks of it, and that is required, has its answer.
    """
    before = dict(Answer.objects.filter(wave_unit=wave_unit).values_list("key", "value"))
    for section, submitted in by_section.items():
        save_page(wave_unit, questionnaire, section, list(submitted), submitted, seen=None, respondent=None, mode=mode)
    after = routed(questionnaire, wave_unit)
    for section in by_section:
        if section_answered(questionnaire, section, after):
            complete_section(wave_unit, section, None)
    keys = set(before) | set(after.live)
    return sum(1 for key in keys if before.get(key) != after.live.get(key))


@dataclass
class SyntheticUnit:
    """A unit's synthetic answers, section states and page events, ready to store."""

    wave_unit_id: int
    answers: dict[str, object] = field(default_factory=dict)
    states: dict[str, str] = field(default_factory=dict)  # section -> SectionState status
    pages: list[tuple[str, str, datetime]] = field(default_factory=list)  # (section, page, shown at)


def store_bulk(units: list[SyntheticUnit], questionnaire: Questionnaire, mode: str) -> None:
    """Store synthetic units in bulk: live answers with their history, section states, page events."""
    owners = answer_key_owners(questionnaire)
    now = timezone.now()
    answers, events, states, pages = [], [], [], []
    for unit in units:
        uid = unit.wave_unit_id
        for key, value in unit.answers.items():
            section = owners[key].section
            answers.append((uid, key, value, section, mode, now))
            events.append((uid, key, value, AnswerEvent.GIVEN, section, mode, now))
        for section, status in unit.states.items():
            done = now if status == SectionState.COMPLETED else None
            states.append((uid, section, status, now, done))
        pages.extend((uid, section, page, "shown", at) for section, page, at in unit.pages)
    insert_rows(Answer, ["wave_unit", "key", "value", "section", "mode", "updated_at"], answers)
    insert_rows(AnswerEvent, ["wave_unit", "key", "value", "kind", "section", "mode", "at"], events)
    insert_rows(SectionState, ["wave_unit", "section", "status", "updated_at", "completed_at"], states)
    insert_rows(PageEvent, ["wave_unit", "section", "page", "event", "at"], pages)


def insert_rows(model: type[Model], names: list[str], rows: list[tuple]) -> None:
    """Insert plain rows through the cursor, each value prepared by its field as the ORM would.

    bulk_create builds a model instance per row and prepares it field by field through the
    query compiler; at a 20,000-unit census (two million rows) that is most of the time.
    Fields given no value take their column default (NULL); auto_now values must be given.
    """
    fields = [model._meta.get_field(name) for name in names]
    prepare = [_preparer(f) for f in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            cursor.executemany(sql, [[p(v) for p, v in zip(prepare, row, strict=True)] for row in batch])


def _preparer(model_field: Field) -> Callable[[object], object]:
    """How a field's values are made ready for the database: as the ORM does, skipping what needs nothing."""
    if isinstance(model_field, CharField | ForeignKey):
        return lambda value: value  # texts and ids go to every backend as they are
    if isinstance(model_field, DateTimeField):
        done: dict[object, object] = {}  # most times are the one `now`: prepare each distinct time once

        def prepare_time(value: object) -> object:
            if value not in done:
                done[value] = model_field.get_db_prep_save(value, connection)
            return done[value]

        return prepare_time
    return lambda value: model_field.get_db_prep_save(value, connection)
