"""Question numbers as printed ("Q9a"): given per question, given automatically, or none.

`settings: numbering:` chooses (see the language guide): `given` (the default) shows each
question's own `number:`; `auto` numbers every question that is answered Q1, Q2, … in order
(a question with its own `number:` keeps it) and the items of a grid or set Q5a, Q5b, …;
`none` shows no numbers. Every stage that shows a number (web page, Check your answers,
printed and Excel copies, codebook, tab book, report) asks `number_of`.
"""

from __future__ import annotations

from omnibus.questionnaire.kinds import kind_of
from omnibus.questionnaire.model import Questionnaire
from omnibus.questionnaire.problems import Problem


def number_of(questionnaire: Questionnaire, name: str) -> str | None:
    """The printed number of a question, or of a grid or set item (its own, else its question's)."""
    numbers = _numbers(questionnaire)
    if name in numbers:
        return numbers[name]
    owner = questionnaire.owner(name)
    return numbers.get(owner.id) if owner is not None else None


def numbered(number: str | None, text: str) -> str:
    """A text with its number in front ("Q9a How many …"), or the text alone."""
    return f"{number} {text}" if number else text


def _numbers(questionnaire: Questionnaire) -> dict[str, str]:
    """Every number by question or item id, worked out once (a loaded questionnaire does not change)."""
    if questionnaire._numbers or questionnaire.settings.numbering == "none":
        return questionnaire._numbers
    auto = questionnaire.settings.numbering == "auto"
    counter = 0
    for question in questionnaire.questions():
        number = (question.number or "").strip() or None  # a blank number is the checker's to report
        if auto and number is None and kind_of(question).answerable:
            counter += 1
            number = f"Q{counter}"
        if number is None:
            continue
        questionnaire._numbers[question.id] = number
        if auto and kind_of(question).has_items:
            questionnaire._numbers.update({item.id: f"{number}{letters(i)}" for i, item in enumerate(question.items)})
    return questionnaire._numbers


def letters(index: int) -> str:
    """a, b, … z, aa, ab, … for the index-th item (0 first)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def check_numbers(questionnaire: Questionnaire) -> list[Problem]:
    """Numbers are unique, and none is given where the settings say there are none."""
    problems: list[Problem] = []
    if questionnaire.settings.numbering == "none":
        return [
            Problem(q.line_of("number"), f"{q.id}: number {q.number} is given, but settings numbering is none")
            for q in questionnaire.questions()
            if q.number is not None
        ]
    problems += [
        Problem(q.line_of("number"), f"{q.id}: number is empty (leave it out, or give one such as Q9a)")
        for q in questionnaire.questions()
        if q.number is not None and not q.number.strip()
    ]
    first: dict[str, tuple[str, int]] = {}
    for question in questionnaire.questions():
        named = [(question.id, question.line_of("number"))] + [(item.id, item.line) for item in question.items]
        for name, line in named:
            number = _numbers(questionnaire).get(name)
            if number is None:
                continue
            if number in first and first[number][0] != name:
                message = f"{name}: number {number} is used twice (first at line {first[number][1]})"
                problems.append(Problem(line, message))
            first.setdefault(number, (name, line))
    return problems
