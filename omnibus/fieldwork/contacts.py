"""A wave's contacts: import from CSV, add and edit one at a time, the main contact, nomination status.

An import checks the whole file first and reports every problem as `FILE:ROW: column: message`
(row 1 is the header, as a spreadsheet numbers them); only a file without problems is written,
in one transaction, so a bad file never leaves half its rows behind. Rows update the contact
with the same unit and email (emails compare without case), so importing a corrected file again
updates rather than duplicates. Contacts the file does not mention are left as they are.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import models, transaction

from omnibus.fieldwork import audit
from omnibus.fieldwork.models import Contact, Nomination, Retention, Wave, WaveUnit
from omnibus.questionnaire.textfile import MB, TextFileError, csv_records, read_text

REQUIRED = ("unit_key", "name", "email", "main")
OPTIONAL = ("phone", "role", "nomination")
YES, NO = ("yes", "y", "true", "1"), ("no", "n", "false", "0", "")
# Deliberately plain: one @, no spaces, a dot in the domain. Full RFC 5322 accepts addresses
# no mail merge would send to, and rejecting typos matters more here than exotic addresses.
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
PHONE = re.compile(r"^\+?[0-9 ()\-]{6,30}$")
MAX_BYTES = 5 * MB  # a contacts file: a few contacts for each of some hundreds of units


class ContactError(Exception):
    """A contact that cannot be saved as asked; `problems` maps each field to what is wrong."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in problems.items()))
        self.problems = problems


@dataclass(frozen=True)
class RowProblem:
    """One problem in an import file, at a row (1 = header) and, where it applies, a column."""

    row: int
    column: str
    message: str

    def line(self, file: str) -> str:
        """`FILE:ROW: column: message` (the column is left out for problems with the whole row)."""
        where = f"{self.column}: " if self.column else ""
        return f"{file}:{self.row}: {where}{self.message}"


@dataclass
class ImportResult:
    """What an import did, or (when `problems` is not empty) why it wrote nothing."""

    file: str
    added: int = 0
    updated: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        """The problems, one `FILE:ROW: column: message` line each."""
        return [p.line(self.file) for p in self.problems]


@dataclass(frozen=True)
class ContactRow:
    """A checked row of a contacts file."""

    number: int
    wave_unit: WaveUnit
    name: str
    email: str
    phone: str
    role: str
    main: bool
    nomination: str


# -- checking ----------------------------------------------------------------------------------


def check_fields(name: str, email: str, phone: str = "", role: str = "") -> dict[str, str]:
    """What is wrong with a contact's fields, by field name (empty when nothing is)."""
    problems = {}
    if not name.strip():
        problems["name"] = "a name is needed"
    elif len(name) > 200:
        problems["name"] = "longer than 200 characters"
    if not email.strip():
        problems["email"] = "an email address is needed"
    elif not EMAIL.match(email.strip()) or len(email) > 254:
        problems["email"] = f"{email.strip()!r} is not an email address like name@example.com"
    if phone.strip() and not PHONE.match(phone.strip()):
        problems["phone"] = f"{phone.strip()!r} is not a phone number (digits, spaces, + ( ) -)"
    if len(role) > 200:
        problems["role"] = "longer than 200 characters"
    return problems


def _by_column(header: list[str], record: list[str]) -> dict[str | None, object]:
    """A record by column name, as `csv.DictReader` gives it: values beyond the header under None."""
    raw: dict[str | None, object] = {name: record[i] if i < len(record) else None for i, name in enumerate(header)}
    if len(record) > len(header):
        raw[None] = record[len(header) :]
    return raw


def _check_header(header: list[str]) -> list[RowProblem]:
    problems = []
    for name in header:
        if name not in REQUIRED + OPTIONAL:
            known = ", ".join(REQUIRED + OPTIONAL)
            problems.append(RowProblem(1, name or "(blank)", f"unknown column (the columns are {known})"))
        elif header.count(name) > 1:
            problems.append(RowProblem(1, name, "column given more than once"))
    for name in REQUIRED:
        if name not in header:
            problems.append(RowProblem(1, name, "missing column"))
    return list(dict.fromkeys(problems))  # a repeated column is reported once


def _check_row(number: int, raw: dict, units: dict[str, WaveUnit], problems: list[RowProblem]) -> ContactRow | None:
    """A checked row, or None after adding its problems to `problems`."""
    before = len(problems)
    if None in raw:
        problems.append(RowProblem(number, "", f"{len(raw[None])} more value(s) than there are columns"))
    value = {k: (v or "").strip() for k, v in raw.items() if k is not None}
    key = value.get("unit_key", "")
    wave_unit = units.get(key)
    if not key:
        problems.append(RowProblem(number, "unit_key", "a unit key is needed"))
    elif wave_unit is None:
        problems.append(RowProblem(number, "unit_key", f"no unit {key!r} in this wave"))
    for column, message in check_fields(
        value["name"], value["email"], value.get("phone", ""), value.get("role", "")
    ).items():
        problems.append(RowProblem(number, column, message))
    main = value["main"].lower()
    if main not in YES + NO:
        problems.append(RowProblem(number, "main", f"{value['main']!r} is not yes or no"))
    nomination = value.get("nomination", "").lower().replace(" ", "_")
    if nomination and nomination not in Nomination.Status.values:
        allowed = ", ".join(Nomination.Status.values)
        problems.append(RowProblem(number, "nomination", f"{value['nomination']!r} is not one of {allowed}"))
    if len(problems) > before:
        return None
    return ContactRow(
        number,
        wave_unit,
        value["name"],
        value["email"].lower(),
        value.get("phone", ""),
        value.get("role", ""),
        main in YES,
        nomination,
    )


def _check_across(rows: list[ContactRow], problems: list[RowProblem]) -> None:
    """Problems between rows: the same contact twice, two mains, two nomination statuses for a unit."""
    seen: dict[tuple[int, str], int] = {}
    mains: dict[int, int] = {}
    nominations: dict[int, tuple[str, int]] = {}
    for row in rows:
        unit = row.wave_unit.pk
        if (unit, row.email) in seen:
            problems.append(RowProblem(row.number, "email", f"the same contact as row {seen[unit, row.email]}"))
        seen.setdefault((unit, row.email), row.number)
        if row.main and unit in mains:
            problems.append(RowProblem(row.number, "main", f"a second main contact for the unit (row {mains[unit]})"))
        if row.main:
            mains.setdefault(unit, row.number)
        if row.nomination and nominations.get(unit, (row.nomination,))[0] != row.nomination:
            first = nominations[unit]
            problems.append(RowProblem(row.number, "nomination", f"differs from row {first[1]} ({first[0]})"))
        if row.nomination:
            nominations.setdefault(unit, (row.nomination, row.number))


def read_contacts(wave: Wave, path: Path) -> tuple[list[ContactRow], list[RowProblem]]:
    """Every row of a contacts file checked against the wave: the rows, or every problem found."""
    try:
        records = [r for r in csv_records(csv.reader(io.StringIO(read_text(path, MAX_BYTES), newline=""))) if r]
    except TextFileError as error:
        return [], [RowProblem(error.line or 1, "", error.message)]
    header = [name.strip() for name in records[0]] if records else []
    if not header:
        return [], [RowProblem(1, "", "the file is empty: the first row must name the columns")]
    problems = _check_header(header)
    if problems:
        return [], problems  # rows cannot be read reliably under a wrong header
    units = {wu.unit.key: wu for wu in wave.units.select_related("unit").exclude(unit=None)}
    raws = (_by_column(header, record) for record in records[1:])
    rows = [row for n, raw in enumerate(raws, start=2) if (row := _check_row(n, raw, units, problems))]
    _check_across(rows, problems)
    if not rows and not problems:
        problems.append(RowProblem(2, "", "no contacts in the file"))
    return rows, sorted(problems, key=lambda p: p.row)


# -- writing -----------------------------------------------------------------------------------


def _refuse_if_erased(wave: Wave) -> None:
    """Contacts cannot be added to a wave whose contact details were erased: that was for good."""
    erased = Retention.objects.filter(wave=wave).exclude(erased_at=None).values_list("erased_at", flat=True).first()
    if erased is not None:
        raise ContactError({"wave": f"the contact details of wave {wave.slug} were erased on {erased:%Y-%m-%d}"})


def ensure_main(wave_unit: WaveUnit) -> Contact | None:
    """Make the longest-standing contact main if the unit has contacts but no main one; that contact."""
    contacts = wave_unit.contacts.order_by("created_at", "id")
    if not contacts.exists() or contacts.filter(is_main=True).exists():
        return None
    first = contacts.first()
    first.is_main = True
    first.save(update_fields=["is_main", "updated_at"])
    return first


def _make_main(contact: Contact) -> None:
    # The other main is demoted first: the partial unique index would refuse two at once.
    Contact.objects.filter(wave_unit_id=contact.wave_unit_id, is_main=True).exclude(pk=contact.pk).update(is_main=False)


def _upsert(row: ContactRow) -> bool:
    """Write one checked row; True when it added a contact."""
    contact = Contact.objects.filter(wave_unit=row.wave_unit, email=row.email).first()
    added = contact is None
    contact = contact or Contact(wave_unit=row.wave_unit, email=row.email)
    contact.name, contact.phone, contact.role, contact.is_main = row.name, row.phone, row.role, row.main
    if row.main:
        _make_main(contact)
    contact.save()
    return added


def import_contacts(wave: Wave, path: Path, actor: str | models.Model, name: str = "") -> ImportResult:
    """Check `path` whole and, only if every row is right, add or update its contacts in one transaction.

    `name` is what messages and the audit call the file (an upload's own name), its path by default.
    """
    result = ImportResult(name or str(path))
    rows, result.problems = read_contacts(wave, Path(path))
    if not result.ok:
        return result
    try:
        _refuse_if_erased(wave)
    except ContactError as error:
        result.problems = [RowProblem(1, "", error.problems["wave"])]
        return result
    with transaction.atomic():
        for row in rows:
            if _upsert(row):
                result.added += 1
            else:
                result.updated += 1
        _after_import(rows, result, actor)
        detail = f"{name or Path(path).name}: {result.added} added, {result.updated} updated"
        audit.record(actor, audit.AuditEvent.IMPORTED, wave=wave, detail=detail)
    return result


def _after_import(rows: list[ContactRow], result: ImportResult, actor: str | models.Model) -> None:
    """Every touched unit ends with one main contact; nomination statuses given in the file are set."""
    for wave_unit in {row.wave_unit.pk: row.wave_unit for row in rows}.values():
        promoted = ensure_main(wave_unit)
        if promoted is not None:
            result.notes.append(
                f"unit {wave_unit.unit.key}: no main contact was marked; made contact {promoted.pk} main"
            )
    statuses = {row.wave_unit.pk: (row.wave_unit, row.nomination) for row in rows if row.nomination}
    for wave_unit, status in statuses.values():
        set_nomination(wave_unit, status, actor)


def add_contact(
    wave_unit: WaveUnit,
    actor: str | models.Model,
    name: str,
    email: str,
    phone: str = "",
    role: str = "",
    is_main: bool = False,
) -> Contact:
    """Add a contact to a unit (the first one is main whatever `is_main` says); ContactError if a field is wrong."""
    _refuse_if_erased(wave_unit.wave)
    problems = check_fields(name, email, phone, role)
    email = email.strip().lower()
    if not problems and wave_unit.contacts.filter(email=email).exists():
        problems["email"] = "the unit already has a contact with this email address"
    if problems:
        raise ContactError(problems)
    with transaction.atomic():
        contact = Contact(wave_unit=wave_unit, name=name.strip(), email=email, phone=phone.strip(), role=role.strip())
        contact.is_main = is_main
        if is_main:
            _make_main(contact)
        contact.save()
        ensure_main(wave_unit)
        audit.record(actor, audit.AuditEvent.CHANGED, contact, wave_unit.wave, f"added to unit {_key(wave_unit)}")
    contact.refresh_from_db()
    return contact


def edit_contact(contact: Contact, actor: str | models.Model, **changes: str) -> Contact:
    """Change a contact's name, email, phone or role; ContactError if the result would be wrong."""
    unknown = set(changes) - {"name", "email", "phone", "role"}
    if unknown:
        raise ContactError({name: "not a field that can be edited" for name in sorted(unknown)})
    merged = {f: changes.get(f, getattr(contact, f)) for f in ("name", "email", "phone", "role")}
    problems = check_fields(**merged)
    merged = {k: v.strip() for k, v in merged.items()} | {"email": merged["email"].strip().lower()}
    clash = contact.wave_unit.contacts.filter(email=merged["email"]).exclude(pk=contact.pk).exists()
    if not problems and clash:
        problems["email"] = "the unit already has a contact with this email address"
    if problems:
        raise ContactError(problems)
    changed = sorted(f for f, v in merged.items() if getattr(contact, f) != v)
    for name, value in merged.items():
        setattr(contact, name, value)
    with transaction.atomic():
        contact.save()
        detail = f"changed {', '.join(changed) or 'nothing'}"  # which fields, never their values
        audit.record(actor, audit.AuditEvent.CHANGED, contact, contact.wave_unit.wave, detail)
    return contact


def set_main(contact: Contact, actor: str | models.Model) -> Contact:
    """Make `contact` its unit's main contact (the previous main stays as an ordinary contact)."""
    with transaction.atomic():
        _make_main(contact)
        contact.is_main = True
        contact.save(update_fields=["is_main", "updated_at"])
        audit.record(actor, audit.AuditEvent.CHANGED, contact, contact.wave_unit.wave, "made main contact")
    return contact


def remove_contact(contact: Contact, actor: str | models.Model) -> None:
    """Delete a contact; if it was the main one, the longest-standing remaining contact becomes main."""
    wave_unit = contact.wave_unit
    with transaction.atomic():
        audit.record(actor, audit.AuditEvent.CHANGED, contact, wave_unit.wave, f"removed from unit {_key(wave_unit)}")
        contact.delete()
        ensure_main(wave_unit)


def nomination_of(wave_unit: WaveUnit) -> str:
    """The unit's nomination status ("not_requested" when none was ever set)."""
    found = Nomination.objects.filter(wave_unit=wave_unit).values_list("status", flat=True).first()
    return found or Nomination.NOT_REQUESTED


def set_nomination(wave_unit: WaveUnit, status: str, actor: str | models.Model) -> Nomination:
    """Set where the unit stands in the nomination stage; audited only when it changes."""
    if status not in Nomination.Status.values:
        raise ContactError({"nomination": f"{status!r} is not one of {', '.join(Nomination.Status.values)}"})
    with transaction.atomic():
        nomination, _ = Nomination.objects.get_or_create(wave_unit=wave_unit)
        if nomination.status != status:
            before, nomination.status = nomination.status, status
            nomination.save()
            detail = f"unit {_key(wave_unit)}: nomination {before} -> {status}"
            audit.record(actor, audit.AuditEvent.CHANGED, nomination, wave_unit.wave, detail)
    return nomination


def contacts_of(wave: Wave, unit_key: str | None = None) -> list[Contact]:
    """The wave's contacts by unit name, main contact first."""
    found = Contact.objects.filter(wave_unit__wave=wave).select_related("wave_unit", "wave_unit__unit")
    if unit_key:
        found = found.filter(wave_unit__unit__key=unit_key)
    return list(found.order_by("wave_unit__name", "-is_main", "name", "id"))


def wave_unit_by_key(wave: Wave, key: str) -> WaveUnit:
    """The wave's unit with frame key `key`; ContactError when there is none."""
    found = wave.units.select_related("unit", "wave").filter(unit__key=key).first()
    if found is None:
        raise ContactError({"unit_key": f"no unit {key!r} in wave {wave.slug}"})
    return found


def _key(wave_unit: WaveUnit) -> str:
    return wave_unit.unit.key if wave_unit.unit_id else str(wave_unit.pk)
