"""Commands for contacts, nomination, the audit trail and retention.

`contacts` and `audit` are groups of their own; `erase-contacts` and `retention` join the
existing `wave` group. Every command that reads or changes contact details is audited with
the actor "cli:USER".
"""

from __future__ import annotations

from pathlib import Path

import click

from omnibus.core.setup import setup_django
from omnibus.fieldwork.command_line import date_given, moment_given, wave_named


@click.group()
def contacts() -> None:
    """A wave's contacts: import from CSV, add, list, and each unit's nomination status."""


@contacts.command("import")
@click.argument("wave_slug", metavar="WAVE")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def contacts_import(wave_slug: str, file: Path) -> None:
    """Add or update WAVE's contacts from a CSV FILE; a file with any problem loads nothing."""
    wave = wave_named(wave_slug)
    from omnibus.fieldwork.audit import cli_actor
    from omnibus.fieldwork.contacts import import_contacts

    result = import_contacts(wave, file, cli_actor())
    if not result.ok:
        for line in result.lines():
            click.echo(line, err=True)
        click.echo(f"Nothing was loaded: {len(result.problems)} problem(s) in {file}", err=True)
        raise SystemExit(1)
    for note in result.notes:
        click.echo(note)
    click.echo(f"Loaded {file}: {result.added} contacts added, {result.updated} updated")


@contacts.command("add")
@click.argument("wave_slug", metavar="WAVE")
@click.argument("unit_key", metavar="UNIT")
@click.option("--name", required=True)
@click.option("--email", required=True)
@click.option("--phone", default="")
@click.option("--role", default="")
@click.option("--main", "is_main", is_flag=True, help="Make this the unit's main contact.")
def contacts_add(wave_slug: str, unit_key: str, name: str, email: str, phone: str, role: str, is_main: bool) -> None:
    """Add a contact to unit UNIT (its frame key, e.g. the DfE LA number) of WAVE."""
    wave = wave_named(wave_slug)
    from omnibus.fieldwork.audit import cli_actor
    from omnibus.fieldwork.contacts import ContactError, add_contact, wave_unit_by_key

    try:
        contact = add_contact(wave_unit_by_key(wave, unit_key), cli_actor(), name, email, phone, role, is_main)
    except ContactError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Added contact {contact.pk} to unit {unit_key}{' (main)' if contact.is_main else ''}")


@contacts.command("list")
@click.argument("wave_slug", metavar="WAVE")
@click.option("--unit", "unit_key", default=None, help="Only this unit (its frame key).")
def contacts_list(wave_slug: str, unit_key: str | None) -> None:
    """List WAVE's contacts with each unit's nomination status (the viewing is audited)."""
    wave = wave_named(wave_slug)
    from omnibus.fieldwork import audit
    from omnibus.fieldwork.contacts import contacts_of
    from omnibus.fieldwork.models import Nomination

    found = contacts_of(wave, unit_key)
    statuses = dict(Nomination.objects.filter(wave_unit__wave=wave).values_list("wave_unit_id", "status"))
    for c in found:
        status = statuses.get(c.wave_unit_id, Nomination.NOT_REQUESTED)
        main = "main" if c.is_main else ""
        click.echo(
            f"{c.wave_unit.unit.key}\t{c.wave_unit.name}\t{c.name}\t{c.email}\t{c.phone}\t{c.role}\t{main}\t{status}"
        )
    scope = f"unit {unit_key}" if unit_key else "all units"
    audit.record(
        audit.cli_actor(), audit.AuditEvent.VIEWED, wave=wave, detail=f"contacts list: {scope}, {len(found)} shown"
    )
    if not found:
        click.echo(f"No contacts for {scope} of wave {wave.slug}", err=True)


@contacts.command("nomination")
@click.argument("wave_slug", metavar="WAVE")
@click.argument("unit_key", metavar="UNIT")
@click.argument("status", type=click.Choice(["not_requested", "requested", "nominated", "declined"]))
def contacts_nomination(wave_slug: str, unit_key: str, status: str) -> None:
    """Set unit UNIT's nomination status in WAVE."""
    wave = wave_named(wave_slug)
    from omnibus.fieldwork.audit import cli_actor
    from omnibus.fieldwork.contacts import ContactError, set_nomination, wave_unit_by_key

    try:
        set_nomination(wave_unit_by_key(wave, unit_key), status, cli_actor())
    except ContactError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Unit {unit_key} of {wave.slug}: nomination {status}")


@click.command("retention")
@click.argument("wave_slug", metavar="WAVE")
@click.option("--erase-after", "erase_after", default=None, help="The last day contact details are kept, YYYY-MM-DD.")
def wave_retention(wave_slug: str, erase_after: str | None) -> None:
    """Show or set the date after which WAVE's contact details and codes may be erased."""
    wave = wave_named(wave_slug)
    from omnibus.fieldwork.audit import cli_actor
    from omnibus.fieldwork.models import Retention
    from omnibus.fieldwork.retention import set_retention

    if erase_after is not None:
        set_retention(wave, date_given(erase_after, "--erase-after"), cli_actor())
    retention = Retention.objects.filter(wave=wave).first()
    if retention is None:
        click.echo(f"Wave {wave.slug} has no retention date")
        return
    erased = f"; erased {retention.erased_at:%Y-%m-%d %H:%M}" if retention.erased_at else ""
    click.echo(f"Wave {wave.slug}: contact details kept until {retention.erase_after:%Y-%m-%d}{erased}")


@click.command("erase-contacts")
@click.argument("wave_slug", metavar="WAVE")
@click.option("--before-retention", is_flag=True, help="Erase even though the retention date has not passed (audited).")
def erase_contacts_command(wave_slug: str, before_retention: bool) -> None:
    """Erase WAVE's contacts, access codes and call notes for good; answers and units stay."""
    wave = wave_named(wave_slug)
    from omnibus.fieldwork.audit import cli_actor
    from omnibus.fieldwork.retention import RetentionError, erase_contacts

    try:
        result = erase_contacts(wave, cli_actor(), before_retention=before_retention)
    except RetentionError as error:
        raise click.ClickException(str(error)) from None
    if result.nothing_left:
        click.echo(f"Wave {wave.slug}: nothing left to erase (already erased)")
        return
    forced = " before its retention date" if result.forced else ""
    click.echo(f"Erased from wave {wave.slug}{forced}: {result.summary()}")


@click.group()
def audit() -> None:
    """The audit trail: who viewed, changed, sent, exported, imported or erased what, and when."""


@audit.command("list")
@click.option("--wave", "wave_slug", default=None, help="Only events of this wave.")
@click.option("--since", default=None, help="Only events at or after this date or date-time (YYYY-MM-DD[THH:MM]).")
@click.option("--actor", default=None, help='Only this actor, e.g. "cli:ada" or a username.')
@click.option("--action", type=click.Choice(["viewed", "changed", "sent", "exported", "imported", "erased"]))
def audit_list(wave_slug: str | None, since: str | None, actor: str | None, action: str | None) -> None:
    """List audit events oldest first: time, actor, action, wave, object, detail (tab-separated)."""
    if wave_slug:
        wave = wave_named(wave_slug)
    else:
        setup_django()
        wave = None
    from omnibus.fieldwork import audit as trail

    start = moment_given(since, "--since") if since else None
    found = trail.events(wave=wave, since=start, actor=actor, action=action)
    for event in found:
        click.echo(trail.line(event))
    if not found:
        click.echo("No audit events match", err=True)
