"""The Excel copy: a workbook respondents fill in to prepare answers and share with colleagues.

A cover sheet explains the workbook; each section has a sheet with the columns
Variable | Question / item | Routing | Answer | Allowed answers. Every row with a variable
in column A holds exactly one answer in column D, so that an importer can read the answers
back by variable name; every other row (headings, question texts, statements) leaves
column A empty. Answer cells carry data validation: dropdowns for codes (their lists on a
hidden "Lists" sheet, because a list typed into a validation may not exceed 255 characters),
ranges for numbers, lengths for texts. Sheets are protected without a password so that the
variable names and questions are not changed by accident; only the Answer column is open.
Each question's kind (`kinds`) builds the rows of its answer cells from the parts in `xlsx_parts`.
"""

from __future__ import annotations

import re
from pathlib import Path

import xlsxwriter
import xlsxwriter.exceptions
from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from omnibus.questionnaire.kinds import kind_of
from omnibus.questionnaire.model import Option, Question, Questionnaire, Section
from omnibus.questionnaire.numbering import number_of, numbered
from omnibus.questionnaire.printed import (
    instruction,
    paragraphs,
    piped,
    plain,
    printed_menu,
    section_numbers,
)
from omnibus.questionnaire.respondent_wording import RespondentWording
from omnibus.questionnaire.xlsx_checks import write_checks
from omnibus.questionnaire.xlsx_parts import (
    ANSWER_COLUMN,
    CELL,
    LISTS_SHEET,
    ChoiceGroup,
    ListSheet,
    Row,
    group_validation,
)

COLUMNS = ("Variable", "Question / item", "Routing", "Answer", "Allowed answers")
WIDTHS = (16, 70, 36, 30, 44)
COVER_SHEET = "Cover"
RESERVED_NAMES = {COVER_SHEET.lower(), LISTS_SHEET.lower(), "history"}  # Excel reserves "History"
BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
MAX_SHEET_NAME = 31


def render_xlsx(questionnaire: Questionnaire, path: Path) -> None:
    """Write the Excel copy of the questionnaire to `path`."""
    workbook = xlsxwriter.Workbook(str(path))
    formats = _formats(workbook)
    cover = workbook.add_worksheet(COVER_SHEET)
    names = sheet_names([s.title for s in questionnaire.sections])
    sheets = [workbook.add_worksheet(name) for name in names]
    lists = ListSheet(workbook.add_worksheet(LISTS_SHEET))
    _write_cover(cover, questionnaire, names, formats)
    cells: dict[str, str] = {}  # answer key -> its answer cell, for the Checks sheet's formulas
    words = SheetWording(questionnaire)
    for sheet, section in zip(sheets, questionnaire.sections, strict=True):
        rows = _section_header(section.title, words.section(section), section.intro)
        for question in section.questions:
            rows.extend(question_rows(question, questionnaire, lists, words))
        _write_rows(sheet, rows, formats)
        quoted = sheet.name.replace("'", "''")
        cells.update(
            {
                r.variable: f"'{quoted}'!{xl_rowcol_to_cell(n, ANSWER_COLUMN, True, True)}"
                for n, r in enumerate(rows, 1)
                if r.variable
            }
        )
    write_checks(workbook, questionnaire, cells, formats)
    lists.sheet.hide()
    try:
        workbook.close()
    except xlsxwriter.exceptions.FileCreateError as error:
        # Callers handle a file that cannot be written as they do any other OSError.
        raise OSError(str(error)) from error


# -- sheet names ----------------------------------------------------------------------------


def sheet_names(titles: list[str]) -> list[str]:
    """Valid, distinct sheet names made from section titles (≤31 characters, none of []:*?/\\)."""
    used = set(RESERVED_NAMES)
    names = []
    for index, title in enumerate(titles, start=1):
        name = _shorten(BAD_SHEET_CHARS.sub(" ", title)) or f"Section {index}"
        name = _distinct(name, used)
        used.add(name.lower())
        names.append(name)
    return names


def _shorten(name: str) -> str:
    name = " ".join(name.split())
    if len(name) > MAX_SHEET_NAME:
        cut = name[: MAX_SHEET_NAME + 1]
        # Cut at a word boundary, so "Special Educational Needs & Disability" stays readable.
        name = cut.rsplit(" ", 1)[0] if " " in cut else name[:MAX_SHEET_NAME]
    # Excel refuses a name starting or ending with an apostrophe; "&" or "-" dangling at the end reads badly.
    return name.strip(" '&-,;").lstrip("'")


def _distinct(name: str, used: set[str]) -> str:
    candidate, number = name, 2
    while candidate.lower() in used:
        suffix = f" ({number})"
        candidate = name[: MAX_SHEET_NAME - len(suffix)].rstrip() + suffix
        number += 1
    return candidate


# -- rows of a section ----------------------------------------------------------------------


def _section_header(title: str, routing: str | None, intro: str | None) -> list[Row]:
    rows = [Row(title, routing=routing, style="heading")]
    rows += [Row(text) for text in paragraphs(intro)]
    return rows


def question_rows(
    question: Question, questionnaire: Questionnaire, lists: ListSheet, words: SheetWording | None = None
) -> list[Row]:
    """The rows of one question: a heading row, then one row per answer cell."""
    words = words or SheetWording(questionnaire)
    words.respondent.current = question  # "above" in routing words means this question or the one before
    rows = [Row(question.heading, style="subheading")] if question.heading else []
    text = _question_text(question, questionnaire)
    return rows + kind_of(question).xlsx_rows(question, questionnaire, text, words, lists)


def _question_text(question: Question, questionnaire: Questionnaire) -> str:
    """Preamble, text and hint (piped) as one cell."""
    hint = instruction(question, questionnaire)
    text = numbered(number_of(questionnaire, question.id), piped(question.text, questionnaire) or "")
    parts = [piped(question.preamble, questionnaire), text, hint]
    return plain("\n\n".join(part for part in parts if part))


class SheetWording:
    """How the Excel copy words a kind's rows for respondents: piped text, and routing and options in plain words.

    The interviewer's notation ("Ask if …", "[exclusive]", "<Feed through …>") stays in the
    researcher's printed copy (text, Word).
    """

    def __init__(self, questionnaire: Questionnaire) -> None:
        self.questionnaire = questionnaire
        self.respondent = RespondentWording(questionnaire)

    def piped(self, text: str) -> str:
        """A text with each `{Id}` printed as "[answer at Id]"."""
        return piped(text, self.questionnaire) or ""

    def routing(self, conditions: list[str | None]) -> str:
        """ "Answer only if …" for all the row's conditions together, or nothing when it applies to everyone."""
        return self.respondent.condition(conditions)

    def option(self, option: Option) -> str:
        """An option's label as the respondent reads it."""
        return self.respondent.option(option)

    def feed(self, question: Question) -> str | None:
        """Which options of a fed-through question apply."""
        return self.respondent.feed(question)

    def section(self, section: Section) -> str | None:
        """A section's own routing, if it has any (named questions are never "above": a sheet starts here)."""
        self.respondent.current = None
        return self.respondent.section(section)


# -- writing --------------------------------------------------------------------------------


def _formats(workbook: Workbook) -> dict:
    wrap = {"text_wrap": True, "valign": "top"}
    return {
        "header": workbook.add_format({**wrap, "bold": True, "bg_color": "#1F4E79", "font_color": "#FFFFFF"}),
        "text": workbook.add_format(wrap),
        "question": workbook.add_format({**wrap, "bold": True}),
        "heading": workbook.add_format({**wrap, "bold": True, "font_size": 14}),
        "subheading": workbook.add_format({**wrap, "bold": True, "font_size": 12, "bg_color": "#DDEBF7"}),
        "routing": workbook.add_format({**wrap, "italic": True, "font_color": "#595959"}),
        "answer": workbook.add_format(
            {**wrap, "locked": False, "bg_color": "#FFF2CC", "border": 1, "border_color": "#BF9000"}
        ),
        "title": workbook.add_format({"bold": True, "font_size": 16}),
        "link": workbook.add_format({"font_color": "#0563C1", "underline": 1}),
    }


def _write_rows(sheet: Worksheet, rows: list[Row], formats: dict) -> None:
    for column, (name, width) in enumerate(zip(COLUMNS, WIDTHS, strict=True)):
        sheet.set_column(column, column, width, formats["text"])
        sheet.write_string(0, column, name, formats["header"])
    sheet.freeze_panes(1, 0)
    groups: dict[int, ChoiceGroup] = {}
    for number, row in enumerate(rows, start=1):
        _write_row(sheet, number, row, formats)
        if row.group is not None:
            row.group.rows.append(number)
            if row.exclusive:
                row.group.exclusive_rows.append(number)
            groups[id(row.group)] = row.group
    for group in groups.values():
        first, last = group.rows[0], group.rows[-1]
        sheet.data_validation(first, ANSWER_COLUMN, last, ANSWER_COLUMN, group_validation(group))
    sheet.protect("", {"format_columns": True, "format_rows": True})


def _write_row(sheet: Worksheet, number: int, row: Row, formats: dict) -> None:
    text_format = formats["question" if row.style == "question" else row.style]
    if row.variable:
        sheet.write_string(number, 0, row.variable, formats["text"])
    sheet.write_string(number, 1, row.text, text_format)
    if row.routing:
        sheet.write_string(number, 2, row.routing, formats["routing"])
    if row.allowed:
        sheet.write_string(number, 4, row.allowed, formats["text"])
    if row.variable:
        sheet.write_blank(number, ANSWER_COLUMN, None, formats["answer"])
        if row.validation is not None:
            sheet.data_validation(number, ANSWER_COLUMN, number, ANSWER_COLUMN, _at(row.validation, number))


def _at(validation: dict, number: int) -> dict:
    """A validation whose custom rule names its own cell (`xlsx_parts.CELL`), with that cell's address."""
    rule = validation.get("value")
    if not isinstance(rule, str) or CELL not in rule:
        return validation
    return {**validation, "value": rule.replace(CELL, xl_rowcol_to_cell(number, ANSWER_COLUMN))}


def _write_cover(sheet: Worksheet, q: Questionnaire, names: list[str], formats: dict) -> None:
    sheet.set_column(0, 0, 110, formats["text"])
    lines: list[tuple[str, str]] = [(q.title, "title"), (f"Survey: {q.survey}    Version: {q.version}", "text")]
    lines += [(text, "text") for text in paragraphs(q.introduction)]
    lines += [("How to use this workbook", "subheading"), *[(text, "text") for text in HOW_TO]]
    menu = printed_menu(q)
    if menu is not None:
        lines += [(menu.text, "subheading"), *[(text, "text") for text in paragraphs(menu.hint)]]
    row = 0
    for text, style in lines:
        sheet.write_string(row, 0, plain(text), formats[style])
        row += 1
    row += 1
    sheet.write_string(row, 0, "Sections (one sheet each)", formats["subheading"])
    words, numbers = RespondentWording(q), section_numbers(q)
    for section, name in zip(q.sections, names, strict=True):
        row += 1
        routing = words.section(section)
        shown = f"Section {numbers[section.id]}: {section.title}" + (f" ({routing})" if routing else "")
        sheet.write_url(row, 0, f"internal:'{name}'!A1", formats["link"], shown)
    sheet.protect("", {"format_columns": True, "format_rows": True})


HOW_TO = (
    "Type or choose each answer in the yellow Answer column of the section sheets; nothing else can be changed.",
    "There is one sheet per section of the questionnaire. You can share the workbook with colleagues so that "
    "each answers the sections they know about.",
    "Answer every question that applies to you. Where the Routing column says 'Answer only if …', leave the "
    "answer blank unless that is so.",
    "For 'select all that apply' questions, choose Yes beside each option that applies and leave the others blank.",
    "The Allowed answers column lists the codes, ranges and lengths accepted; Excel will refuse other answers.",
    "Please do not add, remove or move rows: the answers are read back from this workbook by their variable names.",
)
