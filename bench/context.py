"""Time loading the indicators and computing variation, correlation and statistical neighbours.

Run: .venv/bin/python bench/context.py   (uses a throwaway SQLite database; prints figures).
The 152 LAs are the real population; `--scale N` repeats the LA file's rows under made-up
keys to see how the pure computations grow for a larger census.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(label: str, work):  # noqa: ANN001, ANN201
    start = time.perf_counter()
    result = work()
    print(f"{label:<52} {1000 * (time.perf_counter() - start):8.1f} ms")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=int, default=100, help="units for the pure timings = 152 x scale")
    args = parser.parse_args()
    os.environ["OMNIBUS_DATA_DIR"] = tempfile.mkdtemp(prefix="omnibus-bench-")
    sys.path.insert(0, str(ROOT))
    from omnibus.core.setup import setup_django

    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from omnibus.context.correlation import correlate
    from omnibus.context.demo import load_demo_context
    from omnibus.context.neighbours import statistical_neighbours
    from omnibus.context.store import numeric_values, summary_of
    from omnibus.context.variation import AreaValue, ExclusionRule, variation_summary
    from omnibus.frame.store import load_frame

    timed(
        "load the 2017 frame (152 LAs)",
        lambda: load_frame(ROOT / "examples/frame/england-la-2017.csv", date(2017, 9, 1)),
    )
    timed("load 5 indicators, England's values, 2 band sets", load_demo_context)
    timed(
        "variation summary of cla_rate:2016 (from the database)",
        lambda: summary_of("cla_rate", "2016", ExclusionRule()),
    )
    cla, imd = numeric_values("cla_rate", "2016"), numeric_values("imd_score", "2019")
    keys = sorted(set(cla.las) & set(imd.las))
    timed(
        "correlation cla_rate against imd_score (149 LAs)",
        lambda: correlate([imd.las[k].value for k in keys], [cla.las[k].value for k in keys]),
    )
    table = {k: {"cla": cla.las[k].value, "imd": imd.las[k].value} for k in keys}
    names = {k: cla.las[k].name for k in keys}
    timed(
        "statistical neighbours of one LA (149 LAs)",
        lambda: statistical_neighbours("890", table, names, ["cla", "imd"]),
    )

    n = 152 * args.scale
    big = [AreaValue(f"{i}", f"unit {i}", cla.las[keys[i % len(keys)]].value + (i % 7)) for i in range(n)]
    timed(f"variation summary of {n:,} units (pure)", lambda: variation_summary(big, 60.0, ExclusionRule()))
    big_table = {a.key: {"a": a.value, "b": (int(a.key) * 37) % 101} for a in big}
    big_names = {a.key: a.name for a in big}
    timed(
        f"statistical neighbours among {n:,} units (pure)",
        lambda: statistical_neighbours("0", big_table, big_names, ["a", "b"]),
    )


if __name__ == "__main__":
    main()
