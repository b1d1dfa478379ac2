"""Time the full tab book (one comparison wave) on synthetic Wave 3 waves. Prints figures only.

    .venv/bin/python bench/tables.py [UNITS ...]      # default: 152 20000 200000

For each size: the seconds of `write_tabbook` with one earlier wave (wall clock, and the CPU
seconds of the process, which a shared machine's load inflates less), and the peak memory it
allocates (tracemalloc, in a second, traced run; the two waves' datasets are not counted);
and, when Rscript with the survey package is present, the seconds R's survey package takes
for the same estimates and standard errors (every single-choice and grid table's total
column), reported as a ratio.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import polars as pl  # noqa: E402

from omnibus.analysis.spec import parse_spec  # noqa: E402
from omnibus.analysis.synthetic import synthetic_dataset  # noqa: E402
from omnibus.analysis.tables import wave_tables  # noqa: E402
from omnibus.questionnaire.loader import load  # noqa: E402
from omnibus.report.tabbook import write_tabbook  # noqa: E402

SPEC = parse_spec(
    {
        "breakdowns": {
            "type": {"label": "Authority type", "groups": {"County": ["county"], "Unitary": ["unitary"]}},
            "region_group": {"label": "Region"},
            "fsm_band": {"of": "fsm_pct", "bands": {"0-30": [0, 30], "30-40": [30, 40], "40+": [40, None]}},
            "cin_band": {},
            "ofsted": {},
        },
        "nets": {"ConfUnd": {"Very or fairly confident": [1, 2]}, "SocWork": {"Confident": [1, 2]}},
        "ratios": {"HLEcost1718": {"numerator": "HLEspend1718", "denominator": "HLEreach1718"}},
    }
)
R_CODE = r"""
suppressMessages(library(survey))
d <- read.csv(commandArgs(trailingOnly = TRUE)[1])
start <- Sys.time()
for (v in setdiff(names(d), "fpc")) {
  x <- d[d[[v]] >= 1, c(v, "fpc")]
  if (nrow(x) < 2) next
  x$f <- factor(x[[v]])
  des <- svydesign(ids = ~1, fpc = ~fpc, data = x)
  m <- svymean(~f, des)
}
cat(as.numeric(Sys.time() - start, units = "secs"), "\n")
"""


def main(sizes: list[int]) -> None:
    questionnaire = load(ROOT / "examples" / "questionnaires" / "cso-wave3.yaml")
    rscript = shutil.which("Rscript")
    print("units  tabbook_s  cpu_s  peak_MB  tables  r_survey_s  r/ours(estimates)")
    for units in sizes:
        current = synthetic_dataset(questionnaire, units, seed=1, wave="wave-3")
        earlier = synthetic_dataset(questionnaire, units, seed=2, wave="wave-2")
        with tempfile.TemporaryDirectory() as folder:
            start, cpu = time.perf_counter(), time.process_time()
            write_tabbook([current, earlier], SPEC, Path(folder) / "tabbook.xlsx")
            seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
            # Peak traced memory in a second run: tracing slows Python, so the timing is untraced.
            tracemalloc.start()
            write_tabbook([current, earlier], SPEC, Path(folder) / "tabbook.xlsx")
            peak = tracemalloc.get_traced_memory()[1] / 1e6
            tracemalloc.stop()
            start = time.perf_counter()
            tables = wave_tables(current, parse_spec({}))
            ours = time.perf_counter() - start
            r_seconds = _r_time(rscript, current, Path(folder)) if rscript else None
        r_text = f"{r_seconds:10.2f}  {r_seconds / ours:8.1f}" if r_seconds is not None else "         -         -"
        print(f"{units:6d}  {seconds:9.2f}  {cpu:5.2f}  {peak:7.1f}  {len(tables):6d}  {r_text}")


def _r_time(rscript: str, dataset, folder: Path) -> float | None:
    """R's survey package on the totals of every coded variable (single choices and grid items)."""
    coded = [v.name for v in dataset.variables if v.kind == "code"]
    data = dataset.data.select(coded).with_columns(pl.lit(dataset.population_size).alias("fpc"))
    data.write_csv(folder / "data.csv")
    (folder / "bench.R").write_text(R_CODE)
    done = subprocess.run([rscript, str(folder / "bench.R"), str(folder / "data.csv")], capture_output=True, text=True)
    return float(done.stdout.split()[0]) if done.returncode == 0 and done.stdout.strip() else None


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [152, 20_000, 200_000])
