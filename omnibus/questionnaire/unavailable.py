"""A number's "Don't know" / "Not available" boxes (`unavailable:`): read, checked, shown and stored.

A `number` question, or each item of a `numbers` set, may offer boxes beside its input for an
answer the unit does not have:

    unavailable: [dont_know, not_available]                 # the standard labels
    unavailable: {dont_know: "Don't know", not_available: "Not collected locally"}

A ticked box is the answer: its missing code (`model.UNAVAILABLE_CODES`, -8 "Don't know",
-9 "Not available", -7 "Prefer not to say") is stored under the number's own key, so the
dataset, the codebook and the .sav carry it as a labelled missing value and tables leave it
out of every base. A box and a number together are a mistake, as are two boxes. On a page
the boxes are one field per number, `{key}-unavailable` (a hyphen: never an answer key), whose
value is the box's kind (`dont_know`).

Routing and checks never read a box's code as a number: to them the number is answered
(`answered(Q)` holds) but has no value, as an unanswered one has none.
"""

from __future__ import annotations

from collections.abc import Mapping

from omnibus.questionnaire.model import UNAVAILABLE_CODES, UNAVAILABLE_LABELS, Option, Question
from omnibus.questionnaire.problems import Problem
from omnibus.questionnaire.reading import FieldError, FormData, MalformedInput, PageInput, one_value

FIELD_SUFFIX = "-unavailable"
APOSTROPHES = str.maketrans({"’": "'", "‘": "'"})  # Excel and Word turn ' into ’ as people type


def field_name(key: str) -> str:
    """The form field of a number's boxes."""
    return f"{key}{FIELD_SUFFIX}"


def standard(kind: str, line: int = 0, label: str | None = None) -> Option:
    """The box of a missing kind, with its code and (unless given) its standard label."""
    return Option(UNAVAILABLE_CODES[kind], label or UNAVAILABLE_LABELS[kind], exclusive=True, missing=kind, line=line)


def box_of(question: Question, value: object) -> Option | None:
    """The box a stored value stands for (None: a number, or no answer)."""
    if not question.unavailable or isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return next((o for o in question.unavailable if o.code == value), None)


def codes(question: Question) -> set[int]:
    """The missing codes a number's boxes store."""
    return {o.code for o in question.unavailable}


def form_fields(question: Question, keys: list[str]) -> set[str]:
    """The box fields a page for this question may send, one per number key."""
    return {field_name(key) for key in keys} if question.unavailable else set()


def read_box(question: Question, key: str, data: FormData, result: PageInput, label: str | None = None) -> bool:
    """Read the boxes beside one number; True when they decided the answer (or the mistake).

    False leaves the typed number to be read as usual.
    """
    if not question.unavailable:
        return False
    by_kind = {o.missing: o for o in question.unavailable}
    ticked = data.get(field_name(key), [])
    for value in ticked:
        if value not in by_kind:
            raise MalformedInput(f"{field_name(key)}: {value[:20]!r} is not one of the boxes offered")
    typed = one_value(data, key)
    what = f" for ‘{label}’" if label else ""
    names = " or ".join(f"‘{o.label}’" for o in question.unavailable)
    if len(set(ticked)) > 1:
        result.errors.append(FieldError(key, f"Select only one of {names}{what}"))
        return True
    if ticked and typed:
        result.errors.append(FieldError(key, f"Enter a number{what} or select {names}, not both"))
        return True
    if ticked:
        result.answers[key] = by_kind[ticked[0]].code
        return True
    if not typed and question.required:
        result.errors.append(FieldError(key, f"Enter a number{what}, or select {names}"))
        return True
    return False


def box_from_text(question: Question, text: str) -> Option | None:
    """The box an imported cell names: its code ("-8") or its label ("Don't know"), any case."""
    wanted = text.strip().translate(APOSTROPHES).casefold()
    for option in question.unavailable:
        if wanted in (str(option.code), f"{option.code}.0", option.label.translate(APOSTROPHES).casefold()):
            return option
    return None


def stored_as_form(question: Question, key: str, value: object, data: dict[str, list[str]]) -> bool:
    """Put a stored box answer into a page's form values (the box ticked, the input empty); False for a number."""
    box = box_of(question, value)
    if box is None:
        return False
    data[field_name(key)] = [str(box.missing)]
    return True


def without_boxes(question: Question, live: Mapping[str, object], name: str) -> object:
    """A live answer as routing and checks read it: a box's code is no value."""
    value = live.get(name)
    return None if box_of(question, value) is not None else value


def labels_text(question: Question) -> str:
    """The boxes' labels for messages and the Excel copy: "Don't know" or "Not available"."""
    return " or ".join(f'"{o.label}"' for o in question.unavailable)


def problems(question: Question) -> list[Problem]:
    """What the checker reports of a number's boxes: their codes must lie below every answer allowed."""
    if not question.unavailable or question.type not in ("number", "numbers"):
        return []  # on another type the loader has reported the key already
    found = []
    where = f"{question.id}: unavailable"
    if question.min is None or question.min < 0:
        found.append(
            Problem(
                question.line_of("unavailable"),
                f'{where}: a number with "Don\'t know" boxes needs min: 0 or more, so that no answer '
                f"can be taken for a box's code ({', '.join(str(o.code) for o in question.unavailable)})",
            )
        )
    for item in question.items:
        if item.min is not None and item.min < 0:
            found.append(Problem(item.lines.get("min", item.line), f"{where}: item {item.id} has min below 0"))
    for option in question.unavailable:
        if not option.label.strip():
            found.append(Problem(option.line, f"{where}: the label of {option.missing} is empty"))
    return found
