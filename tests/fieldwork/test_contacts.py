"""Contacts: importing a CSV (all or nothing), re-importing, one main contact per unit, nomination status."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import IntegrityError, transaction

from omnibus.fieldwork.contacts import (
    ContactError,
    add_contact,
    edit_contact,
    import_contacts,
    nomination_of,
    remove_contact,
    set_main,
    set_nomination,
    wave_unit_by_key,
)
from omnibus.fieldwork.models import AuditEvent, Contact, Nomination, Wave

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_CONTACTS = ROOT / "examples" / "contacts" / "cso-wave3-contacts.csv"
HEADER = "unit_key,name,email,phone,role,main,nomination\n"

pytestmark = pytest.mark.django_db


@pytest.fixture
def wave(small_wave) -> Wave:  # noqa: ANN001
    """An open wave of a handful of LAs: those of the example contacts and two more."""
    return small_wave()


def write(tmp_path: Path, text: str, name: str = "contacts.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_example_file_imports_with_mains_and_nominations(wave: Wave) -> None:
    result = import_contacts(wave, EXAMPLE_CONTACTS, "cli:test")
    assert result.ok, result.lines()
    assert (result.added, result.updated) == (6, 0)
    durham = wave_unit_by_key(wave, "840")
    assert [c.email for c in durham.contacts.filter(is_main=True)] == ["alex.fenwick@example.com"]
    assert durham.contacts.count() == 2 and nomination_of(durham) == Nomination.NOMINATED
    assert nomination_of(wave_unit_by_key(wave, "390")) == Nomination.REQUESTED
    assert nomination_of(wave_unit_by_key(wave, "929")) == Nomination.NOT_REQUESTED
    event = AuditEvent.objects.get(action=AuditEvent.IMPORTED)
    assert event.wave == wave and event.actor == "cli:test" and "6 added, 0 updated" in event.detail
    assert "example.com" not in " ".join(AuditEvent.objects.values_list("detail", flat=True))  # no personal data


def test_a_bad_file_names_every_problem_and_loads_nothing(wave: Wave, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEADER
        + "840,Alex Fenwick,alex@example.com,01632 960001,Head,yes,nominated\n"  # row 2: fine
        + "999,Nobody,nobody@example.com,,,no,\n"  # row 3: unknown unit
        + "841,,not-an-email,,,no,\n"  # row 4: no name, bad email
        + "840,Priya Okafor,priya@example.com,,,yes,\n"  # row 5: second main for 840
        + "840,Alex Again,ALEX@example.com,,,no,\n"  # row 6: the same contact as row 2
        + "805,Morgan Tate,morgan@example.com,phone me,,maybe,sometime\n"  # row 7: phone, main, nomination
        + "390,,,,,no,\n",  # row 8: neither name nor email
    )
    result = import_contacts(wave, path, "cli:test")
    assert result.lines() == [
        f"{path}:3: unit_key: no unit '999' in this wave",
        f"{path}:4: name: a name is needed",
        f"{path}:4: email: 'not-an-email' is not an email address like name@example.com",
        f"{path}:5: main: a second main contact for the unit (row 2)",
        f"{path}:6: email: the same contact as row 2",
        f"{path}:7: phone: 'phone me' is not a phone number (digits, spaces, + ( ) -)",
        f"{path}:7: main: 'maybe' is not yes or no",
        f"{path}:7: nomination: 'sometime' is not one of not_requested, requested, nominated, declined",
        f"{path}:8: name: a name is needed",
        f"{path}:8: email: an email address is needed",
    ]
    assert not Contact.objects.exists() and not Nomination.objects.exists() and not AuditEvent.objects.exists()


def test_unknown_and_missing_columns_are_named(wave: Wave, tmp_path: Path) -> None:
    path = write(tmp_path, "unit_key,name,mail,main,notes\n840,A,a@example.com,yes,x\n")
    assert import_contacts(wave, path, "t").lines() == [
        f"{path}:1: mail: unknown column (the columns are unit_key, name, email, main, phone, role, nomination)",
        f"{path}:1: notes: unknown column (the columns are unit_key, name, email, main, phone, role, nomination)",
        f"{path}:1: email: missing column",
    ]
    assert not Contact.objects.exists()


def test_a_file_not_in_utf8_is_refused(wave: Wave, tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes((HEADER + "840,Zoë Example,zoe@example.com,,,yes,\n").encode("latin-1"))
    [line] = import_contacts(wave, path, "t").lines()
    assert line.startswith(f"{path}:2: not UTF-8 text (byte 0xeb)")
    assert not Contact.objects.exists()


def test_extra_values_and_an_empty_file(wave: Wave, tmp_path: Path) -> None:
    extra = write(tmp_path, HEADER + "840,A,a@example.com,,,yes,,surplus\n")
    assert import_contacts(wave, extra, "t").lines() == [f"{extra}:2: 1 more value(s) than there are columns"]
    empty = write(tmp_path, "", "empty.csv")
    assert import_contacts(wave, empty, "t").lines() == [
        f"{empty}:1: the file is empty: the first row must name the columns"
    ]


def test_reimport_updates_rather_than_duplicates(wave: Wave, tmp_path: Path) -> None:
    assert import_contacts(wave, EXAMPLE_CONTACTS, "t").ok
    changed = write(
        tmp_path,
        HEADER
        + "840,Alex Fenwick,Alex.Fenwick@example.com,01632 960009,Assistant Director,no,\n"
        + "840,Priya Okafor,priya.okafor@example.com,01632 960002,Performance Lead,yes,\n",
    )
    result = import_contacts(wave, changed, "t")
    assert result.ok and (result.added, result.updated) == (0, 2)
    assert Contact.objects.count() == 6
    durham = wave_unit_by_key(wave, "840")
    alex = durham.contacts.get(email="alex.fenwick@example.com")
    assert (alex.phone, alex.role, alex.is_main) == ("01632 960009", "Assistant Director", False)
    assert durham.contacts.get(is_main=True).email == "priya.okafor@example.com"


def test_a_unit_with_no_main_marked_gets_its_first_contact_as_main(wave: Wave, tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "841,B One,b1@example.com,,,no,\n841,B Two,b2@example.com,,,no,\n")
    result = import_contacts(wave, path, "t")
    assert result.ok and len(result.notes) == 1 and "unit 841" in result.notes[0]
    assert wave_unit_by_key(wave, "841").contacts.get(is_main=True).email == "b1@example.com"


def test_one_main_contact_per_unit_in_code_and_database(wave: Wave) -> None:
    unit = wave_unit_by_key(wave, "840")
    first = add_contact(unit, "ada", "First Person", "first@example.com")
    assert first.is_main  # the first contact of a unit is its main contact
    second = add_contact(unit, "ada", "Second Person", "second@example.com", is_main=True)
    first.refresh_from_db()
    assert second.is_main and not first.is_main
    set_main(first, "ada")
    assert list(unit.contacts.filter(is_main=True)) == [first]
    remove_contact(first, "ada")
    assert list(unit.contacts.filter(is_main=True).values_list("email", flat=True)) == ["second@example.com"]
    with pytest.raises(IntegrityError), transaction.atomic():
        Contact.objects.create(wave_unit=unit, name="Sneaky", email="sneaky@example.com", is_main=True)


def test_add_and_edit_check_fields_and_are_audited(wave: Wave) -> None:
    unit = wave_unit_by_key(wave, "840")
    with pytest.raises(ContactError) as refused:
        add_contact(unit, "ada", "", "nope")
    assert set(refused.value.problems) == {"name", "email"}
    contact = add_contact(unit, "ada", "Pat Example", "pat@example.com", phone="01632 960050")
    with pytest.raises(ContactError):
        add_contact(unit, "ada", "Pat Again", "PAT@example.com")
    edit_contact(contact, "bea", role="Data Manager", phone="01632 960051")
    contact.refresh_from_db()
    assert (contact.role, contact.phone) == ("Data Manager", "01632 960051")
    last = AuditEvent.objects.order_by("id").last()
    assert (last.actor, last.action, last.object_id, last.detail) == (
        "bea",
        "changed",
        str(contact.pk),
        "changed phone, role",
    )


def test_nomination_changes_are_audited(wave: Wave) -> None:
    unit = wave_unit_by_key(wave, "841")
    set_nomination(unit, Nomination.REQUESTED, "ada")
    set_nomination(unit, Nomination.REQUESTED, "ada")  # no change, no event
    set_nomination(unit, Nomination.DECLINED, "bea")
    details = list(AuditEvent.objects.filter(action="changed").values_list("actor", "detail"))
    assert details == [
        ("ada", "unit 841: nomination not_requested -> requested"),
        ("bea", "unit 841: nomination requested -> declined"),
    ]
    assert nomination_of(unit) == Nomination.DECLINED
    with pytest.raises(ContactError):
        set_nomination(unit, "maybe", "ada")


def test_a_huge_or_binary_file_is_refused_before_any_row_is_checked(wave: Wave, tmp_path: Path) -> None:
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as handle:
        handle.truncate(41 * 1024 * 1024)  # sparse: a 41 MB file with nothing to read
    assert import_contacts(wave, huge, "t").lines() == [
        f"{huge}:1: the file is 41.0 MB; the most this reader takes is 5 MB"
    ]
    binary = tmp_path / "binary.csv"
    binary.write_bytes((HEADER + "840,Zoë\x00,zoe@example.com,,,yes,\n").encode())
    assert import_contacts(wave, binary, "t").lines() == [
        f"{binary}:2: a control character (U+0000) that text cannot hold"
    ]
    assert not Contact.objects.exists()
