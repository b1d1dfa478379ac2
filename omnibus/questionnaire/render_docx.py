"""The printed questionnaire as a Word document (python-docx), with the content of the text copy.

Sections are Heading 1, sub-headings Heading 2; routing lines are italic and variable names
bold; grids and numeric sets are Word tables. A question's routing, name and text are kept
with the next paragraph so that a page break never separates a question from its routing.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.shared import Pt
from docx.text.paragraph import Paragraph

from omnibus.questionnaire.kinds import kind_of
from omnibus.questionnaire.model import Questionnaire
from omnibus.questionnaire.printed import (
    PrintedSection,
    bold_spans,
    paragraphs,
    printed_menu,
    printed_sections,
)
from omnibus.questionnaire.printed_parts import PrintedQuestion

TABLE_STYLE = "Table Grid"
BOX = "☐"


def render_docx(questionnaire: Questionnaire, path: Path) -> None:
    """Write the printed questionnaire to `path` as a .docx file."""
    document = Document()
    document.core_properties.title = questionnaire.title
    document.add_heading(questionnaire.title, level=0)
    _add_text(document, questionnaire.introduction)
    _add_menu(document, questionnaire)
    for section in printed_sections(questionnaire):
        add_section(document, section)
    document.save(str(path))


def _add_text(document: DocumentObject, text: str | None, keep: bool = False) -> None:
    """Paragraphs of a text; "- " lists become bulleted paragraphs."""
    for block in paragraphs(text):
        lines = block.split("\n")
        if all(line.startswith("- ") for line in lines):
            for line in lines:
                _paragraph(document, line[2:], style="List Bullet", keep=keep)
        else:
            _paragraph(document, block, keep=keep)


def _paragraph(
    document: DocumentObject,
    text: str,
    style: str | None = None,
    bold: bool = False,
    italic: bool = False,
    keep: bool = False,
) -> Paragraph:
    """A paragraph whose `**bold**` marks become bold runs."""
    paragraph = document.add_paragraph(style=style)
    for span, span_bold in bold_spans(text):
        run = paragraph.add_run(span)
        run.bold = bold or span_bold
        run.italic = italic
    paragraph.paragraph_format.keep_with_next = keep
    return paragraph


def _add_menu(document: DocumentObject, questionnaire: Questionnaire) -> None:
    menu = printed_menu(questionnaire)
    if menu is None:
        return
    _paragraph(document, menu.id, bold=True, keep=True)
    _paragraph(document, menu.text, keep=True)
    _add_text(document, menu.hint, keep=True)
    for line in menu.options:
        _paragraph(document, line)


def add_section(document: DocumentObject, section: PrintedSection) -> None:
    """One section: a Heading 1, its routing (italic), intro and questions."""
    document.add_heading(section.title, level=1)
    if section.routing:
        _paragraph(document, section.routing, italic=True)
    _add_text(document, section.intro)
    for question in section.questions:
        add_question(document, question)


def add_question(document: DocumentObject, question: PrintedQuestion) -> None:
    """One question in Appendix 2's order: routing, variable, preamble, text, answers, note, base."""
    if question.heading:
        document.add_heading(question.heading, level=2)
    _paragraph(document, question.routing, italic=True, keep=True)
    _paragraph(document, question.id, bold=True, keep=True)
    _add_text(document, question.preamble, keep=True)
    _add_text(document, question.text, keep=True)
    for line in question.instructions:
        _paragraph(document, line, keep=True)
    if question.feed:
        _paragraph(document, question.feed, keep=bool(question.options))
    for index, line in enumerate(question.options):
        _paragraph(document, line, keep=index < len(question.options) - 1)
    kind = kind_of(question)
    if kind.scale:
        _grid_table(document, question)
    if kind.has_items and kind.numeric:
        _numbers_table(document, question)
    for line in (question.answer, question.note):
        if line:
            _paragraph(document, line)
    if question.base:
        _paragraph(document, question.base, italic=True)


def _grid_table(document: DocumentObject, question: PrintedQuestion) -> None:
    table = document.add_table(rows=1, cols=len(question.scale) + 1)
    table.style = TABLE_STYLE
    for cell, label in zip(table.rows[0].cells[1:], question.scale, strict=True):
        _cell_text(cell, label, bold=True)
    for item in question.items:
        cells = table.add_row().cells
        _item_cell(cells[0], item.letter, item.text, item.variable, item.routing)
        for cell in cells[1:]:
            _cell_text(cell, BOX)


def _numbers_table(document: DocumentObject, question: PrintedQuestion) -> None:
    table = document.add_table(rows=0, cols=2)
    table.style = TABLE_STYLE
    for item in question.items:
        cells = table.add_row().cells
        _item_cell(cells[0], item.letter, item.text, item.variable, item.routing)
        _cell_text(cells[1], item.answer or "")


def _item_cell(cell, letter: str, text: str, variable: str, routing: str | None) -> None:  # noqa: ANN001
    # The variable goes under the item text, in bold, rather than in a column of its own:
    # grids with six scale points leave no room for another column.
    paragraph = cell.paragraphs[0]
    paragraph.add_run(f"{letter} {text}")
    if routing:
        paragraph.add_run(f" ({routing})").italic = True
    variable_run = cell.add_paragraph().add_run(variable)
    variable_run.bold = True
    variable_run.font.size = Pt(8)


def _cell_text(cell, text: str, bold: bool = False) -> None:  # noqa: ANN001
    run = cell.paragraphs[0].add_run(text)
    run.bold = bold
