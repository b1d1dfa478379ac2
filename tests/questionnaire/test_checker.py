"""The checker: every mistake in a file reported at its line, all in one run."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from omnibus.questionnaire.loader import QuestionnaireError, load, read_text
from omnibus.site.cli.questionnaire import questionnaire as questionnaire_group

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "questionnaires" / "cso-wave3.yaml"

# Ten different mistakes, each on the line marked with its number.
TEN_MISTAKES = """\
survey: demo
version: v1
title: Ten mistakes
sections:
  - id: a
    title: A
    questions:
      - id: Src
        type: multi
        text: Which sources?
        options:
          1: One
          2: Two
          2: Again                                    # 1 duplicate code
          4: {label: None, exclusive: true}
      - id: Src                                       # 2 duplicate id
        type: text
        text: Again?
      - id: Pick
        type: single
        text: Pick one
        options: {1: A, 2: {label: None, exclusive: true}}   # 3 exclusive in single choice
      - id: Fed
        type: single
        text: Best?
        options_from: {question: Pick}                # 4 feed-through from a single choice
      - id: Early
        type: single
        text: Early?
        ask_if: Late = 1                              # 5 routing to a later question
        options: {1: "Yes", 2: "No"}
      - id: Late
        type: single
        text: Late?
        ask_if: Nowhere = 1                           # 6 unknown variable
        options: {1: "Yes", 2: "No"}
      - id: Spend
        type: number
        text: How much?
        min: 100
        max: 10                                       # 7 min above max
      - id: Why
        type: text
        text: Why?
        max_lenght: 150                               # 8 unknown key
      - id: Most
        type: multi
        text: Up to five
        max_choices: 5                                # 9 more choices than options
        options: {1: A, 2: B}
      - id: Cmp
        type: single
        text: Compare
        ask_if: Src = 1 and                           # 10 expression that does not parse
        options: {1: A}
"""


def marked_lines(text: str) -> dict[int, int]:
    """Mistake number -> line, from the `# N` markers."""
    marks = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if "# " in line and line.split("# ")[-1].split()[0].isdigit():
            marks[int(line.split("# ")[-1].split()[0])] = number
    return marks


def test_example_questionnaire_is_valid() -> None:
    questionnaire = load(EXAMPLE)
    assert questionnaire.survey == "cso"
    assert [s.id for s in questionnaire.sections] == ["csc", "eyc", "send", "thanks"]


def test_ten_mistakes_give_ten_located_lines(tmp_path: Path) -> None:
    path = tmp_path / "ten.yaml"
    path.write_text(TEN_MISTAKES, encoding="utf-8")
    with pytest.raises(QuestionnaireError) as caught:
        load(path)
    lines = caught.value.lines()
    assert len(lines) == 10, "\n".join(lines)
    marks = marked_lines(TEN_MISTAKES)
    reported = sorted(int(line.split(":")[1]) for line in lines)
    assert reported == sorted(marks.values())
    assert all(line.startswith(f"{path}:") for line in lines)


def test_ten_mistakes_through_the_command(tmp_path: Path) -> None:
    path = tmp_path / "ten.yaml"
    path.write_text(TEN_MISTAKES, encoding="utf-8")
    result = CliRunner().invoke(questionnaire_group, ["check", str(path)])
    assert result.exit_code == 1
    located = [line for line in result.stderr.splitlines() if line.startswith(str(path))]
    assert len(located) == 10
    assert "10 problems found" in result.stderr
    assert "Traceback" not in result.output


def test_valid_file_gives_one_summary_line() -> None:
    result = CliRunner().invoke(questionnaire_group, ["check", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    assert "4 sections" in lines[0] and "questions" in lines[0] and "variables" in lines[0]


def problems_of(text: str) -> list[str]:
    from omnibus.questionnaire.checker import check

    questionnaire, problems = read_text(text)
    assert questionnaire is not None
    return [p.message for p in problems + check(questionnaire)]


HEAD = "survey: s\nversion: v\ntitle: T\nsections:\n  - id: a\n    title: A\n    questions:\n"


@pytest.mark.parametrize(
    ("questions", "fragment"),
    [
        (
            "      - {id: M, type: multi, text: t, options: {1: a}}\n"
            "      - {id: X, type: text, text: t, ask_if: M = 1}\n",
            "test it with chosen(M, code)",
        ),
        (
            "      - {id: S, type: single, text: t, options: {1: a}}\n"
            "      - {id: X, type: text, text: t, ask_if: 'S in (1, 7)'}\n",
            "code 7 is not an option of S",
        ),
        (
            "      - {id: X, type: text, text: 'Why {Later}?'}\n      - {id: Later, type: text, text: t}\n",
            "piped answer refers to Later, which is not asked before it",
        ),
        ("      - {id: X, type: text, text: 'Open {brace'}\n", "unmatched brace"),
        (
            "      - {id: X, type: single, text: t, options: {1: a}, max_length: 3}\n",
            "'max_length' is not used by a single",
        ),
        ("      - {id: X, type: grid, text: t, options: {1: a}}\n", "a grid needs items"),
        (
            "      - {id: X, type: single, text: t, options: {1: a}, consent: {purpose: link, agree: 2}}\n",
            "consent agree code 2 is not an option",
        ),
        ("      - {id: X, type: single, text: t, options: nosuchset}\n", "unknown option set 'nosuchset'"),
        ("      - {id: X, type: single, text: t, options: {1: Yes}}\n", "quote it"),
        (
            "      - {id: M, type: multi, text: t, options: {1: a, 2: b}}\n"
            "      - {id: F, type: multi, text: t, options_from: {question: M, exclude: [9]}, options: {2: c}}\n",
            "clashes with code 2 fed through from M",
        ),
        (
            "      - {id: M, type: multi, text: t, options: {1: a}}\n      - {id: M_1, type: text, text: t}\n",
            "variable 'M_1' of M clashes",
        ),
        ("      - {id: 2bad, type: text, text: t}\n", "not a valid name"),
    ],
)
def test_each_kind_of_mistake(questions: str, fragment: str) -> None:
    messages = problems_of(HEAD + questions)
    assert any(fragment in m for m in messages), messages


def test_broken_yaml_is_located() -> None:
    questionnaire, problems = read_text("survey: s\nsections:\n  - id: [unclosed\n")
    assert questionnaire is None
    assert problems[0].line >= 3 and "not valid YAML" in problems[0].message


def test_menu_names_unknown_section() -> None:
    text = HEAD.replace("sections:", "menu: {id: QSelect, text: Pick, sections: {1: a, 2: zz}}\nsections:")
    messages = problems_of(text + "      - {id: X, type: text, text: t}\n")
    assert any("section 'zz', which does not exist" in m for m in messages)
