"""The grids in the report: a grid of multiple choices as grouped bars (its rows can sum past 100%), a two-way
grid as stacked bars of its cells. The charts are kept in test-artefacts/report/ to be looked at."""

from pathlib import Path

import pytest

from omnibus.analysis.conventions import SEED
from omnibus.analysis.spec import parse_spec
from omnibus.analysis.synthetic import synthetic_dataset
from omnibus.analysis.tables import wave_tables
from omnibus.questionnaire.loader import load
from omnibus.report.charts import render_chart
from omnibus.report.figures import stack_of, stacked_figure
from omnibus.report.spec import default_sections

ROOT = Path(__file__).resolve().parents[2]
GRIDS = ROOT / "tests" / "fixtures" / "grids.yaml"
ARTEFACTS = ROOT / "test-artefacts" / "report"


@pytest.fixture(scope="module")
def drawn():  # noqa: ANN201 - question id -> (figure, its tables)
    questionnaire = load(GRIDS)
    dataset = synthetic_dataset(questionnaire, 152, seed=8, wave="grids", take_part=0.9)
    tables = wave_tables(dataset, parse_spec({}))
    specs = {f.question: f for s in default_sections(questionnaire) for f in s.figures}
    result = {}
    for qid in ("Barr", "Rate"):
        question = questionnaire.question(qid)
        own = [t for t in tables if t.question == qid]
        result[qid] = (stacked_figure(stack_of(own, question, specs[qid]), question, SEED), own)
    return result


def test_a_grid_of_multiple_choices_is_drawn_as_grouped_bars(drawn) -> None:  # noqa: ANN001
    figure, tables = drawn["Barr"]
    assert figure.chart.kind == "grouped"
    assert figure.chart.categories == ["Early help", "SEND support", "Other service"]
    assert [s.label for s in figure.chart.series] == ["Timeliness", "Quality", "Capacity", "None of these"]
    capacity = [next(r for r in t.rows if r.code == 3).cells[0].value for t in tables]
    assert figure.chart.series[2].values == capacity
    assert "sum to more than 100" in " ".join(figure.notes)
    assert figure.alt.startswith("Grouped bar chart") and "SEND support: Timeliness" in figure.alt
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    png = render_chart(figure.chart, "png")
    (ARTEFACTS / "grid-multi.png").write_bytes(png)
    assert png.startswith(b"\x89PNG")


def test_a_two_way_grid_is_drawn_as_stacked_bars_per_cell(drawn) -> None:  # noqa: ANN001
    figure, tables = drawn["Rate"]
    assert figure.chart.kind == "stacked"
    assert figure.chart.categories[:2] == ["Early help: This year", "Early help: Last year"]
    assert [row[0] for row in figure.data.rows] == figure.chart.categories
    (ARTEFACTS / "grid-two-way.png").write_bytes(render_chart(figure.chart, "png"))
