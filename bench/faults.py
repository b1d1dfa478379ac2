"""Respondents answer and the outbox sends while things break: nothing lost, doubled or stranded. Prints figures.

    .venv/bin/python bench/faults.py
    .venv/bin/python bench/faults.py --respondents 100 --workers 3

While N respondents answer the survey at once against `omnibus serve` (as in
bench/survey_load.py) and `omnibus worker` sends a campaign to every unit through a real SMTP
server on loopback, it breaks:

1. a server worker, a few seconds after the respondents start: SIGKILL, mid-request; gunicorn starts another;
2. the outbox worker, after 20 messages: SIGKILL while it waits for the mail server's reply,
   mid-batch, holding the lease on the rest of its batch; a new worker is started at once;
3. PostgreSQL, once 50 messages are through (so the new outbox worker is sending and the
   respondents are still answering): `pg_ctl restart -m fast`, which cuts every connection.

The database is a throwaway PostgreSQL cluster of its own (Debian's initdb and pg_ctl, on a
free port in 5440–5449, in a temporary folder), so restarting it touches no other database;
the bench works the same on any machine with PostgreSQL installed. Respondents do what people
do when a page fails: wait a moment and send it again (a reload, the button pressed again).

At the end it reads the database and what the mail server received, and prints answers
sent/stored/lost/changed/duplicated (a duplicate: an answer written to the history twice) and
messages queued/sent/duplicated/stranded (stranded: not sent when everything is done). Lost,
changed, duplicated and stranded must all be 0.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from survey_load import (  # noqa: E402 - after the path is set
    QUESTIONNAIRE,
    ROOT,
    TRANSPORT_ERRORS,
    WAVE,
    Failed,
    Reply,
    Respondent,
    Stats,
    compare,
    deployment_environment,
    descendants,
    free_ports,
    set_up,
    start_server,
    stop,
)

from omnibus.questionnaire.loader import load  # noqa: E402
from omnibus.questionnaire.model import Questionnaire  # noqa: E402

DATABASE = "omnibus_faults"
PG_PORTS = range(5440, 5450)
SERVER_PORTS = range(8140, 8160)
SMTP_PORTS = range(2530, 2540)
PATIENCE = 60  # tries of one page before a respondent gives up (about half a minute)


# -- a PostgreSQL cluster of our own ----------------------------------------------------------


@dataclass
class Cluster:
    """A throwaway PostgreSQL cluster in `folder`, listening on loopback only."""

    folder: Path
    port: int
    bin: Path = field(init=False)

    def __post_init__(self) -> None:
        versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parent.parent.name))
        if not versions:
            sys.exit("PostgreSQL's binaries are not in /usr/lib/postgresql/*/bin (apt install postgresql)")
        self.bin = versions[-1].parent

    @property
    def url(self) -> str:
        """The bench database's address."""
        return f"postgres://postgres@127.0.0.1:{self.port}/{DATABASE}"

    def start(self) -> None:
        """initdb, start, and create the bench database."""
        data = self.folder / "data"
        if os.geteuid() == 0:  # initdb refuses to run as root: the cluster is the postgres user's
            shutil.chown(self.folder, "postgres")
        self._run("initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        self._ctl("start")
        self._run("createdb", "-h", "127.0.0.1", "-p", self.port, "-U", "postgres", DATABASE)

    def restart(self) -> float:
        """Restart as an operator would (fast: every session is cut); the seconds it took."""
        began = time.perf_counter()
        self._ctl("restart", "-m", "fast")
        return time.perf_counter() - began

    def stop(self) -> None:
        """Stop the cluster (immediately: it is thrown away)."""
        self._ctl("stop", "-m", "immediate")

    def _ctl(self, *action: object) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder}"
        self._run(
            "pg_ctl", "-D", self.folder / "data", "-l", self.folder / "postgres.log", "-w", "-o", options, *action
        )

    def _run(self, program: str, *args: object) -> None:
        as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        command = [*as_postgres, str(self.bin / program), *map(str, args)]
        done = subprocess.run(command, capture_output=True, text=True, cwd=self.folder)
        if done.returncode != 0:
            sys.exit(f"{program} failed: {done.stderr or done.stdout}")


# -- the mail server ---------------------------------------------------------------------------


@dataclass
class MailServer:
    """An aiosmtpd handler: keeps each message's Message-ID; kills the outbox worker after `kill_after`."""

    kill_after: int
    delay: float  # seconds a message takes to accept, so the outbox is still sending when PostgreSQL restarts
    victim: int = 0  # the pid of the outbox worker to kill
    received: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802 - aiosmtpd's hook
        """Accept the message, unless the worker is to die waiting for this reply."""
        await asyncio.sleep(self.delay)
        with self.lock:
            if self.victim and len(self.received) >= self.kill_after:
                os.kill(self.victim, signal.SIGKILL)
                self.victim = 0
                return "421 4.3.0 Closing"  # read by nobody: the worker is gone
            self.received.append(_message_id(envelope.content))
        return "250 Message accepted for delivery"


def _message_id(content: bytes) -> str:
    import email
    import email.policy

    return str(email.message_from_bytes(content, policy=email.policy.default)["Message-ID"])


# -- respondents who try again ------------------------------------------------------------------


class Persistent(Respondent):
    """A respondent who, when a page fails, waits a moment and sends it again, as a person would."""

    retried: Counter = Counter()  # what made respondents try a page again, over all of them

    async def request(self, method: str, url: str, data: dict | None = None) -> Reply:
        """One request, sent again after a dropped connection or an error page (each counted).

        A 400 is tried again too: Django answers 400 (SessionInterrupted) when it cannot save the
        session because the database is down. An error page that stays is an error.
        """
        last = "no answer"
        for _ in range(PATIENCE):
            began = time.perf_counter()
            try:
                reply = await self.fetch(method, url, data)
            except TRANSPORT_ERRORS as error:
                self.retried[type(error).__name__] += 1
            else:
                if reply.status < 400:
                    self.stats.record(method, time.perf_counter() - began)
                    return reply
                self.retried[f"HTTP {reply.status}"] += 1
                last = f"HTTP {reply.status}: {reply.text[:300]}"
            await asyncio.sleep(0.5)
        self.stats.error("gave up", f"{method} {url}: {last}")
        raise Failed


async def run_respondents(
    base: str, codes: list[str], q: Questionnaire, args: argparse.Namespace, faults: Faults
) -> list[Persistent]:
    """Every respondent at once; their records."""
    stats = Stats()
    people = [Persistent(base, code, q, stats, random.Random(args.seed + n), args) for n, code in enumerate(codes)]

    async def one(person: Persistent) -> None:
        faults.in_flight += 1
        try:
            await person.run()
        finally:
            faults.in_flight -= 1

    await asyncio.gather(*(one(person) for person in people))
    return people


# -- the faults ----------------------------------------------------------------------------------


@dataclass
class Faults:
    """What was broken, when (seconds from the start), and what came of it."""

    log: list[str] = field(default_factory=list)
    error: str = ""
    in_flight: int = 0  # respondents still answering

    def note(self, began: float, text: str) -> None:
        """Keep a line of the time line."""
        self.log.append(f"{time.monotonic() - began:6.1f} s  {text} [{self.in_flight} respondents in flight]")


def break_things(
    began: float, server: subprocess.Popen, cluster: Cluster, outbox: Outbox, args: argparse.Namespace, faults: Faults
) -> None:
    """Kill a server worker once respondents are answering; restart PostgreSQL once the outbox is well under way."""
    try:
        while not faults.in_flight:
            time.sleep(0.1)
        time.sleep(args.kill_server_at)
        victim = min(descendants({server.pid}) - {server.pid})  # gunicorn's first worker
        os.kill(victim, signal.SIGKILL)
        faults.note(began, f"server worker {victim} killed (SIGKILL)")
        while len(outbox.mail.received) < args.restart_database_after:  # the second outbox worker is sending
            time.sleep(0.1)
        faults.note(began, f"PostgreSQL restarting ({len(outbox.mail.received)} messages through)")
        took = cluster.restart()
        faults.note(began, f"PostgreSQL back after {took:.1f} s")
    except Exception as error:  # noqa: BLE001 - reported with the figures
        faults.error = repr(error)


@dataclass
class Outbox:
    """`omnibus worker` processes, one after another; the first is killed by the mail server."""

    env: dict[str, str]
    mail: MailServer
    folder: Path
    workers: list[subprocess.Popen] = field(default_factory=list)

    def start(self) -> subprocess.Popen:
        """Start a worker, its output into a file of its own."""
        command = [sys.executable, "-m", "omnibus", "worker", "--poll", "0.5"]
        with (self.folder / f"worker-{len(self.workers) + 1}.log").open("w") as out:
            worker = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT)
        self.workers.append(worker)
        return worker

    def run(self, began: float, faults: Faults) -> None:
        """Once respondents are answering, start a worker for the mail server to kill, then another at once."""
        while not faults.in_flight:
            time.sleep(0.1)
        first = self.start()
        self.mail.victim = first.pid
        faults.note(began, f"outbox worker {first.pid} started")
        first.wait()
        faults.note(began, f"outbox worker {first.pid} killed (SIGKILL) after {len(self.mail.received)} messages")
        second = self.start()
        faults.note(began, f"outbox worker {second.pid} started")

    def stop(self) -> None:
        """SIGTERM every worker still running, as a service manager would."""
        for worker in self.workers:
            stop(worker)


# -- the figures ----------------------------------------------------------------------------------


def duplicated_answers() -> int:
    """History entries that repeat the one before them for the same unit and key: a save written twice."""
    from omnibus.collect.models import AnswerEvent

    events = AnswerEvent.objects.filter(wave_unit__wave__slug=WAVE).order_by("wave_unit", "key", "id")
    previous, repeats = None, 0
    for entry in events.values_list("wave_unit", "key", "kind", "value"):
        repeats += entry == previous
        previous = entry
    return repeats


def message_figures(mail: MailServer) -> dict[str, int]:
    """Messages queued, sent (recorded), arrived, duplicated (extra copies) and stranded (not sent)."""
    from omnibus.fieldwork.models import Message

    ids = dict(Message.objects.values_list("message_id", "status"))
    arrived = Counter(mail.received)
    return {
        "queued": len(ids),
        "sent": sum(status == Message.SENT for status in ids.values()),
        "arrived": sum(1 for message_id in arrived if message_id in ids),
        "duplicated": sum(count - 1 for count in arrived.values()),
        "stranded": sum(status in (Message.QUEUED, Message.SENDING) for status in ids.values()),
    }


def wait_for_outbox(mail: MailServer, queued: int, seconds: float) -> float:
    """Wait until every queued message has arrived (or `seconds` pass); the time it took."""
    began = time.monotonic()
    while len(set(mail.received)) < queued and time.monotonic() - began < seconds:
        time.sleep(0.2)
    return time.monotonic() - began


def main() -> None:
    """Start the cluster, the server, the mail server and the outbox; run the respondents; break things."""
    from omnibus.site.serve import default_workers

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--respondents", type=int, default=60)
    parser.add_argument("--workers", type=int, default=min(default_workers(), 4), help="server worker processes")
    parser.add_argument("--threads", type=int, default=1, help="threads of each server worker")
    parser.add_argument("--max-sections", type=int, default=2, help="the most menu sections each respondent answers")
    parser.add_argument("--kill-server-at", type=float, default=4.0, help="seconds after the respondents start")
    parser.add_argument("--restart-database-after", type=int, default=50, help="messages accepted before the restart")
    parser.add_argument("--kill-outbox-after", type=int, default=20, help="messages accepted before the kill")
    parser.add_argument("--mail-delay", type=float, default=0.1, help="seconds the mail server takes per message")
    parser.add_argument("--seed", type=int, default=1)
    parser.set_defaults(think_time=0)  # respondents click again as soon as a page arrives
    args = parser.parse_args()

    from aiosmtpd.controller import Controller

    folder = Path(tempfile.mkdtemp(prefix="omnibus-faults-"))
    cluster = Cluster(folder, free_ports(1, PG_PORTS)[0])
    cluster.start()
    mail = MailServer(args.kill_outbox_after, args.mail_delay)
    smtp = Controller(mail, hostname="127.0.0.1", port=free_ports(1, SMTP_PORTS)[0])
    smtp.start()
    env = {
        **deployment_environment(cluster.url, folder),
        "OMNIBUS_MAIL_BACKEND": "smtp",
        "OMNIBUS_SMTP_HOST": "127.0.0.1",
        "OMNIBUS_SMTP_PORT": str(smtp.port),
        "OMNIBUS_SMTP_FROM": "Census team <census@example.org>",
    }
    os.environ.update(env)
    from omnibus.core.setup import setup_django

    setup_django()
    from django.db import connections

    server = outbox = None
    try:
        units = set_up(args.respondents, folder)
        queued = queue_everyone()
        connections.close_all()  # nothing of ours holds a connection while PostgreSQL restarts
        port = free_ports(1, SERVER_PORTS)[0]
        server = start_server(port, args, env, folder / "server.log")
        outbox = Outbox(env, mail, folder)
        questionnaire = load(QUESTIONNAIRE)
        faults = Faults()
        began = time.monotonic()
        faults.note(began, f"{queued} messages queued")
        threads = [
            threading.Thread(target=break_things, args=(began, server, cluster, outbox, args, faults), daemon=True),
            threading.Thread(target=outbox.run, args=(began, faults), daemon=True),
        ]
        for thread in threads:
            thread.start()
        codes = [code for _, code in units]
        base = f"http://127.0.0.1:{port}"
        people = asyncio.run(run_respondents(base, codes, questionnaire, args, faults))
        faults.note(began, f"respondents done ({sum(1 for p in people if p.sections)} of {len(people)} answered)")
        for thread in threads:
            thread.join(timeout=120)
        waited = wait_for_outbox(mail, queued, seconds=120)
        faults.note(began, f"outbox done {waited:.1f} s after the respondents")
        time.sleep(1)  # room for a stray second copy to arrive
        connections.close_all()  # ours was cut by the restart
        answers = compare(people, {code: unit for unit, code in units})
        report(args, people, faults, answers, duplicated_answers(), message_figures(mail))
    finally:
        if outbox:
            outbox.stop()
        if server:
            stop(server)
        smtp.stop()
        connections.close_all()
        cluster.stop()
    print(f"logs        {folder} (server.log, worker-*.log, postgres.log)")


def queue_everyone() -> int:
    """A reminder (with its Excel copy) to one made-up contact of every unit of the wave; how many were queued."""
    from omnibus.fieldwork.messages import Recipient, load_template
    from omnibus.fieldwork.models import Wave
    from omnibus.fieldwork.outbox import queue_campaign

    wave = Wave.objects.get(slug=WAVE)
    contact = lambda unit: [Recipient("Contact", f"contact-{unit.pk}@example.org")]  # noqa: E731
    return queue_campaign(wave, load_template("reminder"), "everyone", contact).messages


def report(
    args: argparse.Namespace,
    people: list[Persistent],
    faults: Faults,
    answers: tuple[int, int, int, int],
    duplicated: int,
    messages: dict[str, int],
) -> None:
    """Print the time line and the figures."""
    stats = people[0].stats
    sent, lost, changed, unexpected = answers
    print(f"respondents {args.respondents} at once, {args.workers} server workers, load {os.getloadavg()[0]:.1f}")
    for line in faults.log:
        print(f"  {line}")
    if faults.error:
        print(f"  a fault could not be made: {faults.error}")
    retried = Persistent.retried
    print(f"requests    {len(stats.latencies)}; sent again after a failure {sum(retried.values())}", end="")
    print("".join(f", {kind} {n}" for kind, n in retried.most_common()))
    print(f"errors      {sum(stats.errors.values())}" + "".join(f"\n  {k}: {n}" for k, n in stats.errors.items()))
    for kind, example in stats.examples.items():
        print(f"  e.g. {kind}: {example[:300]}")
    print(
        f"answers     sent {sent}, stored {sent - lost - changed}, lost {lost}, changed {changed}, "
        f"duplicated {duplicated}, unexpected {unexpected}"
    )
    print(
        f"messages    queued {messages['queued']}, sent {messages['sent']} (arrived {messages['arrived']}), "
        f"duplicated {messages['duplicated']}, stranded {messages['stranded']}"
    )


if __name__ == "__main__":
    main()
