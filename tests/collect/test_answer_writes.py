"""A save's written-out statements store what the ORM stores, and the hot path's statements are prepared."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction

from omnibus.collect import paradata
from omnibus.collect.answers import _write, read_unit
from omnibus.collect.models import Answer, AnswerEvent, PageEvent
from omnibus.fieldwork.models import Respondent, Wave, WaveUnit

from .conftest import seen_of, signed_in

pytestmark = pytest.mark.django_db

VALUES = [
    "She said \"yes\" \\ then 'no'",
    "Zoë's café — 東京 🙂",
    "first line\nsecond line\r\n\ttabbed",
    "",
    0,
    42,
    -7,
    3.25,
    1e-9,
    True,
    ["1", "3"],
    [],
    {"rows": {"a": 1, "b": [None, "x"]}},
]


def stored_text(model: type, wave_unit: WaveUnit, key: str) -> str | None:
    """A value's JSON as the database holds it (PostgreSQL gives jsonb back as text)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT value FROM {model._meta.db_table} WHERE wave_unit_id = %s AND key = %s", [wave_unit.pk, key]
        )
        return cursor.fetchone()[0]


@pytest.mark.parametrize("value", VALUES)
def test_a_written_value_reads_back_through_the_orm_and_is_stored_as_the_orm_stores_it(wave: Wave, value) -> None:  # noqa: ANN001
    ours, orms = wave.units.order_by("name")[:2]
    respondent = Respondent.objects.create(wave_unit=ours, name="Ada")
    assert _write(ours, "csc", {}, {"Q": value}, respondent, Answer.WEB)
    Answer.objects.create(wave_unit=orms, key="Q", value=value, section="csc")
    AnswerEvent.objects.create(wave_unit=orms, key="Q", value=value, kind=AnswerEvent.GIVEN, section="csc")
    answer = Answer.objects.get(wave_unit=ours, key="Q")
    event = AnswerEvent.objects.get(wave_unit=ours, key="Q")
    assert answer.value == value and type(answer.value) is type(value)
    assert (event.value, event.kind, event.section, event.respondent_id) == (
        value,
        AnswerEvent.GIVEN,
        "csc",
        respondent.pk,
    )
    assert event.at == answer.updated_at
    for model in (Answer, AnswerEvent):
        assert stored_text(model, ours, "Q") == stored_text(model, orms, "Q")
    assert read_unit(orms.pk).answers == {"Q": value}  # and the survey's own read gives back what the ORM wrote
    assert type(read_unit(ours.pk).answers["Q"]) is type(value)


def test_a_change_replaces_the_answer_and_a_clear_removes_it_both_kept_in_history(unit: WaveUnit) -> None:
    stored: dict[str, object] = {}
    assert _write(unit, "csc", stored, {"A": "1", "B": ["2"], "C": 3}, None, Answer.TELEPHONE)
    assert _write(unit, "csc", stored, {"A": "1", "B": ["2", "4"], "C": None, "D": None}, None, Answer.WEB)
    assert not _write(unit, "csc", stored, {"A": "1", "D": None}, None, Answer.WEB)  # nothing changed
    assert stored == {"A": "1", "B": ["2", "4"]}
    live = {a.key: (a.value, a.mode) for a in Answer.objects.filter(wave_unit=unit)}
    assert live == {"A": ("1", Answer.TELEPHONE), "B": (["2", "4"], Answer.WEB)}
    history = list(AnswerEvent.objects.filter(wave_unit=unit).order_by("pk").values_list("key", "value", "kind"))
    assert history == [
        ("A", "1", AnswerEvent.GIVEN),
        ("B", ["2"], AnswerEvent.GIVEN),
        ("C", 3, AnswerEvent.GIVEN),
        ("B", ["2", "4"], AnswerEvent.GIVEN),
        ("C", None, AnswerEvent.CLEARED),
    ]
    # A cleared value is SQL NULL, as the ORM writes None, not JSON null.
    assert AnswerEvent.objects.filter(wave_unit=unit, value__isnull=True).count() == 1


def test_the_unit_read_gives_the_wave_and_respondent_as_stored(unit: WaveUnit) -> None:
    respondent = Respondent.objects.create(wave_unit=unit, name="Ada")
    read = read_unit(unit.pk, respondent.pk, "csc")
    wave = Wave.objects.get(pk=unit.wave_id)
    fields = ("pk", "slug", "title", "kind", "opens_at", "closes_at", "questionnaire_id")
    assert [getattr(read.wave_unit.wave, f) for f in fields] == [getattr(wave, f) for f in fields]
    assert (read.wave_unit.pk, read.wave_unit.name, read.respondent.pk, read.respondent.name) == (
        unit.pk,
        unit.name,
        respondent.pk,
        "Ada",
    )
    assert read.wave_unit.code_digest == unit.code_digest  # a column not read is loaded when asked for
    assert read_unit(unit.pk, respondent.pk + 1000).respondent is None
    assert read_unit(unit.pk).answers == {}
    assert read_unit(unit.pk + 100_000) is None


def prepared_statements() -> set[str]:
    """The statements prepared on this connection."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
@pytest.mark.parametrize("on", [True, False])
def test_the_survey_s_statements_are_prepared_on_postgresql_unless_turned_off(
    unit: WaveUnit, settings, on: bool
) -> None:  # noqa: ANN001
    settings.PREPARED_STATEMENTS = on
    client = signed_in(unit)
    before = prepared_statements()
    for choice in ("1", "2"):
        page = client.get("/survey/sections/csc/ConfUnd/").content.decode()
        assert (
            client.post("/survey/sections/csc/ConfUnd/", {"ConfUnd": choice, "seen": seen_of(page)}).status_code == 302
        )
    paradata.flush()
    new = prepared_statements() - before
    if not on:
        assert new == set()
        return
    # The unit read with the session (a page), the unit's lock with the session and its read (a save),
    # the save's writes (history and answers in one), the paradata; the session's data is never read.
    assert any("FROM core_session x" in sql and sql.endswith("FOR UPDATE OF u") for sql in new), new
    assert sum("collect_answer a" in sql for sql in new) == 2, new
    assert not any("session_data" in sql for sql in new), new
    assert any(
        sql.startswith("WITH w0 AS (INSERT INTO collect_answerevent")
        and "INSERT INTO collect_answer (" in sql
        and "ON CONFLICT" in sql
        for sql in new
    ), new
    assert any(sql.startswith("INSERT INTO collect_pageevent") for sql in new), new


def executions(like: str) -> dict[str, int]:
    """The times each statement prepared on this connection and beginning with `like` was run, by its text."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement, generic_plans + custom_plans FROM pg_prepared_statements WHERE statement LIKE %s",
            [like + "%"],
        )
        return dict(cursor.fetchall())


# Pages of 1, 9 and 13 keys (more rows than a page of one question has), then a page clearing two
# keys and changing a third.
GRID = {f"Grid_{n}": value for n, value in enumerate(VALUES)}
NINE = {f"Part_{n}": value for n, value in enumerate(VALUES[:9])}
CHANGES = {"Grid_0": None, "Grid_1": None, "Grid_2": ["changed"]}
PAGES = [{"Q": "one key"}, NINE, GRID, CHANGES]


def test_pages_of_many_keys_are_stored_as_the_orm_stores_them_with_history_in_the_pages_order(wave: Wave) -> None:
    ours, orms = wave.units.order_by("name")[:2]
    respondent = Respondent.objects.create(wave_unit=ours, name="Ada")
    stored: dict[str, object] = {}
    for page in PAGES:
        assert _write(ours, "csc", stored, page, respondent, Answer.WEB)
    live = {key: value for page in PAGES for key, value in page.items()}
    kept = {key: value for key, value in live.items() if value is not None}
    for key, value in kept.items():
        Answer.objects.create(wave_unit=orms, key=key, value=value, section="csc")
        assert stored_text(Answer, ours, key) == stored_text(Answer, orms, key), key
    assert read_unit(ours.pk).answers == kept == stored
    history = list(AnswerEvent.objects.filter(wave_unit=ours).order_by("pk").values_list("key", "value", "kind"))
    kind = {True: AnswerEvent.CLEARED, False: AnswerEvent.GIVEN}
    assert history == [(key, value, kind[value is None]) for page in PAGES for key, value in page.items()]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_a_save_is_one_prepared_statement_whatever_its_number_of_rows(unit: WaveUnit) -> None:
    respondent = Respondent.objects.create(wave_unit=unit, name="Ada")
    stored: dict[str, object] = {}
    before = executions("WITH w0 AS")
    for page in PAGES[:3]:
        assert _write(unit, "csc", stored, page, respondent, Answer.WEB)
    # History and answers of 1, 9 and 13 rows: one text, prepared once and run three times.
    saves = {sql: runs - before.get(sql, 0) for sql, runs in executions("WITH w0 AS").items()}
    assert list(saves.values()) == [3], saves
    (save,) = saves
    assert save.startswith("WITH w0 AS (INSERT INTO collect_answerevent") and "INSERT INTO collect_answer (" in save
    # History, delete and upsert: one prepared statement too.
    assert _write(unit, "csc", stored, PAGES[3], respondent, Answer.WEB)
    cleared = [sql for sql in executions("WITH w0 AS") if "DELETE FROM collect_answer WHERE" in sql]
    assert len(cleared) == 1 and "= ANY(" in cleared[0], cleared


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_paradata_batches_of_any_size_are_written_by_one_prepared_statement(wave: Wave, settings) -> None:  # noqa: ANN001
    settings.PARADATA_BATCH = 50
    paradata.flush()
    units = list(wave.units.order_by("name")[:3])
    respondent = Respondent.objects.create(wave_unit=units[0], name="Ada")
    before = executions("INSERT INTO collect_pageevent")
    for batch in (units[:1], units * 3):  # 1 and 9 events, none a full batch
        for unit in batch:
            paradata.page_shown(unit, respondent if unit == units[0] else None, "csc", f"page of {unit.name}")
        paradata.flush()
    inserts = {sql: runs - before.get(sql, 0) for sql, runs in executions("INSERT INTO collect_pageevent").items()}
    assert list(inserts.values()) == [2], inserts
    events = PageEvent.objects.filter(wave_unit__in=units).order_by("pk")
    written = [(e.wave_unit_id, e.respondent_id, e.page) for e in events]
    shown = [(u.pk, respondent.pk if u == units[0] else None, f"page of {u.name}") for u in [units[0], *units * 3]]
    assert written == shown
    assert all(e.event == PageEvent.SHOWN and e.section == "csc" and e.at is not None for e in events)


@pytest.mark.django_db(transaction=True)
def test_a_save_waiting_for_the_unit_s_lock_reads_the_answers_saved_meanwhile(small_wave) -> None:  # noqa: ANN001
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite's IMMEDIATE transactions put saves one after the other")
    unit = small_wave("w3").units.order_by("name").first()
    locked, read = threading.Event(), {}

    def first_save() -> None:
        try:
            with transaction.atomic():
                held = read_unit(unit.pk, section="csc", lock=True)
                locked.set()
                time.sleep(0.5)  # the colleague's read waits for the lock meanwhile
                _write(held.wave_unit, "csc", held.answers, {"Q": "mine"}, None, Answer.WEB)
        finally:
            connection.close()

    colleague = threading.Thread(target=first_save)
    colleague.start()
    assert locked.wait(10)
    with transaction.atomic():
        read["answers"] = read_unit(unit.pk, section="csc", lock=True).answers
    colleague.join(10)
    # Read after the lock was granted: the colleague's answer is there to check a conflict against.
    assert read["answers"] == {"Q": "mine"}
