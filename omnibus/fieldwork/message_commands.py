"""`omnibus messages …` (templates, previews, sending, status, bounces) and `omnibus worker` (the outbox)."""

from __future__ import annotations

import click

from omnibus.fieldwork.command_line import wave_named


def _setup() -> None:
    from omnibus.core.setup import setup_django

    setup_django()


def _wave_and_template(wave_slug: str, template_ref: str):  # noqa: ANN202 - (Wave, Template)
    wave = wave_named(wave_slug)
    from omnibus.fieldwork.messages import TemplateError, load_template

    try:
        return wave, load_template(template_ref)
    except TemplateError as error:
        raise click.ClickException(str(error)) from None


@click.group()
def messages() -> None:
    """Invitations and reminders: templates with merge fields, previews, sending through the outbox."""


@messages.command("check")
@click.argument("template_ref", metavar="TEMPLATE")
def messages_check(template_ref: str) -> None:
    """Check TEMPLATE (a file, or a name in examples/messages/) and list its merge fields."""
    from omnibus.fieldwork.messages import MERGE, TemplateError, load_template

    try:
        template = load_template(template_ref)
    except TemplateError as error:
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
    _setup()
    from django.db.models import Q

    from omnibus.fieldwork.messages import preview

    wave, template = _wave_and_template(wave_slug, template_ref)
    unit = wave.units.select_related("wave").filter(Q(unit__key=unit_key) | Q(name=unit_key)).first()
    if unit is None:
        raise click.ClickException(f"no unit {unit_key!r} in wave {wave.slug}")
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
    _setup()
    from omnibus.fieldwork.messages import AudienceError, recipients_for, select_units
    from omnibus.fieldwork.outbox import queue_campaign

    wave, template = _wave_and_template(wave_slug, template_ref)
    try:
        if dry_run:
            units = select_units(wave, audience)
            people = sum(len(recipients_for(u)) for u in units)
            click.echo(f"Would queue {people} messages to {len(units)} units ({audience})")
            return
        queued = queue_campaign(wave, template, audience)
    except AudienceError as error:
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
    _setup()
    from django.db.models import Count

    from omnibus.fieldwork.models import Message

    wave = wave_named(wave_slug)
    for campaign in wave.campaigns.all():
        counts = dict(campaign.messages.values_list("status").annotate(n=Count("id")))
        shown = ", ".join(f"{counts.get(s, 0)} {s}" for s, _ in Message.STATUSES)
        click.echo(f"Campaign {campaign.pk} {campaign.template_name} to {campaign.audience}, "
                   f"{campaign.created_at:%Y-%m-%d %H:%M}: {shown}")  # fmt: skip
    problems = Message.objects.filter(campaign__wave=wave, status__in=[Message.FAILED, Message.BOUNCED])
    for message in problems.select_related("wave_unit").order_by("wave_unit__name", "id"):
        click.echo(f"  {message.status}\t{message.pk}\t{message.wave_unit.name}\t{message.recipient_email}\t"
                   f"{message.last_error}")  # fmt: skip
    retrying = Message.objects.filter(campaign__wave=wave, status=Message.QUEUED).exclude(last_error="")
    for message in retrying.select_related("wave_unit"):
        click.echo(f"  retrying\t{message.pk}\t{message.wave_unit.name}\t{message.recipient_email}\t"
                   f"next try {message.next_attempt_at:%H:%M}\t{message.last_error}")  # fmt: skip


@messages.command("bounce")
@click.argument("ref", metavar="MESSAGE")
@click.argument("reason")
def messages_bounce(ref: str, reason: str) -> None:
    """Record that MESSAGE (its number in `status`, or its Message-ID) bounced, with REASON."""
    _setup()
    from omnibus.fieldwork.outbox import record_bounce

    try:
        message = record_bounce(ref, reason)
    except LookupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Recorded a bounce for message {message.pk} to {message.recipient_email}")


@click.command("worker")
@click.option("--once", is_flag=True, help="Run the tasks due now, then stop (for cron or a test).")
@click.option("--poll", default=1.0, show_default=True, help="Seconds to wait when no task is due.")
def worker(once: bool, poll: float) -> None:
    """Run background tasks from the database queue (sending the outbox, with retries). Run as many as you like."""
    _setup()
    from django.core.management import call_command

    from omnibus.fieldwork.outbox import outbox_task_waiting, work_outbox_task

    # A kick at start: messages queued while no task was waiting for them are picked up too.
    if not outbox_task_waiting():
        work_outbox_task.enqueue()
    call_command("db_worker", batch=once, interval=poll, startup_delay=False, reload=False, verbosity=1)
