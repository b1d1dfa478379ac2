"""The Excel copy: a workbook respondents fill in to prepare answers and share with colleagues.

A cover sheet explains the workbook; each section has a sheet with the columns
Variable | Question / item | Routing | Answer | Allowed answers. Every row with a variable
in column A holds exactly one answer in column D, so that an importer can read the answers
back by variable name; every other row (headings, question texts, statements) leaves
column A empty. Answer cells carry data validation: dropdowns for codes (their lists on a
hidden "Lists" sheet, because a list typed into a validation may not exceed 255 characters),
ranges for numbers, lengths for texts. Sheets are protected without a password so that the
variable names and questions are not changed by accident; only the Answer column is open.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import xlsxwriter
import xlsxwriter.exceptions
from xlsxwriter.utility import xl_range_abs, xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from omnibus.questionnaire.model import Item, Option, Question, Questionnaire
from omnibus.questionnaire.printed import (
    feed_line,
    instruction,
    number_text,
    option_label,
    paragraphs,
    piped,
    plain,
    printed_menu,
    printed_sections,
    value_range,
)
from omnibus.questionnaire.variables import question_variables, specify_key
from omnibus.questionnaire.wording import describe, section_line

COLUMNS = ("Variable", "Question / item", "Routing", "Answer", "Allowed answers")
WIDTHS = (16, 70, 36, 30, 44)
ANSWER_COLUMN = 3
YES = "Yes"
LISTS_SHEET = "Lists"
COVER_SHEET = "Cover"
RESERVED_NAMES = {COVER_SHEET.lower(), LISTS_SHEET.lower(), "history"}  # Excel reserves "History"
BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
MAX_SHEET_NAME = 31
MAX_MESSAGE = 255  # Excel's limit on validation messages
MAX_TITLE = 32  # and on their titles
EXCEL_MAX_TEXT = 32767  # the most characters a cell holds
NO_BOUND = 1e15  # stands in for a missing end of a numeric range


@dataclass
class ChoiceGroup:
    """The option rows of one multiple-choice question, validated together (max_choices)."""

    question: Question
    rows: list[int] = field(default_factory=list)  # worksheet rows of the option cells
    exclusive_rows: list[int] = field(default_factory=list)


@dataclass
class Row:
    """One worksheet row: an answer row when `variable` is set, else a text row."""

    text: str
    variable: str | None = None
    routing: str | None = None
    allowed: str | None = None
    validation: dict | None = None  # XlsxWriter data_validation options for the Answer cell
    style: str = "text"  # "text", "heading", "subheading", "question"
    group: ChoiceGroup | None = None
    exclusive: bool = False


def render_xlsx(questionnaire: Questionnaire, path: Path) -> None:
    """Write the Excel copy of the questionnaire to `path`."""
    workbook = xlsxwriter.Workbook(str(path))
    formats = _formats(workbook)
    cover = workbook.add_worksheet(COVER_SHEET)
    names = sheet_names([s.title for s in questionnaire.sections])
    sheets = [workbook.add_worksheet(name) for name in names]
    lists = ListSheet(workbook.add_worksheet(LISTS_SHEET))
    _write_cover(cover, questionnaire, names, formats)
    for sheet, section in zip(sheets, questionnaire.sections, strict=True):
        rows = _section_header(section.title, section_line(section, questionnaire), section.intro)
        for question in section.questions:
            rows.extend(question_rows(question, questionnaire, lists))
        _write_rows(sheet, rows, formats)
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


# -- the hidden lists sheet -----------------------------------------------------------------


class ListSheet:
    """The hidden sheet holding dropdown lists, one column per distinct list."""

    def __init__(self, sheet: Worksheet) -> None:
        self.sheet = sheet
        self.columns: dict[tuple[str, ...], str] = {}

    def source(self, name: str, values: list[str]) -> str:
        """The range formula of a list ("=Lists!$A$2:$A$5"), writing the list on first use."""
        key = tuple(values)
        if key not in self.columns:
            column = len(self.columns)
            self.sheet.write_string(0, column, name)
            for row, value in enumerate(values, start=1):
                self.sheet.write_string(row, column, value)
            self.columns[key] = f"={LISTS_SHEET}!{xl_range_abs(1, column, len(values), column)}"
        return self.columns[key]


# -- rows of a section ----------------------------------------------------------------------


def _section_header(title: str, routing: str | None, intro: str | None) -> list[Row]:
    rows = [Row(title, routing=routing, style="heading")]
    rows += [Row(text) for text in paragraphs(intro)]
    return rows


def question_rows(question: Question, questionnaire: Questionnaire, lists: ListSheet) -> list[Row]:
    """The rows of one question: a heading row, then one row per answer cell."""
    rows = [Row(question.heading, style="subheading")] if question.heading else []
    text = _question_text(question, questionnaire)
    routing = routing_words([question.ask_if], questionnaire)
    return rows + question.kind.xlsx_rows(question, questionnaire, text, routing, lists)


def _question_text(question: Question, questionnaire: Questionnaire) -> str:
    """Preamble, text and hint (piped) as one cell."""
    hint = instruction(question, questionnaire)
    parts = [piped(question.preamble, questionnaire), piped(question.text, questionnaire), hint]
    return plain("\n\n".join(part for part in parts if part))


def routing_words(conditions: list[str | None], questionnaire: Questionnaire) -> str:
    """The routing line of an answer row: "Ask all", or "Ask if …" for all its conditions together."""
    present = [c for c in conditions if c]
    if not present:
        return "Ask all"
    expression = present[0] if len(present) == 1 else " and ".join(f"({c})" for c in present)
    return f"Ask if {describe(expression, questionnaire)}"


def _code_list(options: list[Option]) -> list[str]:
    return [f"{o.code}. {option_label(o)}" for o in options]


def text_rows(question: Question, text: str, routing: str) -> list[Row]:
    """An open question's one row, with its length check."""
    validation, allowed = _text_validation(question)
    return [Row(text, question.id, routing, allowed, validation, style="question")]


def number_rows(question: Question, text: str, routing: str) -> list[Row]:
    """A numeric question's one row, with its range check."""
    validation, allowed = _number_validation(question, None)
    return [Row(text, question.id, routing, allowed, validation, style="question")]


def single_rows(question: Question, q: Questionnaire, text: str, routing: str, lists: ListSheet) -> list[Row]:
    """A single choice's row, with a drop-down of its codes, then its "please specify" rows."""
    options = q.options_of(question)
    labels = _code_list(options)
    allowed = "\n".join(filter(None, [feed_line(question, q), *labels]))
    row = Row(text, question.id, routing, allowed, _list_validation(question.id, labels, lists), style="question")
    return [row, *_specify_rows(question, q, options)]


def multi_rows(question: Question, q: Questionnaire, text: str, routing: str) -> list[Row]:
    """A multiple choice's question row, a Yes cell per option, then its "please specify" rows."""
    options = q.options_of(question)
    flags = [v for v in question_variables(question, q) if v.kind == "flag"]
    group = ChoiceGroup(question) if question.max_choices else None
    rows = [Row(text, routing=routing, allowed=feed_line(question, q), style="question")]
    for option, variable in zip(options, flags, strict=True):
        allowed = "Yes, or leave blank" + ("; only on its own" if option.exclusive else "")
        conditions = [question.ask_if, _fed_condition(question, option)]
        rows.append(
            Row(
                f"{option.code}. {option_label(option)}",
                variable.name,
                routing_words(conditions, q),
                allowed,
                None if group else _yes_validation(),
                group=group,
                exclusive=option.exclusive,
            )
        )
    return rows + _specify_rows(question, q, options)


def _fed_condition(question: Question, option: Option) -> str | None:
    """For a fed-through option, the condition under which it is offered."""
    feed = question.options_from
    if feed is None or question.option(option.code) is not None:
        return None  # the question's own option: always offered
    chosen = f"chosen({feed.question}, {option.code})"
    return chosen if feed.chosen else f"not {chosen}"


def _specify_rows(question: Question, q: Questionnaire, options: list[Option]) -> list[Row]:
    # After all the option rows, so that a max_choices count over the option cells never counts a text.
    rows = []
    for option in (o for o in options if o.specify):
        condition = f"chosen({question.id}, {option.code})"
        rows.append(
            Row(
                f"{option.code}. {option_label(option)}: please say what",
                specify_key(question.id, option.code),
                routing_words([question.ask_if, condition], q),
                "Text",
                _message_only("Please specify", f"Type the answer for '{option.label}'."),
            )
        )
    return rows


def grid_rows(question: Question, q: Questionnaire, text: str, lists: ListSheet) -> list[Row]:
    """A grid's question row (its scale), then a row per item with a drop-down of the scale."""
    labels = _code_list(q.options_of(question))
    rows = [Row(text, routing=routing_words([question.ask_if], q), allowed="\n".join(labels), style="question")]
    for item in question.items:
        rows.append(
            Row(
                piped(item.text, q) or "",
                item.id,
                routing_words([question.ask_if, item.ask_if], q),
                "One of the answers above (choose from the list)",
                _list_validation(item.id, labels, lists),
            )
        )
    return rows


def numbers_rows(question: Question, q: Questionnaire, text: str) -> list[Row]:
    """A numeric set's question row, then a number row per item with its range check."""
    rows = [Row(text, routing=routing_words([question.ask_if], q), style="question")]
    for item in question.items:
        validation, allowed = _number_validation(question, item)
        routing = routing_words([question.ask_if, item.ask_if], q)
        rows.append(Row(piped(item.text, q) or "", item.id, routing, allowed, validation))
    return rows


# -- validations ----------------------------------------------------------------------------


def _fit(text: str, limit: int, fallback: str | None = None) -> str:
    """A message within Excel's limit: the fallback when too long, else cut short."""
    if len(text) <= limit:
        return text
    if fallback is not None and len(fallback) <= limit:
        return fallback
    return text[: limit - 1] + "…"


def _messages(title: str, input_message: str, error_message: str, short_error: str | None = None) -> dict:
    return {
        "input_title": _fit(title, MAX_TITLE),
        "input_message": _fit(input_message, MAX_MESSAGE),
        "error_title": "Answer not allowed",
        "error_message": _fit(error_message, MAX_MESSAGE, short_error),
    }


def _list_validation(name: str, labels: list[str], lists: ListSheet) -> dict:
    listed = "; ".join(labels)
    return {
        "validate": "list",
        "source": lists.source(name, labels),
        **_messages(
            "Choose one",
            f"Choose one from the list: {listed}",
            f"Choose one of: {listed}",
            f"Choose one of the {len(labels)} answers in the dropdown list.",
        ),
    }


def _yes_validation() -> dict:
    return {
        "validate": "list",
        "source": [YES],
        **_messages("Yes or blank", "Choose Yes if this applies; leave blank if not.", 'Only "Yes" is allowed here.'),
    }


def _group_validation(group: ChoiceGroup) -> dict:
    """A custom rule over a multiple choice's option cells: "Yes" only, at most N, exclusives alone."""
    first, last = group.rows[0], group.rows[-1]
    cells = xl_range_abs(first, ANSWER_COLUMN, last, ANSWER_COLUMN)
    top = xl_rowcol_to_cell(first, ANSWER_COLUMN)  # relative: Excel shifts it for each cell
    n = group.question.max_choices
    rules = [f'{top}="{YES}"', f"COUNTA({cells})<={n}"]
    for row in group.exclusive_rows:
        rules.append(f'OR(COUNTA({cells})=1,{xl_rowcol_to_cell(row, ANSWER_COLUMN, True, True)}="")')
    exclusive = " An answer marked 'only on its own' cannot be chosen with another." if group.exclusive_rows else ""
    return {
        "validate": "custom",
        "value": f"=AND({','.join(rules)})",
        **_messages(
            f"Yes or blank (up to {n})",
            f"Type Yes beside each option that applies, up to {n} options.{exclusive}",
            f'Only "Yes" is allowed, and at most {n} options may be chosen.{exclusive}',
        ),
    }


def _number_validation(question: Question, item: Item | None) -> tuple[dict, str]:
    """The validation and the Allowed answers words of a numeric answer (a question's, or a set's item)."""
    low, high = value_range(question, item)
    kind = "whole number" if question.integer else "number"
    words = f"{kind.capitalize()}{_range_words(low, high, question.prefix, question.suffix)}"
    if low is not None and high is not None:
        bounds = {"criteria": "between", "minimum": low, "maximum": high}
    elif low is not None:
        bounds = {"criteria": ">=", "value": low}
    elif high is not None:
        bounds = {"criteria": "<=", "value": high}
    else:
        bounds = {"criteria": "between", "minimum": -NO_BOUND, "maximum": NO_BOUND}
    validation = {
        "validate": "integer" if question.integer else "decimal",
        **bounds,
        **_messages("Number", f"{words}.", f"Enter a {words[0].lower()}{words[1:]}."),
    }
    return validation, words


def _range_words(low: float | None, high: float | None, prefix: str | None, suffix: str | None) -> str:
    """A range in words, to follow "Whole number": ", £0 to £10,000,000" or ", 0 to 10,000 children"."""

    def amount(value: float) -> str:
        return f"{prefix or ''}{number_text(value)}"

    unit = f" {suffix}" if suffix else ""
    if low is not None and high is not None:
        return f", {amount(low)} to {amount(high)}{unit}"
    if low is not None:
        return f", at least {amount(low)}{unit}"
    if high is not None:
        return f", at most {amount(high)}{unit}"
    return f" ({prefix or ''}{suffix or ''})" if prefix or suffix else ""


def _text_validation(question: Question) -> tuple[dict, str]:
    limit = question.max_length or EXCEL_MAX_TEXT
    words = f"Text, up to {limit:,} characters"
    validation = {
        "validate": "length",
        "criteria": "<=",
        "value": limit,
        **_messages("Text", f"{words}.", f"The answer must be {limit:,} characters or fewer."),
    }
    return validation, words


def _message_only(title: str, message: str) -> dict:
    # "any" checks nothing but still shows the input message when the cell is selected.
    return {"validate": "any", "input_title": _fit(title, MAX_TITLE), "input_message": _fit(message, MAX_MESSAGE)}


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
        sheet.data_validation(first, ANSWER_COLUMN, last, ANSWER_COLUMN, _group_validation(group))
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
            sheet.data_validation(number, ANSWER_COLUMN, number, ANSWER_COLUMN, row.validation)


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
    for section, name in zip(printed_sections(q), names, strict=True):
        row += 1
        routing = f" ({section.routing})" if section.routing else ""
        sheet.write_url(row, 0, f"internal:'{name}'!A1", formats["link"], f"{section.title}{routing}")
    sheet.protect("", {"format_columns": True, "format_rows": True})


HOW_TO = (
    "Type or choose each answer in the yellow Answer column of the section sheets; nothing else can be changed.",
    "There is one sheet per section of the questionnaire. You can share the workbook with colleagues so that "
    "each answers the sections they know about.",
    "The Routing column says which questions apply: 'Ask all' questions apply to every authority; leave an answer "
    "blank when its 'Ask if …' line does not apply to you.",
    "For 'select all that apply' questions, choose Yes beside each option that applies and leave the others blank.",
    "The Allowed answers column lists the codes, ranges and lengths accepted; Excel will refuse other answers.",
    "Please do not add, remove or move rows: the answers are read back from this workbook by their variable names.",
)
