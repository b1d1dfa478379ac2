"""Question numbers as printed: given, automatic or none; unique; in the printed and Excel copies."""

from pathlib import Path

import docx
import openpyxl
import pytest

from omnibus.questionnaire.loader import QuestionnaireError, load, read_text
from omnibus.questionnaire.numbering import number_of
from omnibus.questionnaire.render_docx import render_docx
from omnibus.questionnaire.render_text import render_text
from omnibus.questionnaire.render_xlsx import render_xlsx

LINEAR = Path(__file__).resolve().parents[1] / "questionnaires" / "linear.yaml"
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "questionnaires" / "cso-wave3.yaml"

QUESTIONS = """\
sections:
  - id: a
    title: A
    questions:
      - {id: Intro, type: statement, text: Welcome}
      - {id: One, type: text, text: First}
      - {id: Two, type: text, text: Second, number: Q2b}
      - id: Grid
        type: grid
        text: Rate
        options: {1: Good, 2: Poor}
        items:
          - {id: Grid_a, text: Health}
          - {id: Grid_b, text: Schools}
"""


def read(numbering: str, questions: str = QUESTIONS) -> object:
    settings = f"settings: {{numbering: {numbering}}}\n" if numbering else ""
    questionnaire, problems = read_text(f"survey: s\nversion: v1\ntitle: T\n{settings}{questions}", "s.yaml")
    assert questionnaire is not None
    return questionnaire, problems


@pytest.mark.parametrize(
    ("numbering", "expected"),
    [
        ("auto", {"Intro": None, "One": "Q1", "Two": "Q2b", "Grid": "Q2", "Grid_a": "Q2a", "Grid_b": "Q2b"}),
        ("", {"Intro": None, "One": None, "Two": "Q2b", "Grid": None, "Grid_a": None, "Grid_b": None}),
        ("given", {"Intro": None, "One": None, "Two": "Q2b", "Grid": None, "Grid_a": None, "Grid_b": None}),
    ],
)
def test_numbers_given_and_automatic(numbering: str, expected: dict) -> None:
    questionnaire, _ = read(numbering)
    assert {name: number_of(questionnaire, name) for name in expected} == expected


def test_an_item_without_a_number_of_its_own_carries_its_questions() -> None:
    questionnaire, _ = read("", QUESTIONS.replace("type: grid\n", "type: grid\n        number: Q7\n"))
    assert number_of(questionnaire, "Grid_b") == "Q7" and number_of(questionnaire, "Grid") == "Q7"


def load_problems(text: str, tmp_path: Path) -> list[str]:
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(QuestionnaireError) as raised:
        load(path)
    return [line.removeprefix(f"{path}:") for line in raised.value.lines()]


def test_a_number_used_twice_is_located(tmp_path: Path) -> None:
    # Auto gives the grid's second item Q2b, which Two has as its own number.
    text = f"survey: s\nversion: v1\ntitle: T\nsettings: {{numbering: auto}}\n{QUESTIONS}"
    assert load_problems(text, tmp_path) == ["18: Grid_b: number Q2b is used twice (first at line 11)"]
    given = text.replace("numbering: auto", "numbering: given").replace("First}", "First, number: Q2b}")
    assert load_problems(given, tmp_path) == ["11: Two: number Q2b is used twice (first at line 10)"]


def test_a_number_is_refused_where_there_are_none(tmp_path: Path) -> None:
    text = f"survey: s\nversion: v1\ntitle: T\nsettings: {{numbering: none}}\n{QUESTIONS}"
    assert load_problems(text, tmp_path) == ["11: Two: number Q2b is given, but settings numbering is none"]
    assert number_of(read("none", QUESTIONS.replace(", number: Q2b", ""))[0], "One") is None


def test_a_number_must_be_a_text(tmp_path: Path) -> None:
    text = f"survey: s\nversion: v1\ntitle: T\n{QUESTIONS}".replace("number: Q2b", "number: [2]")
    assert load_problems(text, tmp_path) == ["10: number should be a text"]
    empty = f"survey: s\nversion: v1\ntitle: T\n{QUESTIONS}".replace("number: Q2b", "number: ' '")
    assert load_problems(empty, tmp_path) == ["10: Two: number is empty (leave it out, or give one such as Q9a)"]


def test_the_cso_example_has_no_numbers() -> None:
    example = load(EXAMPLE)
    assert all(number_of(example, q.id) is None for q in example.questions())


def test_the_printed_copies_carry_the_numbers(tmp_path: Path) -> None:
    linear = load(LINEAR)
    text = render_text(linear)
    assert "Q2a How much was the grant?" in text
    assert "Q3a Why do you say that your forum is heard [answer at Heard]?" in text
    assert "\nQ4 How often does your forum do each of these?" in text
    render_docx(linear, tmp_path / "linear.docx")
    paragraphs = [p.text for p in docx.Document(str(tmp_path / "linear.docx")).paragraphs]
    assert "Q1 How many members does your forum have?" in paragraphs
    assert "Q3 How well is your forum heard by the local authority?" in paragraphs
    render_xlsx(linear, tmp_path / "linear.xlsx")
    book = openpyxl.load_workbook(tmp_path / "linear.xlsx")
    cells = {str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row if c}
    assert {"Q2a How much was the grant?", "Q4 How often does your forum do each of these?"} <= cells
