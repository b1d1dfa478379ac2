"""The outbox, sending through a real SMTP server on loopback and reading what arrived."""

from __future__ import annotations

import email
import email.policy
import io
import os
import socket
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from email.message import EmailMessage
from pathlib import Path

import openpyxl
import pytest
from aiosmtpd.controller import Controller
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from omnibus.fieldwork.codes import unseal
from omnibus.fieldwork.messages import Recipient, load_template
from omnibus.fieldwork.models import Message, Wave, WaveUnit
from omnibus.fieldwork.outbox import (
    LEASE,
    Recovered,
    backoff,
    outbox_task_waiting,
    queue_campaign,
    record_bounce,
    recover,
    work_outbox,
    work_outbox_task,
    work_until_idle,
)
from omnibus.fieldwork.questionnaires import store_questionnaire
from omnibus.fieldwork.waves import create_wave
from omnibus.fieldwork.worker import liveness, new_worker_id
from omnibus.frame.store import load_frame

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "questionnaires" / "cso-wave3.yaml"
FRAME = ROOT / "examples" / "frame" / "england-la-2017.csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Keeper:
    """An aiosmtpd handler: keeps each message; `refusals` are replies given to the next DATA commands."""

    received: list[EmailMessage] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)
    refuse_rcpt: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: ANN001, ANN201, N802
        if address in self.refuse_rcpt:
            return self.refuse_rcpt[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802
        with self.lock:
            if self.refusals:
                return self.refusals.pop(0)
            self.received.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted for delivery"


def start_server(keeper: Keeper | None = None) -> tuple[Controller, Keeper]:
    """A running server on a free loopback port, keeping messages with `keeper` (a new one by default)."""
    keeper = keeper or Keeper()
    with socket.socket() as probe:  # a free port: aiosmtpd's controller needs to know it up front
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(keeper, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, keeper


def _make_wave() -> Wave:
    stored, _ = store_questionnaire(EXAMPLE)
    load_frame(FRAME, date(2017, 9, 1))
    now = timezone.now()
    return create_wave("w3", stored.title, stored, "england-la", date(2017, 9, 1), now, now + timedelta(days=30))


@pytest.fixture
def wave(db: None) -> Wave:
    return _make_wave()


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Keeper:
    """A mail server on loopback, and the environment pointing at it."""
    controller, keeper = start_server()
    monkeypatch.setenv("OMNIBUS_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("OMNIBUS_SMTP_PORT", str(controller.port))
    monkeypatch.setenv("OMNIBUS_SMTP_FROM", "Census team <census@example.org>")
    monkeypatch.setenv("OMNIBUS_MAIL_BACKEND", "smtp")
    yield keeper
    controller.stop()


def people_of(names: dict[str, list[str]]):  # noqa: ANN201
    """A recipients function: the first units by name get these addresses."""

    def recipients(unit: WaveUnit) -> list[Recipient]:
        return [Recipient(f"Contact {i}", email) for i, email in enumerate(names.get(unit.name, []))]

    return recipients


SOME = {"Barnet": ["a@barnet.example", "b@barnet.example"], "Barnsley": ["c@barnsley.example"]}


def test_an_invitation_campaign_arrives_once_per_recipient_with_the_excel_copy(wave: Wave, smtp: Keeper) -> None:
    queued = queue_campaign(wave, load_template("invitation"), "everyone", people_of(SOME))
    assert queued.messages == 3 and len(queued.units_without_recipients) == 150
    done = work_until_idle(batch=2)
    assert (done.sent, done.failed) == (3, 0)
    assert sorted(m["To"].addresses[0].addr_spec for m in smtp.received) == sorted(sum(SOME.values(), []))
    barnsley = next(m for m in smtp.received if "barnsley" in str(m["To"]))
    code = unseal(wave.units.get(name="Barnsley").code_sealed)
    body = barnsley.get_body(("plain",)).get_content()
    assert "Barnsley" in barnsley["Subject"] and f"/s/{code}" in body and code in body
    assert "Dear Contact 0," in body
    [attachment] = [part for part in barnsley.iter_attachments()]
    assert attachment.get_content_type() == XLSX
    workbook = openpyxl.load_workbook(io.BytesIO(attachment.get_content()))
    assert len(workbook.sheetnames) > 2
    rows = Message.objects.all()
    assert all(m.status == Message.SENT and m.sent_at for m in rows)
    assert {m["Message-ID"] for m in smtp.received} == {m.message_id for m in rows}
    assert work_until_idle().claimed == 0  # nothing is sent twice


def test_the_excel_copy_is_made_once_per_batch(wave: Wave, smtp: Keeper, monkeypatch: pytest.MonkeyPatch) -> None:
    import omnibus.questionnaire.render_xlsx as module

    calls = []
    real = module.render_xlsx
    monkeypatch.setattr(module, "render_xlsx", lambda q, path: (calls.append(1), real(q, path)))
    queue_campaign(wave, load_template("invitation"), "everyone", people_of(SOME))
    assert work_outbox(batch=10).sent == 3
    assert len(calls) == 1


def test_a_451_is_retried_with_growing_back_off_then_sent(wave: Wave, smtp: Keeper) -> None:
    smtp.refusals = ["451 4.3.0 Try again later", "451 4.3.0 Try again later"]
    queue_campaign(wave, load_template("reminder"), "everyone", people_of({"Barnsley": ["c@barnsley.example"]}))
    start = timezone.now()
    assert work_outbox().retrying == 1
    first = Message.objects.get()
    assert first.status == Message.QUEUED and first.attempts == 1 and "451" in first.last_error
    assert work_outbox().claimed == 0  # not due yet
    later = timezone.now() + timedelta(hours=1)
    assert work_outbox(now=later).retrying == 1
    second = Message.objects.get()
    assert second.attempts == 2
    assert first.next_attempt_at - start >= backoff(1) - timedelta(seconds=1)
    assert second.next_attempt_at - first.next_attempt_at > backoff(1)  # waits longer each time
    assert work_outbox(now=later + timedelta(hours=1)).sent == 1
    sent = Message.objects.get()
    assert sent.status == Message.SENT and sent.attempts == 3
    assert len(smtp.received) == 1


def test_a_550_fails_with_the_error_visible(wave: Wave, smtp: Keeper) -> None:
    smtp.refuse_rcpt = {"gone@barnet.example": "550 5.1.1 No such mailbox"}
    queue_campaign(wave, load_template("invitation"), "everyone", people_of({"Barnet": ["gone@barnet.example"]}))
    assert work_outbox().failed == 1
    failed = Message.objects.get()
    assert failed.status == Message.FAILED and "550 5.1.1 No such mailbox" in failed.last_error
    assert not smtp.received


def test_a_server_that_is_down_is_retried(wave: Wave, smtp: Keeper, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OMNIBUS_SMTP_PORT", "1")  # nothing listens there
    queue_campaign(wave, load_template("invitation"), "everyone", people_of({"Barnet": ["a@barnet.example"]}))
    assert work_outbox().retrying == 1
    assert Message.objects.get().status == Message.QUEUED


def test_a_worker_killed_mid_batch_is_recovered_once(wave: Wave, smtp: Keeper) -> None:
    queue_campaign(wave, load_template("invitation"), "everyone", people_of(SOME))
    now = timezone.now()
    # The dead worker's claim: two rows sending with a lease that has run out, one still held by a live worker.
    dead = Message.objects.order_by("id")[:2]
    Message.objects.filter(id__in=[m.id for m in dead]).update(
        status=Message.SENDING, lease_token="dead", lease_expires_at=now - timedelta(seconds=1)
    )
    live = Message.objects.order_by("id").last()
    Message.objects.filter(pk=live.pk).update(
        status=Message.SENDING, lease_token="alive", lease_expires_at=now + timedelta(minutes=5)
    )
    assert work_until_idle().sent == 2
    assert Message.objects.get(pk=live.pk).status == Message.SENDING  # not taken from a live worker
    assert work_outbox(now=now + timedelta(minutes=6)).sent == 1
    assert Counter(m["Message-ID"] for m in smtp.received) == Counter({m.message_id: 1 for m in Message.objects.all()})


def test_a_worker_that_lost_its_lease_does_not_overwrite_the_result(wave: Wave, smtp: Keeper) -> None:
    from omnibus.fieldwork.outbox import _finish, claim

    queue_campaign(wave, load_template("invitation"), "everyone", people_of({"Barnet": ["a@barnet.example"]}))
    token, [message] = claim(1, lease=timedelta(seconds=-1))
    assert work_outbox().sent == 1  # another worker took the expired claim
    _finish(message, token, Message.FAILED, last_error="late")
    assert Message.objects.get().status == Message.SENT


def test_a_bounce_is_recorded_against_the_contact(wave: Wave, smtp: Keeper) -> None:
    queue_campaign(wave, load_template("invitation"), "everyone", people_of({"Barnet": ["a@barnet.example"]}))
    work_until_idle()
    message = Message.objects.get()
    record_bounce(message.message_id, "mailbox full")
    bounced = Message.objects.get()
    assert bounced.status == Message.BOUNCED and bounced.last_error == "mailbox full" and bounced.bounced_at
    with pytest.raises(LookupError):
        record_bounce("999999", "x")


def test_queueing_twice_makes_two_campaigns(wave: Wave, smtp: Keeper) -> None:
    first = queue_campaign(wave, load_template("reminder"), "not-started", people_of(SOME))
    second = queue_campaign(wave, load_template("reminder"), "not-started", people_of(SOME))
    assert first.campaign.pk != second.campaign.pk and Message.objects.count() == 6


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_message_once(smtp: Keeper) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks with SKIP LOCKED need PostgreSQL; SQLite serialises claims by its write lock")
    wave = _make_wave()
    many = {u.name: [f"{u.pk}-{i}@example.org" for i in range(2)] for u in wave.units.order_by("name")[:30]}
    queued = queue_campaign(wave, load_template("invitation"), "everyone", people_of(many))
    assert queued.messages == 60
    results, errors = [], []

    def run() -> None:
        try:
            results.append(work_until_idle(batch=3))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=run) for _ in range(3)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join(timeout=120)
    assert not errors
    assert sum(r.sent for r in results) == 60
    assert sum(r.sent > 0 for r in results) >= 2  # the work was shared
    arrived = Counter(m["Message-ID"] for m in smtp.received)
    assert len(arrived) == 60 and set(arrived.values()) == {1}
    assert Message.objects.filter(status=Message.SENT).count() == 60


# -- recovery after a worker dies -------------------------------------------------------------


def _running_task(worker_id: str, started: timedelta = timedelta(0)) -> DBTaskResult:
    """An outbox task row as django-tasks-db leaves it while a worker runs it (or after the worker died)."""
    result = work_outbox_task.enqueue().db_result
    DBTaskResult.objects.filter(pk=result.pk).update(
        status="RUNNING", worker_ids=[worker_id], started_at=timezone.now() - started
    )
    return DBTaskResult.objects.get(pk=result.pk)


def _held_by(task: DBTaskResult, count: int, lease: timedelta = LEASE) -> list[int]:
    ids = list(Message.objects.filter(status=Message.QUEUED).order_by("id").values_list("id", flat=True)[:count])
    Message.objects.filter(id__in=ids).update(
        status=Message.SENDING, lease_token=str(task.pk), lease_expires_at=timezone.now() + lease
    )
    return ids


def test_a_dead_workers_task_is_failed_and_its_messages_sent_at_once(wave: Wave, smtp: Keeper) -> None:
    queue_campaign(wave, load_template("reminder"), "everyone", people_of(SOME))
    DBTaskResult.objects.all().delete()  # the task queueing made: this test makes its own
    dead = _running_task(f"{socket.gethostname()}:{_a_dead_pid()}:0000")
    held = _held_by(dead, 2)  # leases that have not run out: only knowing the worker died frees them
    me = new_worker_id()
    assert recover(liveness(me)) == Recovered(tasks=1, messages=2)
    failed = DBTaskResult.objects.get(pk=dead.pk)
    assert failed.status == "FAILED" and failed.exception_class_path.endswith("WorkerStopped")
    assert "stopped while running" in failed.traceback
    assert set(Message.objects.filter(id__in=held).values_list("status", flat=True)) == {Message.QUEUED}
    assert outbox_task_waiting()  # the timer leaves work for the next task, not for a chance start
    assert work_until_idle().sent == 3
    assert Counter(m["Message-ID"] for m in smtp.received) == Counter({m.message_id: 1 for m in Message.objects.all()})


def test_recovery_leaves_live_workers_alone(wave: Wave, smtp: Keeper) -> None:
    queue_campaign(wave, load_template("reminder"), "everyone", people_of(SOME))
    here = _running_task(f"{socket.gethostname()}:{os.getppid()}:0000", started=timedelta(hours=1))
    elsewhere = _running_task("db-host-2:4242:0000", started=timedelta(minutes=1))
    busy_elsewhere = _running_task("db-host-3:4242:0000", started=timedelta(hours=1))
    _held_by(here, 1)
    _held_by(busy_elsewhere, 1)
    assert recover(liveness(new_worker_id())) == Recovered(tasks=0, messages=0)
    assert set(DBTaskResult.objects.filter(status="RUNNING").values_list("pk", flat=True)) == {
        here.pk,
        elsewhere.pk,
        busy_elsewhere.pk,
    }
    assert Message.objects.filter(status=Message.SENDING).count() == 2


def test_a_silent_worker_elsewhere_is_taken_as_dead_after_a_lease(wave: Wave, smtp: Keeper) -> None:
    queue_campaign(wave, load_template("reminder"), "everyone", people_of(SOME))
    gone = _running_task("db-host-2:4242:0000", started=LEASE * 2)
    held = _held_by(gone, 2, lease=timedelta(seconds=-1))  # its leases ran out
    assert recover(liveness(new_worker_id())) == Recovered(tasks=1, messages=2)
    assert DBTaskResult.objects.get(pk=gone.pk).status == "FAILED"
    assert Message.objects.get(pk=held[0]).last_error.startswith("queued again")


def test_a_task_cut_off_in_this_worker_is_recovered_by_it(wave: Wave, smtp: Keeper) -> None:
    """An error that reached no database (PostgreSQL restarting) leaves this worker's own task running."""
    queue_campaign(wave, load_template("reminder"), "everyone", people_of(SOME))
    me = new_worker_id()
    mine = _running_task(me)
    _held_by(mine, 3)
    assert recover(liveness(me)) == Recovered(tasks=1, messages=3)


def _a_dead_pid() -> int:
    """The id of a process that has ended."""
    import subprocess

    ended = subprocess.Popen(["true"])
    ended.wait()
    return ended.pid


def test_a_sent_message_is_recorded_once_the_database_is_back(
    wave: Wave, smtp: Keeper, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL restarting just after the mail server took a message: the worker waits, not sends it again."""
    from django.db import OperationalError
    from django.db.models import QuerySet

    queue_campaign(wave, load_template("reminder"), "everyone", people_of({"Barnet": ["a@barnet.example"]}))
    real_update, failures = QuerySet.update, []

    def update_while_restarting(self, **changes):  # noqa: ANN001, ANN003, ANN202
        if changes.get("status") == Message.SENT and not failures:
            failures.append(1)
            raise OperationalError("terminating connection due to administrator command")
        return real_update(self, **changes)

    monkeypatch.setattr(QuerySet, "update", update_while_restarting)
    monkeypatch.setattr("omnibus.fieldwork.outbox.time.sleep", lambda seconds: None)
    assert work_outbox().sent == 1
    assert failures and Message.objects.get().status == Message.SENT
    assert len(smtp.received) == 1
