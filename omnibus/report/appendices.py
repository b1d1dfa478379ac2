"""Appendix 1 (the response profile) and Appendix 2 (the questionnaire as printed).

Appendix 1 is `omnibus.analysis.profile.response_tables` over the population's profile breakdowns:
the same Table 1 and Table 3 as the live wave page. Appendix 2
lays out the records of `omnibus.questionnaire.printed` (the same records the text, Word and
Excel copies of the questionnaire are made from) as paragraphs and unnumbered tables.
"""

from __future__ import annotations

from omnibus.analysis.conventions import number_text
from omnibus.analysis.dataset import Dataset
from omnibus.analysis.profile import PROFILE_HEADINGS, profile_cells, profile_notes, response_tables
from omnibus.analysis.spec import Breakdown
from omnibus.questionnaire.kinds import kind_of
from omnibus.questionnaire.printed import paragraphs, plain, printed_menu, printed_sections
from omnibus.questionnaire.printed_parts import PrintedQuestion
from omnibus.report.document import Chapter, DataTable, Paragraph


def profile_appendix(dataset: Dataset, breakdowns: list[Breakdown], units: str) -> Chapter:
    """Appendix 1: response by section again, then who took part against the population, attribute by attribute."""
    response = response_tables(dataset, breakdowns)
    chapter = Chapter("Appendix 1 – Response profile", appendix=True, key="appendix-1")
    chapter.blocks.append(
        Paragraph(
            f"The survey was a census: all {dataset.population_size} {units} were invited to take part. "
            f"{response.complete} completed every section and {response.partial} completed some, so "
            f"{response.took_part} took part: a response rate of {number_text(response.rate)} per cent."
        )
    )
    rows = [[r.title, str(r.complete), str(r.partial), f"{r.rate_text}%"] for r in response.sections]
    chapter.blocks.append(
        DataTable(
            f"{dataset.display_name}: response rate by questionnaire section",
            ["Section", "Complete responses (n)", "Partial responses (n)", "Response rate"],
            rows,
            source="response",
        )
    )
    if not response.profile:
        chapter.blocks.append(Paragraph("No frame attributes were given for a response profile.", style="note"))
        return chapter
    chapter.blocks.append(
        Paragraph(
            "The tables below compare, for each attribute of the population frame, the units that took part with "
            "the whole population; a chi-square test of the units that took part against those that did not says "
            "whether response depended on the attribute, and a model of all the attributes together follows."
        )
    )
    for block in response.profile:
        chapter.blocks.append(
            DataTable(
                f"Response profile: {block.label}",  # the attribute as its population declares it
                [block.label, *PROFILE_HEADINGS],
                profile_cells(block),
                profile_notes(block),
                source=f"profile:{block.name}",
            )
        )
    if response.model is not None:
        for line in response.model.describe():
            chapter.blocks.append(Paragraph(line, style="note"))
    return chapter


def questionnaire_appendix(dataset: Dataset) -> Chapter:
    """Appendix 2: the questionnaire, printed as Appendix 2 of the seed report prints it."""
    questionnaire = dataset.questionnaire
    chapter = Chapter("Appendix 2 – Questionnaire", appendix=True, key="appendix-2")
    chapter.blocks.extend(text_blocks(questionnaire.introduction))
    menu = printed_menu(questionnaire)
    if menu is not None:
        chapter.blocks.append(Paragraph(menu.id, style="variable"))
        chapter.blocks.append(Paragraph(menu.text))
        chapter.blocks.extend(Paragraph(line) for line in menu.options)
    for section in printed_sections(questionnaire):
        part = Chapter(section.title, key=f"questionnaire-{section.id}")
        if section.routing:
            part.blocks.append(Paragraph(section.routing, style="routing"))
        part.blocks.extend(text_blocks(section.intro))
        for question in section.questions:
            part.blocks.extend(question_blocks(question))
        chapter.blocks.append(part)
    return chapter


def text_blocks(text: str | None) -> list[Paragraph]:
    """Paragraphs of a questionnaire text; a list of "- " lines becomes one paragraph per item."""
    out = []
    for block in paragraphs(text):
        lines = block.split("\n")
        if all(line.startswith("- ") for line in lines):
            out.extend(Paragraph(plain(line[2:]), style="option") for line in lines)
        else:
            out.append(Paragraph(plain(block)))
    return out


def question_blocks(question: PrintedQuestion) -> list[Paragraph | DataTable]:
    """One printed question: routing, variable, text, answers, then the grid or numeric set as a table."""
    blocks: list[Paragraph | DataTable] = []
    if question.heading:
        blocks.append(Paragraph(question.heading, style="subheading"))
    blocks.append(Paragraph(question.routing, style="routing"))
    blocks.append(Paragraph(question.id, style="variable"))
    blocks.extend(text_blocks(question.preamble))
    blocks.extend(text_blocks(question.text))
    blocks.extend(Paragraph(line, style="note") for line in question.instructions)
    if question.feed:
        blocks.append(Paragraph(question.feed, style="note"))
    blocks.extend(Paragraph(line, style="option") for line in question.options)
    kind = kind_of(question)
    if kind.scale:
        rows = [[f"{i.letter} {i.text}" + (f" ({i.routing})" if i.routing else ""), i.variable] for i in question.items]
        blocks.append(
            DataTable(f"{question.id}: items and scale", ["Item", "Variable", *question.scale],
                      [r + ["☐"] * len(question.scale) for r in rows], numbered=False, source=question.id)
        )  # fmt: skip
    if kind.has_items and kind.numeric:
        rows = [[f"{i.letter} {i.text}", i.variable, i.answer or ""] for i in question.items]
        blocks.append(
            DataTable(f"{question.id}: items", ["Item", "Variable", "Answer"], rows, numbered=False, source=question.id)
        )
    blocks.extend(Paragraph(line, style="note") for line in (question.answer, question.note) if line)
    if question.base:
        blocks.append(Paragraph(question.base, style="routing"))
    return blocks
