"""Live tracking of a wave: Table 1 (response by section), Table 3 (response profile), where each unit stands.

Progress is read through `omnibus.fieldwork.progress` (each menu section complete, partial or none,
in the dataset's words). The tables are not computed here: a light Dataset of the frame and each
unit's progress goes through `omnibus.analysis.profile.response_tables`, the code, bases and
breakdowns (the population's profile) of the report's Appendix 1. A section's response rate is
(complete + partial) / units, as in the seed's Table 1.
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
    PROFILE_HEADINGS,
    ProfileAttribute,
    ResponseTables,
    SectionResponse,
    counted_sections,
    profile_cells,
    profile_notes,
    response_tables,
    section_response,
)
from omnibus.fieldwork.models import Wave, WaveUnit
from omnibus.fieldwork.progress import (
    RESPONSE_OF_STATUS,
    Response,
    UnitProgress,
    profile_breakdowns,
    wave_progress,
)
from omnibus.fieldwork.questionnaires import questionnaire_of
from omnibus.frame.store import frame_as_of

SectionFigures = SectionResponse  # a row of the tracking table is a row of Table 1


@dataclass(frozen=True)
class WaveFigures:
    """A wave's tracking figures: units, units that reached any section, and each section's row."""

    wave: Wave
    units: int
    responding: int
    sections: list[SectionFigures]


@dataclass(frozen=True)
class ProfileBlock:
    """One attribute of Table 3 as published: its rows' text (then Total) and the lines under it."""

    name: str
    label: str
    rows: list[list[str]]  # label, N, %, n, %, response rate
    notes: list[str]


@dataclass(frozen=True)
class WaveTables:
    """The report's Table 1 (response by section) and Table 3 (response profile), from the live wave."""

    figures: WaveFigures
    profile: list[ProfileAttribute]
    model_notes: list[str]  # the multivariable view under Table 3
    headings: tuple[str, ...] = tuple(PROFILE_HEADINGS)

    @property
    def published_profile(self) -> list[ProfileBlock]:
        """Table 3 in the words and figures of Appendix 1 and the tab book (`profile_cells`, `profile_notes`)."""
        return [ProfileBlock(b.name, b.label, profile_cells(b), profile_notes(b)) for b in self.profile]

    @property
    def units(self) -> int:
        """N: the wave's units."""
        return self.figures.units

    @property
    def took_part(self) -> int:
        """Units that reached any menu section."""
        return self.figures.responding

    @property
    def sections(self) -> list[SectionResponse]:
        """Table 1's rows."""
        return self.figures.sections


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
    """Table 1's rows from (section, stored status) pairs: kept pure so the arithmetic is tested alone."""
    counts = Counter((section, RESPONSE_OF_STATUS.get(status, Response.NONE)) for section, status in states)
    return [
        section_response(s, title, counts[(s, Response.COMPLETE)], counts[(s, Response.PARTIAL)], units)
        for s, title in sections
    ]


def wave_figures(wave: Wave) -> WaveFigures:
    """The wave's tracking figures (Table 1 and who took part), from its units' progress."""
    return _figures(wave, response_tables(progress_dataset(wave, wave_progress(wave)), []))


def _figures(wave: Wave, tables: ResponseTables) -> WaveFigures:
    return WaveFigures(wave, tables.population, tables.took_part, tables.sections)


def unit_rows(wave: Wave) -> list[UnitRow]:
    """Every unit of the wave with each section's status and its last activity, by name."""
    progress = wave_progress(wave)
    units = wave.units.select_related("unit").annotate(last=Max("sections__updated_at")).order_by("name")
    # A save within a section already in progress leaves its state as it is: the answer's time counts too.
    answered = dict(wave.units.annotate(last=Max("answers__updated_at")).values_list("pk", "last"))
    return [_unit_row(wave, u, progress[u.pk], answered.get(u.pk)) for u in units]


def _unit_row(wave: Wave, unit: WaveUnit, progress: UnitProgress, answered: datetime | None) -> UnitRow:
    key = unit.unit.key if unit.unit else ""
    # Built as a path, not reversed: the contacts screen is another module's and may not exist yet.
    path = f"/office/waves/{wave.slug}/units/{key}/contacts/" if key else ""
    labels = [Response(response).label for response in progress.sections.values()]
    last = max((t for t in (unit.last, answered) if t is not None), default=None)  # `last`: annotated by unit_rows
    return UnitRow(key, unit.name, labels, last, path)


# -- Table 1 and Table 3 of the report, live ----------------------------------------------------


def progress_dataset(wave: Wave, progress: dict[int, UnitProgress], frame: bool = False) -> Dataset:
    """A light Dataset of the wave for `omnibus.analysis.profile`: section flags and, with `frame`, frame attributes.

    Every wave unit is a row (the profile's contract); a menu section is complete, partial or none as the
    unit's progress says (the full `build_dataset` reads answers too, too slow for a page).
    """
    questionnaire = questionnaire_of(wave.questionnaire)
    keys = list(wave.units.order_by("unit__key", "pk").values_list("pk", "unit__key"))
    columns: dict[str, list[object]] = {"unit": [key or f"preview-{pk}" for pk, key in keys]}
    attributes = _frame_attributes(wave) if frame else {}
    names = sorted({name for values in attributes.values() for name in values})
    for name in names:
        columns[f"frame_{name}"] = [attributes.get(key or "", {}).get(name) for _, key in keys]
    for section in counted_sections(questionnaire):
        columns[f"section_{section.id}"] = [str(progress[pk].sections[section.id]) for pk, _ in keys]
    data = pl.DataFrame(columns, schema={name: pl.String for name in columns})
    return Dataset(wave.slug, questionnaire, [], data, len(keys), names)


def profile_dataset(wave: Wave) -> Dataset:
    """The light Dataset of the wave with its frame attributes, for Table 3."""
    return progress_dataset(wave, wave_progress(wave), frame=True)


def _frame_attributes(wave: Wave) -> dict[str, dict[str, str | None]]:
    """Each frame unit's attributes as text (None for a blank), by key; nothing for a wave without a frame."""
    if wave.population is None:
        return {}
    frame = frame_as_of(wave.population.slug, wave.frame_as_of)
    return {u.key: {k: None if v in (None, "") else str(v) for k, v in u.attributes.items()} for u in frame.units}


def tracking_tables(wave: Wave) -> WaveTables:
    """Table 1 and Table 3 of the wave, as the report's Appendix 1 computes them (figures only, no names)."""
    dataset = profile_dataset(wave)
    breakdowns = [b for b in profile_breakdowns(wave) if f"frame_{b.of}" in dataset.data.columns]
    tables = response_tables(dataset, breakdowns if dataset.population_size else [])
    return WaveTables(_figures(wave, tables), tables.profile, tables.model.describe() if tables.model else [])
