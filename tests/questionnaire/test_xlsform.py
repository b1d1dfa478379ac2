"""XLSForm import: the example form converts to an equivalent questionnaire, the rest is reported.

Small forms are built in each test with openpyxl, so that every case shows its own rows.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from omnibus.questionnaire.kinds import kind_of
from omnibus.questionnaire.loader import load
from omnibus.questionnaire.model import Question, Questionnaire
from omnibus.questionnaire.routing import route
from omnibus.questionnaire.xlsform import XLSFormError, XLSFormResult, convert
from omnibus.site.cli.questionnaire import questionnaire as questionnaire_group

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "xlsform" / "la-support.xlsx"
SCRIPT = ROOT / "examples" / "xlsform" / "make_example_form.py"


# -- helpers -----------------------------------------------------------------------------------


def write_form(
    path: Path,
    survey: list[list[object]],
    choices: list[list[object]] | None = None,
    settings: list[list[object]] | None = None,
) -> Path:
    """An XLSForm at `path`: each sheet's rows given header first."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "survey"
    for row in survey:
        sheet.append(row)
    for title, rows in (("choices", choices), ("settings", settings)):
        if rows is not None:
            extra = workbook.create_sheet(title)
            for row in rows:
                extra.append(row)
    workbook.save(path)
    return path


def loaded(result: XLSFormResult, tmp_path: Path) -> Questionnaire:
    """The converted YAML, written and loaded as any questionnaire file (load runs the checker)."""
    out = tmp_path / "imported.yaml"
    out.write_text(result.yaml_text, encoding="utf-8")
    return load(out)


def question(q: Questionnaire, qid: str) -> Question:
    found = q.question(qid)
    assert found is not None, f"no question {qid}"
    return found


def codes(options: list) -> list[int]:
    return [o.code for o in options]


YESNO = [["list_name", "name", "label"], ["yn", "yes", "Yes"], ["yn", "no", "No"]]
HEADER = ["type", "name", "label", "relevant", "constraint", "choice_filter", "required"]


# -- the example form --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example() -> XLSFormResult:
    return convert(EXAMPLE)


@pytest.fixture()
def example_q(example: XLSFormResult, tmp_path: Path) -> Questionnaire:
    return loaded(example, tmp_path)


def test_example_is_what_the_script_writes(tmp_path: Path, example: XLSFormResult) -> None:
    spec = importlib.util.spec_from_file_location("make_example_form", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    fresh = convert(module.build(tmp_path / "la-support.xlsx"))
    assert fresh.yaml_text == example.yaml_text


def test_example_settings_and_sections(example_q: Questionnaire) -> None:
    assert (example_q.survey, example_q.version) == ("la_support", "2024-1")
    assert example_q.title == "LA support and workforce (XLSForm example)"
    assert [(s.id, s.title) for s in example_q.sections] == [
        ("general", "LA support and workforce (XLSForm example)"),  # made for la_name, outside any group
        ("support", "Support for improvement"),
        ("workforce", "Social work workforce"),
    ]
    assert [q.id for q in example_q.sections[1].questions] == [
        "sources",
        "most_helpful",
        "future",
        "helpful_rating",
        "helpful_why",
    ]


def test_example_types_and_codes(example_q: Questionnaire) -> None:
    types = {q.id: q.type for q in example_q.questions()}
    assert types == {
        "la_name": "text",
        "sources": "multi",
        "most_helpful": "single",
        "future": "multi",
        "helpful_rating": "single",
        "helpful_why": "text",
        "workforce_intro": "statement",
        "has_vacancies": "single",
        "vacancies": "number",
        "agency_share": "number",
        "vacancies_rising": "single",
        "comments": "text",
    }
    sources = question(example_q, "sources")
    assert [(o.code, o.label) for o in sources.options] == [
        (1, "Coaching and mentoring from another LA"),
        (2, "A sector-led improvement programme"),
        (3, "A Department for Education adviser"),
        (4, "A commercial consultancy"),
        (5, "None of these"),
    ]
    assert codes(question(example_q, "helpful_rating").options) == [1, 2, 3, 4]  # whole-number names kept
    assert [(o.code, o.label) for o in question(example_q, "has_vacancies").options] == [(1, "Yes"), (2, "No")]
    assert question(example_q, "vacancies").integer is True
    assert question(example_q, "agency_share").integer is False


def test_example_routing_expressions(example_q: Questionnaire) -> None:
    ask_if = {q.id: q.ask_if for q in example_q.questions() if q.ask_if}
    assert ask_if == {
        "most_helpful": "count(sources) > 1",
        "future": "not chosen(sources, 5)",
        "helpful_rating": "answered(most_helpful)",
        "helpful_why": "helpful_rating = 1 or helpful_rating = 2",
        "vacancies": "has_vacancies = 1",
        "vacancies_rising": "vacancies > 10 and chosen(has_vacancies, 1)",
    }
    assert question(example_q, "comments").ask_if is None  # today() cannot be carried: reported


def test_example_feed_through_and_limits(example_q: Questionnaire) -> None:
    helpful = question(example_q, "most_helpful").options_from
    future = question(example_q, "future").options_from
    assert (helpful.question, helpful.chosen, helpful.exclude) == ("sources", True, ())
    assert (future.question, future.chosen, future.exclude) == ("sources", False, ())
    assert question(example_q, "most_helpful").options == []
    assert question(example_q, "future").max_choices == 3
    assert (question(example_q, "vacancies").min, question(example_q, "vacancies").max) == (1, 1000)
    assert (question(example_q, "agency_share").min, question(example_q, "agency_share").max) == (0, 100)
    assert question(example_q, "la_name").max_length == 80
    assert question(example_q, "helpful_why").max_length == 500


def test_example_required_and_piping(example_q: Questionnaire) -> None:
    required = {q.id: q.required for q in example_q.questions() if kind_of(q).answerable}
    assert required["sources"] is True and required["vacancies"] is True
    assert required["future"] is False and required["agency_share"] is False  # XLSForm's default: not required
    assert question(example_q, "sources").text.startswith("Which of the following sources of support has {la_name} ")
    assert question(example_q, "helpful_why").text == "Why was {most_helpful} helpful?"
    assert question(example_q, "workforce_intro").text.endswith("employed by {la_name}.")


def test_example_routes_as_the_form_would(example_q: Questionnaire) -> None:
    answers = {
        "la_name": "Leeds",
        "sources": [1, 3],
        "most_helpful": 3,
        "future": [2, 4],
        "helpful_rating": 2,
        "helpful_why": "Practical",
        "has_vacancies": 2,
        "vacancies": 12,
    }
    result = route(example_q, answers)
    assert codes(result.options["most_helpful"]) == [1, 3]  # selected(${sources}, name)
    assert codes(result.options["future"]) == [2, 4, 5]  # not(selected(${sources}, name))
    assert {"most_helpful", "future", "helpful_rating", "helpful_why"} <= set(result.questions)
    assert "vacancies" not in result.questions  # ${has_vacancies} = 'yes' is false
    assert "vacancies_rising" not in result.questions
    assert result.off_route == {"vacancies": 12}


def test_example_routes_a_single_source(example_q: Questionnaire) -> None:
    result = route(example_q, {"sources": [5], "has_vacancies": 1, "vacancies": 20})
    assert "most_helpful" not in result.questions  # count-selected(${sources}) > 1 is false
    assert "future" not in result.questions  # 'none' was chosen
    assert "helpful_rating" not in result.questions  # ${most_helpful} != '' is false
    assert {"vacancies", "vacancies_rising"} <= set(result.questions)


def test_example_reports_every_unmappable_row(example: XLSFormResult) -> None:
    form = str(EXAMPLE)
    expected = {
        "survey:1": "label::Cymraeg (cy)",
        "survey:2": "start 'started'",
        "survey:3": "constraint_message",
        "survey:8": "appearance",
        "survey:10": "calculate 'n_sources'",
        "survey:18": "date 'return_date'",
        "survey:19": "geopoint 'office'",
        "survey:20": "repeat 'teams'",
        "survey:21": "text 'team_name'",
        "survey:22": "integer 'team_size'",
        "survey:24": "relevant 'today() > date('2024-01-01')'",
        "choices:2": "list 'support'",
        "choices:11": "list 'yesno'",
    }
    for where, what in expected.items():
        matches = [line for line in example.not_carried if line.startswith(f"{form}:{where}: ")]
        assert any(what in line for line in matches), f"nothing reported at {where} about {what}"
    assert not any("checker:" in line for line in example.not_carried)
    assert "today() has no equivalent in our routing" in " ".join(example.not_carried)


# -- smaller forms -------------------------------------------------------------------------------


def test_nested_group_is_flattened_with_heading_and_condition(tmp_path: Path) -> None:
    form = write_form(
        tmp_path / "nested.xlsx",
        [
            ["type", "name", "label", "relevant"],
            ["begin group", "outer", "Outer", None],
            ["select_one yn", "q1", "First?", None],
            ["begin group", "inner", "Inner part", "${q1} = 'yes'"],
            ["integer", "q2", "How many?", "${q1} != 'no'"],
            ["end group", None, None, None],
            ["end group", None, None, None],
        ],
        YESNO,
    )
    result = convert(form)
    q = loaded(result, tmp_path)
    assert [s.id for s in q.sections] == ["outer"]
    q2 = question(q, "q2")
    assert q2.heading == "Inner part"
    assert q2.ask_if == "q1 = 1 and not q1 = 2"
    assert any(
        line.startswith(f"{form}:survey:4: group 'inner' is inside group 'outer'") for line in result.not_carried
    )


def test_or_other_numeric_names_and_strict_bounds(tmp_path: Path) -> None:
    form = write_form(
        tmp_path / "other.xlsx",
        [
            HEADER,
            ["select_one fruit or_other", "fruit", "Fruit?", None, None, None, "yes"],
            ["integer", "n", "How many?", "selected(${fruit}, 'other')", ". > 0 and . < 10", None, "true"],
        ],
        [["list_name", "name", "label"], ["fruit", "10", "Apple"], ["fruit", "20", "Pear"]],
    )
    result = convert(form)
    q = loaded(result, tmp_path)
    fruit = question(q, "fruit")
    assert [(o.code, o.label, o.specify) for o in fruit.options] == [
        (10, "Apple", False),
        (20, "Pear", False),
        (21, "Other (please specify)", True),
    ]
    n = question(q, "n")
    assert (n.ask_if, n.min, n.max, n.required) == ("chosen(fruit, 21)", 1, 9, True)
    assert any(f"{form}:survey:2: 'fruit': or_other becomes code 21" in line for line in result.not_carried)
    assert not any("numbered in order" in line for line in result.not_carried)


def test_unmappable_constraint_and_choice_filter_are_reported(tmp_path: Path) -> None:
    form = write_form(
        tmp_path / "filters.xlsx",
        [
            HEADER,
            ["select_multiple yn", "seen", "Seen?", None, None, None, None],
            ["select_one other", "pick", "Pick", None, None, "selected(${seen}, name)", None],
            ["text", "code", "Code", None, "regex(., '^[A-Z]+$') and string-length(.) <= 8", None, None],
            ["decimal", "share", "Share", None, ". > 0", None, None],
        ],
        YESNO + [["other", "maybe", "Maybe"]],
    )
    result = convert(form)
    q = loaded(result, tmp_path)
    assert question(q, "pick").options_from is None
    assert codes(question(q, "pick").options) == [1]  # the list's own options, unfiltered
    assert question(q, "code").max_length == 8
    assert question(q, "share").min == 0
    report = "\n".join(result.not_carried)
    assert f"{form}:survey:3: 'pick': choice_filter 'selected(${{seen}}, name)' not carried over" in report
    assert f"{form}:survey:4: 'code': constraint" in report and "regex(" in report
    assert f"{form}:survey:5: 'share': constraint '. > 0': '. > 0' kept as min 0" in report


def test_relevant_forward_reference_and_piping_of_a_calculate(tmp_path: Path) -> None:
    form = write_form(
        tmp_path / "refs.xlsx",
        [
            ["type", "name", "label", "relevant", "calculation"],
            ["calculate", "total", None, None, "1 + 1"],
            ["text", "a", "You have ${total} and {braces}", "${b} = 'x'", None],
            ["text", "b", "B", None, None],
        ],
    )
    result = convert(form)
    q = loaded(result, tmp_path)
    assert question(q, "a").ask_if is None
    assert question(q, "a").text == "You have [total] and {{braces}}"
    report = "\n".join(result.not_carried)
    assert f"{form}:survey:2: calculate 'total' not carried over" in report
    assert f"{form}:survey:3: 'a': relevant '${{b}} = 'x'' not carried over" in report
    assert f"{form}:survey:3: 'a': piping ${{total}} in the label not carried over" in report


def test_defaults_without_settings_and_invalid_names(tmp_path: Path) -> None:
    form = write_form(tmp_path / "my-form.xlsx", [["type", "name", "label"], ["text", "first-name", "Name?"]])
    result = convert(form)
    q = loaded(result, tmp_path)
    assert (q.survey, q.version, q.title) == ("my_form", "1", "my-form")
    assert [x.id for x in q.questions()] == ["first_name"]
    assert any("it becomes 'first_name'" in line for line in result.not_carried)
    assert result.yaml_text.startswith("# Imported from the XLSForm my-form.xlsx")


def test_checker_problems_are_reported_and_output_still_made(tmp_path: Path) -> None:
    form = write_form(
        tmp_path / "toomany.xlsx",
        [["type", "name", "label", "constraint"], ["select_multiple yn", "pick", "Pick", "count-selected(.) <= 5"]],
        YESNO,
    )
    result = convert(form)
    assert "max_choices: 5" in result.yaml_text
    assert result.questionnaire is None
    assert any(
        line.startswith(f"{form}: the imported questionnaire, line") and "checker: pick: max_choices is 5" in line
        for line in result.not_carried
    )


def test_group_with_nothing_carried_is_reported(tmp_path: Path) -> None:
    form = write_form(
        tmp_path / "empty.xlsx",
        [["type", "name", "label"], ["text", "a", "A"], ["begin group", "g", "G"], ["date", "d", "D"], ["end group"]],
    )
    result = convert(form)
    assert [s.id for s in loaded(result, tmp_path).sections] == ["general"]
    assert any(line.startswith(f"{form}:survey:3: group 'g' not carried over") for line in result.not_carried)


# -- forms that cannot be read -------------------------------------------------------------------


def test_not_an_xlsx(tmp_path: Path) -> None:
    fake = tmp_path / "form.xlsx"
    fake.write_text("type,name\ntext,a\n", encoding="utf-8")
    with pytest.raises(XLSFormError) as caught:
        convert(fake)
    assert caught.value.lines[0].startswith(f"{fake}: not an Excel workbook (.xlsx)")
    csv = tmp_path / "form.csv"
    csv.write_text("type,name\n", encoding="utf-8")
    with pytest.raises(XLSFormError, match="not an Excel workbook"):
        convert(csv)


def test_no_survey_sheet(tmp_path: Path) -> None:
    workbook = Workbook()
    workbook.active.title = "Sheet1"
    workbook.save(tmp_path / "plain.xlsx")
    with pytest.raises(XLSFormError) as caught:
        convert(tmp_path / "plain.xlsx")
    assert caught.value.lines == [
        f"{tmp_path / 'plain.xlsx'}: no 'survey' sheet, so this is not an XLSForm (sheets: 'sheet1')"
    ]


def test_survey_sheet_without_type(tmp_path: Path) -> None:
    form = write_form(tmp_path / "notype.xlsx", [["name", "label"], ["a", "A"]])
    with pytest.raises(XLSFormError) as caught:
        convert(form)
    assert caught.value.lines == [f"{form}:survey:1: the survey sheet has no 'type' column"]


# -- the command ---------------------------------------------------------------------------------


def test_command_writes_yaml_and_prints_report(tmp_path: Path) -> None:
    out = tmp_path / "la-support.yaml"
    result = CliRunner().invoke(questionnaire_group, ["import-xlsform", str(EXAMPLE), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert load(out).survey == "la_support"
    assert f"{EXAMPLE}:survey:10: calculate 'n_sources' not carried over" in result.stderr
    assert f"Wrote {out};" in result.stdout


def test_command_bad_form_exits_1_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a zip")
    out = tmp_path / "out.yaml"
    result = CliRunner().invoke(questionnaire_group, ["import-xlsform", str(bad), "-o", str(out)])
    assert result.exit_code == 1
    assert "not an Excel workbook" in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()
