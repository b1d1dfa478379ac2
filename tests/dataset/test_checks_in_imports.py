"""Cross-item checks in imports: each broken check named by file, row or cell, unit and variable; nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from omnibus.collect.answers import live_answers, save_page
from omnibus.dataset.importing import ImportRefused, import_responses
from omnibus.fieldwork.models import Wave
from omnibus.fieldwork.questionnaires import questionnaire_of
from tests.constructs import copy_to_fill, refused, small_questionnaire_wave

pytestmark = pytest.mark.django_db

TOO_MANY = "Plans with a personal budget must be no more than the plans issued"


@pytest.fixture
def wave() -> Wave:
    return small_questionnaire_wave("checks")


def write_csv(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join(["unit,Issued,PBplans,PctIn20,PctOver20", *rows]) + "\n", encoding="utf-8")
    return path


def test_broken_checks_are_located_and_nothing_is_written(wave: Wave, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "returns.csv", ["840,10,8,50,50", "841,10,12,,", "390,5,,70,20"])
    assert refused(wave, path) == [
        f"{path}:3: unit 841: PBplans: {TOO_MANY}",
        f"{path}:4: unit 390: PctIn20: The percentages must add up to 100",
    ]


def test_a_check_reads_answers_given_on_the_web(wave: Wave, tmp_path: Path) -> None:
    unit = wave.units.get(unit__key="840")
    q = questionnaire_of(wave.questionnaire)
    save_page(unit, q, "send", ["Issued"], {"Issued": 4}, None, None)
    path = tmp_path / "pb.csv"
    path.write_text("unit,PBplans\n840,6\n", encoding="utf-8")
    with pytest.raises(ImportRefused) as refused:
        import_responses(wave, path)
    assert refused.value.lines() == [f"{path}:2: unit 840: PBplans: {TOO_MANY}"]
    path.write_text("unit,PBplans\n840,Don't know\n", encoding="utf-8")
    with pytest.raises(ImportRefused):  # PBplans has no "Don't know" box: a plain mistake
        import_responses(wave, path)
    path.write_text("unit,PBplans\n840,4\n", encoding="utf-8")
    import_responses(wave, path)
    assert live_answers(unit) == {"Issued": 4, "PBplans": 4}


def test_a_returned_excel_copy_names_the_sheet_and_cell(wave: Wave, tmp_path: Path) -> None:
    path = tmp_path / "copy.xlsx"
    book, sheet, rows = copy_to_fill(wave, path, "Staff")
    sheet.cell(rows["Total"], 4).value = 3
    sheet.cell(rows["Agency"], 4).value = 4
    book.save(path)
    message = "Agency social workers must be no more than all social workers"
    assert refused(wave, path, unit="390") == [f"{path}:Staff!D{rows['Agency']}: unit 390: Agency: {message}"]
