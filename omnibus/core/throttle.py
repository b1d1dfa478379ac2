"""Slow, then refuse, repeated wrong access codes; never a right one.

A code is checked before the throttle is asked, so a correct code always gets in: the throttle
only holds up wrong codes, and nobody's wrong codes (a shared proxy, a load balancer, an
attacker) can lock an authority out. What stops guessing is the code space (60 bits, see
`omnibus.fieldwork.codes`); the throttle tells a person who mistypes to slow down and makes a
guesser's failures loud in the log.

Failures are counted under each thing a request can be held to: the client's address, the
address that actually connected (when it differs: a forwarded address can be made up by
anyone who reaches the server directly), and the first group of the code tried (many guesses
at one partly known code from many addresses). Attempts are rows in the database (not process
memory), so every server behind a load balancer sees the same counts.
"""

from __future__ import annotations

import ipaddress
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from omnibus.core import prepared
from omnibus.core.models import AccessAttempt

log = logging.getLogger("omnibus.access")

WINDOW = timedelta(minutes=15)
SLOW_AFTER = 5  # wrong codes in the window before each new try must wait
REFUSE_AFTER = 10  # wrong codes in the window before the address is refused for the window
WAIT_STEP = timedelta(seconds=10)  # the wait grows by this much for each wrong code past SLOW_AFTER
# A load balancer connects for everyone behind it, so the address that connected is allowed
# this many times as many failures as one client before it is held up.
PEER_FACTOR = 10


@dataclass(frozen=True)
class Verdict:
    """Whether an address may try a code now, and if not, for how many seconds it must wait."""

    allowed: bool
    wait_seconds: int = 0
    refused: bool = False


@dataclass(frozen=True)
class Source:
    """Where an attempt comes from: the client's address and the address that connected."""

    address: str
    peer: str

    @classmethod
    def direct(cls, address: str) -> Source:
        """A client that connected itself, through no proxy."""
        return cls(address, address)


def may_try(source: Source, kind: str = AccessAttempt.CODE, prefix: str = "") -> Verdict:
    """Whether wrong tries from this source (or at this code prefix) may go on now.

    For access codes, ask it only once a code has been found wrong: a right code is never held up.
    """
    counters = [(Q(address=source.address), 1)]
    if source.peer != source.address:
        counters.append((Q(peer=source.peer), PEER_FACTOR))
    if prefix:
        counters.append((Q(prefix=prefix), 1))
    now = timezone.now()
    verdicts = [_verdict(counted, factor, kind, now) for counted, factor in counters]
    return max(verdicts, key=lambda v: (not v.allowed, v.refused, v.wait_seconds))


def _verdict(counted: Q, factor: int, kind: str, now: datetime) -> Verdict:
    slow_after, refuse_after = SLOW_AFTER * factor, REFUSE_AFTER * factor
    failures = list(
        AccessAttempt.objects.filter(counted, kind=kind, succeeded=False, at__gte=now - WINDOW)
        .order_by("-at")
        .values_list("at", flat=True)[:refuse_after]
    )
    if len(failures) >= refuse_after:
        until = failures[refuse_after - 1] + WINDOW
        return Verdict(False, _seconds(until - now), refused=True)
    if len(failures) >= slow_after:
        ready = failures[0] + WAIT_STEP * (len(failures) - slow_after + 1)
        if ready > now:
            return Verdict(False, _seconds(ready - now))
    return Verdict(True)


def record_attempt(source: Source, succeeded: bool, kind: str = AccessAttempt.CODE, prefix: str = "") -> None:
    """Keep an attempt; wrong codes and failed sign-ins are logged for the researchers."""
    field = AccessAttempt._meta.get_field("address")
    addresses = [field.get_prep_value(address) for address in (source.address, source.peer)]  # IPv6 as the ORM keeps it
    at = connection.ops.adapt_datetimefield_value(timezone.now())
    row = (*addresses, prefix, kind, succeeded, at)
    with prepared.cursor() as cursor:  # every sign-in writes one: a written-out insert, not the ORM's
        cursor.execute(_attempt_sql(), prepared.insert_params([], [row]))
    if not succeeded:
        what = "failed sign-in" if kind == AccessAttempt.LOGIN else "wrong access code"
        via = f" via {source.peer}" if source.peer != source.address else ""
        aimed = f" starting {prefix}" if prefix else ""
        log.warning("%s%s from %s%s", what, aimed, source.address, via)


@cache
def _attempt_sql() -> str:
    """The insert of one attempt."""
    return prepared.insert_sql(AccessAttempt, ("address", "peer", "prefix", "kind", "succeeded", "at"), 1)


def _seconds(delta: timedelta) -> int:
    return max(1, int(delta.total_seconds() + 0.999))


def client_source(request: HttpRequest) -> Source:
    """Where a request comes from: the client's address and the address that connected."""
    return Source(client_address(request), _peer(request))


def client_address(request: HttpRequest) -> str:
    """The client's address: behind trusted proxies, the one they saw (not the load balancer's).

    Each trusted proxy appends the address it was connected from to X-Forwarded-For, so the
    client's is `OMNIBUS_TRUSTED_PROXY_COUNT` places from the right; anything further left was
    sent by the client and is not believed. A header too short for the count, or an entry that
    is not an IP address, gives the address that connected.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if proxies and len(forwarded) >= proxies:
        return _address(forwarded[-proxies]) or _peer(request)
    return _peer(request)


def _peer(request: HttpRequest) -> str:
    return _address(request.META.get("REMOTE_ADDR", "")) or "0.0.0.0"


def _address(text: str) -> str | None:
    """`text` as a normalised IP address, or None when it is not one (a malformed header is not an error)."""
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None
