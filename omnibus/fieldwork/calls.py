"""The call log: record telephone reminders per unit, and list the units still to ring as CSV.

Whom to ring follows the unit's progress (`omnibus.fieldwork.progress`): a *non-responder* has
reached no menu section (response none); a *partial* unit reached some but completed none. The
call list holds the non-responders, and the partial units too when asked for: a unit that
completed any section has answered, and ringing it about the rest is a different conversation.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime

from django.db import models, transaction
from django.utils import timezone

from omnibus.core.spreadsheet import csv_writer
from omnibus.fieldwork import audit
from omnibus.fieldwork.contacts import ContactError, add_contact
from omnibus.fieldwork.models import AuditEvent, CallNote, Contact, Retention, Wave, WaveUnit
from omnibus.fieldwork.progress import UnitProgress, wave_progress

OUTCOMES = dict(CallNote.OUTCOMES)
# What the call list's progress column prints (kept as the CSV has always said it).
NON_RESPONDER, PARTIAL, RESPONDED = "non_responder", "partial", "responded"
CSV_COLUMNS = (
    "unit_key",
    "unit_name",
    "progress",
    "contact_name",
    "contact_role",
    "phone",
    "last_outcome",
    "last_call_at",
    "promised_for",
)
NOTE_LIMIT = 2000  # a call note is a line or two; a pasted email belongs elsewhere


class CallError(Exception):
    """A call that cannot be logged as asked; `problems` maps each field to what is wrong."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in problems.items()))
        self.problems = problems


@dataclass(frozen=True)
class NewContact:
    """The person a call was told to contact instead (outcome new_contact_given)."""

    name: str
    email: str
    phone: str = ""
    role: str = ""


@dataclass(frozen=True)
class CallListRow:
    """One unit to ring: its main contact's name and number, and how the last call went."""

    wave_unit: WaveUnit
    progress: str
    contact: Contact | None
    last_call: CallNote | None

    @property
    def unit_key(self) -> str:
        return self.wave_unit.unit.key

    def values(self) -> list[str]:
        """The row in CSV_COLUMNS order."""
        contact, call = self.contact, self.last_call
        return [
            self.unit_key,
            self.wave_unit.name,
            self.progress,
            contact.name if contact else "",
            contact.role if contact else "",
            contact.phone if contact else "",
            call.outcome if call else "",
            timezone.localtime(call.at).strftime("%Y-%m-%d %H:%M") if call else "",
            call.promised_for.isoformat() if call and call.promised_for else "",
        ]


# -- logging a call ----------------------------------------------------------------------------


def check_call(outcome: str, promised_for: date | None, note: str, new_contact: NewContact | None) -> dict[str, str]:
    """What is wrong with a call's fields, by field name (empty when nothing is)."""
    problems = {}
    if outcome not in OUTCOMES:
        problems["outcome"] = f"{outcome!r} is not one of {', '.join(OUTCOMES)}"
    if outcome == CallNote.PROMISED_DATE and promised_for is None:
        problems["promised_for"] = "give the date they promised to reply by (outcome promised_date)"
    elif promised_for is not None and outcome != CallNote.PROMISED_DATE:
        problems["promised_for"] = "a promised date only goes with the outcome promised_date"
    if outcome == CallNote.NEW_CONTACT_GIVEN and new_contact is None:
        problems["new_contact"] = "give the new contact's name and email (outcome new_contact_given)"
    elif new_contact is not None and outcome != CallNote.NEW_CONTACT_GIVEN:
        problems["new_contact"] = "a new contact only goes with the outcome new_contact_given"
    if len(note) > NOTE_LIMIT:
        problems["note"] = f"longer than {NOTE_LIMIT} characters"
    return problems


def _refuse_if_erased(wave: Wave) -> None:
    """Notes cannot be added once the wave's call notes were erased: that was for good."""
    erased = Retention.objects.filter(wave=wave).exclude(erased_at=None).values_list("erased_at", flat=True).first()
    if erased is not None:
        raise CallError(
            {"wave": f"the contact details and call notes of wave {wave.slug} were erased on {erased:%Y-%m-%d}"}
        )


def _add_new_contact(wave_unit: WaveUnit, actor: str | models.Model, new_contact: NewContact) -> Contact:
    """The new contact, through add_contact so its checks and audit apply; its problems as new_contact_*."""
    try:
        return add_contact(wave_unit, actor, new_contact.name, new_contact.email, new_contact.phone, new_contact.role)
    except ContactError as error:
        raise CallError({f"new_contact_{k}": v for k, v in error.problems.items()}) from None


def log_call(
    wave_unit: WaveUnit,
    actor: str | models.Model,
    outcome: str,
    promised_for: date | None = None,
    note: str = "",
    new_contact: NewContact | None = None,
    at: datetime | None = None,
) -> CallNote:
    """Record a call to the unit; CallError (saving nothing) when a field is wrong or the wave was erased."""
    _refuse_if_erased(wave_unit.wave)
    problems = check_call(outcome, promised_for, note.strip(), new_contact)
    if problems:
        raise CallError(problems)
    user = actor if isinstance(actor, models.Model) else None
    with transaction.atomic():
        contact = _add_new_contact(wave_unit, actor, new_contact) if new_contact else None
        call = CallNote.objects.create(
            wave_unit=wave_unit,
            caller=user.get_username() if user is not None else str(actor),
            user=user,
            at=at or timezone.now(),
            outcome=outcome,
            promised_for=promised_for,
            note=note.strip(),
            new_contact=contact,
        )
        detail = f"call logged for unit {_key(wave_unit)}: {outcome}"  # the outcome only, never the note
        audit.record(actor, AuditEvent.CHANGED, call, wave_unit.wave, detail)
    return call


def calls_of(wave: Wave, unit_key: str | None = None) -> list[CallNote]:
    """The wave's calls by unit name, oldest first within a unit."""
    found = CallNote.objects.filter(wave_unit__wave=wave).select_related("wave_unit", "wave_unit__unit")
    if unit_key:
        found = found.filter(wave_unit__unit__key=unit_key)
    return list(found.order_by("wave_unit__name", "at", "id"))


# -- the call list -----------------------------------------------------------------------------


def call_progress(progress: UnitProgress) -> str:
    """What the call list says of a unit: non_responder, partial, or responded (a menu section completed)."""
    if not progress.took_part:
        return NON_RESPONDER
    return RESPONDED if progress.completed_any else PARTIAL


def progress_of(wave: Wave) -> dict[int, str]:
    """Each wave unit's progress as the call list says it, by WaveUnit id."""
    return {pk: call_progress(progress) for pk, progress in wave_progress(wave).items()}


def _latest_calls(wave: Wave) -> dict[int, CallNote]:
    latest = {}
    for call in CallNote.objects.filter(wave_unit__wave=wave).order_by("at", "id"):
        latest[call.wave_unit_id] = call  # later calls overwrite earlier ones
    return latest


def call_list(wave: Wave, include_partial: bool = False) -> list[CallListRow]:
    """One row per unit to ring, by unit name: non-responders, and partial units if asked for."""
    wanted = {NON_RESPONDER, PARTIAL} if include_partial else {NON_RESPONDER}
    progress = progress_of(wave)
    mains = {c.wave_unit_id: c for c in Contact.objects.filter(wave_unit__wave=wave, is_main=True)}
    latest = _latest_calls(wave)
    units = wave.units.select_related("unit").exclude(unit=None).order_by("name", "pk")
    return [
        CallListRow(wu, progress[wu.pk], mains.get(wu.pk), latest.get(wu.pk))
        for wu in units
        if progress[wu.pk] in wanted
    ]


def call_list_csv(wave: Wave, actor: str | models.Model, include_partial: bool = False) -> str:
    """The call list as CSV text (header first); audited as an export."""
    rows = call_list(wave, include_partial)
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(row.values() for row in rows)
    scope = "non-responders and partial units" if include_partial else "non-responders"
    audit.record(actor, AuditEvent.EXPORTED, wave=wave, detail=f"call list: {len(rows)} units ({scope})")
    return out.getvalue()


def _key(wave_unit: WaveUnit) -> str:
    return wave_unit.unit.key if wave_unit.unit_id else str(wave_unit.pk)
