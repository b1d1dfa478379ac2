"""The printed questionnaire as plain text, laid out like Appendix 2 of the Wave 3 report.

Each printed element is a paragraph separated by a blank line; option lists and table rows
are kept together. Grids and numeric sets are tab-separated tables, as in the report:
item text, variable, then one "[ ]" box per scale point.
"""

from __future__ import annotations

from omnibus.questionnaire.kinds import kind_of
from omnibus.questionnaire.model import Questionnaire
from omnibus.questionnaire.printed import (
    PrintedSection,
    paragraphs,
    printed_menu,
    printed_sections,
)
from omnibus.questionnaire.printed_parts import PrintedQuestion

BOX = "[ ]"


def render_text(questionnaire: Questionnaire) -> str:
    """The whole printed questionnaire as text, ending in a newline."""
    blocks: list[str] = [questionnaire.title, *paragraphs(questionnaire.introduction)]
    blocks.extend(_menu_blocks(questionnaire))
    for section in printed_sections(questionnaire):
        blocks.extend(section_blocks(section))
    return "\n\n".join(blocks) + "\n"


def _menu_blocks(questionnaire: Questionnaire) -> list[str]:
    menu = printed_menu(questionnaire)
    if menu is None:
        return []
    return [menu.id, menu.text, *paragraphs(menu.hint), "\n".join(menu.options)]


def section_blocks(section: PrintedSection) -> list[str]:
    """The text blocks of one section: heading, routing, intro, then its questions."""
    blocks = [section.title]
    if section.routing:
        blocks.append(section.routing)
    blocks.extend(paragraphs(section.intro))
    for question in section.questions:
        blocks.extend(plain_text_blocks(question))
    return blocks


def plain_text_blocks(question: PrintedQuestion) -> list[str]:
    """The text blocks of one question, in Appendix 2's order."""
    blocks = [question.heading] if question.heading else []
    blocks += [question.routing, question.id, *paragraphs(question.preamble), *paragraphs(question.text)]
    blocks += question.instructions
    if question.feed:
        blocks.append(question.feed)
    if question.options:
        blocks.append("\n".join(question.options))
    kind = kind_of(question)
    if kind.scale:
        blocks.append(_grid_table(question))
    if kind.has_items and kind.numeric:
        blocks.append("\n".join(f"{i.letter} {i.text}\t{i.variable} {i.answer}" for i in question.items))
    blocks += [line for line in (question.answer, question.note, question.base) if line]
    return blocks


def _grid_table(question: PrintedQuestion) -> str:
    # The second column (blank in the header) holds each item's variable name.
    header = "\t\t" + "\t".join(question.scale)
    rows = []
    for item in question.items:
        text = f"{item.letter} {item.text}" + (f" ({item.routing})" if item.routing else "")
        rows.append("\t".join([text, item.variable, *[BOX] * len(question.scale)]))
    return "\n".join([header, *rows])
