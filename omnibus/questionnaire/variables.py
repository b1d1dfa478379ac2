"""Variable names and answer keys: the one place the stages ask what each question stores.

An *answer key* is where the routing engine and the web survey keep an answer: a choice
question's chosen code (or list of codes), a grid item's code, a number or a text, and the
text of an "Other (please specify)". A *variable* is a column of the analysis dataset: the
same, except that a multiple-choice question spreads into one 0/1 variable per option.
Each question's kind (`kinds.py`) works out its own; the functions here are what callers use.
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
    """The answer keys one question writes, in the order it asks them (its kind says which)."""
    return question.kind.answer_keys(question, questionnaire)


def variables(questionnaire: Questionnaire) -> list[Variable]:
    """Every variable of the questionnaire's dataset, in questionnaire order."""
    result: list[Variable] = []
    for question in questionnaire.questions():
        result.extend(question_variables(question, questionnaire))
    return result


def question_variables(question: Question, questionnaire: Questionnaire) -> list[Variable]:
    """The variables of one question (its kind says which)."""
    return question.kind.variables(question, questionnaire)


def answer_key_owners(questionnaire: Questionnaire) -> dict[str, Question]:
    """Each answer key with the question that writes it (specify texts included)."""
    return {key: q for q in questionnaire.questions() for key in answer_keys(q, questionnaire)}
