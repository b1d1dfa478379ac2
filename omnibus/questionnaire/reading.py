"""Reading what a person typed: the result of reading a page, and the checks every kind shares.

A page's raw values are a mapping of field name to the list of values the browser sent.
Mistakes are worded for the respondent in the GOV.UK style (`FieldError`); values no form
could have sent (an unknown code, a field that does not belong to the page) are not the
respondent's mistake but a malformed request: they raise `MalformedInput`, which the web
survey answers with a 400. Each question's kind (`kinds`) reads its own answers with these;
`validation.read_page` is where the other stages ask for a page to be read.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from omnibus.questionnaire.model import Option, Question

FormData = Mapping[str, list[str]]  # a posted page: field name -> the values the browser sent
NUMBER_TEXT = re.compile(r"^-?\d+(\.\d+)?$")


class MalformedInput(ValueError):
    """Input that no form of this page could have sent."""


@dataclass
class FieldError:
    """A mistake in one field, worded for the person who made it."""

    field: str  # the answer key (or option field) the message is about
    message: str


@dataclass
class PageInput:
    """A page's answers (None clears an answer) and its errors."""

    answers: dict[str, object] = field(default_factory=dict)
    errors: list[FieldError] = field(default_factory=list)


def one_value(data: FormData, name: str) -> str:
    """The one value sent for a field ("" when none); sent more than once is malformed."""
    values = data.get(name, [])
    if len(values) > 1:
        raise MalformedInput(f"{name} was sent more than once")
    return values[0].strip() if values else ""


def offered_codes(values: list[str], offered: list[Option], name: str) -> list[int]:
    """The codes sent, each once; a code that was not offered is malformed."""
    known = {str(o.code): o.code for o in offered}
    codes = []
    for value in values:
        if value not in known:
            raise MalformedInput(f"{name}: {value[:20]!r} is not one of the options offered")
        if known[value] not in codes:
            codes.append(known[value])
    return codes


def missing(question: Question, key: str, message: str, result: PageInput) -> None:
    """An answer left empty: a mistake when the question is required, else a cleared answer."""
    if question.required:
        result.errors.append(FieldError(key, message))
    else:
        result.answers[key] = None


def read_number(
    question: Question,
    key: str,
    raw: str,
    low: float | None,
    high: float | None,
    result: PageInput,
    label: str | None = None,
) -> None:
    """A number typed for `key`, within `low` and `high`, whole when the question says so."""
    # People type £1,500 or "1 500": the prefix, commas and spaces are not part of the number.
    text = raw.replace(",", "").replace(" ", "")
    if question.prefix:
        text = text.removeprefix(question.prefix)
    what = f" for ‘{label}’" if label else ""
    if not text:
        missing(question, key, f"Enter a number{what}", result)
        return
    if not NUMBER_TEXT.match(text) or len(text) > 30:
        result.errors.append(FieldError(key, f"Enter a number{what}, like 1500"))
        return
    try:
        number = Decimal(text)
    except InvalidOperation:
        result.errors.append(FieldError(key, f"Enter a number{what}, like 1500"))
        return
    if question.integer and number != number.to_integral_value():
        result.errors.append(FieldError(key, f"Enter a whole number{what}"))
        return
    if (low is not None and number < Decimal(str(low))) or (high is not None and number > Decimal(str(high))):
        result.errors.append(FieldError(key, f"Enter a number{what} {_range_words(question, low, high)}"))
        return
    result.answers[key] = int(number) if question.integer else float(number)


def _range_words(question: Question, low: float | None, high: float | None) -> str:
    def shown(value: float) -> str:
        return (
            f"{question.prefix or ''}{value:,.0f}" if float(value).is_integer() else f"{question.prefix or ''}{value:,}"
        )

    if low is not None and high is not None:
        return f"between {shown(low)} and {shown(high)}"
    if low is not None:
        return f"of {shown(low)} or more"
    return f"of {shown(high)} or less"  # type: ignore[arg-type]
