"""The outbox: queue a campaign's messages, and work them off once each, with retries.

Queueing writes one `Message` row per recipient (the durable queue). A worker claims a batch
of due rows in a short transaction — `SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL, so two
workers take different rows; SQLite's IMMEDIATE transactions put claims one after the other —
marking them `sending` with a lease. It then sends each and records the outcome, but only if
it still holds the lease (a token check), so a worker that outlived its lease cannot overwrite
another's result.

Exactly once, and its honest limit: a worker that dies before sending leaves a lease that
expires, and the message is sent later by another worker (once). A worker that dies *after*
the mail server accepted the message but *before* it recorded `sent` leaves the same expired
lease, and the message is sent again: that window (one SMTP reply to one UPDATE) cannot be
closed with SMTP, which has no idempotent submission. The copy carries the same Message-ID
header, so mail systems that de-duplicate on it drop it and a reader can see it is the same.

Recovery: run as a task, the outbox leases its rows under the task's own id, so when a worker
dies its task and the rows it held can be found together. `recover` (run by every worker when
it starts and then on a timer, see `fieldwork.worker`) marks the dead worker's task failed and
queues its rows again at once, queues any row whose lease ran out, and makes sure a task is
waiting whenever something is due.
"""

from __future__ import annotations

import logging
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import TaskContext, task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from omnibus.core.ids import as_id
from omnibus.fieldwork.mail import (
    Attachment,
    Mailer,
    Outgoing,
    PermanentError,
    SmtpConfig,
    TransientError,
    mailer_from_env,
)
from omnibus.fieldwork.messages import (
    Recipient,
    Template,
    parse_template,
    recipients_for,
    render_for,
    select_units,
    wave_fields,
)
from omnibus.fieldwork.models import Campaign, Message, Wave, WaveUnit
from omnibus.fieldwork.questionnaires import questionnaire_of
from omnibus.questionnaire import render_xlsx

log = logging.getLogger("omnibus.fieldwork.outbox")

LEASE = timedelta(minutes=5)  # far longer than one SMTP conversation
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=6)
MAX_ATTEMPTS = 8  # about 4 hours of retries in all before a message is marked failed
RECORD_PATIENCE = timedelta(minutes=2)  # how long an outcome waits for the database; well inside LEASE


@dataclass
class Queued:
    """What queueing a campaign did."""

    campaign: Campaign
    messages: int
    units_without_recipients: list[str] = field(default_factory=list)


@dataclass
class Worked:
    """What one pass of the worker did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0

    @property
    def claimed(self) -> int:
        return self.sent + self.retrying + self.failed


class AlreadyQueued(Exception):
    """The form's idempotency key was used before: `campaign` is the one it queued."""

    def __init__(self, campaign: Campaign) -> None:
        super().__init__(f"campaign {campaign.pk} was already queued from this form")
        self.campaign = campaign


def queue_campaign(
    wave: Wave,
    template: Template,
    audience: str,
    recipients=recipients_for,  # noqa: ANN001 - a function of a wave unit giving recipients
    base_url: str = "",
    key: str | None = None,
) -> Queued:
    """Queue `template` for every recipient of the units in `audience`; the worker sends them.

    Links start with `base_url` (see `messages.links_base`). `key`, when given, is the confirming
    form's idempotency key: a second campaign with it is refused by the database's unique
    constraint, even from another server at the same moment, and AlreadyQueued names the first.
    """
    units = select_units(wave, audience)
    now = timezone.now()
    domain = _message_domain()
    try:
        with transaction.atomic():
            campaign = Campaign.objects.create(
                wave=wave,
                template_name=template.name,
                template_text=template.text,
                audience=audience,
                attach_copy=template.attach_copy,
                base_url=base_url,
                idempotency_key=key,
            )
            rows, missing = [], []
            for unit in units:
                people = _unique(recipients(unit))
                if not people:
                    missing.append(unit.name)
                rows += [_message(campaign, unit, person, now, domain) for person in people]
            Message.objects.bulk_create(rows, batch_size=500)
            # The task is queued only if the messages are: a rolled-back campaign leaves no work behind.
            transaction.on_commit(lambda: work_outbox_task.enqueue())
    except IntegrityError:
        first = Campaign.objects.filter(idempotency_key=key).first() if key else None
        if first is None:
            raise
        raise AlreadyQueued(first) from None
    return Queued(campaign, len(rows), missing)


def _unique(people: list[Recipient]) -> list[Recipient]:
    seen, kept = set(), []
    for person in people:
        if person.email.lower() not in seen:
            seen.add(person.email.lower())
            kept.append(person)
    return kept


def _message(campaign: Campaign, unit: WaveUnit, person: Recipient, now: datetime, domain: str) -> Message:
    return Message(
        campaign=campaign,
        wave_unit=unit,
        recipient_name=person.name,
        recipient_email=person.email,
        next_attempt_at=now,
        message_id=f"<omnibus.{uuid.uuid4().hex}@{domain}>",
    )


def new_message(campaign: Campaign, unit: WaveUnit, person: Recipient) -> Message:
    """One outbox row for one recipient, due now (not yet saved)."""
    return _message(campaign, unit, person, timezone.now(), _message_domain())


def _message_domain() -> str:
    address = SmtpConfig.from_env().from_address
    return address.rsplit("@", 1)[-1].strip(" >") or "localhost"


# --- Claiming --------------------------------------------------------------------------------


def claim(
    batch: int, now: datetime | None = None, lease: timedelta = LEASE, token: str = ""
) -> tuple[str, list[Message]]:
    """Take up to `batch` due messages: queued and due, or sending with an expired lease.

    `token` names the holder (the task's id when run as a task); without it each claim gets its own.
    """
    now = now or timezone.now()
    token = token or uuid.uuid4().hex
    with transaction.atomic():
        locked = Message.objects.filter(_due_q(now)).order_by("next_attempt_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            locked = locked.select_for_update(skip_locked=True)
        ids = list(locked.values_list("id", flat=True)[:batch])
        if not ids:
            return token, []
        # Re-checking due-ness in the UPDATE keeps a claim safe even where rows cannot be locked.
        Message.objects.filter(_due_q(now), id__in=ids).update(
            status=Message.SENDING, lease_token=token, lease_expires_at=now + lease
        )
    claimed = list(Message.objects.filter(lease_token=token, status=Message.SENDING).select_related(*_RELATED))
    return token, claimed


_RELATED = ("campaign", "campaign__wave", "campaign__wave__questionnaire", "wave_unit", "wave_unit__wave")


def _due_q(now: datetime):  # noqa: ANN202 - a Q

    return Q(status=Message.QUEUED, next_attempt_at__lte=now) | Q(status=Message.SENDING, lease_expires_at__lte=now)


# --- Sending ---------------------------------------------------------------------------------


def work_outbox(batch: int = 50, mailer: Mailer | None = None, now: datetime | None = None, holder: str = "") -> Worked:
    """Claim one batch and send it; the Excel copy is made once per campaign in the batch."""
    token, messages = claim(batch, now, token=holder)
    worked = Worked()
    if not messages:
        return worked
    mailer = mailer or mailer_from_env()
    copies: dict[int, Attachment] = {}
    for message in messages:
        outcome = _send_one(message, token, mailer, copies)
        setattr(worked, outcome, getattr(worked, outcome) + 1)
    return worked


def work_until_idle(batch: int = 50, mailer: Mailer | None = None, holder: str = "") -> Worked:
    """Work batches until nothing is due now (messages waiting for a later retry stay queued)."""
    total = Worked()
    while True:
        worked = work_outbox(batch, mailer, holder=holder)
        if not worked.claimed:
            return total
        total.sent += worked.sent
        total.retrying += worked.retrying
        total.failed += worked.failed


def _send_one(message: Message, token: str, mailer: Mailer, copies: dict[int, Attachment]) -> str:
    try:
        outgoing = outgoing_for(message, copies)
        provider_id = mailer.send(outgoing)
    except TransientError as error:
        return _retry_later(message, token, str(error))
    except (PermanentError, ValueError) as error:
        # ValueError: a template or code that cannot be rendered; retrying would not help.
        return _finish(message, token, Message.FAILED, last_error=str(error))
    return _finish(message, token, Message.SENT, provider_id=provider_id, sent_at=timezone.now(), last_error="")


def outgoing_for(message: Message, copies: dict[int, Attachment]) -> Outgoing:
    """The email for a message row, rendered now (the code is unsealed only in memory)."""
    campaign = message.campaign
    template = parse_template(campaign.template_text, campaign.template_name, wave_fields(campaign.wave))
    recipient = Recipient(message.recipient_name, message.recipient_email)
    rendered = render_for(template, message.wave_unit, recipient, campaign.base_url)
    attachments = [excel_copy(campaign, copies)] if campaign.attach_copy else []
    attachments += [
        Attachment(kept.filename, bytes(kept.content), *kept.content_type.split("/", 1))
        for kept in message.attachments.all()
    ]
    return Outgoing(recipient.name, recipient.email, rendered.subject, rendered.body, message.message_id, attachments)


def excel_copy(campaign: Campaign, copies: dict[int, Attachment]) -> Attachment:
    """The Excel copy of the campaign's questionnaire, made once per campaign per batch."""
    if campaign.pk not in copies:
        stored = campaign.wave.questionnaire
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "copy.xlsx"
            render_xlsx.render_xlsx(questionnaire_of(stored), path)
            content = path.read_bytes()
        copies[campaign.pk] = Attachment(f"{stored.survey}-{stored.version}-questions.xlsx", content)
    return copies[campaign.pk]


def backoff(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed try: 1, 2, 4, 8 … minutes, at most 6 hours."""
    return min(BACKOFF_BASE * 2 ** max(attempts - 1, 0), BACKOFF_CAP)


def _retry_later(message: Message, token: str, error: str) -> str:
    attempts = message.attempts + 1
    if attempts >= MAX_ATTEMPTS:
        return _finish(message, token, Message.FAILED, attempts=attempts, last_error=f"gave up: {error}")
    _finish(
        message,
        token,
        Message.QUEUED,
        attempts=attempts,
        last_error=error,
        next_attempt_at=timezone.now() + backoff(attempts),
    )
    return "retrying"


def _finish(message: Message, token: str, status: str, **changes: object) -> str:
    """Record an outcome if this worker still holds the lease; says which count it goes in."""
    changes.setdefault("attempts", message.attempts + 1)
    held = Message.objects.filter(pk=message.pk, lease_token=token, status=Message.SENDING)
    if not _patiently(lambda: held.update(status=status, lease_token="", lease_expires_at=None, **changes)):
        log.warning("lost the lease on %s before recording %s", message.message_id, status)
    return {Message.SENT: "sent", Message.FAILED: "failed"}.get(status, "retrying")


def _patiently(write: Callable[[], int]) -> int:
    """Run a write, waiting out a database that is restarting (for at most RECORD_PATIENCE).

    The mail server has the message by now: giving up on recording it would leave the lease to
    run out and the message to be sent a second time.
    """
    give_up = time.monotonic() + RECORD_PATIENCE.total_seconds()
    while True:
        try:
            return write()
        except OperationalError:
            if time.monotonic() > give_up:
                raise
            log.warning("database unavailable while recording an outcome; trying again")
            if not connection.in_atomic_block:  # outcomes are written in autocommit; a test's transaction stays
                connection.close()  # the next try opens a new connection
            time.sleep(1)


# --- Bounces and status ----------------------------------------------------------------------


def record_bounce(ref: str, reason: str) -> Message:
    """Mark a message bounced, found by its row id or its Message-ID header (DSNs are not parsed)."""
    pk = as_id(ref)
    found = Message.objects.filter(pk=pk) if pk is not None else Message.objects.filter(message_id=ref)
    message = found.first()
    if message is None:
        raise LookupError(f"no message {ref!r}")
    message.status, message.last_error, message.bounced_at = Message.BOUNCED, reason, timezone.now()
    message.save(update_fields=["status", "last_error", "bounced_at"])
    return message


# --- django-tasks ----------------------------------------------------------------------------


@task(takes_context=True)
def work_outbox_task(context: TaskContext, batch: int = 50) -> dict[str, int]:
    """The outbox as a task on the database queue: send what is due, then come back for retries.

    When messages wait to be retried, the task enqueues itself again for the earliest of them,
    so back-off needs no timer of its own. Claims are leased, so extra tasks are harmless. The
    rows are leased under the task's id, so `recover` can give them back if its worker dies.
    """
    worked = work_until_idle(batch, holder=str(context.task_result.id))
    following = next_retry_at()
    if following is not None and not outbox_task_waiting(until=following):
        work_outbox_task.using(run_after=following).enqueue(batch)
    return {"sent": worked.sent, "retrying": worked.retrying, "failed": worked.failed}


def outbox_task_waiting(until: datetime | None = None) -> bool:
    """Whether a run of the outbox task is already queued (to run by `until`, when given).

    Checked so that workers and retries do not pile up copies of the same task.
    """
    waiting = DBTaskResult.objects.filter(status="READY", task_path=work_outbox_task.module_path)
    if until is not None:  # "as soon as possible" is stored as the latest date there is
        waiting = waiting.filter(Q(run_after__lte=until) | Q(run_after=get_date_max()))
    return waiting.exists()


def next_retry_at() -> datetime | None:
    """When the earliest queued message falls due, or None when nothing is queued."""
    first = Message.objects.filter(status=Message.QUEUED).order_by("next_attempt_at").first()
    return first.next_attempt_at if first else None


# --- Recovery after a worker dies ------------------------------------------------------------


@dataclass
class Recovered:
    """What one pass of recovery found: dead workers' tasks, and the rows given back to the queue."""

    tasks: int = 0
    messages: int = 0


class WorkerStopped(Exception):
    """Recorded on a task whose worker died while running it (the class path is what the row shows)."""


def recover(alive: Callable[[str], bool | None], now: datetime | None = None) -> Recovered:
    """Give back what dead workers held: mark their outbox tasks failed and queue their rows again.

    `alive(worker_id)` says whether the worker that claimed a task still runs, or None when it
    cannot tell (a worker on another machine, see `fieldwork.worker`); such a task is taken as
    dead once it has run longer than a lease and holds no live one. Rows whose lease ran out are
    queued again too. Then, when anything is due and no task is waiting, one is queued: nothing
    is left waiting for some worker to happen to start.
    """
    now = now or timezone.now()
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, task_path=work_outbox_task.module_path)
    dead = [result for result in running if not _still_running(result, alive, now)]
    for result in dead:
        _mark_stopped(result, now)
    held_by_dead = Q(lease_token__in=[str(result.id) for result in dead])
    released = Message.objects.filter(held_by_dead | Q(lease_expires_at__lte=now), status=Message.SENDING).update(
        status=Message.QUEUED,
        lease_token="",
        lease_expires_at=None,
        next_attempt_at=now,
        last_error="queued again: the worker sending it stopped or ran past its lease",
    )
    if released or dead:
        log.warning("recovered %d messages from %d stopped outbox tasks", released, len(dead))
    if _due(now) and not outbox_task_waiting(until=now):
        work_outbox_task.enqueue()
    return Recovered(len(dead), released)


def _still_running(result: DBTaskResult, alive: Callable[[str], bool | None], now: datetime) -> bool:
    known = alive(result.worker_ids[-1] if result.worker_ids else "")
    if known is not None:
        return known
    # A worker on another machine: taken as dead once it has run longer than a lease and holds no live one.
    if result.started_at is not None and result.started_at > now - LEASE:
        return True
    return Message.objects.filter(lease_token=str(result.id), status=Message.SENDING, lease_expires_at__gt=now).exists()


def _mark_stopped(result: DBTaskResult, now: datetime) -> None:
    stopped = WorkerStopped(f"worker {result.worker_ids[-1] if result.worker_ids else '?'} stopped while running this")
    DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.FAILED,
        finished_at=now,
        exception_class_path=f"{WorkerStopped.__module__}.{WorkerStopped.__qualname__}",
        traceback=str(stopped),
    )


def _due(now: datetime) -> bool:
    return Message.objects.filter(_due_q(now)).exists()
