"""Open, close and reopen a wave by moving its opening or closing time to now (or later), audited.

A wave's state follows from its times (`Wave.state`), so these functions only move a time; they
refuse a move that makes no sense in the wave's current state, with a message saying why.
"""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.utils import timezone

from omnibus.fieldwork.audit import record
from omnibus.fieldwork.models import AuditEvent, Wave


class WaveStateError(Exception):
    """A state change that cannot be made; the message says why."""


def _stamp(when: datetime) -> str:
    return timezone.localtime(when).strftime("%Y-%m-%d %H:%M")


def _save(wave: Wave, field: str, value: datetime, actor: str | models.Model, detail: str, now: datetime) -> Wave:
    """Move one of the wave's times and record who did it, with the old time (no personal data)."""
    old = getattr(wave, field)
    setattr(wave, field, value)
    wave.save(update_fields=[field])
    record(actor, AuditEvent.CHANGED, wave, wave=wave, detail=f"{detail} (was {_stamp(old)})", now=now)
    return wave


def open_wave(wave: Wave, actor: str | models.Model, now: datetime | None = None) -> Wave:
    """Open a wave that has not opened yet, now."""
    now = now or timezone.now()
    state = wave.state(now)
    if state != "not_open":
        raise WaveStateError(f"wave {wave.slug} is already {'open' if state == 'open' else 'closed'}")
    return _save(wave, "opens_at", now, actor, f"opened wave at {_stamp(now)}", now)


def close_wave(wave: Wave, actor: str | models.Model, now: datetime | None = None) -> Wave:
    """Close an open wave, now."""
    now = now or timezone.now()
    state = wave.state(now)
    if state == "not_open":
        raise WaveStateError(f"wave {wave.slug} has not opened yet: open it first, or change its dates")
    if state == "closed":
        raise WaveStateError(f"wave {wave.slug} is already closed")
    return _save(wave, "closes_at", now, actor, f"closed wave at {_stamp(now)}", now)


def reopen_wave(wave: Wave, actor: str | models.Model, until: datetime, now: datetime | None = None) -> Wave:
    """Reopen a closed wave until `until`, which must be in the future."""
    now = now or timezone.now()
    if wave.state(now) != "closed":
        raise WaveStateError(f"wave {wave.slug} is not closed, so it cannot be reopened")
    if until <= now:
        raise WaveStateError(f"the new closing time ({_stamp(until)}) must be in the future")
    return _save(wave, "closes_at", until, actor, f"reopened wave until {_stamp(until)}", now)
