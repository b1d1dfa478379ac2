"""Do the tests keep their level? Simulations of a census of 152 units behind the analysis defaults.

    .venv/bin/python bench/test_size.py [--replicates 4000] [--seed 1]

For each test Omnibus offers, at its default settings, this draws many surveys where the null
hypothesis the test claims is true, and prints how often the test rejects it at 5% (it should
be within 3.5–6.5%; the Monte Carlo standard error is shown) and how often the 95% interval
holds the true value. Rows marked "not a default" show what the defaults guard against: the
old goodness-of-fit profile test, the finite-population test asked the process question, a
trimmed mean tested with per-wave fences, and response that depends on the answer (which no
test can see). The figures go into docs/statistics.md. Every draw calls the project's own
estimators (`omnibus.analysis.variance`, `omnibus.analysis.profile`), not copies of them.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from omnibus.analysis.numeric import fences, median_interval  # noqa: E402
from omnibus.analysis.profile import independence_test  # noqa: E402
from omnibus.analysis.spec import OutlierRule  # noqa: E402
from omnibus.analysis.variance import Estimate, group_difference, ratio, wave_difference  # noqa: E402

N = 152
UNITS = np.arange(N)
ALPHA = 0.05
INF = math.inf


@dataclass
class Outcome:
    """What one simulated survey gives: whether the test rejected, and whether the interval covered."""

    rejected: bool | None  # None: no test could be made (a base too small)
    covered: bool | None = None


@dataclass
class Scenario:
    """A test under a null hypothesis, simulated."""

    test: str
    null: str
    default: bool  # the project's default setting (its rate should be near 5%)
    draw: Callable[[np.random.Generator], Outcome]


def estimate(y: np.ndarray, responded: np.ndarray, population: float, proportion: bool = True) -> Estimate:
    """The project's estimator over the responding units (unweighted)."""
    index = np.flatnonzero(responded)
    return ratio(y[index], np.ones(len(index)), np.ones(len(index)), population, 0.95, UNITS[index], proportion)


def two_waves_response(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Who answers in each wave: 60% in the first, then 80% of them and 35% of the others (overlap above chance)."""
    first = rng.random(N) < 0.6
    second = np.where(first, rng.random(N) < 0.8, rng.random(N) < 0.35)
    return first, second


def unit_answers(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two waves of one process: each unit's own propensity (mean 30%); 60% keep their earlier answer."""
    p = rng.beta(1.5, 3.5, N)
    first = (rng.random(N) < p) * 1.0
    fresh = (rng.random(N) < p) * 1.0
    second = np.where(rng.random(N) < 0.6, first, fresh)
    return first, second


# -- Waves ----------------------------------------------------------------------------------------


def wave_process(rng: np.random.Generator) -> Outcome:
    """The default: the process has not changed; no FPC, the overlap covariance (N₁₂/(N₁N₂) → 0)."""
    y1, y2 = unit_answers(rng)
    r1, r2 = two_waves_response(rng)
    e1, e2 = estimate(y1, r1, INF), estimate(y2, r2, INF)
    d = wave_difference(e1, e2, 0.0, ALPHA)
    return Outcome(d.significant, e2.low <= 0.3 <= e2.high)


FIXED = np.random.default_rng(20171002)
FIXED_FIRST = (FIXED.random(N) < 0.3) * 1.0
# The same 152 units' answers in the second wave: ten change each way, so the share is unchanged.
_yes, _no = np.flatnonzero(FIXED_FIRST == 1)[:10], np.flatnonzero(FIXED_FIRST == 0)[:10]
FIXED_SECOND = FIXED_FIRST.copy()
FIXED_SECOND[_yes], FIXED_SECOND[_no] = 0.0, 1.0


def wave_finite(rng: np.random.Generator) -> Outcome:
    """`inference: finite`: the 152 units' share is the same in both waves; FPC and the overlap covariance."""
    r1, r2 = two_waves_response(rng)
    e1, e2 = estimate(FIXED_FIRST, r1, N), estimate(FIXED_SECOND, r2, N)
    d = wave_difference(e1, e2, float(N), ALPHA)
    return Outcome(d.significant, e2.low <= FIXED_SECOND.mean() <= e2.high)


def wave_answer_dependent(rng: np.random.Generator) -> Outcome:
    """Not a default, a limitation: in the second wave "yes" units answer more often (80%) than "no" units (55%)."""
    y1, y2 = unit_answers(rng)
    r1 = rng.random(N) < 0.6
    r2 = rng.random(N) < np.where(y2 == 1, 0.8, 0.55)
    e1, e2 = estimate(y1, r1, INF), estimate(y2, r2, INF)
    return Outcome(wave_difference(e1, e2, 0.0, ALPHA).significant, e2.low <= 0.3 <= e2.high)


# -- Groups of a breakdown -------------------------------------------------------------------------

COUNTY, UNITARY = 27, 125  # the seed's authority types
GROUP = np.r_[np.zeros(COUNTY, bool), np.ones(UNITARY, bool)]


def _groups(y: np.ndarray, responded: np.ndarray, populations: tuple[float, float]) -> tuple[Estimate, Estimate]:
    return estimate(y, responded & ~GROUP, populations[0]), estimate(y, responded & GROUP, populations[1])


def breakdown_process(rng: np.random.Generator) -> Outcome:
    """The default: county and unitary share one process; 70–81% respond; pooled test, no FPC."""
    y = (rng.random(N) < rng.beta(1.5, 3.5, N)) * 1.0
    responded = rng.random(N) < rng.uniform(0.70, 0.81)
    a, b = _groups(y, responded, (INF, INF))
    if min(a.n, b.n) < 10:  # min_base_letters
        return Outcome(None)
    return Outcome(group_difference(a, b, ALPHA).significant, b.low <= 0.3 <= b.high)


def finite_asked_of_process(rng: np.random.Generator) -> Outcome:
    """Not a default: the finite-population test (FPC) asked whether the process differs, at 70–81% response."""
    y = (rng.random(N) < rng.beta(1.5, 3.5, N)) * 1.0
    responded = rng.random(N) < rng.uniform(0.70, 0.81)
    a, b = _groups(y, responded, (COUNTY, UNITARY))
    if min(a.n, b.n) < 10:
        return Outcome(None)
    return Outcome(group_difference(a, b, ALPHA).significant)


# 24 and 128 units, a quarter of each saying yes: the two groups of these units do not differ.
EQUAL_GROUPS = np.r_[np.zeros(24, bool), np.ones(128, bool)]
EQUAL_ANSWERS = np.r_[np.ones(6), np.zeros(18), np.ones(32), np.zeros(96)]


def breakdown_finite(rng: np.random.Generator) -> Outcome:
    """`inference: finite`: the two groups of the 152 have the same share; FPC, 60% respond."""
    responded = rng.random(N) < 0.6
    a = estimate(EQUAL_ANSWERS, responded & ~EQUAL_GROUPS, 24)
    b = estimate(EQUAL_ANSWERS, responded & EQUAL_GROUPS, 128)
    if min(a.n, b.n) < 10:
        return Outcome(None)
    return Outcome(group_difference(a, b, ALPHA).significant, b.low <= 0.25 <= b.high)


# -- Numeric items: spend ------------------------------------------------------------------------

SPEND_SIGMA = 1.0  # log-normal spend: the largest of 152 is about 10 times the median


def spend(rng: np.random.Generator) -> np.ndarray:
    return np.exp(rng.normal(11.0, SPEND_SIGMA, N))


SPEND_MEAN = math.exp(11.0 + SPEND_SIGMA**2 / 2)
FIXED_SPEND = np.exp(np.random.default_rng(7).normal(11.0, SPEND_SIGMA, N))


def mean_process(rng: np.random.Generator) -> Outcome:
    """The default for a mean of every value (`outliers: {rule: none}`): two waves of the same spending process."""
    first = spend(rng)
    second = np.where(rng.random(N) < 0.7, first * np.exp(rng.normal(0, 0.2, N)), spend(rng))
    r1, r2 = two_waves_response(rng)
    e1, e2 = estimate(first, r1, INF, False), estimate(second, r2, INF, False)
    d = wave_difference(e1, e2, 0.0, ALPHA)
    return Outcome(d.significant, e2.low <= SPEND_MEAN <= e2.high)


def median_interval_cover(rng: np.random.Generator) -> Outcome:
    """The median's order-statistic interval (no test): does it hold the process's median, exp(11)?"""
    values = spend(rng)[rng.random(N) < 0.6]
    low, high = median_interval(values)
    return Outcome(None, bool(low <= math.exp(11.0) <= high))


COST = math.exp(4.0 + 0.6**2 / 2)  # spend per child reached, the process's ratio E[spend]/E[reach]


def spend_and_reach(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    reach = np.exp(rng.normal(6.0, 0.8, N))
    return reach * np.exp(rng.normal(4.0, 0.6, N)), reach


def ratio_process(rng: np.random.Generator) -> Outcome:
    """The default ratio (spend per child reached), two waves of one process; its log-scale interval."""
    (s1, c1), (s2, c2) = spend_and_reach(rng), spend_and_reach(rng)
    keep = rng.random(N) < 0.6
    s2, c2 = np.where(keep, s1, s2), np.where(keep, c1, c2)
    r1, r2 = two_waves_response(rng)
    e1, e2 = (_ratio(s, c, r) for s, c, r in ((s1, c1, r1), (s2, c2, r2)))
    return Outcome(wave_difference(e1, e2, 0.0, ALPHA).significant, e2.low <= COST <= e2.high)


def _ratio(y: np.ndarray, x: np.ndarray, responded: np.ndarray) -> Estimate:
    index = np.flatnonzero(responded)
    return ratio(y[index], x[index], np.ones(len(index)), INF, 0.95, UNITS[index])


def trimmed_mean_old(rng: np.random.Generator) -> Outcome:
    """Not a default (the old rule, no longer tested): per-wave fences, SE ignoring the trimming."""
    r1, r2 = two_waves_response(rng)
    kept = []
    for responded in (r1, r2):
        values = FIXED_SPEND[responded]
        limits = fences(values, OutlierRule())  # the default rule: Q1 − 3 IQR, Q3 + 3 IQR
        kept.append(responded & ~limits.outside(FIXED_SPEND))
    e1, e2 = estimate(FIXED_SPEND, kept[0], N, False), estimate(FIXED_SPEND, kept[1], N, False)
    return Outcome(wave_difference(e1, e2, float(N), ALPHA).significant)


# -- The response profile (Table 3) -----------------------------------------------------------------

REGIONS = np.repeat(np.arange(3), [50, 34, 68])  # the seed's region groups
OFSTED = np.repeat(np.arange(5), [2, 47, 66, 29, 8])  # the seed's Ofsted grades: expected counts under 5


def _profile(rng: np.random.Generator, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    took = rng.random(N) < 0.5
    k = rows.max() + 1
    return np.bincount(rows[took], minlength=k), np.bincount(rows, minlength=k)


def profile_chi2(rng: np.random.Generator) -> Outcome:
    """The default: 2×k chi-square of taking part by region; response at random (50%)."""
    return Outcome(independence_test(*_profile(rng, REGIONS)).p < ALPHA)


def profile_exact(rng: np.random.Generator) -> Outcome:
    """The default where expected counts are under 5: the exact p by Ofsted grade (2 outstanding)."""
    test = independence_test(*_profile(rng, OFSTED))
    return Outcome(test.p < ALPHA)


def profile_goodness_of_fit(rng: np.random.Generator) -> Outcome:
    """Not a default (the old test): respondents against the population's shares, by region."""
    from scipy import stats

    taking, population = _profile(rng, REGIONS)
    expected = taking.sum() * population / population.sum()
    return Outcome(stats.chisquare(taking, expected).pvalue < ALPHA)


SCENARIOS = [
    Scenario("Wave difference of a percentage", "process unchanged", True, wave_process),
    Scenario("Wave difference of a percentage (inference: finite)", "same share of the 152", True, wave_finite),
    Scenario("Breakdown groups, percentage (70-81% response)", "one process for both", True, breakdown_process),
    Scenario("Breakdown groups (inference: finite)", "same share in both groups", True, breakdown_finite),
    Scenario("Wave difference of a mean of every value (spend)", "process unchanged", True, mean_process),
    Scenario("Wave difference of a ratio (spend per child)", "process unchanged", True, ratio_process),
    Scenario("Median of spend: order-statistic interval", "(interval only)", True, median_interval_cover),
    Scenario("Table 3: chi-square, taking part by region", "response at random", True, profile_chi2),
    Scenario("Table 3: exact p, by Ofsted grade", "response at random", True, profile_exact),
    Scenario("Old Table 3: goodness of fit", "response at random", False, profile_goodness_of_fit),
    Scenario("Finite test asked the process question", "one process for both", False, finite_asked_of_process),
    Scenario("Old trimmed mean, per-wave fences", "same 152 values", False, trimmed_mean_old),
    Scenario("Wave difference, answer-dependent response", "process unchanged", False, wave_answer_dependent),
]


def run(scenario: Scenario, replicates: int, seed: int) -> tuple[float, float, float | None, int]:
    """Rejection rate (%), its Monte Carlo SE, interval coverage (%) and the replicates tested."""
    rng = np.random.default_rng(seed)
    outcomes = [scenario.draw(rng) for _ in range(replicates)]
    tested = [o.rejected for o in outcomes if o.rejected is not None]
    rate = float(np.mean(tested)) if tested else math.nan
    se = math.sqrt(rate * (1 - rate) / len(tested)) if tested else math.nan
    covered = [o.covered for o in outcomes if o.covered is not None]
    coverage = 100 * float(np.mean(covered)) if covered else None
    return 100 * rate, 100 * se, coverage, len(tested)


def main() -> None:
    """Print the table of rejection rates and coverages."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    started = time.perf_counter()
    print(f"{args.replicates:,} simulated surveys of N = {N} per row; a test at 5% should reject 3.5-6.5% of the time.")
    print()
    print(f"| {'test':<52} | {'null hypothesis':<26} | default | rejects | MC SE | 95% CI covers |")
    print(f"|{'-' * 54}|{'-' * 28}|---------|---------|-------|---------------|")
    for i, scenario in enumerate(SCENARIOS):
        rate, se, coverage, tested = run(scenario, args.replicates, args.seed + i)
        cover = "" if coverage is None else f"{coverage:.1f}%"
        flag = "yes" if scenario.default else "no"
        rejects, error = (f"{rate:.1f}%", f"{se:.1f}%") if tested else ("", "")
        print(
            f"| {scenario.test:<52} | {scenario.null:<26} | {flag:<7} | {rejects:>7} | {error:>5} | {cover:>13} |",
            flush=True,
        )
    print()
    print(f"{time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
