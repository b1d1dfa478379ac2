"""Response and profile: Table 1 (response by section) and Table 3 (respondents against the frame).

A unit *took part* when it reached any section (complete or partial). The response rate of a
section is (complete + partial) / N: the seed's Table 1 gives 47% for 68 complete and 3
partial of 152 (71/152 = 46.7%), not 68/152 = 44.7%.

Table 3 compares, per frame attribute, the population (N, %) with those who took part (n,
%) and gives each row's response rate, with a chi-square goodness-of-fit test of the
respondents' distribution against the population's. Units with no value for an attribute are
left out of that attribute's rows. The seed computes the population % of an attribute with
missing values over all N units but the respondents' % over respondents with a value;
`population_percent_of="all"` reproduces that, the default ("known") uses units with a value
on both sides.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import stats

from omnibus.analysis.banner import breakdown_partition
from omnibus.analysis.dataset import Dataset
from omnibus.analysis.spec import Breakdown


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


def took_part(dataset: Dataset) -> np.ndarray:
    """Units that reached at least one of the questionnaire's (menu) sections."""
    questionnaire = dataset.questionnaire
    menu = set(questionnaire.menu.sections.values()) if questionnaire.menu else {s.id for s in questionnaire.sections}
    columns = [f"section_{s}" for s in menu if f"section_{s}" in dataset.data.columns]
    if not columns:
        raise ValueError("the dataset has no section_<id> columns to say who took part")
    states = dataset.data.select(columns).to_numpy()
    return (states != "none").any(axis=1)


def response_by_section(dataset: Dataset) -> list[SectionResponse]:
    """Table 1: complete and partial responses per section, and the response rate of N."""
    rows = []
    menu = set(dataset.questionnaire.menu.sections.values()) if dataset.questionnaire.menu else None
    for section in dataset.questionnaire.sections:
        if menu is not None and section.id not in menu:
            continue
        states = dataset.data.get_column(f"section_{section.id}")
        complete = int((states == "complete").sum())
        partial = int((states == "partial").sum())
        rate = 100.0 * (complete + partial) / dataset.population_size
        rows.append(SectionResponse(section.id, section.title, complete, partial, rate))
    return rows


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
    part = breakdown_partition(dataset, breakdown)
    k = len(part.labels)
    known = part.codes >= 0
    population = np.bincount(part.codes[known], minlength=k)
    taking = np.bincount(part.codes[known & responded], minlength=k)
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
        for j, label in enumerate(part.labels)
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


def goodness_of_fit(observed: np.ndarray, population: np.ndarray) -> tuple[float, int, float, bool]:
    """Chi-square of respondents' counts against the population's shares (rows with N = 0 left out)."""
    keep = population > 0
    obs = observed[keep].astype(float)
    if keep.sum() < 2 or obs.sum() == 0:
        return float("nan"), 0, float("nan"), False
    expected = obs.sum() * population[keep] / population[keep].sum()
    result = stats.chisquare(obs, expected)
    return float(result.statistic), int(keep.sum() - 1), float(result.pvalue), bool((expected < 5).any())
