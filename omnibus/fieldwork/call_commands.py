"""Commands for the call log: `omnibus calls log|list|call-list`.

Logging a call is audited as a change, listing calls as viewing, writing the call list as an
export, each with the actor "cli:USER". Bad input exits non-zero with a message, never a traceback.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from omnibus.fieldwork.command_line import date_given, wave_named

OUTCOMES = ["called_no_answer", "spoke_to", "left_message", "promised_date", "new_contact_given", "declined"]


def _optional_date(text: str | None, what: str) -> date | None:
    return None if text is None else date_given(text, what)


@click.group()
def calls() -> None:
    """The call log: telephone reminders per unit, and the list of units still to ring."""


@calls.command("log")
@click.argument("wave_slug", metavar="WAVE")
@click.argument("unit_key", metavar="UNIT_KEY")
@click.option("--outcome", required=True, type=click.Choice(OUTCOMES))
@click.option("--promised-for", "promised_for", default=None, help="The date they promised to reply by, YYYY-MM-DD.")
@click.option("--note", default="", help="What was said (no more than a line or two).")
@click.option("--new-contact-name", default=None)
@click.option("--new-contact-email", default=None)
@click.option("--new-contact-phone", default="")
@click.option("--new-contact-role", default="")
def calls_log(
    wave_slug: str,
    unit_key: str,
    outcome: str,
    promised_for: str | None,
    note: str,
    new_contact_name: str | None,
    new_contact_email: str | None,
    new_contact_phone: str,
    new_contact_role: str,
) -> None:
    """Record a call to unit UNIT_KEY (its frame key, e.g. the DfE LA number) of WAVE."""
    promised = _optional_date(promised_for, "--promised-for")
    wave = wave_named(wave_slug)
    from omnibus.fieldwork.audit import cli_actor
    from omnibus.fieldwork.calls import CallError, NewContact, log_call
    from omnibus.fieldwork.contacts import ContactError, wave_unit_by_key

    new_contact = None
    if new_contact_name is not None or new_contact_email is not None:
        new_contact = NewContact(new_contact_name or "", new_contact_email or "", new_contact_phone, new_contact_role)
    try:
        call = log_call(wave_unit_by_key(wave, unit_key), cli_actor(), outcome, promised, note, new_contact)
    except (CallError, ContactError) as error:
        raise click.ClickException(str(error)) from None
    added = f"; added contact {call.new_contact_id}" if call.new_contact_id else ""
    click.echo(f"Logged call {call.pk} to unit {unit_key} of {wave.slug}: {outcome}{added}")


@calls.command("list")
@click.argument("wave_slug", metavar="WAVE")
@click.option("--unit", "unit_key", default=None, help="Only this unit (its frame key).")
def calls_list(wave_slug: str, unit_key: str | None) -> None:
    """List WAVE's calls: time, unit key, unit, caller, outcome, promised date, note (tab-separated; audited)."""
    wave = wave_named(wave_slug)
    from django.utils import timezone

    from omnibus.fieldwork import audit
    from omnibus.fieldwork.calls import calls_of

    found = calls_of(wave, unit_key)
    for c in found:
        at = timezone.localtime(c.at).strftime("%Y-%m-%d %H:%M")
        promised = c.promised_for.isoformat() if c.promised_for else ""
        note = " ".join(c.note.split())  # one line per call, whatever was typed
        click.echo(f"{at}\t{c.wave_unit.unit.key}\t{c.wave_unit.name}\t{c.caller}\t{c.outcome}\t{promised}\t{note}")
    scope = f"unit {unit_key}" if unit_key else "all units"
    audit.record(
        audit.cli_actor(), audit.AuditEvent.VIEWED, wave=wave, detail=f"calls list: {scope}, {len(found)} shown"
    )
    if not found:
        click.echo(f"No calls logged for {scope} of wave {wave.slug}", err=True)


@calls.command("call-list")
@click.argument("wave_slug", metavar="WAVE")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The CSV file.")
@click.option("--include", "include", type=click.Choice(["partial"]), default=None, help="Add units part-way through.")
def calls_call_list(wave_slug: str, output: Path, include: str | None) -> None:
    """Write WAVE's units still to ring, with the main contact's number, to a CSV file (audited)."""
    wave = wave_named(wave_slug)
    from omnibus.fieldwork.audit import cli_actor
    from omnibus.fieldwork.calls import call_list_csv

    text = call_list_csv(wave, cli_actor(), include_partial=include == "partial")
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        raise click.ClickException(f"cannot write {output}: {error.strerror}") from None
    units = text.count("\n") - 1
    click.echo(f"Wrote {units} units to {output}")
