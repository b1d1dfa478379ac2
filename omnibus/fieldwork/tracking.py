"""Live tracking figures of a wave: complete and partial responses by section, and where each unit stands.

A section is *complete* for a unit when its SectionState is completed and *partial* when it is in
progress; the response rate is (complete + partial) / units, as in the seed's Table 1 (and
`omnibus.analysis.profile.response_by_section`, which works on a dataset rather than the live
tables). Only the menu's sections are counted: the closing ones (consent, thanks) are not topics.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Max

from omnibus.collect.flow import menu_sections
from omnibus.collect.models import SectionState
from omnibus.collect.visit import questionnaire_for
from omnibus.fieldwork.models import Wave

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
    return [(s.id, s.title) for _, s in menu_sections(questionnaire_for(wave.questionnaire))]


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
