"""Response and profile: Table 1 (response by section) and Table 3 (respondents against the frame).

Progress is said in the dataset's words (`omnibus.analysis.dataset`): each menu section of a unit
is complete, partial or none, and so is the unit: *complete* when every menu section is complete,
*partial* when it reached some, *none* otherwise. A unit *took part* when it reached any menu
section. Closing sections (consent, thanks) are not counted. The response rate of a section is
(complete + partial) / N: the seed's Table 1 gives 47% for 68 complete and 3 partial of 152
(71/152 = 46.7%), not 68/152 = 44.7%.

Table 3 compares, per frame attribute, the population (N, %) with those who took part (n,
%) and gives each row's response rate and a Total row. Its test is of independence between
taking part and the attribute: the 2×k table of units that took part and units that did not,
by the attribute's rows (`independence_test`). Respondents are part of the population, so a
goodness-of-fit test of respondents against the population's shares is not the right test:
its statistic is (1 − n/N) times this one, and with random response it rejects far less often
than its nominal 5%. Where an expected count is under 5 the p-value is exact, by drawing who
took part at random many times (the conditional distribution given the margins), not the
chi-square approximation. `omnibus.analysis.propensity` adds the multivariable view.

Units with no value for an attribute are left out of that attribute's rows, unless the
breakdown names a row for them (`no_value`). The seed computes the population % of an
attribute with missing values over all N units but the respondents' % over respondents with a
value; `population_percent_of="all"` reproduces that, the default ("known") uses units with a
value on both sides, and every Table 3 (page, Appendix 1, tab book) states its base.

`response_tables` is the one Table 1 and Table 3: the report's Appendix 1 and the live wave page
both read it, with the population's profile breakdowns and the default bases.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import polars as pl
from scipy import stats

from omnibus.analysis.banner import breakdown_partition
from omnibus.analysis.conventions import number_text
from omnibus.analysis.dataset import COMPLETE, NONE, PARTIAL, Dataset
from omnibus.analysis.propensity import ResponseModel, response_model
from omnibus.analysis.spec import Breakdown
from omnibus.questionnaire.model import Questionnaire, Section


@dataclass
class SectionResponse:
    """One row of Table 1."""

    section: str
    title: str
    complete: int
    partial: int
    rate: float  # (complete + partial) / N, per cent

    @property
    def rate_text(self) -> str:
        """The response rate as Table 1 prints it: whole per cent, rounded half up ("47")."""
        return number_text(self.rate)


@dataclass
class ProfileRow:
    """One row of Table 3: a value of a frame attribute."""

    label: str
    population: int
    population_percent: float
    took_part: int
    took_part_percent: float
    response_rate: float  # took part / population, per cent


# Draws of who took part for the exact test: the Monte Carlo error of a p-value near 0.05 is
# about 0.0015, and drawing them all takes a few milliseconds.
EXACT_DRAWS = 20_000
EXACT_SEED = 20171002  # fixed, so a table shows the same p-value every time it is made


@dataclass(frozen=True)
class IndependenceTest:
    """The test of taking part against an attribute: statistic, df, p and how p was had."""

    chi2: float
    df: int
    p: float
    exact: bool  # an expected count under 5: p from random draws of who took part, not the chi-square curve

    def describe(self) -> str:
        """The sentence under Table 3's block."""
        if self.chi2 != self.chi2:
            return "No test: fewer than two rows with units, or nobody (or everybody) took part."
        how = (
            f"exact p = {self.p:.3f} (an expected count is under 5, so p comes from {EXACT_DRAWS:,} random "
            "draws of who took part, not the chi-square curve)"
            if self.exact
            else f"p = {self.p:.3f}"
        )
        return f"Chi-square test of taking part against the attribute: {self.chi2:.2f} on {self.df} df, {how}."


@dataclass
class ProfileAttribute:
    """A block of Table 3 (its rows, then a Total row), with its test of independence."""

    name: str
    label: str
    rows: list[ProfileRow]
    total: ProfileRow  # the units with a value (or in the `no_value` row): the base of the percentages
    test: IndependenceTest
    unknown_population: int  # frame units with no value (left out)
    unknown_took_part: int
    notes: list[str] = field(default_factory=list)


def counted_sections(questionnaire: Questionnaire) -> list[Section]:
    """The sections progress is counted on: the menu's, in menu order (closing sections are not topics)."""
    return [section for _, section in questionnaire.menu_sections]


def _progress(dataset: Dataset) -> tuple[np.ndarray, np.ndarray]:
    """Per unit: whether it reached any counted section, and whether it completed every one.

    Read by polars over the state columns, not as Python strings per unit and section.
    """
    columns = [f"section_{s.id}" for s in counted_sections(dataset.questionnaire)]
    states = [pl.col(c) for c in columns if c in dataset.data.columns]
    if not states:
        raise ValueError("the dataset has no section_<id> columns to say who took part")
    progress = dataset.data.select(
        pl.any_horizontal([s.ne_missing(NONE) for s in states]).alias("reached"),
        pl.all_horizontal([s.eq_missing(COMPLETE) for s in states]).alias("complete"),
    )
    return progress.get_column("reached").to_numpy(), progress.get_column("complete").to_numpy()


def took_part(dataset: Dataset) -> np.ndarray:
    """Units that reached at least one of the questionnaire's (menu) sections."""
    return _progress(dataset)[0]


def unit_responses(dataset: Dataset) -> np.ndarray:
    """Each unit's response: complete (every menu section complete), partial (took part) or none."""
    reached, complete = _progress(dataset)
    return np.where(complete & reached, COMPLETE, np.where(reached, PARTIAL, NONE))


def section_response(section: str, title: str, complete: int, partial: int, population: int) -> SectionResponse:
    """One row of Table 1: the rate is (complete + partial) / N, per cent (0 when there are no units)."""
    rate = 100.0 * (complete + partial) / population if population else 0.0
    return SectionResponse(section, title, complete, partial, rate)


def response_by_section(dataset: Dataset) -> list[SectionResponse]:
    """Table 1: complete and partial responses per section, and the response rate of N."""
    rows = []
    for section in counted_sections(dataset.questionnaire):
        states = dataset.data.get_column(f"section_{section.id}")
        complete = int((states == COMPLETE).sum())
        partial = int((states == PARTIAL).sum())
        rows.append(section_response(section.id, section.title, complete, partial, dataset.population_size))
    return rows


@dataclass
class ResponseTables:
    """Table 1 and Table 3 of a wave, with who took part: what Appendix 1 and the live wave page show."""

    population: int  # N
    took_part: int
    complete: int  # units that completed every menu section
    partial: int  # units that took part without completing every menu section
    sections: list[SectionResponse]
    profile: list[ProfileAttribute]  # empty without breakdowns, or when the dataset is not every frame unit
    model: ResponseModel | None = None  # all the profile's attributes together (None: no profile, or not fitted)

    @property
    def rate(self) -> float:
        """Units taking part as a share of N, per cent."""
        return 100.0 * self.took_part / self.population if self.population else 0.0


def response_tables(dataset: Dataset, breakdowns: list[Breakdown]) -> ResponseTables:
    """Table 1 and Table 3 of the dataset, with the default bases (`response_profile`'s "known")."""
    reached, complete = _progress(dataset)
    took, done = int(reached.sum()), int((complete & reached).sum())
    profile: list[ProfileAttribute] = []
    model = None
    if breakdowns and dataset.data.height == dataset.population_size:
        rows = [_profile_rows(dataset, b) for b in breakdowns]  # each attribute's rows, once for Table 3 and the model
        profile = [
            _attribute(b, labels, codes, reached, "known") for b, (labels, codes) in zip(breakdowns, rows, strict=True)
        ]
        model = response_model([(b.label, codes) for b, (_, codes) in zip(breakdowns, rows, strict=True)], reached)
    return ResponseTables(
        dataset.population_size, took, done, took - done, response_by_section(dataset), profile, model
    )


def profile_model(dataset: Dataset, breakdowns: list[Breakdown]) -> ResponseModel | None:
    """The multivariable view of Table 3: taking part on every profile attribute together."""
    rows = [(b.label, _profile_rows(dataset, b)[1]) for b in breakdowns]
    return response_model(rows, took_part(dataset))


def response_profile(
    dataset: Dataset, breakdowns: list[Breakdown], population_percent_of: str = "known"
) -> list[ProfileAttribute]:
    """Table 3 for each breakdown (frame attribute); the dataset must hold every frame unit."""
    if dataset.data.height != dataset.population_size:
        raise ValueError(
            f"the profile needs a row for every frame unit: {dataset.data.height} rows, N = {dataset.population_size}"
        )
    if population_percent_of not in ("known", "all"):
        raise ValueError("population_percent_of is 'known' or 'all'")
    responded = took_part(dataset)
    return [_attribute(b, *_profile_rows(dataset, b), responded, population_percent_of) for b in breakdowns]


def _attribute(
    breakdown: Breakdown, labels: list[str], codes: np.ndarray, responded: np.ndarray, percent_of: str
) -> ProfileAttribute:
    """A block of Table 3 from the attribute's rows (`_profile_rows`); `percent_of` "all" takes N as the base."""
    k = len(labels)
    known = codes >= 0
    population = np.bincount(codes[known], minlength=k)
    taking = np.bincount(codes[known & responded], minlength=k)
    pop_base = len(codes) if percent_of == "all" else int(population.sum())  # a row per frame unit: N
    took_base = int(taking.sum())
    rows = [_row(label, int(population[j]), pop_base, int(taking[j]), took_base) for j, label in enumerate(labels)]
    total = _row("Total", int(population.sum()), pop_base, took_base, took_base)
    return ProfileAttribute(
        breakdown.name,
        breakdown.label,
        rows,
        total,
        independence_test(taking, population),
        int((~known).sum()),
        int((~known & responded).sum()),
    )


def _row(label: str, population: int, pop_base: int, taking: int, took_base: int) -> ProfileRow:
    def share(part: int, whole: int) -> float:
        return float(100.0 * part / whole) if whole else float("nan")

    return ProfileRow(
        label, population, share(population, pop_base), taking, share(taking, took_base), share(taking, population)
    )


def _profile_rows(dataset: Dataset, breakdown: Breakdown) -> tuple[list[str], np.ndarray]:
    """The breakdown's row labels and each unit's row (-1: left out); units with no value get `no_value`'s row."""
    part = breakdown_partition(dataset, breakdown)
    labels, codes = list(part.labels), part.codes
    if not breakdown.no_value:
        return labels, codes
    values = dataset.data.get_column(f"frame_{breakdown.of}").cast(pl.String).to_list()
    blank = np.array([v is None or v == "" for v in values], dtype=bool)
    # Only a blank joins the row: a value that no group holds is still left out, as without `no_value`.
    return [*labels, breakdown.no_value], np.where((codes < 0) & blank, len(labels), codes)


def independence_test(taking: np.ndarray, population: np.ndarray) -> IndependenceTest:
    """Chi-square test of independence of the 2×k table (took part, did not) by row; rows with N = 0 left out.

    Where an expected count is under 5 the p-value is exact: the share of `EXACT_DRAWS` random
    allocations of the n who took part among the N units (the table's margins fixed, as
    Fisher's exact test fixes them) whose statistic is at least the observed one.
    """
    keep = population > 0
    took = taking[keep].astype(float)
    pop = population[keep].astype(float)
    n, big_n = took.sum(), pop.sum()
    if keep.sum() < 2 or n == 0 or n == big_n:
        return IndependenceTest(float("nan"), 0, float("nan"), False)
    observed = _chi2(took[None, :], pop, n, big_n)[0]
    df = int(keep.sum() - 1)
    expected = np.concatenate([pop * n / big_n, pop * (big_n - n) / big_n])
    if (expected >= 5).all():
        return IndependenceTest(float(observed), df, float(stats.chi2.sf(observed, df)), False)
    drawn = _null_statistics(tuple(int(v) for v in population[keep]), int(n))
    p = (1 + np.count_nonzero(drawn >= observed * (1 - 1e-9))) / (EXACT_DRAWS + 1)
    return IndependenceTest(float(observed), df, float(p), True)


@lru_cache(maxsize=64)
def _null_statistics(population: tuple[int, ...], n: int) -> np.ndarray:
    """The statistic of `EXACT_DRAWS` random allocations of n takers: its distribution given the margins.

    It depends on the margins alone, so it is drawn once for each (the live page is read again and again).
    """
    pop = np.array(population, dtype=float)
    return _chi2(_draw_takers(np.array(population, dtype=np.int64), n, EXACT_DRAWS), pop, n, float(pop.sum()))


def _draw_takers(population: np.ndarray, n: int, draws: int) -> np.ndarray:
    """`draws` random allocations of n takers among the rows (draws × rows): n units drawn from N without replacement.

    Row by row, the takers in a row are hypergeometric given those left to place: one vectorised
    draw a row, far faster than NumPy's multivariate hypergeometric for a few rows.
    """
    rng = np.random.default_rng(EXACT_SEED)
    out = np.zeros((draws, len(population)))
    left, remaining = np.full(draws, n), int(population.sum())
    for j, size in enumerate(population[:-1]):
        others = remaining - int(size)
        out[:, j] = rng.hypergeometric(int(size), others, left) if others else left
        left = left - out[:, j].astype(np.int64)
        remaining = others
    out[:, -1] = left
    return out


def _chi2(took: np.ndarray, pop: np.ndarray, n: float, big_n: float) -> np.ndarray:
    """Pearson's statistic of each 2×k table (one per row of `took`), with margins pop, n and N.

    A row's two cells miss their expected counts by the same amount, so each row adds
    (t − e)² · (1/e + 1/f), with e and f the expected takers and non-takers.
    """
    e_took, e_not = pop * n / big_n, pop * (big_n - n) / big_n
    return ((took - e_took) ** 2) @ (1 / e_took + 1 / e_not)


# -- Table 3 as published: the one text of the live page, Appendix 1 and the tab book -------------

PROFILE_DECIMALS = 1  # Table 3's percentages, as the seed prints them
PROFILE_HEADINGS = ["Population (N)", "Population (%)", "Took part (n)", "Took part (%)", "Response rate (%)"]


def profile_cells(block: ProfileAttribute, decimals: int = PROFILE_DECIMALS) -> list[list[str]]:
    """Table 3's rows of one attribute as published, then its Total row: label, N, %, n, %, rate."""

    def percent(value: float) -> str:
        return "-" if value != value else number_text(value, decimals)

    return [
        [r.label, str(r.population), percent(r.population_percent), str(r.took_part), percent(r.took_part_percent),
         percent(r.response_rate)]
        for r in [*block.rows, block.total]
    ]  # fmt: skip


def profile_notes(block: ProfileAttribute) -> list[str]:
    """What Table 3 says under an attribute: the base of its percentages, who is left out, the test."""
    notes = [
        f"Percentages are of the {block.total.population} units with a value for {block.label} "
        f"(population) and the {block.total.took_part} of them who took part."
    ]
    if block.unknown_population:
        notes.append(
            f"Units with no value, left out: {block.unknown_population} in the population, "
            f"{block.unknown_took_part} of whom took part."
        )
    notes.append(block.test.describe())
    return notes
