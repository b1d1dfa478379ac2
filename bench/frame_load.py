"""Time loading and reading a 20,000-unit frame (a census of schools, say). Prints figures only.

    .venv/bin/python bench/frame_load.py [UNITS]

Uses a throwaway SQLite database in a temporary folder. To time PostgreSQL instead, set
BENCH_DATABASE_URL to a scratch database (its frame tables get the synthetic population).
"""

from __future__ import annotations

import csv
import os
import random
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SCHEMA = """\
slug: bench-schools
title: Synthetic state-funded schools (benchmark)
key: urn
name: name
codes:
  urn: {pattern: '^\\d{6}$'}
  laestab: {pattern: '^\\d{7}$'}
attributes:
  phase: {kind: category, values: [Primary, Secondary, Special, All-through]}
  region: {kind: category, values: [North, Midlands, South, London]}
  fsm_pct: {kind: number, optional: true}
  pupils: {kind: number}
  ofsted: {kind: category, optional: true, values: [Outstanding, Good, Requires improvement, Inadequate]}
"""
COLUMNS = ["urn", "laestab", "name", "phase", "region", "fsm_pct", "pupils", "ofsted"]


def school(urn: int, rng: random.Random) -> dict[str, str]:
    """One synthetic school."""
    return {
        "urn": f"{urn:06d}",
        "laestab": f"{200 + urn // 10000}{urn % 10000:04d}",  # unique, as a real LAESTAB is
        "name": f"School {urn}",
        "phase": rng.choice(["Primary", "Primary", "Primary", "Secondary", "Special", "All-through"]),
        "region": rng.choice(["North", "Midlands", "South", "London"]),
        "fsm_pct": f"{rng.uniform(2, 60):.1f}",
        "pupils": str(rng.randint(20, 2000)),
        "ofsted": rng.choice(["Outstanding", "Good", "Good", "Requires improvement", "Inadequate", ""]),
    }


def next_year(rows: list[dict[str, str]], rng: random.Random, first_new: int) -> list[dict[str, str]]:
    """A year on: 2% close, 2% open, and each school's pupils and FSM change; 10% re-inspected."""
    kept = [dict(row) for row in rows if rng.random() > 0.02]
    for row in kept:
        row["pupils"] = str(max(20, int(row["pupils"]) + rng.randint(-30, 30)))
        row["fsm_pct"] = f"{float(row['fsm_pct']) + rng.uniform(-1, 1):.1f}"
        if rng.random() < 0.1:
            row["ofsted"] = rng.choice(["Outstanding", "Good", "Requires improvement", "Inadequate"])
    opened = [school(first_new + i, rng) for i in range(len(rows) - len(kept))]
    return kept + opened


def write(path: Path, rows: list[dict[str, str]]) -> Path:
    """Write a frame file."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def timed(label: str, action):
    """Run an action, print how long it took, and return its result."""
    start = time.perf_counter()
    result = action()
    print(f"{label:<52} {time.perf_counter() - start:7.2f} s")
    return result


def main() -> None:
    """Generate two years of a synthetic frame, then time loads and reads."""
    units = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    folder = Path(tempfile.mkdtemp(prefix="omnibus-bench-"))
    os.environ["OMNIBUS_DATA_DIR"] = str(folder)
    os.environ.pop("DATABASE_URL", None)
    if os.environ.get("BENCH_DATABASE_URL"):
        os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    from omnibus.core.setup import setup_django

    setup_django()
    from django.core.management import call_command
    from django.db import connection

    from omnibus.frame.models import AttributeValue
    from omnibus.frame.store import frame_as_of, load_frame

    call_command("migrate", "frame", verbosity=0, skip_checks=True)
    print(f"database: {connection.vendor}; units: {units:,}; files in {folder}")
    rng = random.Random(2017)
    schema = folder / "bench-schools.yaml"
    schema.write_text(SCHEMA, encoding="utf-8")
    year1 = [school(100000 + i, rng) for i in range(units)]
    year2 = next_year(year1, rng, 100000 + units)
    file1, file2 = write(folder / "year1.csv", year1), write(folder / "year2.csv", year2)
    pop = str(schema)
    timed("load year 1 (all new)", lambda: load_frame(file1, date(2024, 9, 1), pop))
    timed("load year 2 (2% churn, most numbers changed)", lambda: load_frame(file2, date(2025, 9, 1), pop))
    frame = timed("frame_as_of latest", lambda: frame_as_of("bench-schools"))
    timed("frame_as_of a date in year 1", lambda: frame_as_of("bench-schools", date(2025, 1, 1)))
    timed("reload year 1 (repairs year 2 where needed)", lambda: load_frame(file1, date(2024, 9, 1), pop))
    print(f"units in latest frame: {len(frame.units):,}; stored values: {AttributeValue.objects.count():,}")


if __name__ == "__main__":
    main()
