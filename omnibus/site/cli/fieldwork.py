"""Fieldwork commands: `omnibus wave …` (all of it), `codes`, `contacts`, `calls`, `messages`, `worker`, `audit`,
and `omnibus questionnaire load` (it writes to the database, so the questionnaire group loads it from here).

Every command that reads or changes contact details is audited with the actor "cli:USER".
Bad input exits non-zero with a message, never a traceback.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from omnibus.fieldwork import audit as trail
from omnibus.fieldwork.audit import cli_actor, record
from omnibus.fieldwork.calls import CallError, NewContact, call_list_csv, calls_of, log_call
from omnibus.fieldwork.contacts import (
    ContactError,
    add_contact,
    contacts_of,
    import_contacts,
    set_nomination,
    wave_unit_by_key,
)
from omnibus.fieldwork.messages import (
    LOCAL_BASE_URL,
    MERGE,
    AudienceError,
    BaseUrlError,
    TemplateError,
    links_base,
    load_template,
    merge_fields,
    preview,
    recipients_for,
    select_units,
    wave_fields,
)
from omnibus.fieldwork.models import AuditEvent, CallNote, Message, Nomination, QuestionnaireVersion, Retention, Wave
from omnibus.fieldwork.outbox import queue_campaign, record_bounce
from omnibus.fieldwork.questionnaires import VersionConflict, store_questionnaire
from omnibus.fieldwork.retention import RetentionError, erase_contacts, set_retention
from omnibus.fieldwork.wave_state import WaveStateError, close_wave, open_wave, reopen_wave
from omnibus.fieldwork.waves import WaveError, codes_csv, create_wave
from omnibus.fieldwork.worker import RECOVER_EVERY, run_worker
from omnibus.frame.store import FrameError, choose_population, population_schema
from omnibus.questionnaire.loader import QuestionnaireError
from omnibus.site.cli.arguments import date_given, moment_given, wave_named

# `omnibus questionnaire load` ------------------------------------------------------------------


@click.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True, help="Replace a version of the same label loaded with different content.")
def load_questionnaire(file: Path, replace: bool) -> None:
    """Check FILE and store it as a questionnaire version that waves can use."""
    try:
        stored, changed = store_questionnaire(file, replace=replace)
    except QuestionnaireError as error:
        for line in error.lines():
            click.echo(line, err=True)
        raise SystemExit(1) from None
    except VersionConflict as error:
        click.echo(str(error), err=True)
        raise SystemExit(1) from None
    state = "Loaded" if changed else "Already loaded, unchanged:"
    click.echo(f"{state} {stored.survey} {stored.version} ({stored.title})")


# `omnibus wave …` ------------------------------------------------------------------------------


@click.group()
def wave() -> None:
    """Create and list waves (a questionnaire version, the frame as of a date, opening and closing times)."""


@wave.command("create")
@click.argument("slug")
@click.option(
    "--questionnaire",
    "questionnaire_ref",
    required=True,
    help="A questionnaire file, or SURVEY:VERSION already loaded.",
)
@click.option("--frame-as-of", "as_of", required=True, help="The frame's date, YYYY-MM-DD.")
@click.option("--opens", required=True, help="When the survey opens: YYYY-MM-DD or YYYY-MM-DDTHH:MM.")
@click.option("--closes", required=True, help="When it closes.")
@click.option("--title", default=None, help="The wave's title (default: the questionnaire's).")
@click.option(
    "--kind", type=click.Choice([Wave.Kind.MAIN.value, Wave.Kind.PILOT.value]), default="main", show_default=True
)
@click.option(
    "--population",
    metavar="SLUG|FILE.yaml",
    help="The frame's population (default: the only one loaded).",
)
def wave_create(
    slug: str,
    questionnaire_ref: str,
    as_of: str,
    opens: str,
    closes: str,
    title: str | None,
    kind: str,
    population: str | None,
) -> None:
    """Create wave SLUG and an access code for every unit of the frame as of --frame-as-of."""
    try:
        frame_date = date.fromisoformat(as_of)
    except ValueError:
        raise click.BadParameter(f"{as_of!r} is not a date like 2017-09-01", param_hint="--frame-as-of") from None
    stored = _questionnaire(questionnaire_ref)
    try:
        made = create_wave(
            slug,
            title or stored.title,
            stored,
            choose_population(population),
            frame_date,
            moment_given(opens, "--opens"),
            moment_given(closes, "--closes"),
            kind,
        )
    except (WaveError, FrameError) as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Created wave {made.slug}: {made.units.count()} units, {made.questionnaire}, open {opens} to {closes}")


def _questionnaire(ref: str) -> QuestionnaireVersion:
    path = Path(ref)
    if path.suffix in (".yaml", ".yml"):
        try:
            return store_questionnaire(path)[0]
        except QuestionnaireError as error:
            for line in error.lines():
                click.echo(line, err=True)
            raise SystemExit(1) from None
        except VersionConflict as error:
            raise click.ClickException(str(error)) from None
    survey, _, version = ref.partition(":")
    stored = QuestionnaireVersion.objects.filter(survey=survey, version=version).first()
    if stored is None:
        raise click.ClickException(
            f"no questionnaire {ref!r} is loaded; give a file, or SURVEY:VERSION of a loaded one"
        )
    return stored


@wave.command("list")
def wave_list() -> None:
    """List the waves with their questionnaire, dates and number of units."""
    for item in Wave.objects.exclude(kind=Wave.Kind.PREVIEW).select_related("questionnaire"):
        click.echo(
            f"{item.slug}\t{item.kind}\t{item.questionnaire}\t{item.opens_at:%Y-%m-%d %H:%M} to "
            f"{item.closes_at:%Y-%m-%d %H:%M}\t{item.units.count()} units"
        )


def _change(slug: str, what: str, until: str | None = None) -> None:
    """Find the wave, make the change as the CLI user, and say what the wave's times now are."""
    chosen = wave_named(slug)
    try:
        if what == "open":
            open_wave(chosen, cli_actor())
        elif what == "close":
            close_wave(chosen, cli_actor())
        else:
            reopen_wave(chosen, cli_actor(), moment_given(until or "", "--until"))
    except WaveStateError as error:
        raise click.ClickException(str(error)) from None
    opens, closes = (timezone.localtime(t).strftime("%Y-%m-%d %H:%M") for t in (chosen.opens_at, chosen.closes_at))
    click.echo(f"Wave {chosen.slug} is {chosen.state(timezone.now()).replace('_', ' ')}: {opens} to {closes}")


@wave.command("open")
@click.argument("slug")
def wave_open(slug: str) -> None:
    """Open wave SLUG now (it must not have opened yet)."""
    _change(slug, "open")


@wave.command("close")
@click.argument("slug")
def wave_close(slug: str) -> None:
    """Close wave SLUG now (it must be open)."""
    _change(slug, "close")


@wave.command("reopen")
@click.argument("slug")
@click.option("--until", required=True, help="The new closing time, YYYY-MM-DDTHH:MM (in the future).")
def wave_reopen(slug: str, until: str) -> None:
    """Reopen the closed wave SLUG until --until."""
    _change(slug, "reopen", until)


@wave.command("retention")
@click.argument("wave_slug", metavar="WAVE")
@click.option("--erase-after", "erase_after", default=None, help="The last day contact details are kept, YYYY-MM-DD.")
def wave_retention(wave_slug: str, erase_after: str | None) -> None:
    """Show or set the date after which WAVE's contact details and codes may be erased."""
    chosen = wave_named(wave_slug)
    if erase_after is not None:
        set_retention(chosen, date_given(erase_after, "--erase-after"), cli_actor())
    retention = Retention.objects.filter(wave=chosen).first()
    if retention is None:
        click.echo(f"Wave {chosen.slug} has no retention date")
        return
    erased = f"; erased {retention.erased_at:%Y-%m-%d %H:%M}" if retention.erased_at else ""
    click.echo(f"Wave {chosen.slug}: contact details kept until {retention.erase_after:%Y-%m-%d}{erased}")


@wave.command("erase-contacts")
@click.argument("wave_slug", metavar="WAVE")
@click.option("--before-retention", is_flag=True, help="Erase even though the retention date has not passed (audited).")
def erase_contacts_command(wave_slug: str, before_retention: bool) -> None:
    """Erase WAVE's contacts, access codes and call notes for good; answers and units stay."""
    chosen = wave_named(wave_slug)
    try:
        result = erase_contacts(chosen, cli_actor(), before_retention=before_retention)
    except RetentionError as error:
        raise click.ClickException(str(error)) from None
    if result.nothing_left:
        click.echo(f"Wave {chosen.slug}: nothing left to erase (already erased)")
        return
    forced = " before its retention date" if result.forced else ""
    click.echo(f"Erased from wave {chosen.slug}{forced}: {result.summary()}")


# `omnibus codes …` -----------------------------------------------------------------------------


@click.group()
def codes() -> None:
    """Access codes for mail merges."""


@codes.command("export")
@click.argument("wave_slug", metavar="WAVE")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="CSV file (default: standard output)."
)
def codes_export(wave_slug: str, output: Path | None) -> None:
    """Write WAVE's units with their access codes and links, as CSV for a mail merge."""
    chosen = wave_named(wave_slug)
    if not settings.BASE_URL:  # the demo's address: a mail merge for respondents needs the real one
        click.echo(
            f"Warning: OMNIBUS_BASE_URL is not set, so the links start with {LOCAL_BASE_URL}, this machine's "
            "demo address; set it to the address respondents reach the site at before a mail merge",
            err=True,
        )
    try:
        text = codes_csv(chosen, settings.BASE_URL or LOCAL_BASE_URL)
    except ValueError as error:  # the codes were sealed with another key
        raise click.ClickException(str(error)) from None
    record(cli_actor(), AuditEvent.Action.EXPORTED, wave=chosen, detail="access codes for a mail merge")
    if output is None:
        click.echo(text, nl=False)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    click.echo(f"Wrote {output}")


# `omnibus contacts …` --------------------------------------------------------------------------


@click.group()
def contacts() -> None:
    """A wave's contacts: import from CSV, add, list, and each unit's nomination status."""


@contacts.command("import")
@click.argument("wave_slug", metavar="WAVE")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def contacts_import(wave_slug: str, file: Path) -> None:
    """Add or update WAVE's contacts from a CSV FILE; a file with any problem loads nothing."""
    chosen = wave_named(wave_slug)
    result = import_contacts(chosen, file, cli_actor())
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
    chosen = wave_named(wave_slug)
    try:
        contact = add_contact(wave_unit_by_key(chosen, unit_key), cli_actor(), name, email, phone, role, is_main)
    except ContactError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Added contact {contact.pk} to unit {unit_key}{' (main)' if contact.is_main else ''}")


@contacts.command("list")
@click.argument("wave_slug", metavar="WAVE")
@click.option("--unit", "unit_key", default=None, help="Only this unit (its frame key).")
def contacts_list(wave_slug: str, unit_key: str | None) -> None:
    """List WAVE's contacts with each unit's nomination status (the viewing is audited)."""
    chosen = wave_named(wave_slug)
    found = contacts_of(chosen, unit_key)
    statuses = dict(Nomination.objects.filter(wave_unit__wave=chosen).values_list("wave_unit_id", "status"))
    for c in found:
        status = statuses.get(c.wave_unit_id, Nomination.Status.NOT_REQUESTED.value)
        main = "main" if c.is_main else ""
        click.echo(
            f"{c.wave_unit.unit.key}\t{c.wave_unit.name}\t{c.name}\t{c.email}\t{c.phone}\t{c.role}\t{main}\t{status}"
        )
    scope = f"unit {unit_key}" if unit_key else "all units"
    record(cli_actor(), AuditEvent.Action.VIEWED, wave=chosen, detail=f"contacts list: {scope}, {len(found)} shown")
    if not found:
        click.echo(f"No contacts for {scope} of wave {chosen.slug}", err=True)


@contacts.command("nomination")
@click.argument("wave_slug", metavar="WAVE")
@click.argument("unit_key", metavar="UNIT")
@click.argument("status", type=click.Choice(Nomination.Status.values))
def contacts_nomination(wave_slug: str, unit_key: str, status: str) -> None:
    """Set unit UNIT's nomination status in WAVE."""
    chosen = wave_named(wave_slug)
    try:
        set_nomination(wave_unit_by_key(chosen, unit_key), status, cli_actor())
    except ContactError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Unit {unit_key} of {chosen.slug}: nomination {status}")


# `omnibus calls …` -----------------------------------------------------------------------------


@click.group()
def calls() -> None:
    """The call log: telephone reminders per unit, and the list of units still to ring."""


@calls.command("log")
@click.argument("wave_slug", metavar="WAVE")
@click.argument("unit_key", metavar="UNIT_KEY")
@click.option("--outcome", required=True, type=click.Choice(CallNote.Outcome.values))
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
    promised = None if promised_for is None else date_given(promised_for, "--promised-for")
    chosen = wave_named(wave_slug)
    new_contact = None
    if new_contact_name is not None or new_contact_email is not None:
        new_contact = NewContact(new_contact_name or "", new_contact_email or "", new_contact_phone, new_contact_role)
    try:
        call = log_call(wave_unit_by_key(chosen, unit_key), cli_actor(), outcome, promised, note, new_contact)
    except (CallError, ContactError) as error:
        raise click.ClickException(str(error)) from None
    added = f"; added contact {call.new_contact_id}" if call.new_contact_id else ""
    click.echo(f"Logged call {call.pk} to unit {unit_key} of {chosen.slug}: {outcome}{added}")


@calls.command("list")
@click.argument("wave_slug", metavar="WAVE")
@click.option("--unit", "unit_key", default=None, help="Only this unit (its frame key).")
def calls_list(wave_slug: str, unit_key: str | None) -> None:
    """List WAVE's calls: time, unit key, unit, caller, outcome, promised date, note (tab-separated; audited)."""
    chosen = wave_named(wave_slug)
    found = calls_of(chosen, unit_key)
    for c in found:
        at = timezone.localtime(c.at).strftime("%Y-%m-%d %H:%M")
        promised = c.promised_for.isoformat() if c.promised_for else ""
        note = " ".join(c.note.split())  # one line per call, whatever was typed
        click.echo(f"{at}\t{c.wave_unit.unit.key}\t{c.wave_unit.name}\t{c.caller}\t{c.outcome}\t{promised}\t{note}")
    scope = f"unit {unit_key}" if unit_key else "all units"
    record(cli_actor(), AuditEvent.Action.VIEWED, wave=chosen, detail=f"calls list: {scope}, {len(found)} shown")
    if not found:
        click.echo(f"No calls logged for {scope} of wave {chosen.slug}", err=True)


@calls.command("call-list")
@click.argument("wave_slug", metavar="WAVE")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The CSV file.")
@click.option("--include", "include", type=click.Choice(["partial"]), default=None, help="Add units part-way through.")
def calls_call_list(wave_slug: str, output: Path, include: str | None) -> None:
    """Write WAVE's units still to ring, with the main contact's number, to a CSV file (audited)."""
    chosen = wave_named(wave_slug)
    text = call_list_csv(chosen, cli_actor(), include_partial=include == "partial")
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        raise click.ClickException(f"cannot write {output}: {error.strerror}") from None
    units = text.count("\n") - 1
    click.echo(f"Wrote {units} units to {output}")


# `omnibus messages …` and `omnibus worker` -----------------------------------------------------


def _wave_and_template(wave_slug: str, template_ref: str):  # noqa: ANN202 - (Wave, Template)
    chosen = wave_named(wave_slug)
    try:
        return chosen, load_template(template_ref, wave_fields(chosen))
    except TemplateError as error:
        raise click.ClickException(str(error)) from None


@click.group()
def messages() -> None:
    """Invitations and reminders: templates with merge fields, previews, sending through the outbox."""


@messages.command("check")
@click.argument("template_ref", metavar="TEMPLATE")
@click.option(
    "--population",
    metavar="SLUG|FILE.yaml",
    help="The population whose merge fields the template may use (default: the only one loaded).",
)
def messages_check(template_ref: str, population: str | None) -> None:
    """Check TEMPLATE (a file, or a name in examples/messages/) and list its merge fields."""
    try:
        template = load_template(template_ref, merge_fields(population_schema(choose_population(population))))
    except (TemplateError, FrameError) as error:
        raise click.ClickException(str(error)) from None
    fields = sorted({m.group(1) for m in MERGE.finditer(template.text)})
    click.echo(f"{template.name}: subject {template.subject!r}; fields: {', '.join(fields) or 'none'}")
    click.echo(f"Excel copy attached: {'yes' if template.attach_copy else 'no'}")


@messages.command("preview")
@click.argument("wave_slug", metavar="WAVE")
@click.argument("template_ref", metavar="TEMPLATE")
@click.option("--unit", "unit_key", required=True, help="The unit's key (e.g. E09000002) or its name.")
def messages_preview(wave_slug: str, template_ref: str, unit_key: str) -> None:
    """Show TEMPLATE filled in for one unit of WAVE, for each of its recipients; sends nothing."""
    chosen, template = _wave_and_template(wave_slug, template_ref)
    unit = chosen.units.select_related("wave").filter(Q(unit__key=unit_key) | Q(name=unit_key)).first()
    if unit is None:
        raise click.ClickException(f"no unit {unit_key!r} in wave {chosen.slug}")
    for person, rendered in preview(template, unit):
        click.echo(f"To: {person.name} <{person.email}>\nSubject: {rendered.subject}\n")
        click.echo(rendered.body)
        if template.attach_copy:
            click.echo("[Attached: the Excel copy of the questionnaire]\n")


@messages.command("send")
@click.argument("wave_slug", metavar="WAVE")
@click.argument("template_ref", metavar="TEMPLATE")
@click.option("--to", "audience", default="everyone", show_default=True, help="everyone, not-started, partial, "
              "unfinished or section:ID (units that have not completed section ID).")  # fmt: skip
@click.option("--dry-run", is_flag=True, help="Count the units and recipients; queue nothing.")
def messages_send(wave_slug: str, template_ref: str, audience: str, dry_run: bool) -> None:
    """Queue TEMPLATE for the recipients of WAVE's units in the audience; `omnibus worker` sends them."""
    chosen, template = _wave_and_template(wave_slug, template_ref)
    try:
        if dry_run:
            units = select_units(chosen, audience)
            people = sum(len(recipients_for(u)) for u in units)
            click.echo(f"Would queue {people} messages to {len(units)} units ({audience})")
            return
        queued = queue_campaign(chosen, template, audience, base_url=links_base())
    except (AudienceError, BaseUrlError) as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Queued campaign {queued.campaign.pk}: {queued.messages} messages ({template.name}, {audience})")
    if queued.units_without_recipients:
        click.echo(f"{len(queued.units_without_recipients)} units have no contact with an email:", err=True)
        for name in queued.units_without_recipients:
            click.echo(f"  {name}", err=True)


@messages.command("status")
@click.argument("wave_slug", metavar="WAVE")
def messages_status(wave_slug: str) -> None:
    """Each campaign's messages by status, and every failed or bounced message with its error."""
    chosen = wave_named(wave_slug)
    for campaign in chosen.campaigns.all():
        counts = dict(campaign.messages.values_list("status").annotate(n=Count("id")))
        shown = ", ".join(f"{counts.get(s, 0)} {s}" for s in Message.Status.values)
        click.echo(f"Campaign {campaign.pk} {campaign.template_name} to {campaign.audience}, "
                   f"{campaign.created_at:%Y-%m-%d %H:%M}: {shown}")  # fmt: skip
    problems = Message.objects.filter(campaign__wave=chosen, status__in=[Message.Status.FAILED, Message.Status.BOUNCED])
    for message in problems.select_related("wave_unit").order_by("wave_unit__name", "id"):
        click.echo(f"  {message.status}\t{message.pk}\t{message.wave_unit.name}\t{message.recipient_email}\t"
                   f"{message.last_error}")  # fmt: skip
    retrying = Message.objects.filter(campaign__wave=chosen, status=Message.Status.QUEUED).exclude(last_error="")
    for message in retrying.select_related("wave_unit"):
        click.echo(f"  retrying\t{message.pk}\t{message.wave_unit.name}\t{message.recipient_email}\t"
                   f"next try {message.next_attempt_at:%H:%M}\t{message.last_error}")  # fmt: skip


@messages.command("bounce")
@click.argument("ref", metavar="MESSAGE")
@click.argument("reason")
def messages_bounce(ref: str, reason: str) -> None:
    """Record that MESSAGE (its number in `status`, or its Message-ID) bounced, with REASON."""
    try:
        message = record_bounce(ref, reason)
    except LookupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Recorded a bounce for message {message.pk} to {message.recipient_email}")


@click.command("worker")
@click.option("--once", is_flag=True, help="Run the tasks due now, then stop (for cron or a test).")
@click.option("--poll", default=1.0, show_default=True, help="Seconds to wait when no task is due.")
@click.option(
    "--recover-every",
    default=RECOVER_EVERY,
    show_default=True,
    help="Seconds between recoveries of what dead workers left (also done at start).",
)
def worker(once: bool, poll: float, recover_every: float) -> None:
    """Run background tasks from the database queue: the outbox, outputs built on the web, code suggestions.

    Run as many as you like.
    """
    # Recovery at start (and on a timer) queues a task for anything due, a dead worker's messages included.
    run_worker(once=once, poll=poll, recover_every=recover_every)


# `omnibus audit …` -----------------------------------------------------------------------------


@click.group()
def audit() -> None:
    """The audit trail: who viewed, changed, sent, exported, imported or erased what, and when."""


@audit.command("list")
@click.option("--wave", "wave_slug", default=None, help="Only events of this wave.")
@click.option("--since", default=None, help="Only events at or after this date or date-time (YYYY-MM-DD[THH:MM]).")
@click.option("--actor", default=None, help='Only this actor, e.g. "cli:ada" or a username.')
@click.option("--action", type=click.Choice(AuditEvent.Action.values))
def audit_list(wave_slug: str | None, since: str | None, actor: str | None, action: str | None) -> None:
    """List audit events oldest first: time, actor, action, wave, object, detail (tab-separated)."""
    chosen = wave_named(wave_slug) if wave_slug else None
    start = moment_given(since, "--since") if since else None
    found = trail.events(wave=chosen, since=start, actor=actor, action=action)
    for event in found:
        click.echo(trail.line(event))
    if not found:
        click.echo("No audit events match", err=True)
