"""Live tracking figures of a wave: complete and partial responses by section, and where each unit stands.

A section is *complete* for a unit when its SectionState is completed and *partial* when it is in
progress; the response rate is (complete + partial) / units, as in the seed's Table 1 (and
`omnibus.analysis.profile.response_by_section`, which works on a dataset rather than the live
tables). Only the menu's sections are counted: the closing ones (consent, thanks) are not topics.

The wave page's Table 1 and Table 3 (`wave_tables`) are not recomputed here: a light Dataset of the
frame and the section states goes through `omnibus.analysis.profile`, as the report's tables do.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import polars as pl
from django.db.models import Max

from omnibus.analysis.dataset import Dataset
from omnibus.analysis.profile import (
    ProfileAttribute,
    SectionResponse,
    response_by_section,
    response_profile,
    took_part,
)
from omnibus.analysis.spec import Breakdown
from omnibus.fieldwork.models import SectionState, Wave
from omnibus.fieldwork.questionnaires import questionnaire_of
from omnibus.frame.store import frame_as_of

STATUS_LABELS = dict(SectionState.STATUSES)


@dataclass(frozen=True)
class SectionFigures:
    """One row of the tracking table: a section's complete and partial responses and its rate."""

    section: str
    title: str
    complete: int
    partial: int
    rate: float  # (complete + partial) / units, per cent


@dataclass(frozen=True)
class WaveFigures:
    """A wave's tracking figures: units, units that reached any section, and each section's row."""

    wave: Wave
    units: int
    responding: int
    sections: list[SectionFigures]


@dataclass(frozen=True)
class UnitRow:
    """Where one unit stands: for researchers only, since it names the unit."""

    key: str
    name: str
    statuses: list[str]  # labels, in the order of the wave's sections
    last_activity: datetime | None
    contacts_path: str  # empty for a unit of no population (a preview)


def section_figures(
    sections: list[tuple[str, str]], states: Iterable[tuple[str, str]], units: int
) -> list[SectionFigures]:
    """The tracking rows from (section, status) pairs: kept pure so the arithmetic is tested alone."""
    counts = Counter(states)
    rows = []
    for section, title in sections:
        complete = counts[(section, SectionState.COMPLETED)]
        partial = counts[(section, SectionState.IN_PROGRESS)]
        rate = 100.0 * (complete + partial) / units if units else 0.0
        rows.append(SectionFigures(section, title, complete, partial, rate))
    return rows


def wave_sections(wave: Wave) -> list[tuple[str, str]]:
    """The wave's counted sections as (id, title), in menu order."""
    return [(s.id, s.title) for _, s in questionnaire_of(wave.questionnaire).menu_sections]


def _started(wave: Wave, section_ids: list[str]):  # noqa: ANN202 - a QuerySet of SectionState
    """Section states of the wave's counted sections that are more than 'not started'."""
    return SectionState.objects.filter(wave_unit__wave=wave, section__in=section_ids).exclude(
        status=SectionState.NOT_STARTED
    )


def wave_figures(wave: Wave) -> WaveFigures:
    """The wave's tracking figures, from its SectionState rows."""
    sections = wave_sections(wave)
    started = _started(wave, [s for s, _ in sections])
    units = wave.units.count()
    responding = started.values("wave_unit").distinct().count()
    rows = section_figures(sections, started.values_list("section", "status"), units)
    return WaveFigures(wave, units, responding, rows)


def unit_rows(wave: Wave) -> list[UnitRow]:
    """Every unit of the wave with each section's status and its last activity, by name."""
    sections = [s for s, _ in wave_sections(wave)]
    states: dict[int, dict[str, str]] = {}
    for unit_id, section, status in SectionState.objects.filter(wave_unit__wave=wave).values_list(
        "wave_unit_id", "section", "status"
    ):
        states.setdefault(unit_id, {})[section] = status
    units = wave.units.select_related("unit").annotate(last=Max("sections__updated_at")).order_by("name")
    return [_unit_row(wave, u, states.get(u.id, {}), sections) for u in units]


def _unit_row(wave: Wave, unit, states: dict[str, str], sections: list[str]) -> UnitRow:  # noqa: ANN001 - a WaveUnit
    key = unit.unit.key if unit.unit else ""
    # Built as a path, not reversed: the contacts screen is another module's and may not exist yet.
    path = f"/office/waves/{wave.slug}/units/{key}/contacts/" if key else ""
    labels = [STATUS_LABELS[states.get(s, SectionState.NOT_STARTED)] for s in sections]
    return UnitRow(key, unit.name, labels, unit.last, path)


# -- Table 1 and Table 3 of the report, live ----------------------------------------------------

NO_RATING = "No rating available"
# The seed's Table 3 breakdowns of the england-la frame. The seed's "Unitary" is every authority that is
# not a county; an LA with no Ofsted judgement is a row of its own, not left out. FSM is not banded in the
# frame, so it is not shown.
PROFILE_BREAKDOWNS = [
    Breakdown(
        "type",
        "Authority type",
        "type",
        groups={"County": ("county",), "Unitary": ("unitary", "metropolitan district", "London borough")},
    ),
    Breakdown(
        "region_group",
        "Region",
        "region_group",
        groups={v: (v,) for v in ("North", "East & Midlands", "London & South")},
    ),
    Breakdown(
        "cin_band",
        "Numbers of CiN (rate per 10,000)",
        "cin_band",
        groups={v: (v,) for v in ("100-300", "300-400", "400-500", "500+")},
    ),
    Breakdown(
        "ofsted",
        "Ofsted rating",
        "ofsted_or_none",
        groups={
            "Outstanding": ("Outstanding",),
            "Good": ("Good",),
            "Requires improvement": ("Requires improvement to be good",),
            "Inadequate": ("Inadequate",),
            NO_RATING: (NO_RATING,),
        },
    ),
]
# The seed's Table 3 gives the population % over all N units and the respondents' % over those with a value.
POPULATION_PERCENT_OF = "all"
_SECTION_FLAGS = {SectionState.COMPLETED: "complete", SectionState.IN_PROGRESS: "partial"}


@dataclass(frozen=True)
class WaveTables:
    """The report's Table 1 (response by section) and Table 3 (response profile), from the live wave."""

    units: int
    took_part: int
    sections: list[SectionResponse]
    profile: list[ProfileAttribute]


def profile_dataset(wave: Wave) -> Dataset:
    """A light Dataset of the wave for `omnibus.analysis.profile`: frame attributes and section flags only.

    Every wave unit is a row (the profile's contract); a section is complete or partial as its SectionState
    says, as the tracking table counts it (the full `build_dataset` reads answers too, too slow for a page).
    """
    questionnaire = questionnaire_of(wave.questionnaire)
    keys = list(wave.units.order_by("unit__key", "pk").values_list("pk", "unit__key"))
    attributes = _frame_attributes(wave)
    names = sorted({name for values in attributes.values() for name in values})
    states = _section_flags(wave)
    columns: dict[str, list[object]] = {"unit": [key or f"preview-{pk}" for pk, key in keys]}
    for name in names:
        columns[f"frame_{name}"] = [attributes.get(key or "", {}).get(name) for _, key in keys]
    if "frame_ofsted" in columns:  # the seed shows LAs with no judgement as a row of their own
        columns["frame_ofsted_or_none"] = [v or NO_RATING for v in columns["frame_ofsted"]]
    for section in questionnaire.sections:
        columns[f"section_{section.id}"] = [states.get((pk, section.id), "none") for pk, _ in keys]
    schema = {name: pl.String for name in columns}
    data = pl.DataFrame(columns, schema=schema)
    derived = [c.removeprefix("frame_") for c in columns if c.startswith("frame_")]
    return Dataset(wave.slug, questionnaire, [], data, len(keys), derived)


def _frame_attributes(wave: Wave) -> dict[str, dict[str, str | None]]:
    """Each frame unit's attributes as text (None for a blank), by key; nothing for a wave without a frame."""
    if wave.population is None:
        return {}
    frame = frame_as_of(wave.population.slug, wave.frame_as_of)
    return {u.key: {k: None if v in (None, "") else str(v) for k, v in u.attributes.items()} for u in frame.units}


def _section_flags(wave: Wave) -> dict[tuple[int, str], str]:
    """(wave unit id, section) -> complete or partial, from the wave's SectionState rows."""
    found = SectionState.objects.filter(wave_unit__wave=wave, status__in=list(_SECTION_FLAGS))
    return {
        (unit, section): _SECTION_FLAGS[status]
        for unit, section, status in found.values_list("wave_unit_id", "section", "status")
    }


def wave_tables(wave: Wave) -> WaveTables:
    """Table 1 and Table 3 of the wave, computed by `omnibus.analysis.profile` (figures only, no names)."""
    dataset = profile_dataset(wave)
    sections = response_by_section(dataset) if dataset.population_size else []
    breakdowns = [b for b in PROFILE_BREAKDOWNS if f"frame_{b.of}" in dataset.data.columns]
    profile = response_profile(dataset, breakdowns, POPULATION_PERCENT_OF) if dataset.population_size else []
    took = int(took_part(dataset).sum()) if dataset.population_size else 0
    return WaveTables(dataset.population_size, took, sections, profile)
