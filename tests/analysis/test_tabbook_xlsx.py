"""The tab book: sheets, banner letters, numbers kept numeric with formats, and the legend."""

import shutil

import openpyxl
import pytest
from odf.opendocument import load
from odf.table import Table, TableCell

from omnibus.analysis.spec import parse_spec
from omnibus.analysis.synthetic import synthetic_dataset
from omnibus.report.tabbook import write_tabbook

SPEC = {
    "breakdowns": {
        "type": {"label": "Authority type", "groups": {"County": ["county"], "Other": ["unitary", "London borough"]}},
        "region_group": {"label": "Region"},
    },
    "nets": {"ConfUnd": {"Very or fairly confident": [1, 2]}},
    "ratios": {"HLEcost": {"label": "Spend per child", "numerator": "HLEspend1718", "denominator": "HLEreach1718"}},
}


@pytest.fixture(scope="module")
def book(wave3, tmp_path_factory):
    current = synthetic_dataset(wave3, 152, seed=31, wave="wave-3")
    earlier = synthetic_dataset(wave3, 152, seed=32, wave="wave-2")
    path = tmp_path_factory.mktemp("tabbook") / "tabbook.xlsx"
    write_tabbook([current, earlier], parse_spec(SPEC), path)
    return openpyxl.load_workbook(path)


def _find(sheet, text):
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith(text):
                return cell
    raise AssertionError(f"{text!r} not found in {sheet.title}")


def test_sheets_contents_and_legend(book):
    assert book.sheetnames[:3] == ["Contents", "Legend", "Response"]
    assert "Childrens Social Care" in book.sheetnames
    contents = book["Contents"]
    link = _find(contents, "ConfUnd")
    assert link.hyperlink is not None and "Childrens Social Care" in link.hyperlink.location
    legend = book["Legend"]
    for text in ("Cell contents", "Significance", "Tests", "Rounding", "Symbols"):
        _find(legend, text)
    assert _find(legend, "*").offset(column=1).value.startswith("less than 0.5")


def test_question_text_base_and_banner(book):
    sheet = book["Childrens Social Care"]
    title = _find(sheet, "ConfUnd:")
    assert "How confident" in title.value
    base = sheet.cell(title.row + 1, 1).value
    assert base.startswith("Base: All responding authorities")
    labels = [sheet.cell(title.row + 3, c).value for c in range(2, 14, 2)]
    assert labels == ["Total", "County", "Other", "East & Midlands", "London & South", "North"]
    assert sheet.cell(title.row + 4, 2).value == "(A)"
    assert sheet.cell(title.row + 2, 14).value == "Earlier waves"


def test_numbers_are_numeric_with_formats(book):
    sheet = book["Childrens Social Care"]
    title = _find(sheet, "ConfUnd:")
    base_row = title.row + 5
    assert sheet.cell(base_row, 1).value == "Base (unweighted n)"
    assert isinstance(sheet.cell(base_row, 2).value, int | float)
    percent = sheet.cell(base_row + 2, 2)
    assert sheet.cell(base_row + 2, 1).value.strip() == "%"
    assert isinstance(percent.value, float) and 0 <= percent.value <= 100
    assert '"*"' in percent.number_format
    net = _find(sheet, "NET: Very or fairly confident")
    assert isinstance(sheet.cell(net.row + 1, 2).value, float)


def test_response_sheet_has_table_1(book):
    sheet = book["Response"]
    assert sheet["A1"].value.startswith("Table 1")
    assert sheet["A3"].value == "Children's Social Care"
    assert isinstance(sheet["D3"].value, float)
    _find(sheet, "Table 3")
    _find(sheet, "Chi-square test of taking part against the attribute")
    _find(sheet, "All attributes together")


def test_every_sheet_prints_landscape_one_page_wide_with_header_and_footer(book):
    assert book.properties.title.startswith("Children's Services Omnibus")
    for sheet in book.worksheets:
        assert sheet.page_setup.orientation == "landscape", sheet.title
        assert sheet.page_setup.paperSize == 9  # A4
        # One page wide (the file leaves out the default width of 1), as many pages tall as it takes.
        assert (sheet.page_setup.fitToWidth or 1, sheet.page_setup.fitToHeight) == (1, 0)
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert "&A" in sheet.oddHeader.right.text and "&P of &N" in sheet.oddFooter.right.text
    sheet = book["Childrens Social Care"]
    assert sheet.print_title_rows == "$3:$5"  # the banner: groups, column labels, letters
    assert sheet.cell(4, 2).value == "Total" and sheet.cell(5, 2).value == "(A)"


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed: make test installs it")
def test_an_ods_tab_book_has_the_same_sheets_and_numbers(wave3, tmp_path):
    current = synthetic_dataset(wave3, 152, seed=31, wave="wave-3")
    path = write_tabbook([current], parse_spec(SPEC), tmp_path / "tabbook.ods")
    assert path.suffix == ".ods" and not list(tmp_path.glob(".tabbook-*"))
    document = load(str(path))
    sheets = [t.getAttribute("name") for t in document.spreadsheet.getElementsByType(Table)]
    assert sheets[:3] == ["Contents", "Legend", "Response"] and "Childrens Social Care" in sheets
    kinds = {c.getAttribute("valuetype") for c in document.spreadsheet.getElementsByType(TableCell)}
    assert "float" in kinds, "figures stay numbers"
