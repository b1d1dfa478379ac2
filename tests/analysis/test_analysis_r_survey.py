"""Our estimates and standard errors equal R's survey package to six decimal places.

Skips when `Rscript` (or R's survey package) is missing: `make r-survey` installs both.
"""

import math
import shutil
import subprocess

import numpy as np
import polars as pl
import pytest

from omnibus.analysis.spec import parse_spec
from omnibus.analysis.synthetic import synthetic_dataset, synthetic_frame
from omnibus.analysis.tables import wave_tables
from omnibus.analysis.weighting import rake_spec

RSCRIPT = shutil.which("Rscript")


def _r_has_survey() -> bool:
    if RSCRIPT is None:
        return False
    done = subprocess.run([RSCRIPT, "-e", "library(survey)"], capture_output=True, timeout=60)
    return done.returncode == 0


pytestmark = pytest.mark.skipif(not _r_has_survey(), reason="Rscript with the survey package is not installed")

R_CODE = r"""
suppressMessages(library(survey))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
out <- function(name, est, se) cat(sprintf("%s,%.12f,%.12f\n", name, est, se))
for (case in unique(d$case)) {
  x <- d[d$case == case, ]
  if (case == "waves") {
    des <- svydesign(ids = ~1, strata = ~wave, fpc = ~fpc, weights = ~w, data = x)
    by <- svyby(~y, ~wave, des, svymean)
    con <- svycontrast(by, c(-1, 1))
    out(case, coef(con), SE(con))
  } else {
    des <- svydesign(ids = ~1, fpc = ~fpc, weights = ~w, data = x)
    if (case == "ratio") {
      r <- svyratio(~y, ~x, des)
      out(case, coef(r), SE(r))
    } else {
      m <- svymean(~y, des)
      out(case, coef(m), SE(m))
    }
  }
}
"""


def _rows(case, y, w, fpc, x=None, wave=None):
    n = len(y)
    return pl.DataFrame(
        {
            "case": [case] * n,
            "y": np.asarray(y, float),
            "x": np.ones(n) if x is None else np.asarray(x, float),
            "w": np.asarray(w, float),
            "fpc": [float(fpc)] * n if np.isscalar(fpc) else np.asarray(fpc, float),
            "wave": [wave or "one"] * n,
        }
    )


def _run_r(frame: pl.DataFrame, tmp_path) -> dict[str, tuple[float, float]]:
    data, script = tmp_path / "data.csv", tmp_path / "check.R"
    frame.write_csv(data)
    script.write_text(R_CODE)
    done = subprocess.run([RSCRIPT, str(script), str(data)], capture_output=True, text=True, timeout=120, check=True)
    result = {}
    for line in done.stdout.strip().splitlines():
        name, est, se = line.split(",")
        result[name] = (float(est), float(se))
    return result


def _table(tables, name):
    return next(t for t in tables if t.name == name)


def test_estimates_and_standard_errors_equal_r_survey(wave3, tmp_path):
    spec = parse_spec(
        {
            "inference": "finite",  # R's svydesign with fpc = ~N
            "ratios": {"Cost": {"numerator": "HLEspend1718", "denominator": "HLEreach1718"}},
            "weighting": {"rake": ["region_group", "cin_band"]},
        }
    )
    current = synthetic_dataset(wave3, 152, seed=11, wave="wave-3")
    frame = synthetic_frame(152, np.random.default_rng(5)).with_columns(pl.col("unit").str.replace("U", "V"))
    earlier = synthetic_dataset(wave3, 152, seed=12, wave="wave-2", frame=frame)  # no unit in both: independent
    ours = wave_tables(current, spec, [earlier])
    weights = rake_spec(current, spec)
    weighted = wave_tables(current, spec, weights={"wave-3": weights})

    frames, expected = [], {}
    conf = _table(ours, "ConfUnd")
    x = current.data["ConfUnd"].to_numpy()
    base = (x >= 1) & (x <= 4)
    frames.append(_rows("proportion", x[base] == 1, np.ones(base.sum()), conf.bases[0].population))
    expected["proportion"] = conf.rows[0].cells[0]

    wconf = _table(weighted, "ConfUnd")
    frames.append(_rows("weighted", x[base] == 1, weights[base], wconf.bases[0].population))
    expected["weighted"] = wconf.rows[0].cells[0]

    routed = _table(ours, "SBrecoup")  # a routed question: N̂ below N
    s = current.data["SBrecoup"].to_numpy()
    sbase = s >= 1
    frames.append(_rows("routed", s[sbase] == 2, np.ones(sbase.sum()), routed.bases[0].population))
    expected["routed"] = routed.rows[1].cells[0]

    spend = _table(ours, "HLEspend1718")
    v = current.data["HLEspend1718"].to_numpy()
    answered = v >= 0
    q1, q3 = np.percentile(v[answered], [25, 75])
    kept = answered & (v <= q3 + 3 * (q3 - q1)) & (v >= q1 - 3 * (q3 - q1))
    frames.append(_rows("mean", v[kept], np.ones(kept.sum()), spend.bases[0].population))
    expected["mean"] = spend.rows[0].cells[0]

    cost = _table(ours, "Cost")
    reach = current.data["HLEreach1718"].to_numpy()
    ok = answered & (reach >= 0)
    for values in (v, reach):
        a, b = np.percentile(values[values >= 0], [25, 75])
        ok &= (values <= b + 3 * (b - a)) & (values >= a - 3 * (b - a))
    ok &= reach > 0
    frames.append(_rows("ratio", v[ok], np.ones(ok.sum()), cost.bases[0].population, x=reach[ok]))
    expected["ratio"] = cost.rows[0].cells[0]

    test = next(t for t in conf.tests if t.kind == "wave" and t.row == 0)
    e = earlier.data["ConfUnd"].to_numpy()
    ebase = (e >= 1) & (e <= 4)
    frames.append(_rows("waves", e[ebase] == 1, np.ones(ebase.sum()), conf.bases[-1].population, wave="a2"))
    frames.append(_rows("waves", x[base] == 1, np.ones(base.sum()), conf.bases[0].population, wave="b3"))

    r = _run_r(pl.concat(frames), tmp_path)
    for case, cell in expected.items():
        scale = 100.0 if case in ("proportion", "weighted", "routed") else 1.0
        assert cell.value / scale == pytest.approx(r[case][0], abs=1e-6), case
        assert cell.se / scale == pytest.approx(r[case][1], abs=1e-6), case
    assert test.difference.overlap == 0
    # The design-based (unpooled) variance is what R computes: neither wave is at 0% or 100%,
    # where Omnibus would fall back to the pooled variance (test_analysis_significance.py).
    assert 0 < conf.rows[0].cells[0].value < 100 and 0 < conf.rows[0].cells[-1].value < 100
    assert not test.difference.pooled
    assert test.difference.difference == pytest.approx(r["waves"][0], abs=1e-6)
    assert test.difference.se == pytest.approx(r["waves"][1], abs=1e-6)


def test_pooled_group_test_equals_r_prop_test(tmp_path):
    """Without a finite population correction the pooled test is the textbook one: z² = prop.test's X²."""
    from omnibus.analysis.variance import group_difference, ratio

    county = ratio(np.zeros(6), np.ones(6), np.ones(6), math.inf, proportion=True)
    unitary = ratio((np.arange(48) < 3) * 1.0, np.ones(48), np.ones(48), math.inf, proportion=True)
    d = group_difference(county, unitary)
    script = tmp_path / "prop.R"
    script.write_text('r <- prop.test(c(0, 3), c(6, 48), correct = FALSE)\ncat(sprintf("%.12f", r$statistic))\n')
    done = subprocess.run([RSCRIPT, str(script)], capture_output=True, text=True, timeout=120, check=True)
    assert d.pooled and d.z**2 == pytest.approx(float(done.stdout), abs=1e-9)
