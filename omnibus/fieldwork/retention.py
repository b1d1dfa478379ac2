"""Erase a wave's contact details, access codes and call notes once its retention date has passed.

The answers and the wave's units stay: later waves are compared unit by unit, and what the
client sees keeps following consent (which is recorded with the answers, not the contacts).
Erasure is for good and idempotent: running it again erases whatever is left, which is nothing.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime

from django.apps import apps
from django.db import models, transaction
from django.utils import timezone

from omnibus.fieldwork import audit
from omnibus.fieldwork.codes import ERASED_DIGEST_PREFIX
from omnibus.fieldwork.models import AuditEvent, Retention, Wave, WaveUnit


@dataclass(frozen=True)
class Erase:
    """One kind of personal data the erase step covers: rows deleted, or fields blanked in place.

    `wave_path` is the lookup from the model to its wave. Blanking (rather than deleting) keeps
    rows that answers point at, such as the respondents who gave them.
    """

    label: str
    model: str  # "app_label.ModelName", resolved when erasing so later apps can join the list
    wave_path: str
    blank: tuple[str, ...] = ()


# What `erase_contacts` removes, besides the access codes. The call log joins this list with a
# line such as Erase("call notes", "fieldwork.CallNote", "wave_unit__wave") when it is built.
ERASED: tuple[Erase, ...] = (
    Erase("contacts", "fieldwork.Contact", "wave_unit__wave"),
    Erase("respondent names and roles", "fieldwork.Respondent", "wave_unit__wave", blank=("name", "role")),
    Erase("call notes", "fieldwork.CallNote", "wave_unit__wave"),
)


class RetentionError(Exception):
    """Erasure refused: the message says why and what would allow it."""


@dataclass
class ErasureResult:
    """How many of each kind were erased by this run (all zero when an earlier run took everything)."""

    wave: str
    counts: dict[str, int] = field(default_factory=dict)
    forced: bool = False

    @property
    def nothing_left(self) -> bool:
        return not any(self.counts.values())

    def summary(self) -> str:
        return ", ".join(f"{n} {label}" for label, n in self.counts.items())


def set_retention(wave: Wave, erase_after: date, actor: str | models.Model) -> Retention:
    """Set (or move) the date after which the wave's contact details may be erased."""
    with transaction.atomic():
        retention, _ = Retention.objects.get_or_create(wave=wave, defaults={"erase_after": erase_after})
        retention.erase_after = erase_after
        retention.save()
        audit.record(actor, AuditEvent.CHANGED, retention, wave, f"retention date set to {erase_after:%Y-%m-%d}")
    return retention


def _check_due(wave: Wave, today: date, before_retention: bool) -> Retention | None:
    retention = Retention.objects.filter(wave=wave).first()
    if before_retention:
        return retention
    if retention is None:
        raise RetentionError(
            f"wave {wave.slug} has no retention date; set one with `omnibus wave retention {wave.slug} "
            "--erase-after YYYY-MM-DD`, or give --before-retention to erase now"
        )
    if today <= retention.erase_after:
        raise RetentionError(
            f"wave {wave.slug} keeps its contact details until {retention.erase_after:%Y-%m-%d} (today is "
            f"{today:%Y-%m-%d}); nothing was erased. Give --before-retention to erase earlier (it is audited)"
        )
    return retention


def _erase_codes(wave: Wave) -> int:
    """Make every code of the wave unusable for good: the sealed copy blanked, the digest unmatchable."""
    erased = 0
    for wave_unit in _usable_codes(wave).only("pk"):
        unusable = ERASED_DIGEST_PREFIX + secrets.token_hex(28)
        erased += WaveUnit.objects.filter(pk=wave_unit.pk).update(code_digest=unusable, code_sealed="")
    return erased


def _usable_codes(wave: Wave) -> models.QuerySet:
    return WaveUnit.objects.filter(wave=wave).exclude(code_digest__startswith=ERASED_DIGEST_PREFIX)


def _left(target: Erase, wave: Wave) -> models.QuerySet:
    """The rows of one kind that erasing would still delete or blank."""
    rows = apps.get_model(target.model).objects.filter(**{target.wave_path: wave})
    if not target.blank:
        return rows
    not_blank = models.Q()
    for name in target.blank:
        not_blank |= ~models.Q(**{name: ""})
    return rows.filter(not_blank)


def erasable(wave: Wave) -> dict[str, int]:
    """How many of each kind erasing the wave now would take (for the page that asks first)."""
    return {"access codes": _usable_codes(wave).count()} | {t.label: _left(t, wave).count() for t in ERASED}


def _erase(target: Erase, wave: Wave) -> int:
    rows = _left(target, wave)
    if not target.blank:
        return rows.delete()[1].get(rows.model._meta.label, 0)
    return rows.update(**{name: "" for name in target.blank})


def erase_contacts(
    wave: Wave, actor: str | models.Model, now: datetime | None = None, before_retention: bool = False
) -> ErasureResult:
    """Erase the wave's contact details, access codes and call notes; RetentionError before the retention date."""
    now = now or timezone.now()
    retention = _check_due(wave, timezone.localdate(now), before_retention)
    forced = before_retention and (retention is None or timezone.localdate(now) <= retention.erase_after)
    result = ErasureResult(wave.slug, forced=forced)
    with transaction.atomic():
        result.counts["access codes"] = _erase_codes(wave)
        for target in ERASED:
            result.counts[target.label] = _erase(target, wave)
        retention = retention or Retention.objects.create(wave=wave, erase_after=timezone.localdate(now))
        if retention.erased_at is None:
            retention.erased_at = now
            retention.save(update_fields=["erased_at"])
        detail = ("before the retention date (--before-retention); " if forced else "") + (
            "nothing left to erase" if result.nothing_left else "erased " + result.summary()
        )
        audit.record(actor, AuditEvent.ERASED, retention, wave, detail, now=now)
    return result
