"""The response model behind Table 3's multivariable line equals R's `glm`, and reads as it should.

The model is fitted on one row per distinct pattern of attributes with its count as a frequency
weight: R fits it on one row per unit, so equal figures show the grouping loses nothing.
"""

import shutil
import subprocess

import numpy as np
import polars as pl
import pytest

from omnibus.analysis.propensity import response_model

RSCRIPT = shutil.which("Rscript")

R_CODE = r"""
d <- read.csv(commandArgs(trailingOnly = TRUE)[1])
d <- d[d$a >= 0 & d$b >= 0 & d$c >= 0, ]
for (v in c("a", "b", "c")) d[[v]] <- factor(d[[v]])
full <- glm(y ~ a + b + c, family = binomial, data = d)
empty <- glm(y ~ 1, family = binomial, data = d)
drops <- drop1(full, test = "LRT")
p <- fitted(full)
cat(sprintf("all,%.10f\n", empty$deviance - full$deviance))
for (v in c("a", "b", "c")) cat(sprintf("%s,%.10f\n", v, drops[v, "LRT"]))
cat(sprintf("r,%.10f\n", 1 - 2 * sd(p) * sqrt((length(p) - 1) / length(p))))
"""


def _units(n: int, seed: int) -> tuple[list[tuple[str, np.ndarray]], np.ndarray]:
    rng = np.random.default_rng(seed)
    a, b = rng.integers(0, 4, n), rng.integers(0, 3, n)
    c = rng.integers(-1, 5, n)  # -1: no value, left out of the model
    chance = 1 / (1 + np.exp(-(0.3 + 0.8 * (a == 2) - 0.6 * (b == 1))))
    return [("a", a), ("b", b), ("c", c)], rng.random(n) < chance


@pytest.mark.skipif(RSCRIPT is None, reason="Rscript is not installed")
def test_the_grouped_fit_equals_r_glm_on_one_row_per_unit(tmp_path):
    rows, took_part = _units(2000, seed=7)
    data = pl.DataFrame({name: codes for name, codes in rows} | {"y": took_part.astype(int)})
    data.write_csv(tmp_path / "units.csv")
    script = tmp_path / "model.R"
    script.write_text(R_CODE)
    command = [RSCRIPT, str(script), str(tmp_path / "units.csv")]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    r = {name: float(value) for name, value in (line.split(",") for line in done.stdout.split())}

    model = response_model(rows, took_part)

    assert model is not None
    assert model.units == int(np.all([codes >= 0 for _, codes in rows], axis=0).sum())
    assert model.lr == pytest.approx(r["all"], abs=1e-6)
    assert {e.label: e.lr for e in model.effects} == pytest.approx({k: r[k] for k in "abc"}, abs=1e-6)
    assert model.r_indicator == pytest.approx(r["r"], abs=1e-6)


def test_an_attribute_response_depends_on_is_found_and_one_it_does_not_is_not():
    rows, took_part = _units(20000, seed=3)
    model = response_model(rows, took_part)
    effects = {e.label: e for e in model.effects}
    assert effects["a"].p < 1e-6 and effects["b"].p < 1e-6
    assert effects["c"].p > 0.001
    assert (effects["a"].df, effects["b"].df, effects["c"].df) == (3, 2, 4)
    assert 0 < model.r_indicator < 1


def test_response_at_random_has_an_r_indicator_near_one():
    rows, _ = _units(20000, seed=5)
    took_part = np.random.default_rng(9).random(20000) < 0.6
    assert response_model(rows, took_part).r_indicator > 0.97


def test_a_group_where_everyone_took_part_still_fits():
    rows, took_part = _units(152, seed=2)
    took_part = took_part | (rows[0][1] == 3)
    model = response_model(rows, took_part)
    assert model is not None and model.effects[0].lr > 0


def test_no_model_without_attributes_or_without_variation():
    rows, took_part = _units(100, seed=1)
    assert response_model([], took_part) is None
    assert response_model(rows, np.ones(100, dtype=bool)) is None
