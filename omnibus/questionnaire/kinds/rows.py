"""What every grid shares about its rows: a row marked "Other (please specify)", and reading row by row.

A grid row (item) with `specify: true` asks for the text of what the row is ("Other: please
say what") beside its answer. The rule, as a researcher reads such a row: it applies only to
respondents who have another one to name, so the row is optional until its text is given; once
the text is given the row's answer is required, and an answer without its text asks for the
text. The text is kept under `{item}_text` (`naming.item_specify_key`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from omnibus.questionnaire.model import Item, Question
from omnibus.questionnaire.naming import Variable, item_specify_key
from omnibus.questionnaire.reading import FieldError, FormData, PageInput, one_value
from omnibus.questionnaire.xlsx_parts import Row, Wording, message_only

SPECIFY_MAX = 500  # characters of a row's "please specify" text, as for an option's

# Reads one row's answer into a page result, under the given question's `required`; says whether
# anything was given for the row.
RowReader = Callable[[Question, Item], bool]


def read_rows(question: Question, items: list[str], data: FormData, result: PageInput, read_row: RowReader) -> None:
    """Read each asked row with `read_row`; a specify row is required only once its text is given."""
    optional = replace(question, required=False)
    for item in question.items:
        if item.id not in items:
            continue
        if not item.specify:
            read_row(question, item)
            continue
        key = item_specify_key(item.id)
        text = one_value(data, key).replace("\r\n", "\n")
        if len(text) > SPECIFY_MAX:
            result.errors.append(FieldError(key, f"‘{item.text}’ must be {SPECIFY_MAX} characters or fewer"))
            read_row(optional, item)
        elif text:
            result.answers[key] = text
            read_row(question, item)
        elif read_row(optional, item):
            result.errors.append(FieldError(key, f"Enter what ‘{item.text}’ is"))
        else:
            result.answers[key] = None


def specify_variables(question: Question) -> list[Variable]:
    """The text variable of each specify row: `{item}_text`."""
    return [
        Variable(item_specify_key(i.id), f"{question.text} {i.text}: please specify", question.id, "text", item=i.id)
        for i in question.items
        if i.specify
    ]


def specify_keys(question: Question, items: list[str] | None = None) -> list[str]:
    """The answer keys of the specify rows' texts (of the given rows only, when given)."""
    return [item_specify_key(i.id) for i in question.items if i.specify and (items is None or i.id in items)]


def xlsx_item_rows(question: Question, words: Wording, answer_rows: Callable[[Item, str, str], list[Row]]) -> list[Row]:
    """The Excel copy's rows of every grid row: its answer rows (made from its piped text and its
    routing line by `answer_rows`), then a specify row's text."""
    lines = []
    for item in question.items:
        text = words.piped(item.text)
        lines += answer_rows(item, text, words.routing([question.ask_if, item.ask_if]))
        if item.specify:
            lines.append(specify_row(question, item, text, words))
    return lines


def specify_row(question: Question, item: Item, text: str, words: Wording) -> Row:
    """The Excel copy's row for a specify row's text, after the row's answer cells."""
    return Row(
        f"{text}: please say what",
        item_specify_key(item.id),
        words.routing([question.ask_if, item.ask_if]),
        f"Text, up to {SPECIFY_MAX} characters; answer this row only if you give it",
        message_only("Please specify", f"Type what '{item.text}' is, then answer the row."),
    )


def printed_text(item: Item, text: str) -> str:
    """A row's printed text, marked when it asks what it is (unless its text says so)."""
    return text if not item.specify or "specify" in text.lower() else f"{text} (please specify)"
