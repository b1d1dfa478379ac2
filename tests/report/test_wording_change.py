"""A question reworded between waves: the report's figure says so and marks no change as significant."""

from __future__ import annotations

from dataclasses import replace

import pytest

from omnibus.analysis.spec import parse_spec
from omnibus.questionnaire.loader import read_text
from omnibus.report.build import ReportInputs, figure_blocks, report_tables
from omnibus.report.document import Figure
from omnibus.report.spec import FigureSpec, ReportSpec
from tests.analysis.conftest import SMALL, make_small


@pytest.fixture(scope="module")
def waves():
    current, _ = read_text(SMALL)
    reworded, _ = read_text(SMALL.replace("How confident?", "How sure are you?"))
    # 40 units: 30 "Very" now against 10 before, a difference any test would flag.
    now = make_small(current, [{"Conf": 1 if i < 30 else 2, "unit": f"U{i}"} for i in range(40)], wave="w2")
    before = make_small(current, [{"Conf": 1 if i < 10 else 2, "unit": f"U{i}"} for i in range(40)], wave="w1")
    return now, replace(before, questionnaire=reworded)


@pytest.mark.parametrize(("cosmetic", "footnoted"), [([], True), (["Conf"], False)])
def test_the_report_footnotes_a_changed_wording_and_tests_nothing(waves, cosmetic, footnoted) -> None:
    now, before = waves
    inputs = ReportInputs(now, [before], parse_spec({"cosmetic": cosmetic}), ReportSpec(), None)
    tables = [t for t in report_tables(inputs) if t.name == "Conf"]
    blocks, _, _ = figure_blocks(FigureSpec("Conf", "Confidence", "paired"), tables, inputs, ["w1"])
    figure = next(b for b in blocks if isinstance(b, Figure))
    said = any("Conf changed between w1 and w2 (its wording)" in n for n in figure.notes)
    assert said is footnoted
    significant = [row[-1] for row in figure.data.rows if row[0] == "Very"]
    assert significant == (["Not tested"] if footnoted else ["Yes"])


@pytest.mark.parametrize("inference", ["process", "finite"])
def test_the_methodology_says_which_question_the_tests_answer(waves, inference) -> None:
    from omnibus.analysis.inference import inference_statement
    from omnibus.report.methodology import presentation_chapter

    now, _ = waves
    spec = parse_spec({"inference": inference})
    text = " ".join(block.text for block in presentation_chapter(now, "LAs", ["w1"], spec).blocks)
    assert " ".join(inference_statement(spec)) in text
    assert ("finite population correction (1 − n/N)" in text) is (inference == "finite")
    assert "62.5 shows as 63" in text  # the rounding, said once, as the tab book's legend says it


def test_a_trend_leaves_untested_only_the_pair_whose_wording_changed(waves) -> None:
    """w0 asked it in other words; w1 and w2 alike: only the change from w0 to w1 goes untested."""
    now, before = waves
    current = now.questionnaire
    first = make_small(
        before.questionnaire, [{"Conf": 2, "unit": f"U{i}"} for i in range(40)], wave="w0"
    )  # reworded, as `before` was
    middle = replace(before, questionnaire=current)
    inputs = ReportInputs(now, [middle, first], parse_spec({}), ReportSpec(), None)
    tables = [t for t in report_tables(inputs) if t.name == "Conf"]
    blocks, _, _ = figure_blocks(FigureSpec("Conf", "Confidence", "paired"), tables, inputs, ["w1", "w0"])
    figure = next(b for b in blocks if isinstance(b, Figure))
    assert figure.chart.kind == "trend"
    assert any("Conf changed between w0 and w1 (its wording)" in n for n in figure.notes)
    assert not any("w2" in n for n in figure.notes if "changed" in n)
    very = next(row for row in figure.data.rows if row[0] == "Very")
    assert very[-2:] == ["Not tested", "Yes"]  # w0 to w1 untested; w1 to w2 (10 to 30 of 40) tested
