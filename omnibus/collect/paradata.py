"""Paradata: each page shown to a respondent and each page submitted, with its time.

A submitted page is recorded in its save's transaction. A page shown is not worth a database
round trip of its own on every request: its event is kept in this process and written with
others in one insert, once `settings.PARADATA_BATCH` events wait or the oldest has waited
MOST_SECONDS (checked as each event arrives), and when the worker stops (`omnibus serve` calls
`flush` as each worker exits). An event keeps the time the page was shown, not the time it
was written. At worst a worker killed outright loses the page-shown events it held, never an
answer.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from omnibus.collect.models import PageEvent
from omnibus.fieldwork.models import Respondent, WaveUnit

MOST_SECONDS = 5

log = logging.getLogger(__name__)
_waiting: list[PageEvent] = []
_guard = threading.Lock()  # gunicorn's threads share the list


def page_shown(wave_unit: WaveUnit, respondent: Respondent | None, section: str, page: str) -> None:
    """Record that a page was shown (written with the next batch)."""
    event = _event(wave_unit, respondent, section, page, PageEvent.SHOWN)
    with _guard:
        _waiting.append(event)
        due = len(_waiting) >= settings.PARADATA_BATCH or event.at - _waiting[0].at >= timedelta(seconds=MOST_SECONDS)
    if due:
        flush()


def page_submitted(wave_unit: WaveUnit, respondent: Respondent | None, section: str, page: str) -> None:
    """Record that a page was submitted, now (in the transaction of its save, when there is one)."""
    _event(wave_unit, respondent, section, page, PageEvent.SUBMITTED).save()


def flush() -> None:
    """Write every page-shown event waiting in this process."""
    with _guard:
        batch = _waiting[:]
        _waiting.clear()
    if not batch:
        return
    try:
        with transaction.atomic():
            PageEvent.objects.bulk_create(batch)
    except IntegrityError:
        # A unit or respondent deleted since its page was shown: write the others.
        for event in batch:
            try:
                with transaction.atomic():
                    event.save()
            except IntegrityError:
                log.warning("page-shown event of wave unit %s not written: the unit is gone", event.wave_unit_id)


def _event(wave_unit: WaveUnit, respondent: Respondent | None, section: str, page: str, kind: str) -> PageEvent:
    return PageEvent(
        wave_unit_id=wave_unit.pk,
        respondent_id=respondent.pk if respondent else None,
        section=section,
        page=page,
        event=kind,
        at=timezone.now(),
    )
