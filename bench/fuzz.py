"""The long fuzz: 20,000 seeded hostile requests over every survey and office form. Prints requests and 500s.

    .venv/bin/python bench/fuzz.py                                  # 20,000 requests, scratch PostgreSQL
    .venv/bin/python bench/fuzz.py --requests 50000 --seed 7
    .venv/bin/python bench/fuzz.py --database-url sqlite            # a scratch SQLite file instead
    .venv/bin/python bench/fuzz.py --database-url postgres://…/mine --keep   # a database of yours, kept

The suite's fuzz test (tests/site/test_fuzz.py) sends 2,000 of the same requests; this sends as
many as asked, in rounds with a seed each, so that crawled pages are visited again after earlier
requests changed the data. It drops and recreates a scratch PostgreSQL database (`omnibus_bench_fuzz`
unless --database-url names another whose name starts with `omnibus_bench`), or with --keep uses
the database named as it is. It migrates it, makes the Wave 3 set-up of the tests (questionnaire,
frame, a simulated wave) and a wave open now with a contact per unit, then runs the fuzzer of
tests/fuzzing.py in this process through Django's test client, with DEBUG off. It prints the
requests sent, the count of each status, the 500s (with the first of them) and the time taken,
and exits 1 if there was any 500.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from survey_load import scratch_database  # noqa: E402 - after the path is set

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/omnibus_bench_fuzz"
ROUND = 2000  # requests per round: each round crawls afresh with the next seed


def set_up() -> tuple[str, list[str]]:
    """Migrate, make the Wave 3 set-up and an open wave with contacts; its first unit's code and the waves to visit."""
    from django.core.management import call_command

    from omnibus.fieldwork.codes import unseal
    from omnibus.fieldwork.contacts import add_contact
    from omnibus.fieldwork.models import Wave
    from tests.waves import HANDFUL, SIMULATED, ensure_wave3, new_wave

    call_command("migrate", verbosity=0)
    ensure_wave3()
    Wave.objects.filter(slug="fuzz").delete()
    wave = new_wave("fuzz", units=HANDFUL)
    units = list(wave.units.order_by("name"))
    for number, unit in enumerate(units):
        add_contact(unit, "bench", f"Contact {number}", f"contact{number}@example.com")
    return unseal(units[0].code_sealed), ["fuzz", SIMULATED]


def office_user(role: str):  # noqa: ANN201 - a function making a signed-in test client
    """A function giving a test client signed in as a user of `role`."""
    from django.contrib.auth.models import Group, User
    from django.test import Client

    user, _ = User.objects.get_or_create(username=f"fuzz-{role}")
    user.groups.add(Group.objects.get_or_create(name=role)[0])

    def signed_in() -> Client:
        client = Client()
        client.force_login(user)
        return client

    return signed_in


def main() -> None:
    """Set up, fuzz in rounds, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--keep", action="store_true", help="use the database named as it is: no drop")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="omnibus-fuzz-"))
    url = f"sqlite:///{folder / 'fuzz.sqlite3'}" if args.database_url == "sqlite" else args.database_url
    if url.startswith("postgres") and not args.keep:
        scratch_database(url)
    os.environ.update({"DATABASE_URL": url, "OMNIBUS_DATA_DIR": str(folder), "OMNIBUS_DEBUG": "0"})
    from omnibus.core.setup import setup_django

    setup_django()
    logging.getLogger("omnibus.requests").setLevel(logging.ERROR)  # a line per cleaned request would drown the 500s
    from omnibus.fieldwork.questionnaires import questionnaire_of
    from tests.fuzzing import Fuzzer, Tally, question_pages, standard_visitors
    from tests.waves import stored_wave3

    started = time.perf_counter()
    code, slugs = set_up()
    print(f"set up in {time.perf_counter() - started:.0f} s on {urlsplit(url).scheme}", flush=True)
    pages = question_pages(questionnaire_of(stored_wave3()))
    visitors = standard_visitors(code, office_user("researcher"), office_user("client"), slugs, pages)
    total, started = Tally(), time.perf_counter()
    for number, offset in enumerate(range(0, args.requests, ROUND)):
        tally = Fuzzer(visitors, seed=args.seed + number).run(min(ROUND, args.requests - offset))
        total.requests += tally.requests
        total.statuses.update(tally.statuses)
        total.failures.extend(tally.failures)
        print(f"  round {number + 1}: {tally.requests} requests, {tally.errors} server errors", flush=True)
    seconds = time.perf_counter() - started
    statuses = ", ".join(f"{status}: {n}" for status, n in sorted(Counter(total.statuses).items()))
    print(f"requests: {total.requests} in {seconds:.0f} s ({total.requests / seconds:.0f}/s)")
    print(f"statuses: {statuses}")
    print(f"500s: {total.errors}")
    for failure in total.failures[:10]:
        print(f"  {failure}")
    sys.exit(1 if total.errors else 0)


if __name__ == "__main__":
    main()
