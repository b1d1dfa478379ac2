"""Tracking figures: complete and partial responses by section, the rate over units, each unit's row."""

from __future__ import annotations

import pytest

from omnibus.fieldwork.models import SectionState
from omnibus.fieldwork.tracking import section_figures, unit_rows, wave_figures

from .test_office_waves import make_wave

pytestmark = pytest.mark.django_db


def test_rate_counts_complete_and_partial_over_units() -> None:
    # The seed's Table 1: 68 complete and 3 partial of 152 is 47%, not 45%.
    states = [("csc", "completed")] * 68 + [("csc", "in_progress")] * 3 + [("csc", "not_started")] * 5
    (row,) = section_figures([("csc", "CSC")], states, 152)
    assert (row.complete, row.partial, round(row.rate)) == (68, 3, 47)


def test_no_units_is_no_rate() -> None:
    assert section_figures([("csc", "CSC")], [], 0)[0].rate == 0.0


def test_wave_figures_from_section_states() -> None:
    wave = make_wave()
    units = list(wave.units.order_by("name")[:4])
    for unit, section, status in [
        (units[0], "csc", SectionState.COMPLETED),
        (units[0], "eyc", SectionState.IN_PROGRESS),
        (units[1], "csc", SectionState.IN_PROGRESS),
        (units[2], "send", SectionState.NOT_STARTED),  # a visit that answered nothing: not responding
        (units[3], "thanks", SectionState.COMPLETED),  # not a menu section: not counted
    ]:
        SectionState.objects.create(wave_unit=unit, section=section, status=status)
    figures = wave_figures(wave)
    assert (figures.units, figures.responding) == (152, 2)
    by_id = {row.section: (row.complete, row.partial, round(row.rate, 2)) for row in figures.sections}
    assert by_id == {"csc": (1, 1, 1.32), "eyc": (0, 1, 0.66), "send": (0, 0, 0.0)}


def test_unit_rows_give_statuses_in_section_order_and_last_activity() -> None:
    wave = make_wave()
    unit = wave.units.get(unit__key="841")
    SectionState.objects.create(wave_unit=unit, section="eyc", status=SectionState.COMPLETED)
    rows = {row.key: row for row in unit_rows(wave)}
    assert len(rows) == 152
    assert rows["841"].statuses == ["Not started", "Completed", "Not started"]
    assert rows["841"].last_activity is not None and rows["840"].last_activity is None
    assert rows["841"].contacts_path == "/office/waves/w3/units/841/contacts/"


def test_last_activity_counts_an_answer_saved_in_a_section_already_in_progress() -> None:
    from omnibus.collect.answers import save_page
    from omnibus.fieldwork.questionnaires import questionnaire_of

    wave = make_wave()
    unit = wave.units.get(unit__key="841")
    questionnaire = questionnaire_of(wave.questionnaire)
    save_page(unit, questionnaire, "csc", ["ConfUnd"], {"ConfUnd": 1}, None, None)
    first = {row.key: row for row in unit_rows(wave)}["841"].last_activity
    save_page(unit, questionnaire, "csc", ["ConfUnd"], {"ConfUnd": 2}, None, None)  # the state stays as it is
    assert {row.key: row for row in unit_rows(wave)}["841"].last_activity > first
