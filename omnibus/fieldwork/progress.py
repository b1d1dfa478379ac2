"""A unit's progress in a wave, in the dataset's words: the one model the tracking, calls and messages read.

SectionState stores where a unit stands in a section as `not_started`, `in_progress` or
`completed`. Everything that asks "has this unit responded?" reads it through this module, which
says it as the dataset does (docs/dataset.md, `omnibus.analysis.dataset`):

- each menu section of a unit is `complete` (completed), `partial` (in progress) or `none`;
- the unit is `complete` when every menu section is complete, `partial` when it reached some
  (it *took part*), `none` otherwise.

Only the menu's sections count: the closing ones (consent, thanks) are asked of everyone after the
menu and are not topics. `UnitProgress` is built in one query from SectionState for a wave's
units; the rest are plain functions of it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.db import models

from omnibus.analysis import dataset as contract
from omnibus.analysis.profile import counted_sections
from omnibus.analysis.spec import Breakdown
from omnibus.fieldwork.models import SectionState, Wave, WaveUnit
from omnibus.fieldwork.questionnaires import questionnaire_of
from omnibus.frame.store import stored_schema


class Response(models.TextChoices):
    """A section's response, or a unit's over the menu sections; labels as the office pages print them."""

    COMPLETE = contract.COMPLETE, "Completed"
    PARTIAL = contract.PARTIAL, "In progress"
    NONE = contract.NONE, "Not started"


# The stored status of a section, in the dataset's words.
RESPONSE_OF_STATUS = {
    SectionState.Status.COMPLETED: Response.COMPLETE,
    SectionState.Status.IN_PROGRESS: Response.PARTIAL,
    SectionState.Status.NOT_STARTED: Response.NONE,
}


@dataclass(frozen=True)
class UnitProgress:
    """Where one unit of a wave stands: each menu section's response, in menu order."""

    wave_unit: int  # the WaveUnit's id
    sections: dict[str, str]  # menu section id -> Response

    @property
    def response(self) -> str:
        """complete (every menu section complete), partial (took part) or none."""
        states = set(self.sections.values())
        if states and states == {Response.COMPLETE}:
            return Response.COMPLETE
        return Response.NONE if states <= {Response.NONE} else Response.PARTIAL

    @property
    def took_part(self) -> bool:
        """Whether the unit reached any menu section."""
        return self.response != Response.NONE

    @property
    def completed_any(self) -> bool:
        """Whether the unit completed at least one menu section."""
        return Response.COMPLETE in self.sections.values()

    @property
    def to_do(self) -> list[str]:
        """The menu sections not yet complete, in menu order."""
        return [section for section, response in self.sections.items() if response != Response.COMPLETE]


def menu_section_ids(wave: Wave) -> list[str]:
    """The ids of the wave's menu sections (the ones progress counts), in menu order."""
    return [section.id for section in counted_sections(questionnaire_of(wave.questionnaire))]


def progress_from_statuses(wave_unit: int, statuses: Mapping[str, str], menu: Sequence[str]) -> UnitProgress:
    """A unit's progress from its stored statuses by section (a section with no row is not started)."""
    return UnitProgress(wave_unit, {s: RESPONSE_OF_STATUS.get(statuses.get(s, ""), Response.NONE) for s in menu})


def wave_progress(wave: Wave, units: Iterable[WaveUnit] | None = None) -> dict[int, UnitProgress]:
    """Each unit's progress by WaveUnit id: every unit of the wave, or only `units`, in one SectionState query."""
    menu = menu_section_ids(wave)
    ids = [u.pk for u in units] if units is not None else list(wave.units.values_list("pk", flat=True))
    rows = SectionState.objects.filter(wave_unit__wave=wave, section__in=menu)
    if units is not None:
        rows = rows.filter(wave_unit__in=ids)
    statuses: dict[int, dict[str, str]] = {}
    for unit_id, section, status in rows.values_list("wave_unit_id", "section", "status"):
        statuses.setdefault(unit_id, {})[section] = status
    return {pk: progress_from_statuses(pk, statuses.get(pk, {}), menu) for pk in ids}


def unit_progress(wave_unit: WaveUnit) -> UnitProgress:
    """One unit's progress."""
    return wave_progress(wave_unit.wave, [wave_unit])[wave_unit.pk]


def profile_breakdowns(wave: Wave) -> list[Breakdown]:
    """Table 3's breakdowns: the profile the wave's population declares (none for a wave without a frame)."""
    if wave.population is None:
        return []
    return list(stored_schema(wave.population).profile)
