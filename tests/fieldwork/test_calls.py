"""The call log: each outcome, the checks on promised dates and new contacts, the call list CSV,
the `omnibus calls` commands (exit codes, no tracebacks), and erasure taking the call notes."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.utils import timezone

from omnibus.fieldwork.calls import CallError, NewContact, call_list, call_list_csv, log_call
from omnibus.fieldwork.contacts import import_contacts, wave_unit_by_key
from omnibus.fieldwork.models import AuditEvent, CallNote, Contact, SectionState, Wave
from omnibus.fieldwork.retention import erase_contacts
from omnibus.site.cli.fieldwork import calls

from .test_contacts import EXAMPLE_CONTACTS

pytestmark = pytest.mark.django_db


@pytest.fixture
def wave(make_wave) -> Wave:  # noqa: ANN001
    """Wave 3 with the example contacts; 840 completed a section, 841 is part-way, 390 has not started."""
    made = make_wave()
    assert import_contacts(made, EXAMPLE_CONTACTS, "t").ok
    for key, section, status in [
        ("840", "csc", SectionState.COMPLETED),
        ("840", "eyc", SectionState.IN_PROGRESS),
        ("841", "csc", SectionState.IN_PROGRESS),
        ("390", "csc", SectionState.NOT_STARTED),  # a row that says "not started" is still no response
    ]:
        SectionState.objects.create(wave_unit=wave_unit_by_key(made, key), section=section, status=status)
    return made


EXTRAS = {
    CallNote.PROMISED_DATE: {"promised_for": date(2018, 3, 31)},
    CallNote.NEW_CONTACT_GIVEN: {"new_contact": NewContact("Dana Reyes", "dana.reyes@example.com", "01632 960099")},
}


@pytest.mark.parametrize("outcome", [value for value, _ in CallNote.OUTCOMES])
def test_each_outcome_is_logged_and_audited(wave: Wave, outcome: str) -> None:
    unit = wave_unit_by_key(wave, "805")
    call = log_call(unit, "ada", outcome, note="  rang the main office  ", **EXTRAS.get(outcome, {}))
    call.refresh_from_db()
    assert (call.outcome, call.caller, call.note) == (outcome, "ada", "rang the main office")
    assert call.promised_for == (date(2018, 3, 31) if outcome == CallNote.PROMISED_DATE else None)
    event = AuditEvent.objects.get(object_type="fieldwork.callnote")
    assert (event.action, event.detail) == ("changed", f"call logged for unit 805: {outcome}")


def test_a_promised_date_is_needed_for_promised_date_and_only_for_it(wave: Wave) -> None:
    unit = wave_unit_by_key(wave, "805")
    with pytest.raises(CallError, match="give the date they promised to reply by") as refused:
        log_call(unit, "ada", CallNote.PROMISED_DATE)
    assert set(refused.value.problems) == {"promised_for"}
    with pytest.raises(CallError, match="only goes with the outcome promised_date"):
        log_call(unit, "ada", CallNote.SPOKE_TO, promised_for=date(2018, 3, 31))
    with pytest.raises(CallError, match="'rang' is not one of called_no_answer"):
        log_call(unit, "ada", "rang")
    assert not CallNote.objects.exists()


def test_a_new_contact_given_is_added_to_the_unit(wave: Wave) -> None:
    unit = wave_unit_by_key(wave, "805")
    call = log_call(unit, "ada", CallNote.NEW_CONTACT_GIVEN, new_contact=NewContact("Dana Reyes", "Dana@Example.com"))
    added = Contact.objects.get(wave_unit=unit, email="dana@example.com")
    assert call.new_contact == added and added.name == "Dana Reyes" and not added.is_main
    assert AuditEvent.objects.filter(object_type="fieldwork.contact", detail="added to unit 805").exists()


def test_a_wrong_new_contact_saves_neither_call_nor_contact(wave: Wave) -> None:
    unit = wave_unit_by_key(wave, "805")
    with pytest.raises(CallError) as refused:
        log_call(unit, "ada", CallNote.NEW_CONTACT_GIVEN, new_contact=NewContact("Dana", "dana@example"))
    assert list(refused.value.problems) == ["new_contact_email"]
    with pytest.raises(CallError, match="give the new contact's name and email"):
        log_call(unit, "ada", CallNote.NEW_CONTACT_GIVEN)
    assert not CallNote.objects.exists() and unit.contacts.count() == 2


def test_the_call_list_has_one_row_per_non_responder_with_the_main_phone(wave: Wave) -> None:
    log_call(wave_unit_by_key(wave, "805"), "ada", CallNote.LEFT_MESSAGE, at=timezone.now() - timedelta(days=1))
    log_call(wave_unit_by_key(wave, "805"), "ada", CallNote.PROMISED_DATE, promised_for=date(2018, 3, 31))
    rows = list(csv.DictReader(io.StringIO(call_list_csv(wave, "ada"))))
    keys = [row["unit_key"] for row in rows]
    assert len(rows) == 150 and len(set(keys)) == 150  # 152 units less 840 (answered) and 841 (partial)
    assert "840" not in keys and "841" not in keys and "390" in keys
    by_key = {row["unit_key"]: row for row in rows}
    assert by_key["805"] | {"last_call_at": ""} == {
        "unit_key": "805",
        "unit_name": by_key["805"]["unit_name"],
        "progress": "non_responder",
        "contact_name": "Morgan Tate",
        "contact_role": "Principal Social Worker",
        "phone": "01632 960031",
        "last_outcome": "promised_date",
        "last_call_at": "",
        "promised_for": "2018-03-31",
    }
    assert by_key["390"]["phone"] == "01632 960021" and by_key["390"]["last_outcome"] == ""
    event = AuditEvent.objects.get(action="exported")
    assert (event.actor, event.detail) == ("ada", "call list: 150 units (non-responders)")


def test_partial_units_join_the_call_list_when_asked_for(wave: Wave) -> None:
    rows = call_list(wave, include_partial=True)
    assert len(rows) == 151 and [r.progress for r in rows if r.unit_key == "841"] == ["partial"]
    assert all(r.unit_key != "840" for r in rows)


def test_erasing_contacts_removes_the_call_notes(wave: Wave) -> None:
    log_call(wave_unit_by_key(wave, "805"), "ada", CallNote.SPOKE_TO, note="said next week")
    log_call(wave_unit_by_key(wave, "390"), "ada", CallNote.CALLED_NO_ANSWER)
    result = erase_contacts(wave, "ada", before_retention=True)
    assert result.counts["call notes"] == 2
    assert not CallNote.objects.filter(wave_unit__wave=wave).exists()
    with pytest.raises(CallError, match="were erased"):
        log_call(wave_unit_by_key(wave, "805"), "ada", CallNote.SPOKE_TO)


# -- the command line --------------------------------------------------------------------------


def test_cli_logs_lists_and_writes_the_call_list(wave: Wave, tmp_path: Path) -> None:
    runner = CliRunner()
    logged = runner.invoke(
        calls, ["log", "w3", "805", "--outcome", "promised_date", "--promised-for", "2018-03-31", "--note", "by Friday"]
    )
    assert logged.exit_code == 0, logged.output
    assert logged.output == f"Logged call {CallNote.objects.get().pk} to unit 805 of w3: promised_date\n"
    given = runner.invoke(
        calls,
        ["log", "w3", "390", "--outcome", "new_contact_given"]
        + ["--new-contact-name", "Dana Reyes", "--new-contact-email", "dana@example.com"],
    )
    assert given.exit_code == 0 and "added contact" in given.output
    listed = runner.invoke(calls, ["list", "w3", "--unit", "805"])
    assert listed.exit_code == 0
    [line] = listed.output.splitlines()
    name = wave_unit_by_key(wave, "805").name
    assert line.split("\t")[1:] == [
        "805",
        name,
        CallNote.objects.get(wave_unit__unit__key="805").caller,
        "promised_date",
        "2018-03-31",
        "by Friday",
    ]
    assert line.split("\t")[3].startswith("cli:")
    out = tmp_path / "ring.csv"
    written = runner.invoke(calls, ["call-list", "w3", "-o", str(out), "--include", "partial"])
    assert written.exit_code == 0 and written.output == f"Wrote 151 units to {out}\n"
    assert len(list(csv.DictReader(out.open(encoding="utf-8")))) == 151
    assert AuditEvent.objects.filter(action="viewed", detail="calls list: unit 805, 1 shown").exists()
    assert AuditEvent.objects.filter(action="exported", actor__startswith="cli:").exists()


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["log", "nope", "805", "--outcome", "spoke_to"], 1, "no wave"),
        (["log", "w3", "999", "--outcome", "spoke_to"], 1, "no unit '999' in wave w3"),
        (["log", "w3", "805", "--outcome", "rang"], 2, "'rang' is not one of"),
        (["log", "w3", "805", "--outcome", "promised_date", "--promised-for", "31/03/2018"], 2, "not a date like"),
        (["log", "w3", "805", "--outcome", "promised_date"], 1, "give the date they promised to reply by"),
        (["log", "w3", "805", "--outcome", "new_contact_given", "--new-contact-name", "X"], 1, "email"),
        (["list", "nope"], 1, "no wave"),
        (["call-list", "w3", "-o", "/nonexistent/dir/x.csv"], 1, "cannot write"),
        (["call-list", "w3", "-o", "x.csv", "--include", "all"], 2, "'all' is not"),
    ],
)
def test_cli_bad_input_exits_non_zero_with_a_message(wave: Wave, args: list[str], code: int, message: str) -> None:
    result = CliRunner().invoke(calls, args)
    assert result.exit_code == code, result.output
    assert message in result.output and "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not CallNote.objects.exists()


def test_contact_names_and_roles_that_look_like_formulas_are_text_in_the_call_list(wave: Wave) -> None:
    Contact.objects.filter(wave_unit=wave_unit_by_key(wave, "805")).update(name="=1+1", role="@SUM(A1)")
    rows = {row["unit_key"]: row for row in csv.DictReader(io.StringIO(call_list_csv(wave, "ada")))}
    assert (rows["805"]["contact_name"], rows["805"]["contact_role"]) == ("'=1+1", "'@SUM(A1)")
