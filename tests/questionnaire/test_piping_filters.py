"""Piping with filters (`{Id|lower}`) and per-option piped wording (`piped: strongly agree`)."""

from pathlib import Path

import pytest

from omnibus.questionnaire.loader import QuestionnaireError, load, read_text
from omnibus.questionnaire.piping import answer_text, pipe
from omnibus.questionnaire.render_text import render_text

PIPED = """\
survey: s
version: v1
title: T
sections:
  - id: a
    title: A
    questions:
      - id: Agree
        type: single
        text: Do you agree?
        options:
          1: {label: Strongly agree, piped: strongly agree}
          2: Agree
          3: Disagree
      - id: Src
        type: multi
        text: Which sources?
        options: {1: Peers, 2: DfE}
      - id: Why
        type: text
        text: Please tell us why you {Agree} that it works, and why you {Agree|lower} with {Src|lower}.
"""


@pytest.fixture(scope="module")
def questionnaire():  # noqa: ANN201 - a Questionnaire
    loaded, problems = read_text(PIPED)
    assert problems == [], problems
    return loaded


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        (
            {"Agree": 1, "Src": [1, 2]},
            "why you strongly agree that it works, and why you strongly agree with peers and dfe.",
        ),
        ({"Agree": 2, "Src": [1]}, "why you Agree that it works, and why you agree with peers."),
    ],
)
def test_the_piped_wording_and_the_lower_filter(questionnaire, answers: dict, expected: str) -> None:  # noqa: ANN001
    text = questionnaire.question("Why").text
    assert pipe(text, questionnaire, answers).endswith(expected)


def test_answers_are_still_shown_by_their_labels(questionnaire) -> None:  # noqa: ANN001
    assert answer_text("Agree", questionnaire, {"Agree": 1}) == "Strongly agree"  # Check your answers, tables


def test_the_printed_copy_shows_where_the_answer_goes(questionnaire) -> None:  # noqa: ANN001
    assert "why you [answer at Agree] with [answer at Src]." in render_text(questionnaire)
    assert pipe("{Agree|lower}", questionnaire, {}) == "[answer at Agree]"


def test_literal_braces_stay_literal(questionnaire) -> None:  # noqa: ANN001
    assert pipe("{{Agree|lower}}", questionnaire, {"Agree": 1}) == "{Agree|lower}"


@pytest.mark.parametrize(
    ("before", "after", "line", "message"),
    [
        ("{Agree|lower}", "{Agree| upper }", 21, "Why: unknown piping filter 'upper' in {Agree|…} (known: lower)"),
        ("{Src|lower}", "{Scr|lower}", 21, "Why: piped answer refers to 'Scr', which is not a question or item"),
        (
            "piped: strongly agree}",
            "piped: [a]}",
            12,
            "question Agree options: piped wording of code 1 should be a text",
        ),
    ],
)
def test_mistakes_in_piping_are_located(before: str, after: str, line: int, message: str, tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(PIPED.replace(before, after), encoding="utf-8")
    with pytest.raises(QuestionnaireError) as raised:
        load(path)
    assert raised.value.lines() == [f"{path}:{line}: {message}"]
