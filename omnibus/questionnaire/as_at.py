"""A number with the date its figure relates to (`as_at:`): read, checked, shown and stored.

    as_at: {default: 2018-03-31, ask: when_different}            # earliest: a year before, unless given

"If you do not have figures for that date, give your latest and state which date they relate
to." The page asks the number and, under it, the date (the GOV.UK date input, three boxes);
with `ask: when_different` the date may be left blank, meaning the default date, with
`ask: always` it must be given. A date must be a real date, not in the future and not before
the earliest. The date is kept under `{id}_date` (ISO, `2018-01-31`) whenever the number is a
figure: the default when none is given, so that the dataset's `{id}_date` always says which
date a figure relates to. A "Don't know" box has no figure, and no date.
"""

from __future__ import annotations

from datetime import date

from omnibus.questionnaire.model import Question
from omnibus.questionnaire.reading import FieldError, FormData, PageInput, one_value

PARTS = ("day", "month", "year")
WHAT = "The date the figures relate to"


def date_key(question_id: str) -> str:
    """Where the date of a number's figure is kept, and its dataset variable."""
    return f"{question_id}_date"


def part_field(key: str, part: str) -> str:
    """The form field of one box of the date input: `{key}-day`, `-month`, `-year`."""
    return f"{key}-{part}"


def form_fields(question: Question) -> set[str]:
    """The date input's fields on the question's page."""
    if question.as_at is None:
        return set()
    return {part_field(date_key(question.id), part) for part in PARTS}


def long_date(value: date) -> str:
    """31 March 2018."""
    return f"{value.day} {value:%B %Y}"


def read_date(question: Question, data: FormData, result: PageInput, today: date | None = None) -> None:
    """The date a number's figure relates to, once the number has been read as a figure (not a box)."""
    as_at = question.as_at
    if as_at is None:
        return
    key = date_key(question.id)
    if not isinstance(result.answers.get(question.id), int | float) or result.answers[question.id] < 0:
        if question.id in result.answers:
            result.answers[key] = None  # a box, or no answer: no date either
        return
    typed = {part: one_value(data, part_field(key, part)) for part in PARTS}
    if not any(typed.values()):
        if as_at.ask == "always":
            result.errors.append(
                FieldError(key, f"Enter the date the figures relate to, like {as_at.default:%-d %-m %Y}")
            )
        else:
            result.answers[key] = as_at.default.isoformat()
        return
    missing = [part for part in PARTS if not typed[part]]
    if missing:
        result.errors.append(FieldError(key, f"{WHAT} must include a {' and '.join(missing)}"))
        return
    given = _real_date(typed)
    if given is None:
        result.errors.append(FieldError(key, f"{WHAT} must be a real date"))
    elif given > (today or date.today()):
        result.errors.append(FieldError(key, f"{WHAT} must be today or in the past"))
    elif given < as_at.bound:
        result.errors.append(FieldError(key, f"{WHAT} must be the same as or after {long_date(as_at.bound)}"))
    else:
        result.answers[key] = given.isoformat()


def _real_date(typed: dict[str, str]) -> date | None:
    if not all(typed[part].isdigit() for part in PARTS) or len(typed["year"]) != 4:
        return None
    try:
        return date(int(typed["year"]), int(typed["month"]), int(typed["day"]))
    except ValueError:
        return None


def stored_as_form(key: str, value: object, data: dict[str, list[str]]) -> None:
    """A stored date as the date input's three boxes."""
    if isinstance(value, str):
        try:
            stored = date.fromisoformat(value)
        except ValueError:
            return
        data.update({part_field(key, p): [str(getattr(stored, p))] for p in PARTS})


def parts_from_text(text: str) -> dict[str, str] | None:
    """An imported cell's date (2018-01-31, 31/01/2018, or a spreadsheet's date) as the boxes; None if not a date."""
    text = text.strip()[:10]
    try:
        found = date.fromisoformat(text)
    except ValueError:
        pieces = text.split("/")
        if len(pieces) != 3 or not all(p.isdigit() for p in pieces):
            return None
        return dict(zip(PARTS, pieces, strict=True))
    return {"day": str(found.day), "month": str(found.month), "year": str(found.year)}


def hint(question: Question) -> str:
    """The date input's hint: what to give, and an example."""
    as_at = question.as_at
    assert as_at is not None
    example = f"For example, {as_at.default.day} {as_at.default.month} {as_at.default.year}"
    if as_at.ask == "always":
        return f"The figures were asked for {long_date(as_at.default)}. {example}"
    return f"If your figures are not for {long_date(as_at.default)}, give the date they relate to. {example}"


def answer_line(question: Question) -> str:
    """The printed copies' words for the date: "; the date the figures relate to, if not 31 March 2018: DD/MM/YYYY"."""
    as_at = question.as_at
    assert as_at is not None
    when = "" if as_at.ask == "always" else f", if not {long_date(as_at.default)}"
    return f"; the date the figures relate to{when}: DD/MM/YYYY (from {long_date(as_at.bound)})"
