"""The `settings:` block: flow, numbering and unit noun, read and checked with every mistake at its line."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from omnibus.questionnaire.loader import QuestionnaireError, load, read_text
from omnibus.site.cli.questionnaire import questionnaire as questionnaire_group

TESTS = Path(__file__).resolve().parents[1] / "questionnaires"
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "questionnaires" / "cso-wave3.yaml"

SECTIONS = """\
sections:
  - id: a
    title: A
    questions:
      - {id: Q, type: text, text: "Anything?"}
"""


def loaded(settings: str, menu: str = "") -> object:
    text = f"survey: s\nversion: v1\ntitle: T\n{settings}{menu}{SECTIONS}"
    questionnaire, problems = read_text(text, "s.yaml")
    assert problems == []
    return questionnaire


def problems_of(text: str, tmp_path: Path) -> list[str]:
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(QuestionnaireError) as raised:
        load(path)
    return raised.value.lines()


MENU = "menu:\n  id: Pick\n  text: Pick a section\n  sections: {1: a}\n"


def test_flow_defaults_to_menu_with_a_menu_and_linear_without() -> None:
    assert loaded("", MENU).linear is False
    assert loaded("").linear is True
    assert loaded("settings: {flow: menu}\n").linear is False
    assert loaded("settings: {flow: linear}\n").linear is True


def test_the_settings_as_read() -> None:
    settings = load(TESTS / "linear.yaml").settings
    assert (settings.flow, settings.numbering) == ("linear", "auto")
    assert (settings.unit.noun, settings.unit.plural) == ("forum", "forums")
    assert loaded("settings:\n  unit: {noun: school}\n").settings.unit.plural == "schools"
    assert load(EXAMPLE).settings.flow is None and load(EXAMPLE).linear is False


@pytest.mark.parametrize(
    ("settings", "line", "message"),
    [
        ("settings:\n  flow: straight\n", 5, "settings flow should be one of menu, linear, not 'straight'"),
        ("settings:\n  numbering: roman\n", 5, "settings numbering should be one of given, auto, none, not 'roman'"),
        ("settings:\n  flo: linear\n", 5, "settings: unknown key 'flo' (did you mean 'flow'?)"),
        ("settings:\n  unit: {plural: forums}\n", 5, "settings unit: 'noun' is required"),
        ("settings:\n  unit: forum\n", 5, "settings unit should be a mapping of keys to values"),
        ("settings: linear\n", 4, "settings should be a mapping of keys to values"),
        ("settings:\n  flow: linear\n" + MENU, 5, "settings flow is linear, but the questionnaire has a menu"),
    ],
)
def test_mistakes_in_settings_are_located(settings: str, line: int, message: str, tmp_path: Path) -> None:
    lines = problems_of(f"survey: s\nversion: v1\ntitle: T\n{settings}{SECTIONS}", tmp_path)
    assert any(entry.startswith(f"{tmp_path / 's.yaml'}:{line}: {message}") for entry in lines), lines


def test_the_check_command_reports_a_bad_setting_and_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(f"survey: s\nversion: v1\ntitle: T\nsettings:\n  flow: sideways\n{SECTIONS}", encoding="utf-8")
    result = CliRunner().invoke(questionnaire_group, ["check", str(path)])
    assert result.exit_code == 1
    assert f"{path}:5: settings flow should be one of menu, linear" in result.output


def test_the_printed_and_excel_copies_of_a_linear_survey_say_nothing_of_a_menu(tmp_path: Path) -> None:
    import docx
    import openpyxl

    from omnibus.questionnaire.render_docx import render_docx
    from omnibus.questionnaire.render_text import render_text
    from omnibus.questionnaire.render_xlsx import render_xlsx

    linear = load(TESTS / "linear.yaml")
    render_docx(linear, tmp_path / "linear.docx")
    render_xlsx(linear, tmp_path / "linear.xlsx")
    book = openpyxl.load_workbook(tmp_path / "linear.xlsx")
    cells = [str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row if c]
    copies = {
        "text": render_text(linear),
        "docx": "\n".join(p.text for p in docx.Document(str(tmp_path / "linear.docx")).paragraphs),
        "xlsx": "\n".join(cells),
    }
    for name, text in copies.items():
        assert "Section 3: Your views" in text or "Your views" in text, name
        assert "How well is your forum heard" in text, name
        assert "menu" not in text.lower(), name


def test_the_json_schema_says_what_the_loader_reads() -> None:
    import json

    import yaml
    from jsonschema import Draft202012Validator

    from omnibus.questionnaire import model, settings

    schema_path = Path(__file__).resolve().parents[2] / "omnibus" / "questionnaire" / "questionnaire.schema.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    defs = schema["$defs"]
    assert set(defs["settings"]["properties"]) == settings.SETTINGS_KEYS
    assert set(defs["unitNoun"]["properties"]) == settings.UNIT_KEYS
    assert defs["settings"]["properties"]["flow"]["enum"] == list(model.FLOWS)
    assert defs["settings"]["properties"]["numbering"]["enum"] == list(model.NUMBERINGS)
    linear = json.loads(json.dumps(yaml.safe_load((TESTS / "linear.yaml").read_text(encoding="utf-8"))))
    Draft202012Validator(schema).validate(linear)
    linear["settings"]["flow"] = "sideways"
    assert not Draft202012Validator(schema).is_valid(linear)
