"""A number with the date its figure relates to: the file, reading the date input, printed and Excel copies."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest

from omnibus.questionnaire.render_text import render_text
from omnibus.questionnaire.render_xlsx import render_xlsx
from omnibus.questionnaire.routing import route
from omnibus.questionnaire.validation import page_fields, read_page
from omnibus.questionnaire.variables import variables
from tests.constructs import BAD_HEAD, mistakes, questionnaire_fixture

NEXT_YEAR = str(date.today().year + 1)

BAD = (
    BAD_HEAD
    + """\
    questions:
      - id: A
        type: number
        text: How many?
        as_at: {default: 31/03/2018}
      - id: B
        type: number
        text: How many?
        as_at: {default: 2018-03-31, ask: sometimes, earliest: 2019-01-01}
      - id: C
        type: text
        text: Why?
        as_at: {default: 2018-03-31}
"""
)


q = questionnaire_fixture("as_at")


def test_mistakes_are_located(tmp_path: Path) -> None:
    path, lines = mistakes(BAD, tmp_path)
    assert lines == [
        f"{path}:11: question A: as_at default should be a date like 2018-03-31, not '31/03/2018'",
        f"{path}:15: question B: as_at ask should be one of when_different, always, not 'sometimes'",
        f"{path}:15: question B: as_at earliest (2019-01-01) is after the default (2018-03-31)",
        f"{path}:19: question C: 'as_at' is not used by a text question",
    ]


def test_the_date_is_its_own_variable(q) -> None:  # noqa: ANN001
    kinds = {v.name: v.kind for v in variables(q)}
    assert kinds == {"CLA": "number", "CLA_date": "date", "Rate": "number", "Rate_date": "date"}
    assert {"CLA-unavailable", "CLA_date-day", "CLA_date-month", "CLA_date-year"} <= page_fields(
        q.question("CLA"), q, []
    )


def read(q, qid: str, data: dict[str, str]):  # noqa: ANN001, ANN201 - a PageInput
    return read_page(q.question(qid), q, [], [], {k: [v] for k, v in data.items()})


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ({}, "2018-03-31"),  # blank: the figure is for the date asked
        ({"day": "31", "month": "1", "year": "2018"}, "2018-01-31"),
        ({"day": "1", "month": "4", "year": "2017"}, "2017-04-01"),  # the earliest allowed
    ],
)
def test_a_date_given_or_the_default(q, typed: dict[str, str], expected: str) -> None:  # noqa: ANN001
    data = {"CLA": "420", **{f"CLA_date-{part}": value for part, value in typed.items()}}
    given = read(q, "CLA", data)
    assert (given.answers, given.errors) == ({"CLA": 420, "CLA_date": expected}, [])


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ({"day": "31", "month": "", "year": ""}, "The date the figures relate to must include a month and year"),
        ({"day": "31", "month": "2", "year": "2018"}, "The date the figures relate to must be a real date"),
        ({"day": "1", "month": "1", "year": NEXT_YEAR}, "The date the figures relate to must be today or in the past"),
        ({"day": "31", "month": "3", "year": "2017"}, "must be the same as or after 1 April 2017"),
        ({"day": "x", "month": "3", "year": "18"}, "The date the figures relate to must be a real date"),
    ],
)
def test_a_wrong_date_is_a_mistake(q, typed: dict[str, str], message: str) -> None:  # noqa: ANN001
    data = {"CLA": "420", **{f"CLA_date-{part}": value for part, value in typed.items()}}
    given = read(q, "CLA", data)
    assert [e.field for e in given.errors] == ["CLA_date"]
    assert message in given.errors[0].message


def test_always_asks_for_the_date_and_a_box_has_none(q) -> None:  # noqa: ANN001
    given = read(q, "Rate", {"Rate": "310.5"})
    assert [e.message for e in given.errors] == ["Enter the date the figures relate to, like 31 3 2018"]
    given = read(
        q, "CLA", {"CLA-unavailable": "dont_know", "CLA_date-day": "1", "CLA_date-month": "1", "CLA_date-year": "2018"}
    )
    assert given.answers == {"CLA": -8, "CLA_date": None}


def test_routing_keeps_the_date_with_its_figure(q) -> None:  # noqa: ANN001
    assert route(q, {"CLA": 420, "CLA_date": "2018-01-31"}).live == {"CLA": 420, "CLA_date": "2018-01-31"}


def test_printed_copy_asks_for_the_date(q) -> None:  # noqa: ANN001
    text = render_text(q)
    assert (
        "Numeric <range 0-10,000> children or: Don't know (-8); the date the figures relate to, "
        "if not 31 March 2018: DD/MM/YYYY (from 1 April 2017)"
    ) in text
    assert "the date the figures relate to: DD/MM/YYYY (from 31 March 2017)" in text


def test_excel_copy_has_a_date_cell(q, tmp_path: Path) -> None:  # noqa: ANN001
    path = tmp_path / "copy.xlsx"
    render_xlsx(q, path)
    sheet = openpyxl.load_workbook(path)["Children in care"]
    rows = {sheet.cell(r, 1).value: r for r in range(1, sheet.max_row + 1)}
    rule = next(dv for dv in sheet.data_validations.dataValidation if str(dv.sqref) == f"D{rows['CLA_date']}")
    assert (rule.type, rule.operator, rule.formula2) == ("date", None, "TODAY()")
    assert sheet.cell(rows["CLA_date"], 2).value == "The date the figures relate to"
    assert sheet.cell(rows["CLA_date"], 5).value == (
        "A date from 1 April 2017 to today. Leave blank if the figure is for 31 March 2018."
    )


def test_a_simulated_figure_is_for_the_date_asked(q) -> None:  # noqa: ANN001
    from omnibus.questionnaire.kinds import kind_of

    class Seven:
        def number(self, question: object, item: object) -> float:
            return 7

    cla = q.question("CLA")
    assert kind_of(cla).random_answer(cla, q, {}, Seven()) == {"CLA": 7, "CLA_date": "2018-03-31"}  # type: ignore[arg-type]
