"""Slow, then refuse, repeated wrong access codes from one address.

Attempts are rows in the database (not process memory), so every server behind a load
balancer sees the same count.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from omnibus.core.models import AccessAttempt

log = logging.getLogger("omnibus.access")

WINDOW = timedelta(minutes=15)
SLOW_AFTER = 5  # wrong codes in the window before each new try must wait
REFUSE_AFTER = 10  # wrong codes in the window before the address is refused for the window
WAIT_STEP = timedelta(seconds=10)  # the wait grows by this much for each wrong code past SLOW_AFTER


@dataclass(frozen=True)
class Verdict:
    """Whether an address may try a code now, and if not, for how many seconds it must wait."""

    allowed: bool
    wait_seconds: int = 0
    refused: bool = False


def may_try(address: str, kind: str = AccessAttempt.CODE) -> Verdict:
    """Whether this address may try a code (or, with kind "login", a password) now."""
    now = timezone.now()
    failures = list(
        AccessAttempt.objects.filter(address=address, kind=kind, succeeded=False, at__gte=now - WINDOW)
        .order_by("-at")
        .values_list("at", flat=True)[:REFUSE_AFTER]
    )
    if len(failures) >= REFUSE_AFTER:
        until = failures[REFUSE_AFTER - 1] + WINDOW
        return Verdict(False, _seconds(until - now), refused=True)
    if len(failures) >= SLOW_AFTER:
        ready = failures[0] + WAIT_STEP * (len(failures) - SLOW_AFTER + 1)
        if ready > now:
            return Verdict(False, _seconds(ready - now))
    return Verdict(True)


def record_attempt(address: str, succeeded: bool, kind: str = AccessAttempt.CODE) -> None:
    """Keep an attempt; wrong codes and failed sign-ins are logged for the researchers."""
    AccessAttempt.objects.create(address=address, succeeded=succeeded, kind=kind)
    if not succeeded:
        log.warning("%s from %s", "failed sign-in" if kind == AccessAttempt.LOGIN else "wrong access code", address)


def _seconds(delta: timedelta) -> int:
    return max(1, int(delta.total_seconds() + 0.999))


def client_address(request: HttpRequest) -> str:
    """The respondent's address: behind trusted proxies, the one they saw (not the load balancer's)."""
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or "0.0.0.0"
