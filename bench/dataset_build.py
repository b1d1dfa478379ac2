"""Time building the analysis dataset and exporting it, for the 152 LAs and a 20,000-unit census. Prints figures.

    .venv/bin/python bench/dataset_build.py [UNITS ...]      (default: 152 20000)

Each size gets a simulated wave (`omnibus.dataset.simulate`, half the units responding):
the 152 LAs over the example frame, larger sizes over a synthetic frame. Then it times
`build_dataset` (twice in this process, whose simulation has parsed the questionnaire, and
once in a fresh process, which pays what a command does: parsing the stored questionnaire
and every cold cache), each export format (the client's copy as well), and for 152 units an
import of the exported CSV into a fresh wave. On PostgreSQL on this machine, the CPU its
backend spent on `build_dataset`'s queries is printed beside this process's.

Uses a throwaway SQLite database in a temporary folder. To time PostgreSQL instead, set
BENCH_DATABASE_URL to a scratch database (never the test database: the bench writes
questionnaires, frames, waves and answers into it).
"""

from __future__ import annotations

import csv
import os
import random
import subprocess
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
OPENS, CLOSES = datetime(2017, 10, 4, 9, tzinfo=UTC), datetime(2017, 11, 17, 17, tzinfo=UTC)
SCHEMA = """\
slug: bench-census
title: Synthetic census population (benchmark)
key: urn
name: name
codes:
  urn: {pattern: '^\\d{6}$'}
attributes:
  type: {kind: category, values: [Primary, Secondary, Special]}
  region_group: {kind: category, values: [North, East & Midlands, London & South]}
  fsm_pct: {kind: number, optional: true}
"""


def timed(label: str, action, database: bool = False):
    """Run an action, print how long it took (wall clock, then this process's CPU seconds), and return its result.

    On a shared machine the load inflates the wall clock; the CPU seconds say what the work cost.
    With `database`, the CPU seconds of the PostgreSQL backend too (when it runs on this machine).
    """
    backend = _backend_pid() if database else None
    start, cpu = time.perf_counter(), time.process_time()
    served = cpu_seconds(backend) if backend else 0.0
    result = action()
    line = f"  {label:<50} {time.perf_counter() - start:8.2f} s  (cpu {time.process_time() - cpu:6.2f} s"
    if backend:
        line += f"; PostgreSQL {cpu_seconds(backend) - served:5.2f} s"
    print(line + ")")
    return result


def cpu_seconds(pid: int) -> float:
    """CPU seconds a single-threaded process (a PostgreSQL backend) has spent so far, from the scheduler.

    `request_cpu.cpu_seconds` reads every thread of a process; importing that bench here would
    load the load bench's client into the fresh process whose first build is timed.
    """
    return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e9


def _backend_pid() -> int | None:
    """The process of this connection's PostgreSQL backend, if it runs on this machine."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    return pid if Path(f"/proc/{pid}").exists() else None


def fresh_build(slug: str) -> None:
    """Time `build_dataset` of wave `slug` once in a fresh process, as a command would run it."""
    command = [sys.executable, __file__, "--build", slug]
    print(subprocess.run(command, check=True, capture_output=True, text=True).stdout, end="")


def build_once(slug: str) -> None:
    """In the fresh process: set up Django on the benchmark's database and time one `build_dataset`."""
    from omnibus.core.setup import setup_django

    setup_django()
    from omnibus.dataset.build import build_dataset
    from omnibus.fieldwork.models import Wave

    wave = Wave.objects.get(slug=slug)
    timed("build_dataset in a fresh process", lambda: build_dataset(wave), database=True)


def synthetic_frame(folder: Path, units: int) -> tuple[Path, str]:
    """A frame file of `units` synthetic units and its population schema."""
    rng = random.Random(units)
    schema = folder / "bench-census.yaml"
    schema.write_text(SCHEMA, encoding="utf-8")
    path = folder / f"census-{units}.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["urn", "name", "type", "region_group", "fsm_pct"])
        for i in range(units):
            kind = rng.choice(["Primary", "Primary", "Secondary", "Special"])
            region = rng.choice(["North", "East & Midlands", "London & South"])
            writer.writerow([f"{100000 + i:06d}", f"Unit {i}", kind, region, f"{rng.uniform(2, 60):.1f}"])
    return path, str(schema)


def bench(units: int, folder: Path, stored) -> None:  # noqa: ANN001 - a QuestionnaireVersion
    """Simulate a wave of `units`, then time the dataset and the exports."""
    from omnibus.dataset.build import build_dataset
    from omnibus.dataset.exporting import export_dataset
    from omnibus.dataset.importing import import_responses
    from omnibus.dataset.simulate import simulate
    from omnibus.fieldwork.waves import create_wave
    from omnibus.frame.store import load_frame

    print(f"{units:,} units")
    if units == 152:
        population, path = "england-la", LA_FRAME
        load_frame(path, AS_OF)
    else:
        path, population = synthetic_frame(folder, units)
        timed("load the synthetic frame", lambda: load_frame(path, AS_OF, population))
        population = "bench-census"

    def wave(slug: str):
        return create_wave(slug, slug, stored, population, AS_OF, OPENS, CLOSES)

    source = timed("create the wave (access codes)", lambda: wave(f"bench-{units}"))
    done = timed("simulate (half respond)", lambda: simulate(source, seed=units, response_rate=0.5))
    print(f"  {done.responding:,} responding units")
    dataset = timed("build_dataset", lambda: build_dataset(source), database=True)
    timed("build_dataset again", lambda: build_dataset(source), database=True)
    fresh_build(source.slug)
    print(f"  dataset: {dataset.data.height:,} rows x {dataset.data.width} columns")
    for fmt in ("parquet", "csv", "sav", "xlsx"):
        out = folder / f"bench-{units}.{fmt}"
        timed(f"export {fmt}", lambda fmt=fmt, out=out: export_dataset(dataset, fmt, out))
        print(f"  {'':<50} {out.stat().st_size / 1e6:8.1f} MB")
    timed("export sav --client", lambda: export_dataset(dataset, "sav", folder / f"client-{units}.sav", client=True))
    if units <= 1000:
        target = wave(f"bench-{units}-import")
        csv_file = folder / f"bench-{units}.csv"
        result = timed("import the CSV into a fresh wave", lambda: import_responses(target, csv_file))
        print(f"  {result.changed:,} answers imported")


def main() -> None:
    """Set up Django on a throwaway database and run the benchmark for each size."""
    if sys.argv[1:2] == ["--build"]:  # the fresh process of `fresh_build`, given the environment
        build_once(sys.argv[2])
        return
    sizes = [int(a) for a in sys.argv[1:]] or [152, 20_000]
    folder = Path(tempfile.mkdtemp(prefix="omnibus-bench-dataset-"))
    os.environ["OMNIBUS_DATA_DIR"] = str(folder)
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder / 'bench.sqlite3'}"
    from omnibus.core.setup import setup_django

    setup_django()
    from django.core.management import call_command
    from django.db import connection

    from omnibus.fieldwork.questionnaires import store_questionnaire

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}; files in {folder}")
    stored, _ = store_questionnaire(QUESTIONNAIRE, replace=True)
    for units in sizes:
        bench(units, folder, stored)


if __name__ == "__main__":
    main()
