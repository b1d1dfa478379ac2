"""Half-up rounding, on the exact k/n, alike in the report, the tab book and the CSV of the tables."""

from __future__ import annotations

import csv
import io
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
import pytest

from omnibus.analysis.conventions import number_text, round_half_up
from omnibus.analysis.spec import parse_spec
from omnibus.analysis.tables import wave_tables
from omnibus.questionnaire.loader import read_text
from omnibus.report.figures import percent_text, spoken_percent
from omnibus.report.tabbook import write_tabbook
from omnibus.report.tables_csv import tables_csv
from tests.analysis.conftest import SMALL, make_small


@pytest.fixture(scope="module")
def small_questionnaire():
    questionnaire, problems = read_text(SMALL)
    assert questionnaire is not None, problems
    return questionnaire


# Conf of 8 units: 5 "Very" (5/8 = 62.5%), 1 "Fairly" (1/8 = 12.5%), 2 "Not very" (25%).
EIGHTHS = [1, 1, 1, 1, 1, 2, 3, 3]
# Conf of 16 units: 1 "Very" (1/16 = 6.25%), shown to one decimal.
SIXTEENTHS = [1] + [2] * 15
EXPECTED = {0: {"Very": "63", "Fairly": "13", "Not very": "25"}, 1: {"Very": "6.3", "Fairly": "93.8"}}


def _dataset(small_questionnaire, answers: list[int]):
    return make_small(small_questionnaire, [{"Conf": a, "kind": "a"} for a in answers])


def test_python_would_round_half_to_even_but_we_round_half_up():
    assert f"{62.5:.0f}" == "62" and f"{6.25:.1f}" == "6.2"  # what the report used to print
    assert number_text(62.5) == "63" and number_text(12.5) == "13" and number_text(6.25, 1) == "6.3"
    assert number_text(100 * (29 / 200)) == "15"  # 14.499999999999998 as a float: the exact 29/200 is 14.5
    assert round_half_up(-0.4) == 0 and number_text(-0.4) == "0"


@pytest.mark.parametrize(("answers", "decimals"), [(EIGHTHS, 0), (SIXTEENTHS, 1)])
def test_report_tab_book_and_csv_show_the_same_half_up_figures(small_questionnaire, tmp_path: Path, answers, decimals):
    dataset = _dataset(small_questionnaire, answers)
    spec = parse_spec({"decimals": decimals, "min_base_percent": 1})
    conf = next(t for t in wave_tables(dataset, spec) if t.name == "Conf")
    expected = EXPECTED[decimals]

    # The report: the figures' tables and sentences.
    report = {r.label: percent_text(r.cells[0].value, r.cells[0].count, spec.conventions) for r in conf.rows}
    assert {k: report[k] for k in expected} == expected
    assert spoken_percent(conf.rows[0].cells[0].value, conf.rows[0].cells[0].count, spec.conventions).startswith(
        expected["Very"]
    )

    # The CSV of the tables.
    lines = list(csv.DictReader(io.StringIO(tables_csv([conf], spec.conventions))))
    shown = {line["row"]: line["figure"] for line in lines if line["column"] == "Total"}
    assert {k: shown[k] for k in expected} == expected

    # The tab book: the stored number under a number format with `decimals` places, which a spreadsheet
    # rounds half up.
    path = write_tabbook([dataset], spec, tmp_path / "book.xlsx")
    sheet = openpyxl.load_workbook(path)["Main"]
    seen = {}
    for row in sheet.iter_rows(min_col=1, max_col=2):
        label, cell = row[0].value, row[1]
        if label == "  %" and isinstance(cell.value, float | int):
            previous = sheet.cell(row=cell.row - 1, column=1).value
            places = Decimal(1).scaleb(-decimals)
            seen[previous] = str(Decimal(repr(cell.value)).quantize(places, rounding=ROUND_HALF_UP))
            assert cell.number_format.endswith("0" if decimals == 0 else "0.0")
    assert {k: seen[k] for k in expected if k in seen} == expected and set(expected) <= set(seen)


def test_a_percentage_of_a_base_under_the_minimum_is_not_shown(small_questionnaire, tmp_path: Path):
    dataset = _dataset(small_questionnaire, [1, 1, 2, 3])  # a base of 4
    spec = parse_spec({})  # min_base_percent: 5
    conf = next(t for t in wave_tables(dataset, spec) if t.name == "Conf")
    lines = list(csv.DictReader(io.StringIO(tables_csv([conf], spec.conventions))))
    assert {line["row"]: line["figure"] for line in lines}["Very"] == spec.conventions.suppressed
    sheet = openpyxl.load_workbook(write_tabbook([dataset], spec, tmp_path / "book.xlsx"))["Main"]
    shown = [r[1].value for r in sheet.iter_rows(min_col=1, max_col=2) if r[0].value == "  %"]
    assert shown[0] == spec.conventions.suppressed


def test_the_report_does_not_show_a_percentage_of_a_base_under_the_minimum():
    from omnibus.report.figures import percent_text, spoken_percent

    c = parse_spec({"min_base_percent": 5}).conventions
    assert percent_text(75.0, 3, c, base=4) == c.suppressed and spoken_percent(75.0, 3, c, base=4) == "no figure"
    assert percent_text(62.5, 5, c, base=8) == "63"
