"""The server's CPU for each kind of request of the survey, one request at a time. Prints figures.

    .venv/bin/python bench/request_cpu.py [--respondents 40]

`bench/survey_load.py` gives the server CPU per answered page with every respondent at once;
this one says which requests it goes to. Respondents (as `survey_load.py` sends them: the
invitation link, sign-in, sections from the menu, every question page, check pages, finish)
answer one after the other against `omnibus serve` with one worker (of two threads, so gunicorn
keeps connections alive as in production; one request is in flight at a time), on a
scratch PostgreSQL database, so the CPU the server and its PostgreSQL backend spend between
a request and its answer is that request's alone. It is read from the scheduler's
nanoseconds in /proc (every thread of the worker; the backend's process), so other work on
the machine does not inflate it, and nothing competes for the CPU's caches as in a full run.

It prints, for each kind of request, how many were sent and the mean CPU of one in the
application and in PostgreSQL, then the CPU per answered page: every request's CPU over the
answered pages (as `survey_load.py` counts it), and the share each kind has of it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import survey_load  # noqa: E402 - after the path is set

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/omnibus_bench_request_cpu"


def cpu_seconds(pid: int) -> float:
    """CPU seconds every thread of process `pid` has spent so far, in the scheduler's nanoseconds."""
    total = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            total += int(Path(f"/proc/{pid}/task/{task}/schedstat").read_text().split()[0])
        except (FileNotFoundError, ProcessLookupError):
            continue  # a thread that ended since the folder was listed
    return total / 1e9


class Meter:
    """The CPU of the server's one worker and of the PostgreSQL backends of the benchmark's database."""

    def __init__(self, server_pid: int, database_url: str) -> None:
        import psycopg

        workers = survey_load.descendants({server_pid}) - {server_pid}
        if len(workers) != 1:
            sys.exit(f"expected one worker process under the server, found {sorted(workers)}")
        self.worker = workers.pop()
        self.admin = psycopg.connect(
            survey_load.urlsplit(database_url)._replace(path="/postgres").geturl(), autocommit=True
        )
        self.database = survey_load.urlsplit(database_url).path.lstrip("/")

    def now(self) -> tuple[float, float]:
        """(application, database) CPU seconds so far."""
        sql = "SELECT pid FROM pg_stat_activity WHERE datname = %s"
        backends = [pid for (pid,) in self.admin.execute(sql, [self.database]).fetchall()]
        database = sum(cpu_seconds(pid) for pid in backends if Path(f"/proc/{pid}").exists())
        return cpu_seconds(self.worker), database


def measured(meter: Meter, spent: dict[str, list[float]]) -> None:
    """Wrap `Respondent.request` so each request's CPU is added to its kind in `spent`."""
    request = survey_load.Respondent.request

    async def timed(self: survey_load.Respondent, method: str, url: str, data: dict | None = None):  # noqa: ANN202
        app, database = meter.now()
        try:
            return await request(self, method, url, data)
        finally:
            app_after, database_after = meter.now()
            totals = spent[f"{method} {survey_load._kind(url)}"]
            totals[0] += 1
            totals[1] += app_after - app
            totals[2] += database_after - database

    survey_load.Respondent.request = timed


def report(spent: dict[str, list[float]], answered: int) -> None:
    """Each kind's count and mean CPU, and the CPU per answered page with each kind's share."""
    app = sum(t[1] for t in spent.values())
    database = sum(t[2] for t in spent.values())
    print(f"{'request':<26} {'count':>6} {'app ms':>8} {'db ms':>7} {'share':>6}")
    for kind, (count, kind_app, kind_db) in sorted(spent.items(), key=lambda kv: -(kv[1][1] + kv[1][2])):
        share = (kind_app + kind_db) / (app + database)
        print(f"{kind:<26} {count:>6.0f} {1000 * kind_app / count:>8.2f} {1000 * kind_db / count:>7.2f} {share:>6.1%}")
    per = 1000 / max(1, answered)
    print(
        f"server CPU  {(app + database) * per:.2f} ms per answered page "
        f"(application {app * per:.2f} ms, PostgreSQL {database * per:.2f} ms; {answered} answered pages)"
    )


def main() -> None:
    """Set up, serve with one worker, run the respondents one by one, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--respondents", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args()
    args.workers, args.threads, args.concurrency, args.think_time, args.max_sections = 1, 2, 1, 0, 99
    random.seed(args.seed)
    folder = Path(tempfile.mkdtemp(prefix="omnibus-bench-"))
    env = survey_load.deployment_environment(args.database_url, folder)
    os.environ.update(env)
    survey_load.scratch_database(args.database_url)
    from omnibus.core.setup import setup_django

    setup_django()
    from django.db import connections

    units = survey_load.set_up(args.respondents, folder)
    connections.close_all()
    print(f"load average {survey_load.load_average()} (before)")
    port = survey_load.free_ports(1)[0]
    server = survey_load.start_server(port, args, env, folder / "server.log")
    try:
        time.sleep(1)  # the worker's start is not a request's
        meter = Meter(server.pid, args.database_url)
        spent: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
        measured(meter, spent)
        questionnaire = survey_load.load(survey_load.QUESTIONNAIRE)
        codes = [code for _, code in units]
        people, stats, _ = asyncio.run(survey_load.run_all(f"http://127.0.0.1:{port}", codes, questionnaire, args))
    finally:
        survey_load.stop(server)
    print(f"load average {survey_load.load_average()} (after)")
    if stats.errors:
        sys.exit(f"errors: {dict(stats.errors)} e.g. {stats.examples}")
    report(spent, len(stats.answered))


if __name__ == "__main__":
    main()
