"""The one neutraliser of spreadsheet cells: text that would run as a formula is written as text."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from omnibus.core.spreadsheet import csv_writer, neutralise, workbook

LIVE = ['=HYPERLINK("http://x.example","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.mark.parametrize("text", LIVE)
def test_text_a_spreadsheet_would_run_gets_a_quote_before_it(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["Recruiting social workers", "", "1=1", 3, -2, 2.5, None])
def test_other_cells_are_left_as_they_are(value):
    assert neutralise(value) == value


def test_the_csv_writer_neutralises_every_text_cell_and_no_number():
    out = io.StringIO()
    csv_writer(out, lineterminator="\n").writerows([["=1+1", -2, "fine"], ["@x", 3.5, "-x"]])
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [["'=1+1", "-2", "fine"], ["'@x", "3.5", "'-x"]]


def test_the_workbook_writes_formula_like_text_as_text(tmp_path):
    book = workbook(tmp_path / "book.xlsx")
    sheet = book.add_worksheet()
    sheet.write(0, 0, LIVE[0])
    sheet.write(1, 0, "http://x.example/")
    book.close()
    cells = [row[0] for row in openpyxl.load_workbook(tmp_path / "book.xlsx").active.iter_rows()]
    assert [(c.value, c.data_type) for c in cells] == [(LIVE[0], "s"), ("http://x.example/", "s")]
    assert cells[1].hyperlink is None
