"""`omnibus worker` killed mid-batch, for real: the next worker to start sends what it held, once.

The worker runs as its own process on a deployment's database of its own (tests/deployment.py)
and sends through a real SMTP server on loopback, which kills it with SIGKILL while it waits for
the reply to a message: the worker dies holding the lease on the rest of its batch, and its
task is left RUNNING, as after a crash or an out-of-memory kill.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

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
    """Accepts some messages, then kills the worker while it waits for the reply to the next one.

    The kill waits for `go` (the worker meanwhile waiting for its reply), so a test can start
    another worker first.
    """

    victim: int = 0
    go: threading.Event = field(default_factory=threading.Event)

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802
        if self.victim and len(self.received) >= ACCEPTED_BEFORE_KILL:
            while not self.go.is_set():
                await asyncio.sleep(0.05)
            with self.lock:
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
    killer.go.set()
    assert first.wait(timeout=120) == -signal.SIGKILL
    after_crash = json.loads(run_in(env, STATE))
    assert after_crash["messages"] == {"sent": ACCEPTED_BEFORE_KILL, "sending": MESSAGES - ACCEPTED_BEFORE_KILL}
    assert after_crash["tasks"] == {"RUNNING": 1}

    second = _worker(env)
    try:
        # Well inside the five-minute lease: the dead worker's rows are freed at once, not when it runs out.
        _wait_for(lambda: len(killer.received) >= MESSAGES, seconds=150)
        time.sleep(0.5)  # room for a stray second copy to arrive
    finally:
        second.send_signal(signal.SIGTERM)
        output = second.communicate(timeout=30)[0]
    assert second.returncode == 0, output
    arrived = Counter(message["Message-ID"] for message in killer.received)
    assert len(arrived) == MESSAGES and set(arrived.values()) == {1}, arrived.most_common(3)
    recovered = json.loads(run_in(env, STATE))
    assert recovered["messages"] == {"sent": MESSAGES}
    assert recovered["tasks"].get("RUNNING", 0) == 0 and recovered["tasks"]["FAILED"] == 1
    assert f"recovered {MESSAGES - ACCEPTED_BEFORE_KILL} messages from 1 stopped outbox tasks" in output


def test_a_running_worker_recovers_a_dead_ones_messages_on_its_timer(
    deployment: tuple[dict[str, str], Killer], tmp_path: Path
) -> None:
    env, killer = deployment
    run_in(env, QUEUE)
    first = _worker(env)
    killer.victim = first.pid
    _wait_for(lambda: len(killer.received) >= ACCEPTED_BEFORE_KILL, seconds=120)
    log = tmp_path / "second.log"
    with log.open("w") as out:  # started while the first is alive: its recovery at start finds nothing
        second = _worker(env, "--recover-every", "1", output=out)
    try:
        _wait_for(lambda: "started" in log.read_text(), seconds=90)
        time.sleep(1)  # past its first recovery, done while the first worker lived
        killer.go.set()
        assert first.wait(timeout=30) == -signal.SIGKILL
        _wait_for(lambda: len(killer.received) >= MESSAGES, seconds=150)  # well inside the lease, as above
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=30)
    arrived = Counter(message["Message-ID"] for message in killer.received)
    assert len(arrived) == MESSAGES and set(arrived.values()) == {1}
    assert f"recovered {MESSAGES - ACCEPTED_BEFORE_KILL} messages from 1 stopped outbox tasks" in log.read_text()


def _worker(env: dict[str, str], *options: str, output: IO[str] | int = subprocess.PIPE) -> subprocess.Popen:
    command = [sys.executable, "-m", "omnibus", "worker", "--poll", "0.2", *options]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, text=True)


def _wait_for(condition, seconds: float) -> None:  # noqa: ANN001 - a function of nothing
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {seconds} s")
        time.sleep(0.1)
