"""Record and list audit events: who viewed, changed, sent, exported, imported or erased what, and when.

Every function that changes or reveals contact details or codes calls `record`; the back office
passes the signed-in user, the command line passes `cli_actor()`.
"""

from __future__ import annotations

import getpass
from datetime import datetime

from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

from omnibus.fieldwork.models import AuditEvent, Wave


def cli_actor() -> str:
    """The actor for a command typed at a shell: the operating-system user, marked as such."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no user name in a container: still say it came from the CLI
        return "cli:unknown"


def record(
    actor: str | models.Model,
    action: str,
    obj: models.Model | None = None,
    wave: Wave | None = None,
    detail: str = "",
    now: datetime | None = None,
) -> AuditEvent:
    """Append one event. `obj` is named by its model label and id; `detail` must hold no personal data."""
    if action not in AuditEvent.Action.values:
        raise ValueError(f"unknown audit action {action!r}")
    user = actor if isinstance(actor, models.Model) else None
    return AuditEvent.objects.create(
        at=now or timezone.now(),
        actor=user.get_username() if user is not None else str(actor),
        user=user,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        wave=wave,
        detail=detail,
    )


def events(
    wave: Wave | None = None,
    since: datetime | None = None,
    actor: str | None = None,
    action: str | None = None,
) -> QuerySet[AuditEvent]:
    """Events oldest first, narrowed by wave, time, actor (exact text) and action."""
    found = AuditEvent.objects.select_related("wave")
    if wave is not None:
        found = found.filter(wave=wave)
    if since is not None:
        found = found.filter(at__gte=since)
    if actor:
        found = found.filter(actor=actor)
    if action:
        found = found.filter(action=action)
    return found.order_by("at", "id")


def line(event: AuditEvent) -> str:
    """One event as a tab-separated line for the command line."""
    at = timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M:%S")
    target = f"{event.object_type}:{event.object_id}" if event.object_type else "-"
    wave = event.wave.slug if event.wave else "-"
    return f"{at}\t{event.actor}\t{event.action}\t{wave}\t{target}\t{event.detail}"
