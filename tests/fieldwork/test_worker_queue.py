"""`omnibus worker`: the outbox worked as a task on the database queue (django-tasks).

These tests commit for real: the task worker closes database connections between tasks, which
a test wrapped in one transaction would not survive, and queueing waits for the commit.
"""

import pytest
from click.testing import CliRunner
from django_tasks_db.models import DBTaskResult

from omnibus.fieldwork.messages import load_template
from omnibus.fieldwork.models import Message
from omnibus.fieldwork.outbox import queue_campaign
from omnibus.site.cli.fieldwork import worker

from . import test_outbox
from .test_outbox import Keeper, people_of

BARNSLEY = {"Barnsley": ["c@barnsley.example"]}
wave = test_outbox.wave  # the fixtures, shared
smtp = test_outbox.smtp

pytestmark = pytest.mark.django_db(transaction=True)


def test_queueing_a_campaign_enqueues_the_work_and_the_worker_sends_it(wave, smtp: Keeper) -> None:
    queue_campaign(wave, load_template("invitation"), "everyone", people_of(BARNSLEY))
    assert DBTaskResult.objects.filter(task_path__endswith="work_outbox_task").exists()
    result = CliRunner().invoke(worker, ["--once"])
    assert result.exit_code == 0, result.output
    assert Message.objects.get().status == Message.SENT
    assert len(smtp.received) == 1


def test_a_retry_comes_back_as_a_task_run_later(wave, smtp: Keeper) -> None:
    smtp.refusals = ["451 4.3.0 Try again later"]
    queue_campaign(wave, load_template("reminder"), "everyone", people_of(BARNSLEY))
    assert CliRunner().invoke(worker, ["--once"]).exit_code == 0
    message = Message.objects.get()
    assert message.status == Message.QUEUED and message.attempts == 1
    later = DBTaskResult.objects.filter(status="READY").get()  # one waiting run, not a pile of copies
    assert abs((later.run_after - message.next_attempt_at).total_seconds()) < 1
