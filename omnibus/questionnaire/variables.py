"""Variable names and answer keys: the one place that says what each question stores.

An *answer key* is where the routing engine and the web survey keep an answer: a choice
question's chosen code (or list of codes), a grid item's code, a number or a text, and the
text of an "Other (please specify)". A *variable* is a column of the analysis dataset: the
same, except that a multiple-choice question spreads into one 0/1 variable per option.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from omnibus.questionnaire.model import Option, Question, Questionnaire


@dataclass
class Variable:
    """One column of the dataset, with what it needs for labels."""

    name: str
    label: str
    question: str
    kind: str  # "code", "flag" (0/1 for a multi option), "number", "text"
    value_labels: list[Option] = field(default_factory=list)


def specify_key(question_id: str, code: int) -> str:
    """Where the text of an "Other (please specify)" answer is kept."""
    return f"{question_id}_{code}_text"


def answer_keys(question: Question, questionnaire: Questionnaire) -> list[str]:
    """The answer keys one question writes, in the order it asks them."""
    if question.type in ("grid", "numbers"):
        return [item.id for item in question.items]
    if question.type == "statement":
        return []
    specify = [specify_key(question.id, o.code) for o in questionnaire.options_of(question) if o.specify]
    return [question.id, *specify]


def variables(questionnaire: Questionnaire) -> list[Variable]:
    """Every variable of the questionnaire's dataset, in questionnaire order."""
    result: list[Variable] = []
    for question in questionnaire.questions():
        result.extend(question_variables(question, questionnaire))
    return result


def question_variables(question: Question, questionnaire: Questionnaire) -> list[Variable]:
    """The variables of one question."""
    options = questionnaire.options_of(question)
    qid = question.id
    if question.type == "single":
        own = [Variable(qid, question.text, qid, "code", options)]
        return own + _specify_variables(question, options)
    if question.type == "multi":
        flags = [Variable(f"{qid}_{o.code}", f"{question.text}: {o.label}", qid, "flag") for o in options]
        return flags + _specify_variables(question, options)
    if question.type == "grid":
        return [Variable(i.id, f"{question.text} {i.text}", qid, "code", options) for i in question.items]
    if question.type == "numbers":
        return [Variable(i.id, f"{question.text} {i.text}", qid, "number") for i in question.items]
    if question.type in ("text", "number"):
        return [Variable(qid, question.text, qid, question.type)]
    return []


def _specify_variables(question: Question, options: list[Option]) -> list[Variable]:
    return [
        Variable(specify_key(question.id, o.code), f"{question.id}: {o.label}", question.id, "text")
        for o in options
        if o.specify
    ]


def answer_key_owners(questionnaire: Questionnaire) -> dict[str, Question]:
    """Each answer key with the question that writes it (specify texts included)."""
    return {key: q for q in questionnaire.questions() for key in answer_keys(q, questionnaire)}
