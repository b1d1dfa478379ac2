"""The grids in the tab book: a multiple-response table per row of a grid of multiple choices, a table per
cell of a two-way grid, each grid summarised rows by codes."""

from pathlib import Path

import numpy as np
import openpyxl
import pytest

from omnibus.analysis.dataset import NOT_ANSWERED, NOT_ASKED
from omnibus.analysis.spec import parse_spec
from omnibus.analysis.synthetic import synthetic_dataset
from omnibus.analysis.tables import grid_summary, wave_tables
from omnibus.questionnaire.loader import load
from omnibus.report.tabbook import write_tabbook

GRIDS = Path(__file__).resolve().parents[1] / "fixtures" / "grids.yaml"


@pytest.fixture(scope="module")
def dataset():  # noqa: ANN201 - a Dataset
    return synthetic_dataset(load(GRIDS), 152, seed=4, wave="grids", take_part=0.9)


@pytest.fixture(scope="module")
def tables(dataset):  # noqa: ANN001, ANN201
    return wave_tables(dataset, parse_spec({}))


def test_a_multiple_response_table_per_row(dataset, tables) -> None:  # noqa: ANN001
    rows = [t for t in tables if t.question == "Barr"]
    assert [(t.name, t.kind) for t in rows] == [
        ("Barr_a", "multi_item"),
        ("Barr_b", "multi_item"),
        ("Barr_o", "multi_item"),
    ]
    table = rows[1]
    assert table.multi_response and table.title.endswith("SEND support")
    assert "and HasSend is 1 (Yes)" in table.base_description
    flags = {code: dataset.data[f"Barr_b_{code}"].to_numpy() for code in (1, 2, 3, 9)}
    in_base = (flags[1] != NOT_ASKED) & (flags[1] != NOT_ANSWERED)
    assert table.bases[0].n == in_base.sum() > 10
    percent = {r.code: r.cells[0].value for r in table.rows if r.kind == "percent"}
    for code, values in flags.items():
        assert percent[code] == pytest.approx(100 * (values[in_base] == 1).mean())
    assert "sum to more than 100" in " ".join(table.notes)


def test_a_table_per_cell_of_a_two_way_grid(dataset, tables) -> None:  # noqa: ANN001
    cells = [t for t in tables if t.question == "Rate"]
    assert [t.name for t in cells] == [
        "Rate_a_now",
        "Rate_a_last",
        "Rate_b_now",
        "Rate_b_last",
        "Rate_o_now",
        "Rate_o_last",
    ]
    table = cells[3]
    assert table.kind == "grid_item" and table.title.endswith("SEND support: Last year")
    values = dataset.data["Rate_b_last"].to_numpy()
    in_base = values > 0
    good = next(r for r in table.rows if r.kind == "percent" and r.code == 1)
    assert good.cells[0].value == pytest.approx(100 * np.mean(values[in_base] == 1))


def test_grid_summaries_have_a_line_per_row_or_cell(dataset, tables) -> None:  # noqa: ANN001
    questionnaire = dataset.questionnaire
    multi = grid_summary(tables, questionnaire.question("Barr"))
    assert multi.items == ["Early help", "SEND support", "Other service"]
    assert multi.headings == ["Timeliness", "Quality", "Capacity", "None of these"]
    two_way = grid_summary(tables, questionnaire.question("Rate"))
    assert two_way.items[:2] == ["Early help: This year", "Early help: Last year"]


def test_the_tab_book_has_the_row_tables_and_the_summaries(dataset, tmp_path) -> None:  # noqa: ANN001
    path = write_tabbook([dataset], parse_spec({}), tmp_path / "tabbook.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book["Barriers and services"]
    titles = [c.value for c in sheet["A"] if isinstance(c.value, str)]
    assert any(t.startswith("Barr_b: Which of these are a barrier for each service? SEND support") for t in titles)
    assert any(t.startswith("Rate_o_last:") for t in titles)
    contents = [c.value for c in book["Contents"]["A"] if isinstance(c.value, str)]
    assert "Barr (summary)" in contents and "Rate (summary)" in contents


def test_nets_and_exclusions_of_a_grid_of_multiple_choices(dataset) -> None:  # noqa: ANN001
    spec = parse_spec({"nets": {"Barr": {"Any barrier": [1, 2, 3]}}, "exclude": {"Barr": [9]}})
    table = next(t for t in wave_tables(dataset, spec) if t.name == "Barr_a")
    net = next(r for r in table.rows if r.kind == "net")
    flags = {code: dataset.data[f"Barr_a_{code}"].to_numpy() for code in (1, 2, 3, 9)}
    in_base = (flags[1] >= 0) & (flags[9] != 1)  # "None of these" is left out of the base
    assert table.bases[0].n == in_base.sum()
    anything = (flags[1] == 1) | (flags[2] == 1) | (flags[3] == 1)
    assert net.cells[0].value == pytest.approx(100 * anything[in_base].mean())
    assert any(r.label == "None of these (not in base)" and r.kind == "excluded" for r in table.rows)
