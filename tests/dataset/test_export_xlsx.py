"""The xlsx export, written whole rather than a cell at a time: every cell as in the dataset, text never a formula."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import polars as pl

from omnibus.analysis.synthetic import synthetic_dataset
from omnibus.dataset.exporting import export_dataset
from omnibus.questionnaire.loader import load

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "questionnaires" / "cso-wave3.yaml"
FORMULAS = ["=1+1", '=HYPERLINK("http://example.com","x")', "+44 20 7946 0000", "-3", "@SUM(A1)", "plain <&> text"]


def _dataset():
    dataset = synthetic_dataset(load(EXAMPLE), 40, seed=3, wave="wave-3")
    texts = [FORMULAS[i % len(FORMULAS)] if i % 7 else None for i in range(dataset.data.height)]
    at = [datetime(2017, 10, 4, 9, i, tzinfo=UTC) if i % 3 else None for i in range(dataset.data.height)]
    data = dataset.data.with_columns(
        pl.Series("note", texts, dtype=pl.String), pl.Series("para_first_at", at, dtype=pl.Datetime("us", "UTC"))
    )
    return replace(dataset, data=data)


def test_every_cell_of_the_data_sheet_is_the_dataset_s(tmp_path):
    dataset = _dataset()
    path = tmp_path / "data.xlsx"
    export_dataset(dataset, "xlsx", path)
    sheet = openpyxl.load_workbook(path)["Data"]
    rows = list(sheet.iter_rows())
    assert [c.value for c in rows[0]] == dataset.data.columns and all(c.font.b for c in rows[0])
    assert sheet.freeze_panes == "B2"
    assert len(rows) == dataset.data.height + 1
    for cells, expected in zip(rows[1:], dataset.data.iter_rows(), strict=True):
        for cell, value in zip(cells, expected, strict=True):
            if isinstance(value, datetime):
                assert cell.value == value.replace(tzinfo=None) and cell.number_format == "yyyy-mm-dd hh:mm:ss"
            else:  # an empty text is an empty cell
                assert cell.value == (None if value == "" else value), (cell.coordinate, value)
            if isinstance(value, str) and value:
                assert cell.data_type == "s", cell.coordinate  # text, never a formula ("f")


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    path = tmp_path / "data.xlsx"
    export_dataset(_dataset(), "xlsx", path)
    book = openpyxl.load_workbook(path)
    notes = [c for row in book["Data"].iter_rows(min_row=2) for c in row if isinstance(c.value, str)]
    assert {c.value for c in notes} >= set(FORMULAS)
    assert all(c.data_type == "s" for c in notes)
    codebook = list(book["Codebook"].iter_rows(values_only=True))
    assert codebook[0][:3] == ("variable", "label", "type") and codebook[1][0] == "unit"
