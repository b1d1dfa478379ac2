"""The grids: a grid of multiple choices, "Other (please specify)" rows and a two-way grid in the loader,
checker, routing and page reading."""

from pathlib import Path

import pytest

from omnibus.questionnaire.checker import check
from omnibus.questionnaire.loader import load, read_text
from omnibus.questionnaire.reading import MalformedInput
from omnibus.questionnaire.routing import route
from omnibus.questionnaire.validation import read_page

GRIDS = Path(__file__).resolve().parents[1] / "fixtures" / "grids.yaml"

# Each mistake on the line marked with its number.
MISTAKES = """\
survey: demo
version: v1
title: Grid mistakes
sections:
  - id: a
    title: A
    questions:
      - id: Barr
        type: multi_grid
        text: Which are barriers?
        max_choices: 5                                # 1 more than the options
        columns: [{id: now, text: Now}]               # 2 not a key of a multi_grid
        options:
          1: Time
          2: {label: Other, specify: true}            # 3 specify code in a grid
          9: {label: None, exclusive: true}
        items:
          - {id: Barr_a, text: Early help}
      - id: Conf
        type: grid
        text: How confident?
        options: {1: Very, 2: {label: None, exclusive: true}}   # 4 exclusive code in a single-choice grid
        items:
          - {id: Conf_a, text: Early help, specify: true}
      - id: Rate                                      # 5 no columns
        type: two_way_grid
        text: Rate them
        options: {1: Good, 2: Poor}
        items:
          - {id: Rate_a, text: Early help}
      - id: Twice
        type: two_way_grid
        text: Rate them
        options: {1: Good, 2: Poor}
        columns:
          - {id: now, text: This year}
          - {id: now, text: Again}                    # 6 column id twice
        items:
          - {id: Twice_a, text: Early help}
      - id: Amt
        type: numbers
        text: How much?
        items:
          - {id: Amt_a, text: Staff, specify: true}   # 7 specify on a set of numbers
      - id: Why
        type: text
        text: Why?
        ask_if: Barr_a == 1                           # 8 a row of multiple choices compared
      - id: How
        type: text
        text: How?
        ask_if: count(Barr_a) > 1 and Twice_a_now == 7   # 9 not a code of the cell
      - id: Row
        type: text
        text: Row?
        ask_if: Twice_a == 1                          # 10 a row of a two-way grid compared
"""


def marked_lines(text: str) -> dict[int, int]:
    """Mistake number -> line, from the `# N` marks."""
    found = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if "# " in line:
            found[int(line.split("# ")[1].split()[0])] = number
    return found


def test_each_grid_mistake_is_reported_at_its_line() -> None:
    questionnaire, problems = read_text(MISTAKES, "mistakes.yaml")
    assert questionnaire is not None
    problems += check(questionnaire)
    lines = marked_lines(MISTAKES)
    by_line = {}
    for problem in problems:
        by_line.setdefault(problem.line, []).append(problem.message)
    expected = {
        1: "max_choices is 5 but there are only 3 options",
        2: "'columns' is not used by a multi_grid question",
        3: "a grid's scale cannot have specify codes",
        4: "a grid's scale cannot have exclusive or specify codes",
        5: "a two-way grid needs columns",
        6: "column id 'now' is used twice",
        7: "only a grid's rows take specify",
        8: "Barr_a is a row of a grid of multiple choices: test it with chosen(Barr_a, code)",
        9: "code 7 is not an option of Twice_a_now",
        10: "Twice_a is a row of a two-way grid: compare one of its cells (Twice_a_now, …)",
    }
    for number, message in expected.items():
        assert any(message in m for m in by_line.get(lines[number], [])), (number, by_line)
    assert len(problems) == len(expected), problems


def test_the_fixture_is_valid() -> None:
    load(GRIDS)


@pytest.fixture(scope="module")
def grids():  # noqa: ANN201 - a Questionnaire
    return load(GRIDS)


def test_routing_keeps_a_rows_codes_and_drops_unknown_ones(grids) -> None:  # noqa: ANN001
    result = route(grids, {"HasSend": 2, "Barr_a": [1, 3, 7], "Barr_b": [2], "Barr_o": [1], "Barr_o_text": "Youth"})
    assert result.items["Barr"] == ["Barr_a", "Barr_o"]  # SEND support is asked only if HasSend is Yes
    assert result.live["Barr_a"] == [1, 3]
    assert result.off_route == {"Barr_a": [7], "Barr_b": [2]}
    assert result.live["Barr_o_text"] == "Youth"
    assert "BarrWhy" in result.questions  # chosen(Barr_a, 3)
    assert "BarrWhy" not in route(grids, {"Barr_a": [1]}).questions


def test_routing_on_two_way_cells(grids) -> None:  # noqa: ANN001
    asked = route(grids, {"HasSend": 1, "Rate_a_now": 3, "Rate_a_last": 1, "Rate_b_now": 9})
    assert asked.items["Rate"] == ["Rate_a", "Rate_b", "Rate_o"]
    assert "Worse" in asked.questions
    assert "Rate_b_now" not in asked.live  # 9 is not a point of the scale
    assert "Worse" not in route(grids, {"Rate_a_now": 3, "Rate_a_last": 3}).questions


def _read(grids, qid: str, data: dict, items: list[str] | None = None):  # noqa: ANN001, ANN202
    question = grids.question(qid)
    items = items if items is not None else [i.id for i in question.items]
    return read_page(question, grids, [], items, {k: v if isinstance(v, list) else [v] for k, v in data.items()})


def test_a_specify_row_is_answered_with_its_text_or_not_at_all(grids) -> None:  # noqa: ANN001
    rows = ["Rate_a", "Rate_o"]
    given = {"Rate_a_now": "1", "Rate_a_last": "2", "Rate_o_text": "Fostering", "Rate_o_now": "1", "Rate_o_last": "3"}
    both = _read(grids, "Rate", given, rows)
    assert both.errors == [] and both.answers["Rate_o_text"] == "Fostering" and both.answers["Rate_o_last"] == 3
    neither = _read(grids, "Rate", {"Rate_a_now": "1", "Rate_a_last": "2"}, rows)
    assert neither.errors == [] and neither.answers["Rate_o_text"] is None and neither.answers["Rate_o_now"] is None
    text_only = _read(grids, "Rate", {"Rate_a_now": "1", "Rate_a_last": "2", "Rate_o_text": "Fostering"}, rows)
    assert [e.field for e in text_only.errors] == ["Rate_o_now", "Rate_o_last"]
    answer_only = _read(grids, "Barr", {"Barr_a": "1", "Barr_o": ["2", "3"]}, ["Barr_a", "Barr_o"])
    assert [(e.field, e.message) for e in answer_only.errors] == [("Barr_o_text", "Enter what ‘Other service’ is")]
    too_long = _read(grids, "Conf", {"Conf_a": "1", "Conf_o": "1", "Conf_o_text": "x" * 501})
    assert [e.field for e in too_long.errors] == ["Conf_o_text"]


def test_row_limits_of_a_grid_of_multiple_choices(grids) -> None:  # noqa: ANN001
    alone = _read(grids, "Barr", {"Barr_a": ["9"]}, ["Barr_a"])
    assert alone.errors == [] and alone.answers == {"Barr_a": [9]}
    with pytest.raises(MalformedInput):
        _read(grids, "Barr", {"Barr_a": ["4"]}, ["Barr_a"])  # not an option
    with pytest.raises(MalformedInput):
        _read(grids, "Barr", {"Barr_a": ["1"], "Barr_b": ["1"]}, ["Barr_a"])  # a row not asked
