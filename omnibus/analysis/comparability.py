"""Whether a question can be compared between two waves: its wording and options in both versions.

A change of wording or of the answers offered can move a figure by itself, so a difference
between waves is not tested when the question changed, and the table says why in a footnote,
unless the spec lists the question as `cosmetic:` (a typo mended, a date moved on).
"""

from __future__ import annotations

from omnibus.questionnaire.model import Question, Questionnaire


def wording_change(question_id: str, current: Questionnaire, earlier: Questionnaire) -> str:
    """What changed in a question between two questionnaire versions, in words; "" when nothing did."""
    now, then = current.question(question_id), earlier.question(question_id)
    if now is None or then is None:
        return ""
    changes = []
    if _words(now.text) != _words(then.text):
        changes.append("its wording")
    if [_words(i.text) for i in now.items] != [_words(i.text) for i in then.items]:
        changes.append("its items")
    if _options(now, current) != _options(then, earlier):
        changes.append("its answer options")
    return " and ".join(changes)


def wording_note(question_id: str, wave: str, earlier_wave: str, change: str) -> str:
    """The footnote of a table whose question changed between the waves compared."""
    return (
        f"{question_id} changed between {earlier_wave} and {wave} ({change}), so the difference between the waves is "
        "not tested: part of it may come from the change."
    )


def _words(text: str) -> str:
    return " ".join(text.split())


def _options(question: Question, questionnaire: Questionnaire) -> list[tuple[int, str]]:
    return [(o.code, _words(o.label)) for o in questionnaire.options_of(question)]
