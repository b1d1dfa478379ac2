"""Read and check one question's answers as a person typed them: a web page, or a cell of an import.

`read_page` turns the raw values of a submitted page (a mapping of field name to the list of
values the browser sent) into answers, or into errors worded for the respondent in the
GOV.UK style. Values no form could have sent (an unknown code, a field that does not belong
to the page) are not the respondent's mistake but a malformed request: they raise
`MalformedInput`, which the web survey answers with a 400.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from omnibus.questionnaire.model import Option, Question, Questionnaire
from omnibus.questionnaire.variables import specify_key

SPECIFY_MAX = 500  # characters of an "Other (please specify)" text
TEXT_MAX = 10_000  # an open text with no limit of its own


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


def page_fields(question: Question, questionnaire: Questionnaire, items: list[str]) -> set[str]:
    """The field names a page for this question may send."""
    if question.kind.has_items:
        return set(items)
    specify = {specify_key(question.id, o.code) for o in questionnaire.options_of(question) if o.specify}
    return {question.id} | specify if question.answerable else set()


def read_page(
    question: Question,
    questionnaire: Questionnaire,
    offered: list[Option],
    items: list[str],
    data: Mapping[str, list[str]],
) -> PageInput:
    """Check a page's raw values against the question; raise MalformedInput for impossible ones."""
    allowed = page_fields(question, questionnaire, items)
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise MalformedInput(f"fields that are not on this page: {', '.join(unknown[:5])}")
    result = PageInput()
    question.kind.read_page(question, offered, items, data, result)
    return result


def _one(data: Mapping[str, list[str]], name: str) -> str:
    values = data.get(name, [])
    if len(values) > 1:
        raise MalformedInput(f"{name} was sent more than once")
    return values[0].strip() if values else ""


def _codes(values: list[str], offered: list[Option], name: str) -> list[int]:
    known = {str(o.code): o.code for o in offered}
    codes = []
    for value in values:
        if value not in known:
            raise MalformedInput(f"{name}: {value[:20]!r} is not one of the options offered")
        if known[value] not in codes:
            codes.append(known[value])
    return codes


def read_single(question: Question, offered: list[Option], data: Mapping[str, list[str]], result: PageInput) -> None:
    """A single choice: one offered code, and the text of a chosen "please specify"."""
    value = _one(data, question.id)
    if not value:
        _missing(question, question.id, "Select an answer", result)
        return
    (code,) = _codes([value], offered, question.id)
    result.answers[question.id] = code
    _read_specify(question, offered, [code], data, result)


def read_multi(question: Question, offered: list[Option], data: Mapping[str, list[str]], result: PageInput) -> None:
    """A multiple choice: offered codes within the limits, an exclusive code on its own, specify texts."""
    codes = _codes([v for v in data.get(question.id, []) if v], offered, question.id)
    if not codes:
        _missing(question, question.id, "Select at least one option", result)
        return
    exclusive = [o for o in offered if o.exclusive and o.code in codes]
    if exclusive and len(codes) > 1:
        label = exclusive[0].label
        result.errors.append(
            FieldError(question.id, f"Select ‘{label}’ on its own, or clear it to choose other options")
        )
    elif question.max_choices is not None and len(codes) > question.max_choices:
        result.errors.append(FieldError(question.id, f"Select up to {_count_words(question.max_choices)}"))
    elif question.min_choices is not None and len(codes) < question.min_choices:
        result.errors.append(FieldError(question.id, f"Select at least {_count_words(question.min_choices)}"))
    result.answers[question.id] = codes
    _read_specify(question, offered, codes, data, result)


def _read_specify(
    question: Question, offered: list[Option], chosen: list[int], data: Mapping[str, list[str]], result: PageInput
) -> None:
    for option in offered:
        if not option.specify:
            continue
        key = specify_key(question.id, option.code)
        text = _one(data, key)
        if option.code not in chosen:
            result.answers[key] = None  # a text left behind by a cleared option goes with it
        elif not text:
            result.errors.append(FieldError(key, f"Enter what ‘{option.label}’ is"))
        elif len(text) > SPECIFY_MAX:
            result.errors.append(FieldError(key, f"‘{option.label}’ must be {SPECIFY_MAX} characters or fewer"))
        else:
            result.answers[key] = text


def read_grid(question: Question, items: list[str], data: Mapping[str, list[str]], result: PageInput) -> None:
    """A grid: a code of the scale for each asked item."""
    for item in question.items:
        if item.id not in items:
            continue
        value = _one(data, item.id)
        if not value:
            _missing(question, item.id, f"Select an answer for ‘{item.text}’", result)
            continue
        (code,) = _codes([value], question.options, item.id)
        result.answers[item.id] = code


def read_numbers(question: Question, items: list[str], data: Mapping[str, list[str]], result: PageInput) -> None:
    """A numeric set: a number in range (the item's own, else the question's) for each asked item."""
    for item in question.items:
        if item.id in items:
            low = item.min if item.min is not None else question.min
            high = item.max if item.max is not None else question.max
            _read_number(question, item.id, _one(data, item.id), low, high, result, item.text)


def read_number_question(question: Question, data: Mapping[str, list[str]], result: PageInput) -> None:
    """A single number in the question's range."""
    _read_number(question, question.id, _one(data, question.id), question.min, question.max, result)


NUMBER_TEXT = re.compile(r"^-?\d+(\.\d+)?$")


def _read_number(
    question: Question,
    key: str,
    raw: str,
    low: float | None,
    high: float | None,
    result: PageInput,
    label: str | None = None,
) -> None:
    # People type £1,500 or "1 500": the prefix, commas and spaces are not part of the number.
    text = raw.replace(",", "").replace(" ", "")
    if question.prefix:
        text = text.removeprefix(question.prefix)
    what = f" for ‘{label}’" if label else ""
    if not text:
        _missing(question, key, f"Enter a number{what}", result)
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


def read_text(question: Question, data: Mapping[str, list[str]], result: PageInput) -> None:
    """An open answer within the question's length."""
    text = _one(data, question.id).replace("\r\n", "\n")
    if not text:
        _missing(question, question.id, "Enter an answer", result)
        return
    limit = question.max_length or TEXT_MAX
    if len(text) > limit:
        result.errors.append(FieldError(question.id, f"Answer must be {limit:,} characters or fewer"))
        return
    result.answers[question.id] = text


def _missing(question: Question, key: str, message: str, result: PageInput) -> None:
    if question.required:
        result.errors.append(FieldError(key, message))
    else:
        result.answers[key] = None


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


def _count_words(n: int) -> str:
    words = {1: "one option", 2: "two options", 3: "three options", 4: "four options", 5: "five options"}
    return words.get(n, f"{n} options")
