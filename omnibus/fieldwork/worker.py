"""`omnibus worker`: run the database queue's tasks, and recover what dead workers left behind.

django-tasks-db's worker runs the tasks; this loop around it adds what a crash needs. Each
worker is named HOST:PID:NONCE, so a worker on the same machine can tell whether the one that
claimed a task still runs. Recovery (`outbox.recover`) runs when the worker starts and then
every RECOVER_EVERY seconds (`--recover-every`), so a worker killed mid-batch has its task
marked failed and its messages sent by the next worker to start, or by a running one on its
timer, not when some worker happens to start after the lease ran out. The loop also outlives
a database restart: it waits and tries again rather than exiting.

Layers above fieldwork hand the worker periodic work of their own with `add_periodic` (coding's
suggestions for newly arrived answers), run between tasks like recovery.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import DatabaseError, close_old_connections, connections
from django_tasks_db.management.commands.db_worker import Worker

from omnibus.fieldwork.outbox import recover

log = logging.getLogger("omnibus.fieldwork.worker")

RECOVER_EVERY = 30.0  # seconds between recoveries while the worker runs
ID_LENGTH = 64  # django-tasks-db's limit on a worker id


@dataclass(frozen=True)
class Periodic:
    """Work the worker runs when it starts and then every `every` seconds, between tasks."""

    name: str
    run: Callable[[], object]
    every: float


_PERIODIC: dict[str, Periodic] = {}


def add_periodic(name: str, run: Callable[[], object], every: float) -> None:
    """Have every worker run `run` at start and then every `every` seconds (a layer above registers it).

    Registering a name again replaces it, so an app's ready() may run twice.
    """
    _PERIODIC[name] = Periodic(name, run, every)


def periodic() -> list[Periodic]:
    """The periodic work registered, in the order it runs."""
    return list(_PERIODIC.values())


def run_periodic(due: dict[str, float], now: float) -> None:
    """Run the periodic work that is due, `due` being the worker's own timetable (name: time.monotonic()).

    Work not in the timetable is due at once. A failure is logged and tried again next time, not
    fatal; a database error is left to the worker's loop, which waits for the database.
    """
    for work in periodic():
        if now < due.get(work.name, now):
            continue
        due[work.name] = now + work.every
        try:
            work.run()
        except DatabaseError:
            raise
        except Exception:
            log.exception("%s failed; trying again in %s s", work.name, work.every)


def new_worker_id() -> str:
    """HOST:PID:NONCE, the host name cut so the whole fits django-tasks-db's 64 characters."""
    tail = f":{os.getpid()}:{secrets.token_hex(4)}"
    return socket.gethostname()[: ID_LENGTH - len(tail)] + tail


def liveness(me: str) -> Callable[[str], bool | None]:
    """Whether the worker named `worker_id` still runs, as seen by worker `me` between its tasks.

    Itself: no (recovery runs only between tasks, so a task it still marks running was cut off
    by an error that reached no database). Another worker on this host: whether its process is
    alive. A worker elsewhere: None, it cannot tell.
    """
    host, pid = _host_and_pid(me)

    def alive(worker_id: str) -> bool | None:
        if worker_id == me:
            return False
        their_host, their_pid = _host_and_pid(worker_id)
        if their_host != host or their_pid is None:
            return None
        return their_pid != pid and _process_exists(their_pid)

    return alive


def _host_and_pid(worker_id: str) -> tuple[str, int | None]:
    host, _, rest = worker_id.partition(":")
    pid = rest.partition(":")[0]
    return host, int(pid) if pid.isascii() and pid.isdigit() else None


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, run by another user
        return True
    return True


def run_worker(once: bool = False, poll: float = 1.0, recover_every: float = RECOVER_EVERY) -> None:
    """Run due tasks until stopped (SIGTERM, Ctrl-C), recovering at start and every `recover_every` seconds."""
    me = new_worker_id()
    worker = Worker(
        queue_names=["default"],
        interval=poll,
        batch=True,  # run what is due, then come back here
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=me,
        excluded_queue_names=[],
    )
    worker.configure_signals()
    log.info("worker %s started", me)
    next_recovery = 0.0
    due: dict[str, float] = {}  # when each periodic work runs next; empty: all of it at start
    while worker.running:
        try:
            if time.monotonic() >= next_recovery:
                recover(liveness(me))
                next_recovery = time.monotonic() + recover_every
            run_periodic(due, time.monotonic())
            worker.run()
        except DatabaseError as error:
            # PostgreSQL restarting, or a failover: drop the broken connection and try again.
            log.warning("database unavailable (%s); trying again in %s s", str(error).strip(), poll)
            connections.close_all()
            next_recovery = 0.0  # a task may have been cut off: recover first thing
        else:
            if once:
                return
        close_old_connections()
        time.sleep(poll)
