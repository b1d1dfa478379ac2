"""Question numbers as printed reach the codebook, the tab book's table titles and the report's figures."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from omnibus.analysis.spec import parse_spec
from omnibus.dataset.codebook import CODEBOOK_COLUMNS, codebook
from omnibus.questionnaire.loader import read_text
from omnibus.report.build import ReportInputs, figure_blocks, report_tables
from omnibus.report.document import DataTable, Figure
from omnibus.report.spec import FigureSpec, ReportSpec
from omnibus.report.tabbook import write_tabbook
from tests.analysis.conftest import SMALL, make_small

# The small questionnaire numbered Q1, Q2, … with Why given its own number, as a printed copy would have it.
NUMBERED = SMALL.replace("base_all:", "settings: {numbering: auto}\nbase_all:").replace(
    "        text: Why not?\n", "        text: Why not?\n        number: Q1a\n"
)
ROWS = [
    {"Conf": 1 + i % 3, "Why": 1 if i % 3 == 2 else -1, "Grid_a": 1 + i % 2, "Grid_b": 1, "kind": "a"}
    for i in range(30)
]


@pytest.fixture(scope="module")
def dataset():  # noqa: ANN201 - a Dataset
    questionnaire, problems = read_text(NUMBERED)
    assert problems == [], problems
    return make_small(questionnaire, ROWS)


def test_the_codebook_has_a_number_column(dataset) -> None:  # noqa: ANN001
    assert "number" in CODEBOOK_COLUMNS
    numbers = {entry.variable: entry.number for entry in codebook(dataset)}
    assert numbers["Conf"] == "Q1" and numbers["Why"] == "Q1a" and numbers["Src_2"] == "Q2"
    assert numbers["Grid_a"] == "Q3a" and numbers["Grid_b"] == "Q3b" and numbers["Spend1"] == "Q4a"
    assert numbers["unit"] == ""


def test_each_table_of_the_tab_book_is_titled_with_its_number(dataset, tmp_path: Path) -> None:  # noqa: ANN001
    book = openpyxl.load_workbook(write_tabbook([dataset], parse_spec({}), tmp_path / "book.xlsx"))
    titles = [row[0] for row in book["Main"].iter_rows(min_col=1, max_col=1, values_only=True) if row[0]]
    assert "Conf: Q1 How confident?" in titles and "Why: Q1a Why not?" in titles
    assert "Src: Q2 Which sources?" in titles and "Grid_b: Q3b How good is Schools" in titles
    contents = {row[1] for row in book["Contents"].iter_rows(values_only=True) if len(row) > 1}
    assert "Q1 How confident?" in contents


def test_the_reports_figures_name_their_question_by_number(dataset) -> None:  # noqa: ANN001
    inputs = ReportInputs(dataset, [], parse_spec({}), ReportSpec(), None)
    tables = [t for t in report_tables(inputs) if t.question == "Conf"]
    blocks, _, _ = figure_blocks(FigureSpec("Conf", "Confidence", "bar"), tables, inputs, [])
    figure = next(b for b in blocks if isinstance(b, Figure))
    assert figure.question == "Q1. How confident?" and figure.title == "Confidence (Q1)"
    grid = [t for t in report_tables(inputs) if t.question == "Grid"]
    blocks, _, _ = figure_blocks(FigureSpec("Grid", "Services", "stacked"), grid, inputs, [])
    stacked = next(b for b in blocks if isinstance(b, Figure))
    assert stacked.question == "Q3. How good is" and stacked.data.rows[0][0] == "Health"  # items still by their text
    spend = [t for t in report_tables(inputs) if t.question == "Spend"]
    blocks, _, _ = figure_blocks(FigureSpec("Spend", "Spending", "table"), spend, inputs, [])
    assert next(b for b in blocks if isinstance(b, DataTable)).caption.endswith("(Q4)")
