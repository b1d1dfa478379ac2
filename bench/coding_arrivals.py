"""Time the suggestions made as open answers arrive, against the button's full remake. Prints figures only.

    .venv/bin/python bench/coding_arrivals.py [--methods tfidf embeddings]

Over the 152 LAs: a first wave is simulated and coded as the demo codes it (its code frame
carries to the next wave); a second wave is simulated with 30% responding. Then, per method:
the worker's sweep over those first arrivals, the sweep after more authorities answer (60%
responding: only the new answers are read), the idle sweep the worker runs every minute when
nothing arrived (with its database queries), and *Suggest codes*, which remakes the open
suggestions of every uncoded answer.

Uses a throwaway SQLite database in a temporary folder; set BENCH_DATABASE_URL to a scratch
PostgreSQL database to time that instead (never the test database: the bench writes into it).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUESTIONNAIRE = ROOT / "examples" / "questionnaires" / "cso-wave3.yaml"
LA_FRAME = ROOT / "examples" / "frame" / "england-la-2017.csv"
AS_OF = date(2017, 9, 1)
VARIABLE = "SocImprov"


def timed(label: str, action):  # noqa: ANN001, ANN201 - any action, its result
    """Run an action, print its wall clock and CPU seconds, and return its result."""
    start, cpu = time.perf_counter(), time.process_time()
    result = action()
    print(f"  {label:<56} {time.perf_counter() - start:7.3f} s  (cpu {time.process_time() - cpu:6.3f} s)")
    return result


def main() -> None:
    """Set up Django on a throwaway database, then time the sweeps for each method."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--methods", nargs="+", default=["tfidf", "embeddings"], choices=["tfidf", "embeddings"])
    methods = parser.parse_args().methods
    folder = Path(tempfile.mkdtemp(prefix="omnibus-bench-arrivals-"))
    os.environ["OMNIBUS_DATA_DIR"] = str(folder)
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder / 'bench.sqlite3'}"
    from omnibus.core.setup import setup_django

    setup_django()
    from django.core.management import call_command
    from django.db import connection

    from omnibus.coding.demo import code_demo
    from omnibus.fieldwork.questionnaires import store_questionnaire
    from omnibus.fieldwork.waves import create_wave
    from omnibus.frame.store import load_frame

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}")
    stored, _ = store_questionnaire(QUESTIONNAIRE, replace=True)
    load_frame(LA_FRAME, AS_OF)
    first = create_wave("bench-w1", "bench-w1", stored, "england-la", AS_OF, *_dates(2017))
    from omnibus.dataset.simulate import simulate

    simulate(first, seed=1, response_rate=0.5)
    print(" ", timed("code the first wave (demo: themes, then codes)", lambda: code_demo(first)))
    for n, method in enumerate(methods):
        bench(create_wave(f"bench-w{n + 2}", f"bench-w{n + 2}", stored, "england-la", AS_OF, *_dates(2018 + n)), method)


def bench(wave, method: str) -> None:  # noqa: ANN001 - a Wave
    """The sweeps and the button on a new wave of the same survey, suggesting with `method`."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from omnibus.coding.arrivals import suggest_for_arrivals
    from omnibus.coding.codings import open_responses, suggest_codes
    from omnibus.dataset.simulate import simulate

    def answers() -> int:
        return len(open_responses(wave, VARIABLE))

    print(f"{method}:")
    simulate(wave, seed=11, response_rate=0.3)
    before = answers()
    made = timed(f"sweep: first arrivals ({before} answers)", lambda: suggest_for_arrivals(method))
    print(f"  {'':<56} {made} suggestions")
    simulate(wave, seed=12, response_rate=0.6)
    made = timed(f"sweep: more arrive ({answers() - before} new of {answers()})", lambda: suggest_for_arrivals(method))
    print(f"  {'':<56} {made} suggestions")
    with CaptureQueriesContext(connection) as queries:
        timed("sweep: nothing new", lambda: suggest_for_arrivals(method))
    print(f"  {'':<56} {len(queries)} queries")
    timed(f"Suggest codes: remake all ({answers()} answers)", lambda: suggest_codes(wave, VARIABLE, method))


def _dates(year: int) -> tuple[datetime, datetime]:
    return datetime(year, 10, 4, 9, tzinfo=UTC), datetime(year, 11, 17, 17, tzinfo=UTC)


if __name__ == "__main__":
    main()
