"""`omnibus worker` killed mid-batch, for real: the next worker to start sends what it held, once.

The worker runs as its own process on a deployment's database of its own (tests/deployment.py)
and sends through a real SMTP server on loopback, which kills it with SIGKILL while it waits for
the reply to a message: the worker dies holding the lease on the rest of its batch, and its
task is left RUNNING, as after a crash or an out-of-memory kill.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.deployment import ROOT, SET_UP_WAVE, deployment_environment, run_in

from .test_outbox import Keeper, start_server

MESSAGES = 46
ACCEPTED_BEFORE_KILL = 5

QUEUE = (
    SET_UP_WAVE
    + f"""
from omnibus.fieldwork.messages import Recipient, load_template
from omnibus.fieldwork.outbox import queue_campaign
chosen = set(wave.units.order_by("name").values_list("pk", flat=True)[:{MESSAGES}])
to = lambda unit: [Recipient("Contact", f"contact-{{unit.pk}}@example.org")] if unit.pk in chosen else []
print(queue_campaign(wave, load_template("reminder"), "everyone", to).messages)
"""
)

STATE = """
import json
from omnibus.core.setup import setup_django
setup_django()
from collections import Counter
from django_tasks_db.models import DBTaskResult
from omnibus.fieldwork.models import Message
print(json.dumps({
    "messages": Counter(Message.objects.values_list("status", flat=True)),
    "tasks": Counter(DBTaskResult.objects.values_list("status", flat=True)),
}))
"""


@dataclass
class Killer(Keeper):
    """Accepts some messages, then kills the worker while it waits for the reply to the next one."""

    victim: int = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802
        with self.lock:
            if self.victim and len(self.received) >= ACCEPTED_BEFORE_KILL:
                os.kill(self.victim, signal.SIGKILL)
                self.victim = 0
                return "421 4.3.0 Closing"  # never read: the worker is gone
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def deployment(tmp_path: Path):  # noqa: ANN201 - the environment and the mail server
    controller, killer = start_server(Killer())
    with deployment_environment(tmp_path) as env:
        env.update(
            OMNIBUS_SMTP_HOST="127.0.0.1",
            OMNIBUS_SMTP_PORT=str(controller.port),
            OMNIBUS_SMTP_FROM="Census team <census@example.org>",
            OMNIBUS_MAIL_BACKEND="smtp",
        )
        yield env, killer
    controller.stop()


def test_a_worker_killed_mid_batch_leaves_nothing_stranded(deployment: tuple[dict[str, str], Killer]) -> None:
    env, killer = deployment
    assert run_in(env, QUEUE).split()[-1] == str(MESSAGES)
    first = _worker(env)
    killer.victim = first.pid
    assert first.wait(timeout=60) == -signal.SIGKILL
    after_crash = json.loads(run_in(env, STATE))
    assert after_crash["messages"] == {"sent": ACCEPTED_BEFORE_KILL, "sending": MESSAGES - ACCEPTED_BEFORE_KILL}
    assert after_crash["tasks"] == {"RUNNING": 1}

    began = time.monotonic()
    second = _worker(env)
    try:
        _wait_for(lambda: len(killer.received) >= MESSAGES, seconds=60)
        took = time.monotonic() - began
        time.sleep(0.5)  # room for a stray second copy to arrive
    finally:
        second.send_signal(signal.SIGTERM)
        output = second.communicate(timeout=30)[0]
    assert second.returncode == 0, output
    arrived = Counter(message["Message-ID"] for message in killer.received)
    assert len(arrived) == MESSAGES and set(arrived.values()) == {1}, arrived.most_common(3)
    assert took < 30  # not after the five-minute lease: the dead worker's rows were freed at once
    recovered = json.loads(run_in(env, STATE))
    assert recovered["messages"] == {"sent": MESSAGES}
    assert recovered["tasks"].get("RUNNING", 0) == 0 and recovered["tasks"]["FAILED"] == 1
    assert f"recovered {MESSAGES - ACCEPTED_BEFORE_KILL} messages from 1 stopped outbox tasks" in output


def _worker(env: dict[str, str]) -> subprocess.Popen:
    command = [sys.executable, "-m", "omnibus", "worker", "--poll", "0.2"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _wait_for(condition, seconds: float) -> None:  # noqa: ANN001 - a function of nothing
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("timed out")
        time.sleep(0.1)
