"""The grids in the printed copies (text and Word) and in the Excel copy, read back cell by cell."""

from __future__ import annotations

from pathlib import Path

import docx
import openpyxl
import pytest

from omnibus.questionnaire.loader import load
from omnibus.questionnaire.model import Questionnaire
from omnibus.questionnaire.render_docx import render_docx
from omnibus.questionnaire.render_text import render_text
from omnibus.questionnaire.render_xlsx import render_xlsx

GRIDS = Path(__file__).resolve().parents[1] / "fixtures" / "grids.yaml"


@pytest.fixture(scope="module")
def grids() -> Questionnaire:
    return load(GRIDS)


def test_text_copy_prints_each_grid_as_boxes(grids: Questionnaire) -> None:
    text = render_text(grids)
    assert "Please select at least one option in each row." in text
    assert "\t\tTimeliness\tQuality\tCapacity\tNone of these [exclusive]" in text
    assert "(b) SEND support (Ask if HasSend is 1 (Yes))\tBarr_b\t[ ]\t[ ]\t[ ]\t[ ]" in text
    assert "(c) Other service (please specify)\tBarr_o\t" in text
    assert "(b) Another service (please specify)\tConf_o\t[ ]\t[ ]\t[ ]" in text
    assert "(a) Early help: Last year\tRate_a_last\t[ ]\t[ ]\t[ ]" in text
    assert "Ask if Barr_a includes 3 (Capacity)" in text


def test_word_copy_has_a_table_per_grid(grids: Questionnaire, tmp_path: Path) -> None:
    path = tmp_path / "grids.docx"
    render_docx(grids, path)
    barr, conf, rate = docx.Document(str(path)).tables
    assert [c.text for c in barr.rows[0].cells] == [
        "",
        "Timeliness",
        "Quality",
        "Capacity",
        "None of these [exclusive]",
    ]
    assert [r.cells[0].paragraphs[1].text for r in barr.rows[1:]] == ["Barr_a", "Barr_b", "Barr_o"]
    assert conf.rows[2].cells[0].paragraphs[0].text == "(b) Another service (please specify)"
    assert [r.cells[0].paragraphs[1].text for r in rate.rows[1:]] == [
        "Rate_a_now", "Rate_a_last", "Rate_b_now", "Rate_b_last", "Rate_o_now", "Rate_o_last",
    ]  # fmt: skip


@pytest.fixture(scope="module")
def sheet(grids: Questionnaire, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201 - a worksheet
    path = tmp_path_factory.mktemp("xlsx") / "grids.xlsx"
    render_xlsx(grids, path)
    return openpyxl.load_workbook(path)["Barriers and services"]


def row_of(sheet, variable: str) -> int:  # noqa: ANN001
    return next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == variable)


def validation(sheet, cell: str):  # noqa: ANN001, ANN201
    (found,) = [dv for dv in sheet.data_validations.dataValidation if cell in dv.sqref]
    return found


def test_excel_copy_has_a_checked_yes_cell_per_row_and_option(sheet) -> None:  # noqa: ANN001
    first, none = row_of(sheet, "Barr_a_1"), row_of(sheet, "Barr_a_9")
    assert [sheet.cell(r, 1).value for r in range(first, none + 1)] == ["Barr_a_1", "Barr_a_2", "Barr_a_3", "Barr_a_9"]
    assert sheet.cell(first - 1, 2).value == "Early help" and sheet.cell(first - 1, 1).value is None
    assert sheet.cell(none, 5).value == "Yes, or leave blank; only on its own in this row"
    rule = validation(sheet, f"D{first}")
    assert rule.type == "custom" and str(rule.sqref) == f"D{first}:D{none}"  # the row's cells, checked together
    assert f'OR(COUNTA($D${first}:$D${none})=1,$D${none}="")' in rule.formula1
    send = row_of(sheet, "Barr_b_1")
    assert sheet.cell(send, 3).value == "Answer only if you answered ‘Yes’ above"  # in the respondent's words
    assert validation(sheet, f"D{send}").sqref != rule.sqref  # each row its own group


def test_excel_copy_has_a_drop_down_per_two_way_cell_and_a_text_per_specify_row(sheet) -> None:  # noqa: ANN001
    now, last = row_of(sheet, "Rate_a_now"), row_of(sheet, "Rate_a_last")
    assert (sheet.cell(now, 2).value, sheet.cell(last, 2).value) == ("Early help: This year", "Early help: Last year")
    assert validation(sheet, f"D{last}").type == "list"
    text = row_of(sheet, "Rate_o_text")
    assert text == row_of(sheet, "Rate_o_last") + 1
    assert sheet.cell(text, 2).value == "Other service: please say what"
    assert validation(sheet, f"D{text}").promptTitle == "Please specify"
    conf = row_of(sheet, "Conf_o_text")
    assert sheet.cell(conf, 5).value.startswith("Text, up to 500 characters")
