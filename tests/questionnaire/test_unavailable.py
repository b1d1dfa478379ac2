"""A number's "Don't know" / "Not available" boxes: the file, reading a page, routing, printed and Excel copies."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from omnibus.questionnaire.reading import MalformedInput
from omnibus.questionnaire.render_text import render_text
from omnibus.questionnaire.render_xlsx import render_xlsx
from omnibus.questionnaire.routing import route
from omnibus.questionnaire.validation import page_fields, read_page
from omnibus.questionnaire.variables import variables
from omnibus.questionnaire.xlsform import convert
from omnibus.site.cli.questionnaire import questionnaire as questionnaire_group
from tests.constructs import BAD_HEAD, mistakes, questionnaire_fixture

BAD = (
    BAD_HEAD
    + """\
    questions:
      - id: A
        type: number
        text: How many?
        unavailable: [dont_know]
      - id: B
        type: number
        text: How many?
        min: 0
        unavailable: [dont_know, refused]
      - id: C
        type: text
        text: Why?
        unavailable: [dont_know]
      - id: D
        type: numbers
        text: How much?
        min: 0
        unavailable: [dont_know, dont_know]
        items:
          - id: D1
            text: This year
            min: -5
      - id: E
        type: number
        text: How many?
        min: 0
        unavailable: maybe
"""
)


q = questionnaire_fixture("unavailable")


def test_mistakes_are_located(tmp_path: Path) -> None:
    path, lines = mistakes(BAD, tmp_path)
    expected = [
        f'{path}:11: A: unavailable: a number with "Don\'t know" boxes needs min: 0 or more',
        f"{path}:16: question B: unknown unavailable box 'refused'; known: dont_know, not_available, prefer_not_to_say",
        f"{path}:20: question C: 'unavailable' is not used by a text question",
        f"{path}:25: question D: unavailable box 'dont_know' is given twice",
        f"{path}:29: D: unavailable: item D1 has min below 0",
        f"{path}:34: question E: unavailable should list boxes",
    ]
    for start in expected:
        assert any(line.startswith(start) for line in lines), f"{start}\n not in\n" + "\n".join(lines)
    assert len(lines) == len(expected), "\n".join(lines)
    result = CliRunner().invoke(questionnaire_group, ["check", str(path)])
    assert result.exit_code == 1
    assert f"{path}:25: question D: unavailable box 'dont_know' is given twice" in result.output


def test_the_boxes_and_their_codes(q) -> None:  # noqa: ANN001
    spend = q.question("Spend")
    assert [(o.code, o.label, o.missing) for o in spend.unavailable] == [
        (-8, "Don't know", "dont_know"),
        (-9, "Not available – not recorded", "not_available"),
    ]
    labels = {v.name: [(o.code, o.label) for o in v.value_labels] for v in variables(q)}
    assert labels["Staff"] == [(-8, "Don't know")]
    assert labels["Spend1617"] == [(-8, "Don't know"), (-9, "Not available – not recorded")]


def read(q, qid: str, data: dict[str, list[str]]):  # noqa: ANN001, ANN201 - a PageInput
    question = q.question(qid)
    items = [i.id for i in question.items]
    return read_page(question, q, [], items, data)


def test_a_box_is_the_answer(q) -> None:  # noqa: ANN001
    assert "Staff-unavailable" in page_fields(q.question("Staff"), q, [])
    given = read(q, "Staff", {"Staff": [""], "Staff-unavailable": ["dont_know"]})
    assert (given.answers, given.errors) == ({"Staff": -8}, [])
    given = read(q, "Spend", {"Spend1718": ["£1,500"], "Spend1617-unavailable": ["not_available"]})
    assert (given.answers, given.errors) == ({"Spend1718": 1500, "Spend1617": -9}, [])


def test_a_box_and_a_number_is_a_mistake(q) -> None:  # noqa: ANN001
    given = read(q, "Staff", {"Staff": ["12"], "Staff-unavailable": ["dont_know"]})
    assert [(e.field, e.message) for e in given.errors] == [
        ("Staff", "Enter a number or select ‘Don't know’, not both")
    ]
    assert given.answers == {}
    given = read(q, "Spend", {"Spend1718-unavailable": ["dont_know", "not_available"], "Spend1617": ["3"]})
    assert [(e.field, e.message) for e in given.errors] == [
        ("Spend1718", "Select only one of ‘Don't know’ or ‘Not available – not recorded’ for ‘April 2017 – March 2018’")
    ]


def test_nothing_given_names_the_boxes(q) -> None:  # noqa: ANN001
    given = read(q, "Staff", {"Staff": [""]})
    assert [e.message for e in given.errors] == ["Enter a number, or select ‘Don't know’"]


def test_a_box_no_form_offers_is_malformed(q) -> None:  # noqa: ANN001
    with pytest.raises(MalformedInput):
        read(q, "Staff", {"Staff-unavailable": ["not_available"]})  # Staff offers "Don't know" only


def test_routing_reads_a_box_as_answered_without_a_value(q) -> None:  # noqa: ANN001
    unknown = route(q, {"Staff": -8})
    assert "StaffWhy" in unknown.questions  # answered(Staff) and not Staff >= 0
    known = route(q, {"Staff": 40})
    assert "StaffWhy" not in known.questions
    assert "StaffWhy" not in route(q, {}).questions


def test_printed_copy_lists_the_boxes(q) -> None:  # noqa: ANN001
    lines = render_text(q).replace("\t", " ").splitlines()
    assert "Numeric <range 0-5,000> social workers or: Don't know (-8)" in lines
    assert (
        "(b) April 2016 – March 2017 Spend1617 Numeric <range 0-10,000,000> £ "
        "or: Don't know (-8) / Not available – not recorded (-9)"
    ) in lines


def test_excel_copy_takes_a_number_or_a_box(q, tmp_path: Path) -> None:  # noqa: ANN001
    path = tmp_path / "copy.xlsx"
    render_xlsx(q, path)
    sheet = openpyxl.load_workbook(path)["Money and staff"]
    rows = {sheet.cell(r, 1).value: r for r in range(1, sheet.max_row + 1)}
    rules = {str(dv.sqref): dv for dv in sheet.data_validations.dataValidation}
    staff = rules[f"D{rows['Staff']}"]
    cell = f"D{rows['Staff']}"
    assert staff.type == "custom"
    assert staff.formula1 == f'OR(AND(ISNUMBER({cell}),{cell}>=0,{cell}<=5000,INT({cell})={cell}),{cell}="Don\'t know")'
    assert sheet.cell(rows["Staff"], 5).value == 'Whole number, 0 to 5,000 social workers; or type "Don\'t know"'
    spend = rules[f"D{rows['Spend1617']}"]
    assert '="Not available – not recorded"' in spend.formula1


def test_an_xlsform_special_value_becomes_a_box(tmp_path: Path) -> None:
    from tests.questionnaire.test_xlsform import HEADER, write_form

    form = write_form(
        tmp_path / "dk.xlsx",
        [
            HEADER,
            ["integer", "staff", "How many staff?", None, "(. >= 0 and . <= 500) or . = -99", None, "yes"],
            ["integer", "posts", "How many posts?", None, ". >= 0 or . = 998 or . = 999", None, "yes"],
            ["integer", "odd", "Odd?", None, ". = -99", None, "yes"],
        ],
    )
    result = convert(form)
    q = result.questionnaire
    assert q is not None, result.not_carried
    staff, posts, odd = q.question("staff"), q.question("posts"), q.question("odd")
    assert (staff.min, staff.max, [o.code for o in staff.unavailable]) == (0, 500, [-8])
    assert [o.missing for o in posts.unavailable] == ["dont_know", "not_available"]
    assert odd.unavailable == []  # nothing but a special value: not a range with a box
    report = "\n".join(result.not_carried)
    assert (
        f"{form}:survey:2: 'staff': constraint '(. >= 0 and . <= 500) or . = -99': '. = -99' becomes a "
        '"Don\'t know" box (unavailable: dont_know): an answer of -99 is stored as -8'
    ) in report
    assert "'. = 999' becomes a \"Not available\" box" in report
    assert f"{form}:survey:4: 'odd': constraint '. = -99'" in report
