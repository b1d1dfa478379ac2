"""Time a trend's tables: the wave against two earlier waves, tested pair by pair or each against the current.

    .venv/bin/python bench/trend.py [UNITS ...]      # default: 152 20000

For each size: the seconds of `wave_tables` (the tab book's analysis spec of bench/tables.py)
with one earlier wave, with two tested against the current wave (the tab book's rule), and
with two tested between consecutive waves (`adjacent=True`, the report's trend), best of three
runs taken in turn, and the wave tests each made. Prints figures only.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from tables import SPEC  # noqa: E402 - the tab book bench's spec: breakdowns, nets, a ratio

from omnibus.analysis.synthetic import synthetic_dataset  # noqa: E402
from omnibus.analysis.tables import wave_tables  # noqa: E402
from omnibus.questionnaire.loader import load  # noqa: E402

RUNS = 3


def main(sizes: list[int]) -> None:
    questionnaire = load(ROOT / "examples" / "questionnaires" / "cso-wave3.yaml")
    print("units  one_earlier_s  two_vs_current_s  two_adjacent_s  wave_tests(one/current/adjacent)")
    for units in sizes:
        current, second, first = (
            synthetic_dataset(questionnaire, units, seed=seed, wave=f"wave-{seed}") for seed in (3, 2, 1)
        )
        ways = (([second], False), ([second, first], False), ([second, first], True))
        best, tests = [float("inf")] * len(ways), [0] * len(ways)
        for _ in range(RUNS):  # the ways taken in turn, so a shared machine's load falls on each alike
            for k, (earlier, adjacent) in enumerate(ways):
                start = time.perf_counter()
                tables = wave_tables(current, SPEC, earlier, adjacent=adjacent)
                best[k] = min(best[k], time.perf_counter() - start)
                tests[k] = sum(t.kind == "wave" for table in tables for t in table.tests)
        times = "  ".join(f"{s:14.2f}" for s in best)
        print(f"{units:6d}  {times}  {'/'.join(str(n) for n in tests)}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [152, 20_000])
