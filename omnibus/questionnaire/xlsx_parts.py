"""The parts of the Excel copy that each kind builds its rows from: rows, lists and answer-cell validations.

`render_xlsx` lays out the workbook and asks each question's kind (`kinds`) for the rows of
its answer cells; a kind builds them from these. Every row with a variable holds exactly one
answer cell, whose validation is one of those below: dropdowns for codes (their lists on a
hidden sheet, because a list typed into a validation may not exceed 255 characters), ranges
for numbers, lengths for texts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from xlsxwriter.utility import xl_range_abs, xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from omnibus.questionnaire.model import Item, Option, Question
from omnibus.questionnaire.printed_parts import number_text, option_words, value_range

ANSWER_COLUMN = 3
YES = "Yes"
LISTS_SHEET = "Lists"
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


class Wording(Protocol):
    """How the Excel copy words a row's text and routing (`render_xlsx` knows the questionnaire's wording)."""

    def piped(self, text: str) -> str:
        """A text with each `{Id}` printed as "[answer at Id]"."""

    def routing(self, conditions: list[str | None]) -> str:
        """When a row applies, in the respondent's words: "Answer only if …", or nothing for everyone."""

    def option(self, option: Option) -> str:
        """An option's label as the respondent reads it (no interviewer notation)."""

    def feed(self, question: Question) -> str | None:
        """Which options of a fed-through question apply, in words (None when it has no feed)."""


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


def code_list(options: list[Option]) -> list[str]:
    """Options as listed in a dropdown and in Allowed answers: "1. Very confident"."""
    return [f"{o.code}. {option_words(o)}" for o in options]


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


def list_validation(name: str, labels: list[str], lists: ListSheet) -> dict:
    """A dropdown of labels, its list written on the hidden sheet."""
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


def yes_validation() -> dict:
    """A multiple choice's option cell on its own: "Yes" or blank."""
    return {
        "validate": "list",
        "source": [YES],
        **_messages("Yes or blank", "Choose Yes if this applies; leave blank if not.", 'Only "Yes" is allowed here.'),
    }


def group_validation(group: ChoiceGroup) -> dict:
    """A custom rule over a multiple choice's option cells: "Yes" only, at most N, exclusives alone."""
    first, last = group.rows[0], group.rows[-1]
    cells = xl_range_abs(first, ANSWER_COLUMN, last, ANSWER_COLUMN)
    top = xl_rowcol_to_cell(first, ANSWER_COLUMN)  # relative: Excel shifts it for each cell
    n = group.question.max_choices
    rules = [f'{top}="{YES}"'] + ([f"COUNTA({cells})<={n}"] if n is not None else [])
    for row in group.exclusive_rows:
        rules.append(f'OR(COUNTA({cells})=1,{xl_rowcol_to_cell(row, ANSWER_COLUMN, True, True)}="")')
    exclusive = " An answer marked 'only on its own' cannot be chosen with another." if group.exclusive_rows else ""
    if n is None:  # a grid row with an exclusive option and no limit of its own
        return {
            "validate": "custom",
            "value": f"=AND({','.join(rules)})",
            **_messages(
                "Yes or blank",
                f"Type Yes beside each option that applies.{exclusive}",
                f'Only "Yes" is allowed.{exclusive}',
            ),
        }
    return {
        "validate": "custom",
        "value": f"=AND({','.join(rules)})",
        **_messages(
            f"Yes or blank (up to {n})",
            f"Type Yes beside each option that applies, up to {n} options.{exclusive}",
            f'Only "Yes" is allowed, and at most {n} options may be chosen.{exclusive}',
        ),
    }


def number_validation(question: Question, item: Item | None) -> tuple[dict, str]:
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
    if question.unavailable:
        return _number_or_box(question, low, high, words)
    return validation, words


CELL = "{cell}"  # stands for the answer cell in a custom rule; `render_xlsx` puts the cell's address in


def _number_or_box(question: Question, low: float | None, high: float | None, words: str) -> tuple[dict, str]:
    """A number in range, or the label of one of its "Don't know" boxes typed in the cell."""
    number = [f"ISNUMBER({CELL})"]
    number += [f"{CELL}>={_formula_number(low)}"] if low is not None else []
    number += [f"{CELL}<={_formula_number(high)}"] if high is not None else []
    number += [f"INT({CELL})={CELL}"] if question.integer else []
    boxes = [f'{CELL}="{o.label.replace(chr(34), chr(34) * 2)}"' for o in question.unavailable]
    labels = " or ".join(f'"{o.label}"' for o in question.unavailable)
    words = f"{words}; or type {labels}"
    validation = {
        "validate": "custom",
        "value": f"=OR(AND({','.join(number)}),{','.join(boxes)})",
        **_messages("Number", f"{words}.", f"Enter a {words[0].lower()}{words[1:]}."),
    }
    return validation, words


def _formula_number(value: float) -> str:
    """A bound as a formula writes it: 10000000, not 1e+07."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


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


def text_validation(question: Question) -> tuple[dict, str]:
    """The validation and the Allowed answers words of an open answer: its length."""
    limit = question.max_length or EXCEL_MAX_TEXT
    words = f"Text, up to {limit:,} characters"
    validation = {
        "validate": "length",
        "criteria": "<=",
        "value": limit,
        **_messages("Text", f"{words}.", f"The answer must be {limit:,} characters or fewer."),
    }
    return validation, words


def message_only(title: str, message: str) -> dict:
    """No check, only a message shown when the cell is selected."""
    # "any" checks nothing but still shows the input message when the cell is selected.
    return {"validate": "any", "input_title": _fit(title, MAX_TITLE), "input_message": _fit(message, MAX_MESSAGE)}


def date_row(question: Question, routing: str) -> Row:
    """The row of the date a number's figure relates to: a date cell, from the earliest date to today."""
    as_at = question.as_at
    assert as_at is not None
    when = "Leave blank if the figure is for" if as_at.ask != "always" else "The figure was asked for"
    default = f"{as_at.default.day} {as_at.default:%B %Y}"
    bound = f"{as_at.bound.day} {as_at.bound:%B %Y}"
    words = f"A date from {bound} to today. {when} {default}."
    validation = {
        "validate": "date",
        "criteria": "between",
        "minimum": as_at.bound,
        "maximum": "=TODAY()",
        **_messages("Date", words, f"Enter a date from {bound} to today."),
    }
    return Row("The date the figures relate to", f"{question.id}_date", routing, words, validation)
