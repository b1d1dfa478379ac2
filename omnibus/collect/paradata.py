"""Paradata: each page shown to a respondent and each page submitted, with its time.

An event is not worth a database round trip of its own on every request: it waits in this
process and is written with others in one insert, once `settings.PARADATA_BATCH` events wait
or the oldest has waited MOST_SECONDS (`write_if_due`, called by the survey's pages after
each request's transaction, so paradata can never make a save fail), and when the worker
stops (`omnibus serve` calls `flush` as each worker exits). An event keeps the time of the
page, not the time it was written. At worst a worker killed outright loses the events it
held: paradata, never an answer. An event waits as a plain row of its columns and a batch is
written by one written-out insert (`core.prepared.insert_sql`): on PostgreSQL one prepared
statement whatever the number of events.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta
from functools import cache

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from omnibus.collect.models import PageEvent
from omnibus.core import prepared
from omnibus.fieldwork.models import Respondent, WaveUnit

MOST_SECONDS = 5

log = logging.getLogger(__name__)
# An event as its columns: wave unit's id, respondent's id, section, page, event, time.
Event = tuple[int, int | None, str, str, str, datetime]
_FIELDS = ("wave_unit", "respondent", "section", "page", "event", "at")
_waiting: list[Event] = []
_guard = threading.Lock()  # gunicorn's threads share the list


def page_shown(wave_unit: WaveUnit, respondent: Respondent | None, section: str, page: str) -> None:
    """Record that a page was shown."""
    _wait(_event(wave_unit, respondent, section, page, PageEvent.SHOWN))


def page_submitted(wave_unit: WaveUnit, respondent: Respondent | None, section: str, page: str) -> None:
    """Record that a page was submitted (and saved)."""
    _wait(_event(wave_unit, respondent, section, page, PageEvent.SUBMITTED))


def _wait(event: Event) -> None:
    with _guard:
        _waiting.append(event)


def write_if_due() -> None:
    """Write the waiting events if there are enough of them, or the oldest has waited long enough."""
    with _guard:
        oldest = _waiting[0][-1] if _waiting else None
        due = len(_waiting) >= settings.PARADATA_BATCH
    if due or (oldest is not None and timezone.now() - oldest >= timedelta(seconds=MOST_SECONDS)):
        flush()


def flush() -> None:
    """Write every event waiting in this process."""
    with _guard:
        batch = _waiting[:]
        _waiting.clear()
    if not batch:
        return
    try:
        with transaction.atomic():
            _insert(batch)
    except IntegrityError:
        # A unit or respondent deleted since its page was shown: write the others.
        for event in batch:
            try:
                with transaction.atomic():
                    _insert([event])
            except IntegrityError:
                log.warning("paradata of wave unit %s not written: the unit is gone", event[0])


def _event(wave_unit: WaveUnit, respondent: Respondent | None, section: str, page: str, kind: str) -> Event:
    return (wave_unit.pk, respondent.pk if respondent else None, section, page, kind, timezone.now())


def _insert(events: list[Event]) -> None:
    """Write `events` in one insert."""
    rows = [(*columns, connection.ops.adapt_datetimefield_value(at)) for *columns, at in events]
    with prepared.cursor() as cursor:
        cursor.execute(_insert_sql(len(events)), prepared.insert_params([], rows))


@cache
def _insert_sql(count: int) -> str:
    """The insert of `count` events (one text whatever `count` on PostgreSQL)."""
    return prepared.insert_sql(PageEvent, _FIELDS, count)
