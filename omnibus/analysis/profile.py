"""Response and profile: Table 1 (response by section) and Table 3 (respondents against the frame).

Progress is said in the dataset's words (`omnibus.analysis.dataset`): each menu section of a unit
is complete, partial or none, and so is the unit: *complete* when every menu section is complete,
*partial* when it reached some, *none* otherwise. A unit *took part* when it reached any menu
section. Closing sections (consent, thanks) are not counted. The response rate of a section is
(complete + partial) / N: the seed's Table 1 gives 47% for 68 complete and 3 partial of 152
(71/152 = 46.7%), not 68/152 = 44.7%.

Table 3 compares, per frame attribute, the population (N, %) with those who took part (n,
%) and gives each row's response rate, with a chi-square goodness-of-fit test of the
respondents' distribution against the population's. Units with no value for an attribute are
left out of that attribute's rows, unless the breakdown names a row for them (`no_value`). The
seed computes the population % of an attribute with missing values over all N units but the
respondents' % over respondents with a value; `population_percent_of="all"` reproduces that, the
default ("known") uses units with a value on both sides.

`response_tables` is the one Table 1 and Table 3: the report's Appendix 1 and the live wave page
both read it, with the population's profile breakdowns and the default bases.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl
from scipy import stats

from omnibus.analysis.banner import breakdown_partition
from omnibus.analysis.dataset import COMPLETE, NONE, PARTIAL, Dataset
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


@dataclass
class ProfileRow:
    """One row of Table 3: a value of a frame attribute."""

    label: str
    population: int
    population_percent: float
    took_part: int
    took_part_percent: float
    response_rate: float  # took part / population, per cent


@dataclass
class ProfileAttribute:
    """A block of Table 3, with its goodness-of-fit test."""

    name: str
    label: str
    rows: list[ProfileRow]
    chi2: float
    df: int
    p: float
    small_expected: bool  # an expected count under 5: the chi-square p-value is only approximate
    unknown_population: int  # frame units with no value (left out)
    unknown_took_part: int
    notes: list[str] = field(default_factory=list)


def counted_sections(questionnaire: Questionnaire) -> list[Section]:
    """The sections progress is counted on: the menu's, in menu order (closing sections are not topics)."""
    return [section for _, section in questionnaire.menu_sections]


def _section_states(dataset: Dataset) -> np.ndarray:
    """Each unit's state of each counted section present in the dataset (units x sections)."""
    columns = [f"section_{s.id}" for s in counted_sections(dataset.questionnaire)]
    columns = [c for c in columns if c in dataset.data.columns]
    if not columns:
        raise ValueError("the dataset has no section_<id> columns to say who took part")
    return dataset.data.select(columns).to_numpy()


def took_part(dataset: Dataset) -> np.ndarray:
    """Units that reached at least one of the questionnaire's (menu) sections."""
    return (_section_states(dataset) != NONE).any(axis=1)


def unit_responses(dataset: Dataset) -> np.ndarray:
    """Each unit's response: complete (every menu section complete), partial (took part) or none."""
    states = _section_states(dataset)
    reached = (states != NONE).any(axis=1)
    complete = (states == COMPLETE).all(axis=1) & reached
    return np.where(complete, COMPLETE, np.where(reached, PARTIAL, NONE))


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

    @property
    def rate(self) -> float:
        """Units taking part as a share of N, per cent."""
        return 100.0 * self.took_part / self.population if self.population else 0.0


def response_tables(dataset: Dataset, breakdowns: list[Breakdown]) -> ResponseTables:
    """Table 1 and Table 3 of the dataset, with the default bases (`response_profile`'s "known")."""
    responses = unit_responses(dataset)
    complete = int((responses == COMPLETE).sum())
    partial = int((responses == PARTIAL).sum())
    whole = dataset.data.height == dataset.population_size
    profile = response_profile(dataset, breakdowns) if breakdowns and whole else []
    return ResponseTables(
        dataset.population_size, complete + partial, complete, partial, response_by_section(dataset), profile
    )


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
    return [_attribute(dataset, b, responded, population_percent_of) for b in breakdowns]


def _attribute(dataset: Dataset, breakdown: Breakdown, responded: np.ndarray, percent_of: str) -> ProfileAttribute:
    labels, codes = _profile_rows(dataset, breakdown)
    k = len(labels)
    known = codes >= 0
    population = np.bincount(codes[known], minlength=k)
    taking = np.bincount(codes[known & responded], minlength=k)
    pop_base = dataset.population_size if percent_of == "all" else int(population.sum())
    took_base = int(taking.sum())
    rows = [
        ProfileRow(
            label,
            int(population[j]),
            float(100.0 * population[j] / pop_base) if pop_base else float("nan"),
            int(taking[j]),
            float(100.0 * taking[j] / took_base) if took_base else float("nan"),
            float(100.0 * taking[j] / population[j]) if population[j] else float("nan"),
        )
        for j, label in enumerate(labels)
    ]
    chi2, df, p, small = goodness_of_fit(taking, population)
    return ProfileAttribute(
        breakdown.name,
        breakdown.label,
        rows,
        chi2,
        df,
        p,
        small,
        int((~known).sum()),
        int((~known & responded).sum()),
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


def goodness_of_fit(observed: np.ndarray, population: np.ndarray) -> tuple[float, int, float, bool]:
    """Chi-square of respondents' counts against the population's shares (rows with N = 0 left out)."""
    keep = population > 0
    obs = observed[keep].astype(float)
    if keep.sum() < 2 or obs.sum() == 0:
        return float("nan"), 0, float("nan"), False
    expected = obs.sum() * population[keep] / population[keep].sum()
    result = stats.chisquare(obs, expected)
    return float(result.statistic), int(keep.sum() - 1), float(result.pvalue), bool((expected < 5).any())
