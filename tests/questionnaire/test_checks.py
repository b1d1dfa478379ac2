"""Cross-item checks: the checker's located mistakes, sum(), when a check is made, printed and Excel copies."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from omnibus.questionnaire import expressions as ex
from omnibus.questionnaire.checks import failures, page_errors
from omnibus.questionnaire.render_text import render_text
from omnibus.questionnaire.render_xlsx import render_xlsx
from omnibus.questionnaire.routing import route
from omnibus.questionnaire.xlsform import convert
from omnibus.report.libreoffice import convert as libreoffice_convert
from tests.constructs import BAD_HEAD, mistakes, questionnaire_fixture

BAD = (
    BAD_HEAD
    + """\
    checks:
      - rule: Later >= 1
        message: Later must be at least 1
        field: Other
    questions:
      - id: A
        type: number
        text: How many?
        min: 0
        checks:
          - rule: A <= Later
            message: A must be at most Later
          - rule: A <= Nobody
            message: A must be at most Nobody
          - rule: A = 'many'
            message: A is many
          - rule: sum(Why) = 100
            message: Sums
          - rule: A <=
            message: Broken
          - rule: Set = 100
            message: Set
            field: Why
      - id: Why
        type: text
        text: Why?
      - id: Set
        type: numbers
        text: How many?
        items:
          - {id: Set1, text: One}
      - id: Later
        type: number
        text: How many later?
  - id: t
    title: T
    questions:
      - id: Other
        type: number
        text: Other?
"""
)


q = questionnaire_fixture("checks")


def test_mistakes_are_located(tmp_path: Path) -> None:
    path, lines = mistakes(BAD, tmp_path)
    assert lines == [
        f"{path}:10: section s: check: field 'Other' is not an answer of section s",
        f"{path}:17: A: check 'A <= Later' refers to Later, which comes after it",
        f"{path}:19: A: check 'A <= Nobody' refers to 'Nobody', which is not a question or item",
        f"{path}:21: A: check 'A = 'many'': A (number) cannot be compared with 'many' (text)",
        f"{path}:23: A: check 'sum(Why) = 100' refers to Why, which comes after it",
        f"{path}:23: A: check 'sum(Why) = 100': sum() adds numbers, and Why is not a number or a set of numbers",
        f"{path}:25: A: check 'A <=': expected a question, a value or '(', found the end (at column 5)",
        f"{path}:27: A: check 'Set = 100' refers to Set, which comes after it",
        f"{path}:27: A: check 'Set = 100': Set has items: compare one value (an item, or sum(…))",
        f"{path}:29: A: check: field 'Why' is not an answer of A",
    ]


def test_sum_adds_a_set_and_has_no_value_with_a_gap() -> None:
    class Answers:
        def __init__(self, totals: dict[str, float | None]) -> None:
            self.totals = totals

        def total(self, name: str) -> float | None:
            return self.totals[name]

    rule = ex.parse("sum(Pct, Other) = 100")
    assert ex.evaluate(rule, Answers({"Pct": 60, "Other": 40}))
    assert not ex.evaluate(rule, Answers({"Pct": 60, "Other": 30}))
    assert not ex.evaluate(rule, Answers({"Pct": 100, "Other": None}))  # no value: as an unanswered question


def test_a_check_is_made_once_every_answer_it_reads_has_a_value(q) -> None:  # noqa: ANN001
    def broken(answers: dict[str, object]) -> list[str]:
        return [p.check.message for p in failures(q, route(q, answers))]

    too_many = "Plans with a personal budget must be no more than the plans issued"
    assert broken({"Issued": 10, "PBplans": 12}) == [too_many]
    assert broken({"Issued": 10, "PBplans": 10}) == []
    assert broken({"PBplans": 12}) == []  # Issued not given yet
    assert broken({"Issued": -8, "PBplans": 12}) == []  # "Don't know": no figure to check against
    assert broken({"PctIn20": 60, "PctOver20": 30}) == ["The percentages must add up to 100"]
    assert broken({"PctIn20": 60}) == []
    assert broken({"Total": 10, "Agency": 11}) == ["Agency social workers must be no more than all social workers"]


def test_page_errors_point_at_a_field_of_the_page(q) -> None:  # noqa: ANN001
    pct = q.question("Pct")
    errors = page_errors(pct, q, {}, {"PctIn20": 60, "PctOver20": 30}, pilot=False)
    assert [(e.field, e.message) for e in errors] == [("PctIn20", "The percentages must add up to 100")]
    # Changing an earlier answer is checked against the later one already given: on the earlier page.
    issued = q.question("Issued")
    errors = page_errors(issued, q, {"Issued": 20, "PBplans": 15}, {"Issued": 10}, pilot=False)
    assert [e.field for e in errors] == ["Issued"]
    assert page_errors(issued, q, {"Issued": 20, "PBplans": 15}, {"Issued": 15}, pilot=False) == []
    agency = q.question("Agency")
    assert [e.field for e in page_errors(agency, q, {"Total": 3}, {"Agency": 4}, pilot=False)] == ["Agency"]


def test_printed_copy_states_each_check_where_it_is_made(q) -> None:  # noqa: ANN001
    text = render_text(q)
    assert (
        "Check: PBplans is at most Issued. If not: “Plans with a personal budget must be no more than the plans issued”"
        in text
    )
    assert "Check: the total of Pct is 100. If not: “The percentages must add up to 100”" in text
    assert text.index("Check: Agency is at most Total") > text.index("How many of them were agency social workers?")


def test_excel_copy_has_a_check_cell_that_turns_red(q, tmp_path: Path) -> None:  # noqa: ANN001
    path = tmp_path / "copy.xlsx"
    render_xlsx(q, path)
    book = openpyxl.load_workbook(path)
    checks = book["Checks"]
    assert [checks.cell(r, 1).value for r in range(2, 5)] == [
        "Plans with a personal budget must be no more than the plans issued",
        "The percentages must add up to 100",
        "Agency social workers must be no more than all social workers",
    ]
    rules = checks.conditional_formatting
    assert [str(r.sqref) for r in rules] == ["C2:C4"]
    plans = book["Plans"]
    rows = {plans.cell(r, 1).value: r for r in range(1, plans.max_row + 1)}
    plans.cell(rows["Issued"], 4).value = 10
    plans.cell(rows["PBplans"], 4).value = 12
    plans.cell(rows["PctIn20"], 4).value = 40
    plans.cell(rows["PctOver20"], 4).value = 60
    book.save(path)
    # LibreOffice works the formulas out as Excel would; read back the values it computed.
    computed = libreoffice_convert(path, "xlsx", tmp_path / "computed.xlsx")
    values = openpyxl.load_workbook(computed, data_only=True)["Checks"]
    assert [values.cell(r, 3).value for r in range(2, 5)] == [
        "Plans with a personal budget must be no more than the plans issued",
        "OK",
        None,  # Total and Agency not given: not checked
    ]


def test_an_xlsform_constraint_on_another_answer_becomes_a_check(tmp_path: Path) -> None:
    from tests.questionnaire.test_xlsform import HEADER, write_form

    form = write_form(
        tmp_path / "checks.xlsx",
        [
            [*HEADER, "constraint_message"],
            ["integer", "issued", "Plans issued?", None, ". >= 0", None, "yes", None],
            ["integer", "pb", "With a budget?", None, ". >= 0 and . <= ${issued}", None, "yes", "No more than issued"],
        ],
    )
    result = convert(form)
    q = result.questionnaire
    assert q is not None, result.not_carried
    pb = q.question("pb")
    assert pb.min == 0
    assert [(c.rule, c.message) for c in pb.checks] == [("pb <= issued", "No more than issued")]
    assert [p.check.message for p in failures(q, route(q, {"issued": 3, "pb": 4}))] == ["No more than issued"]


def test_the_schema_describes_a_check_as_the_loader_reads_it() -> None:
    import dataclasses
    import json

    from omnibus.questionnaire import loader_parts, model

    schema = json.loads((Path(model.__file__).parent / "questionnaire.schema.json").read_text(encoding="utf-8"))
    keys = set(schema["$defs"]["check"]["properties"])
    assert keys == loader_parts.CHECK_KEYS == {f.name for f in dataclasses.fields(model.Check)} - {"line", "lines"}
