"""The printed questionnaire in Word: headings, grid tables and italic routing lines."""

from __future__ import annotations

import textwrap
from pathlib import Path

import docx
import pytest
from docx.document import Document
from docx.text.paragraph import Paragraph

from omnibus.questionnaire.loader import load, read_text
from omnibus.questionnaire.model import Questionnaire
from omnibus.questionnaire.render_docx import render_docx

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "questionnaires" / "cso-wave3.yaml"


@pytest.fixture(scope="module")
def example() -> Questionnaire:
    return load(EXAMPLE)


@pytest.fixture(scope="module")
def document(example: Questionnaire, tmp_path_factory: pytest.TempPathFactory) -> Document:
    path = tmp_path_factory.mktemp("docx") / "cso.docx"
    render_docx(example, path)
    return docx.Document(str(path))


def paragraph(document: Document, text: str) -> Paragraph:
    matches = [p for p in document.paragraphs if p.text == text]
    assert len(matches) == 1, f"{text!r} appears {len(matches)} times"
    return matches[0]


def texts(document: Document) -> list[str]:
    return [p.text for p in document.paragraphs]


def test_title_and_headings(document: Document) -> None:
    assert document.paragraphs[0].text == "Children's Services Omnibus – Wave 3"
    assert document.paragraphs[0].style.name == "Title"
    level1 = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert level1 == [
        "Section 2: Children's Social Care",
        "Section 3: Early Years and Child Care",
        "Section 4: Special Educational Needs & Disability",
        "Section 5: Thank you",
    ]
    level2 = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert level2[:2] == ["2.1 LA improvement", "2.2 Social worker workforce"]
    assert "4.1 Short breaks" in level2


def test_introduction_list_is_bulleted(document: Document) -> None:
    bullets = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    assert bullets == [
        "Children’s Social Care;",
        "Early Years & Child Care; and",
        "Special Educational Needs & Disability.",
    ]


def test_routing_italic_and_variable_bold(document: Document) -> None:
    lines = texts(document)
    routing = paragraph(document, "Ask if SBcosteff is 1 (Very cost-effective) or 2 (Fairly cost-effective)")
    assert all(run.italic for run in routing.runs)
    assert lines[lines.index(routing.text) + 1] == "SBrecoup"
    variable = paragraph(document, "SBrecoup")
    assert all(run.bold for run in variable.runs)
    assert routing.paragraph_format.keep_with_next  # never split from its question
    section_routing = paragraph(document, "If QSelect = 2")
    assert all(run.italic for run in section_routing.runs)


def test_question_content_in_order(document: Document) -> None:
    lines = texts(document)
    start = lines.index("SuppSouFut")
    assert lines[start + 2] == "Please select all that apply."
    assert lines[start + 3] == "<Feed through a list of options they said they hadn't used from SuppSou>"
    assert lines[start + 4] == "16. None of these [exclusive]"
    assert lines[lines.index("SWreturn") + 2] == "Open <150 characters>"
    assert "Base: LAs who think that short breaks are cost-effective" in lines


def test_bold_marks_become_bold_runs(document: Document) -> None:
    preamble = next(p for p in document.paragraphs if p.text.startswith("The Department for Education would like"))
    bold = [run.text for run in preamble.runs if run.bold]
    assert bold == [
        "The Department will only be given local authority names: they will not know which individual colleagues "
        "completed the survey."
    ]
    assert "**" not in preamble.text


def test_a_table_per_grid_with_item_texts(document: Document, example: Questionnaire) -> None:
    grids = [q for q in example.questions() if q.type == "grid"]
    numbers = [q for q in example.questions() if q.type == "numbers"]
    assert len(document.tables) == len(grids) + len(numbers)
    tables = iter(document.tables)
    for question in (q for q in example.questions() if q.items):
        table = next(tables)
        if question.type == "grid":
            scale = [o.label for o in example.options_of(question)]
            assert [c.text for c in table.rows[0].cells] == ["", *scale], question.id
            rows = table.rows[1:]
        else:
            rows = table.rows
        assert len(rows) == len(question.items)
        for row, item in zip(rows, question.items, strict=True):
            first, variable = row.cells[0].paragraphs
            assert first.text.endswith(item.text) and variable.text == item.id


def test_numbers_table(document: Document) -> None:
    lines = texts(document)
    assert "HLEspend" in lines
    table = next(t for t in document.tables if t.rows[0].cells[0].paragraphs[-1].text == "HLEspend1718")
    assert table.rows[0].cells[0].paragraphs[0].text == "(a) April 2017 – March 2018"
    assert table.rows[0].cells[1].text == "Numeric <range 0-10,000,000> £ or: Don't know (-8) / Not available (-9)"


def test_piping_and_routed_section(tmp_path: Path) -> None:
    questionnaire, problems = read_text(
        textwrap.dedent(
            """
            survey: t
            version: v1
            title: Small
            sections:
              - id: a
                title: First
                questions:
                  - id: Conf
                    type: single
                    text: How confident?
                    options: {1: Very, 2: Not at all}
              - id: b
                title: Second
                ask_if: Conf = 1
                questions:
                  - id: Why
                    type: text
                    max_length: 20
                    text: Why are you {Conf} confident?
            """
        )
    )
    assert questionnaire is not None and not problems
    render_docx(questionnaire, tmp_path / "small.docx")
    document = docx.Document(str(tmp_path / "small.docx"))
    lines = texts(document)
    assert lines[lines.index("Section 2: Second") + 1] == "Ask if Conf is 1 (Very)"
    assert "Why are you [answer at Conf] confident?" in lines
    assert "Open <20 characters>" in lines
    assert "Base: All respondents where Conf is 1 (Very)" in lines
