"""A unit's progress, in the dataset's words; the live Table 1 and Table 3 are the report's Appendix 1."""

from __future__ import annotations

import math

import pytest

from omnibus.analysis.profile import profile_cells
from omnibus.dataset.build import build_dataset
from omnibus.dataset.simulate import simulate
from omnibus.fieldwork.models import SectionState, Wave, WaveUnit
from omnibus.fieldwork.progress import (
    Response,
    menu_section_ids,
    profile_breakdowns,
    progress_from_statuses,
    unit_progress,
    wave_progress,
)
from omnibus.fieldwork.tracking import tracking_tables
from omnibus.report.appendices import profile_appendix
from omnibus.report.document import DataTable, Paragraph
from tests.waves import CSO_SECTION_SHARES

from .test_office_waves import make_wave

pytestmark = pytest.mark.django_db

MENU = ["csc", "eyc", "send"]  # the example questionnaire's menu; "thanks" is its closing section


def _states(unit: WaveUnit, statuses: dict[str, str]) -> None:
    for section, status in statuses.items():
        SectionState.objects.create(wave_unit=unit, section=section, status=status)


@pytest.fixture
def wave() -> Wave:
    return make_wave()


def test_the_menu_is_what_progress_counts(wave: Wave) -> None:
    assert menu_section_ids(wave) == MENU


def test_a_unit_with_nothing_has_not_started(wave: Wave) -> None:
    progress = unit_progress(wave.units.get(unit__key="840"))
    assert progress.sections == dict.fromkeys(MENU, Response.NONE)
    assert (progress.response, progress.took_part, progress.completed_any) == (Response.NONE, False, False)
    assert progress.to_do == MENU


def test_a_section_in_progress_makes_the_unit_partial(wave: Wave) -> None:
    unit = wave.units.get(unit__key="840")
    _states(unit, {"eyc": SectionState.IN_PROGRESS, "send": SectionState.NOT_STARTED})
    progress = unit_progress(unit)
    assert progress.sections == {"csc": Response.NONE, "eyc": Response.PARTIAL, "send": Response.NONE}
    assert (progress.response, progress.took_part, progress.completed_any) == (Response.PARTIAL, True, False)


def test_every_menu_section_completed_is_complete(wave: Wave) -> None:
    unit = wave.units.get(unit__key="840")
    _states(unit, dict.fromkeys(MENU, SectionState.COMPLETED) | {"thanks": SectionState.IN_PROGRESS})
    progress = unit_progress(unit)
    assert (progress.response, progress.took_part, progress.to_do) == (Response.COMPLETE, True, [])


def test_closing_sections_are_not_counted(wave: Wave) -> None:
    unit = wave.units.get(unit__key="841")
    _states(unit, {"thanks": SectionState.COMPLETED})
    progress = wave_progress(wave)
    assert len(progress) == 152
    assert "thanks" not in progress[unit.pk].sections
    assert progress[unit.pk].response == Response.NONE and not progress[unit.pk].took_part


def test_progress_from_statuses_is_a_plain_function() -> None:
    progress = progress_from_statuses(1, {"csc": "completed", "eyc": "in_progress", "other": "completed"}, MENU)
    assert progress.sections == {"csc": "complete", "eyc": "partial", "send": "none"}
    assert progress.response == "partial" and progress.completed_any
    assert Response(progress.sections["csc"]).label == "Completed"


def _appendix_figures(chapter) -> tuple[str, list[list[str]], dict[str, list[list[str]]]]:  # noqa: ANN001
    """Appendix 1's opening sentence, Table 1's rows and each profile table's rows by caption."""
    opening = next(b for b in chapter.blocks if isinstance(b, Paragraph)).text
    tables = [b for b in chapter.blocks if isinstance(b, DataTable)]
    return opening, tables[0].rows, {t.caption: t.rows for t in tables[1:]}


def _percent(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:.0f}%"


def test_the_live_tables_are_the_reports_appendix_1(wave: Wave) -> None:
    simulate(wave, seed=3, response_rate=0.5, section_shares=CSO_SECTION_SHARES)
    live = tracking_tables(wave)
    dataset = build_dataset(wave, themes=False)
    opening, table_1, profile = _appendix_figures(profile_appendix(dataset, profile_breakdowns(wave), "LAs"))
    assert f"so {live.took_part} took part" in opening and live.took_part > 0
    assert table_1 == [[r.title, str(r.complete), str(r.partial), _percent(r.rate)] for r in live.sections]
    assert len(profile) == len(live.profile) == 4
    for block in live.profile:  # the live counts, published as Table 3 publishes them
        assert profile[f"Response profile: {block.label}"] == profile_cells(block), block.name
    assert any(r.label == "No rating available" for r in live.profile[-1].rows)
