"""The application's CPU per answered page, in one process, without a server. Prints figures.

    .venv/bin/python bench/page_cpu.py [--units 40] [--profile]

`bench/survey_load.py` measures the whole served survey; this one isolates the application:
respondents answer the main section of the example questionnaire through Django's test
client on a scratch PostgreSQL database (as `survey_load.py` makes it), and each answered
page (the POST and the GET of the page it leads to) is timed in CPU seconds of this process,
so other work on the machine does not inflate it. The database's own CPU is counted apart:
when PostgreSQL runs on this machine, the CPU its server process for this connection spent
during the same POSTs and GETs is read from /proc (its scheduler's nanoseconds), and printed
as "PostgreSQL".

`--profile` prints where that CPU goes (cProfile on CPU time, by cumulative time).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import survey_load  # noqa: E402 - after the path is set

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/omnibus_bench_page_cpu"
SECTION = "csc"


def hidden(html: str, name: str) -> str:
    """A hidden input's value on a page."""
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    return found.group(1) if found else ""


def _backend_now(pid: int | None) -> float:
    """CPU seconds PostgreSQL's process `pid` has spent so far, in its scheduler's nanoseconds (0: not measured)."""
    return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e9 if pid else 0.0


def backend_pid() -> int | None:
    """The process id of this connection's PostgreSQL server process, if its CPU can be read on this machine."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    return pid if Path(f"/proc/{pid}/schedstat").exists() else None


def answer_section(
    client, code: str, q, rng: random.Random, profiler: cProfile.Profile | None
) -> tuple[int, float, float]:  # noqa: ANN001
    """Sign in with `code` and answer the section's pages: (answered pages, CPU seconds of their POSTs and GETs
    in this process and in PostgreSQL's)."""
    client.get(f"/s/{code}")
    client.post("/survey/", {"code": code, "name": "Bench respondent", "role": "Analyst"})
    path = client.get(f"/survey/sections/{SECTION}/").url
    html = client.get(path).content.decode()
    pid = backend_pid()
    sent: dict[str, object] = {}
    answered, spent, database = 0, 0.0, 0.0
    while (parts := path.strip("/").split("/")) and len(parts) == 4 and parts[3] != "check":
        question = q.question(parts[3])
        now = survey_load.route(q, sent)
        items = now.items.get(question.id, [])
        answers = survey_load.answer(question, q, now.options.get(question.id, []), items, rng)
        began, began_database = time.process_time(), _backend_now(pid)
        if profiler:
            profiler.enable()
        response = client.post(path, {**answers, "seen": hidden(html, "seen")})
        if response.status_code != 302:
            sys.exit(f"{path}: {response.status_code} {response.content.decode()[:300]}")
        page = client.get(response.url)
        if profiler:
            profiler.disable()
        spent += time.process_time() - began
        database += _backend_now(pid) - began_database
        answered += 1
        for key in survey_load.page_fields(question, q, items):
            sent[key] = survey_load._stored(key, answers.get(key), question)
        path, html = response.url, page.content.decode()
    if pid is not None and backend_pid() != pid:
        sys.exit("the connection to PostgreSQL changed during a section: its CPU cannot be counted")
    return answered, spent, database if pid else float("nan")


def scratch_wave(database_url: str, units: int) -> tuple[list[tuple[int, str]], object]:
    """Django set up on a fresh scratch database with a wave of `units` units: their (id, code), the questionnaire."""
    folder = Path(tempfile.mkdtemp(prefix="omnibus-bench-"))
    os.environ.update(survey_load.deployment_environment(database_url, folder))
    os.environ["OMNIBUS_SECURE_COOKIES"] = "0"
    survey_load.scratch_database(database_url)
    from omnibus.core.setup import setup_django

    setup_django()
    from omnibus.questionnaire.loader import load

    return survey_load.set_up(units, folder), load(survey_load.QUESTIONNAIRE)


def main() -> None:
    """Set up a scratch wave, answer a section for each unit, print the CPU per answered page."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=40)
    parser.add_argument("--profile", action="store_true", help="print where the CPU goes")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args()
    units, q = scratch_wave(args.database_url, args.units)
    from django.test import Client

    rng = random.Random(1)
    profiler = cProfile.Profile(time.process_time) if args.profile else None
    answered, spent, database = 0, 0.0, 0.0
    for _, code in units:
        pages, seconds, backend = answer_section(Client(), code, q, rng, profiler)
        answered, spent, database = answered + pages, spent + seconds, database + backend
    print(f"load average {survey_load.load_average()}")
    print(f"answered    {answered} pages by {len(units)} respondents (section {SECTION})")
    print(f"CPU         {1000 * spent / answered:.2f} ms per answered page (POST + GET, application only)")
    print(f"PostgreSQL  {1000 * database / answered:.2f} ms per answered page (its server process for this connection)")
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)


if __name__ == "__main__":
    main()
