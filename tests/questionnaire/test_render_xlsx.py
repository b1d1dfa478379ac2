"""The Excel copy: sheets, one answer row per variable, and data validation on the answer cells."""

from __future__ import annotations

import textwrap
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from omnibus.questionnaire.loader import load, read_text
from omnibus.questionnaire.model import Questionnaire
from omnibus.questionnaire.render_xlsx import render_xlsx, sheet_names
from omnibus.questionnaire.variables import variables

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "questionnaires" / "cso-wave3.yaml"
HEADER = ("Variable", "Question / item", "Routing", "Answer", "Allowed answers")
SECTION_SHEETS = ["Children's Social Care", "Early Years and Child Care", "Special Educational Needs", "Thank you"]


@pytest.fixture(scope="module")
def example() -> Questionnaire:
    return load(EXAMPLE)


@pytest.fixture(scope="module")
def book(example: Questionnaire, tmp_path_factory: pytest.TempPathFactory) -> Workbook:
    path = tmp_path_factory.mktemp("xlsx") / "cso.xlsx"
    render_xlsx(example, path)
    return openpyxl.load_workbook(path)


def rows_by_variable(book: Workbook) -> dict[str, tuple[Worksheet, int]]:
    """Where each variable's answer row is: its sheet and row number."""
    found = {}
    for name in SECTION_SHEETS:
        sheet = book[name]
        for row in range(2, sheet.max_row + 1):
            if sheet.cell(row, 1).value:
                found[sheet.cell(row, 1).value] = (sheet, row)
    return found


def validation_at(sheet: Worksheet, cell: str) -> DataValidation:
    matches = [dv for dv in sheet.data_validations.dataValidation if cell in dv.sqref]
    assert len(matches) == 1, f"{sheet.title}!{cell}: {len(matches)} validations"
    return matches[0]


def answer_validation(book: Workbook, variable: str) -> tuple[DataValidation, Worksheet, int]:
    sheet, row = rows_by_variable(book)[variable]
    return validation_at(sheet, f"D{row}"), sheet, row


def test_sheets(book: Workbook) -> None:
    assert book.sheetnames == ["Cover", *SECTION_SHEETS, "Lists"]
    assert book["Lists"].sheet_state == "hidden"
    for name in SECTION_SHEETS:
        sheet = book[name]
        assert tuple(c.value for c in sheet[1]) == HEADER
        assert sheet.freeze_panes == "A2"
        assert sheet.protection.sheet


def test_cover(book: Workbook) -> None:
    values = [c.value for c in book["Cover"]["A"] if c.value]
    assert values[0] == "Children's Services Omnibus – Wave 3"
    assert values[1] == "Survey: cso    Version: wave-3"
    assert any(v.startswith("Thank you for agreeing") for v in values)
    assert "How to use this workbook" in values
    assert any("Answer column" in v for v in values)
    assert "Section 3: Early Years and Child Care" in values  # being on the menu is not a condition to answer


def test_every_variable_has_exactly_one_row(book: Workbook, example: Questionnaire) -> None:
    column_a = Counter()
    for name in SECTION_SHEETS:
        sheet = book[name]
        column_a.update(sheet.cell(row, 1).value for row in range(2, sheet.max_row + 1) if sheet.cell(row, 1).value)
    names = [v.name for v in variables(example)]
    assert sorted(column_a) == sorted(names)
    assert set(column_a.values()) == {1}


def test_answer_cells_are_unlocked_and_other_cells_locked(book: Workbook) -> None:
    sheet, row = rows_by_variable(book)["ConfUnd"]
    assert sheet.cell(row, 4).protection.locked is False
    assert sheet.cell(row, 4).fill.fgColor.rgb.endswith("FFF2CC")
    assert sheet.cell(row, 2).protection.locked is not False


def test_single_choice_dropdown_from_the_lists_sheet(book: Workbook) -> None:
    dv, sheet, row = answer_validation(book, "ConfUnd")
    assert dv.type == "list"
    assert dv.formula1.startswith("Lists!$")
    column = dv.formula1.split("!")[1].split(":")[0].replace("$", "")[0]
    listed = [c.value for c in book["Lists"][column][1:] if c.value]
    assert listed == ["1. Very confident", "2. Fairly confident", "3. Not very confident", "4. Not at all confident"]
    assert "Very confident" in dv.prompt and "Not at all confident" in dv.error
    assert sheet.cell(row, 3).value is None  # asked of everyone: no condition to read


def test_routing_column_speaks_to_respondents(book: Workbook) -> None:
    _, sheet, row = answer_validation(book, "SBrecoup")
    assert sheet.cell(row, 3).value == (
        "Answer only if you answered ‘Very cost-effective’ or ‘Fairly cost-effective’ above"
    )
    sheet, row = rows_by_variable(book)["SuppSouFut_3"]
    assert sheet.cell(row, 3).value == (
        "Answer only if you did not choose ‘Evidence and evaluations from other LAs’ "
        "at ‘Sources of support used in the last 12 months’"
    )
    sheet, row = rows_by_variable(book)["SuppSou_14_text"]
    assert sheet.cell(row, 3).value == "Answer only if you chose ‘Other (please specify)’ above"
    sheet, row = rows_by_variable(book)["MultChal"]
    assert sheet.cell(row, 3).value == "Answer only if you answered ‘Yes’ above"
    sheet, row = rows_by_variable(book)["HelpSupp"]
    assert sheet.cell(row, 5).value.startswith("Only the options you chose above\n1. Coaching")


def test_no_interviewer_notation_reaches_respondents(book: Workbook) -> None:
    texts = [v for sheet in book for row in sheet.iter_rows(values_only=True) for v in row if isinstance(v, str)]
    for notation in ("If Q", "[exclusive]", "<Feed", "Ask if", "Ask all"):
        assert not [t for t in texts if notation in t], notation
    assert "15. None of these" in texts


def test_multi_choice_rows(book: Workbook) -> None:
    found = rows_by_variable(book)
    sheet, first = found["SuppSou_1"]
    assert sheet.cell(first - 1, 1).value is None  # the heading row holds the question text
    assert sheet.cell(first - 1, 2).value.startswith("Which of the following sources of support")
    assert [sheet.cell(first + i, 1).value for i in range(16)] == [f"SuppSou_{c}" for c in range(1, 16)] + [
        "SuppSou_14_text"
    ]
    dv = validation_at(sheet, f"D{first}")
    assert (dv.type, dv.formula1) == ("list", '"Yes"')
    assert dv.prompt and "Yes" in dv.error


def test_max_choices_rule_for_imp_enab(book: Workbook) -> None:
    found = rows_by_variable(book)
    sheet, first = found["ImpEnab_1"]
    _, last = found["ImpEnab_11"]
    dv = validation_at(sheet, f"D{first}")
    assert dv.type == "custom"
    assert str(dv.sqref) == f"D{first}:D{last}"
    rng = f"$D${first}:$D${last}"
    assert f"COUNTA({rng})<=3" in dv.formula1
    assert f'OR(COUNTA({rng})=1,$D${last}="")' in dv.formula1  # "None of these" on its own
    assert "at most 3" in dv.error
    # The "Other" text row stays outside the counted range.
    _, text_row = found["ImpEnab_10_text"]
    assert text_row > last


def test_grid_items_have_the_scale_dropdown(book: Workbook) -> None:
    dv, sheet, row = answer_validation(book, "SocWork_c")
    assert dv.type == "list"
    assert sheet.cell(row, 2).value.startswith("Your local authority will be able to maintain")
    assert dv.formula1 == answer_validation(book, "ConfUnd")[0].formula1  # one list for the shared scale


def test_numbers(book: Workbook) -> None:
    dv, sheet, row = answer_validation(book, "HLEspend1718")
    # A number with "Don't know" boxes: the number in range, or a box's label typed in its own cell.
    cell = f"D{row}"
    assert dv.type == "custom"
    assert dv.formula1 == (
        f"OR(AND(ISNUMBER({cell}),{cell}>=0,{cell}<=10000000,INT({cell})={cell}),"
        f'{cell}="Don\'t know",{cell}="Not available")'
    )
    assert sheet.cell(row, 5).value == 'Whole number, £0 to £10,000,000; or type "Don\'t know" or "Not available"'
    assert "10,000,000" in dv.error
    dv, sheet, row = answer_validation(book, "HLEreach1718")
    assert (dv.type, dv.formula1, dv.formula2) == ("whole", "0", "10000")
    assert dv.operator in (None, "between")  # "between" is the default, left out of the file
    dv, sheet, row = answer_validation(book, "HLEreach1516")
    assert dv.formula2 == "10000"
    assert sheet.cell(row, 5).value == "Whole number, 0 to 10,000 children"


def test_text_length(book: Workbook) -> None:
    dv, sheet, row = answer_validation(book, "SWreturn")
    assert (dv.type, dv.operator, dv.formula1) == ("textLength", "lessThanOrEqual", "150")
    assert "150 characters" in dv.error
    assert sheet.cell(row, 5).value == "Text, up to 150 characters"


def test_statement_has_no_answer_cell(book: Workbook) -> None:
    sheet = book["Thank you"]
    last = sheet.max_row
    assert sheet.cell(last, 2).value.startswith("Thank you for taking the time")
    assert sheet.cell(last, 1).value is None
    assert not [dv for dv in sheet.data_validations.dataValidation if f"D{last}" in dv.sqref]


def test_every_answer_cell_has_messages(book: Workbook) -> None:
    for name in SECTION_SHEETS:
        for dv in book[name].data_validations.dataValidation:
            assert dv.prompt, (name, dv.sqref)
            assert dv.type is None or dv.error, (name, dv.sqref)  # "any" (specify texts) cannot fail


def test_sheet_names() -> None:
    names = sheet_names(["A/B: C?", "Special Educational Needs & Disability", "Cover", "x" * 40, "x" * 40, "'Q'"])
    assert names == ["A B C", "Special Educational Needs", "Cover (2)", "x" * 31, "x" * 27 + " (2)", "Q"]
    assert all(len(n) <= 31 for n in names)


def test_piping_and_routed_section(tmp_path: Path) -> None:
    questionnaire, problems = read_text(
        textwrap.dedent(
            """
            survey: t
            version: v1
            title: Small
            sections:
              - id: a
                title: First
                questions:
                  - id: Conf
                    type: single
                    text: How confident?
                    options: {1: Very, 2: Not at all}
              - id: b
                title: Second
                ask_if: Conf = 1
                questions:
                  - id: Why
                    type: text
                    text: Why are you {Conf} confident?
                  - id: Cost
                    type: number
                    text: How much?
                    min: 0.5
                    integer: false
            """
        )
    )
    assert questionnaire is not None and not problems
    render_xlsx(questionnaire, tmp_path / "small.xlsx")
    book = openpyxl.load_workbook(tmp_path / "small.xlsx")
    sheet = book["Second"]
    assert (sheet["B2"].value, sheet["C2"].value) == (
        "Second",
        "Answer this section only if you answered ‘Very’ at ‘How confident?’",
    )
    assert (sheet["A3"].value, sheet["B3"].value) == ("Why", "Why are you [answer at Conf] confident?")
    dv = validation_at(sheet, "D3")
    assert (dv.type, dv.formula1) == ("textLength", "32767")  # no max_length: Excel's own limit
    dv = validation_at(sheet, "D4")
    assert (dv.type, dv.operator, dv.formula1) == ("decimal", "greaterThanOrEqual", "0.5")
