"""Variable names and answer keys: the one place the stages ask what each question stores.

An *answer key* is where the routing engine and the web survey keep an answer: a choice
question's chosen code (or list of codes), a grid item's code, a number or a text, and the
text of an "Other (please specify)". A *variable* is a column of the analysis dataset: the
same, except that a multiple-choice question spreads into one 0/1 variable per option.
Each question's kind (`kinds`) works out its own from the naming rules in `naming`; the
functions here are what callers use.
"""

from __future__ import annotations

from omnibus.questionnaire.kinds import kind_of
from omnibus.questionnaire.model import Question, Questionnaire
from omnibus.questionnaire.naming import Variable


def answer_keys(question: Question, questionnaire: Questionnaire) -> list[str]:
    """The answer keys one question writes, in the order it asks them (its kind says which)."""
    return kind_of(question).answer_keys(question, questionnaire)


def variables(questionnaire: Questionnaire) -> list[Variable]:
    """Every variable of the questionnaire's dataset, in questionnaire order."""
    result: list[Variable] = []
    for question in questionnaire.questions():
        result.extend(question_variables(question, questionnaire))
    return result


def question_variables(question: Question, questionnaire: Questionnaire) -> list[Variable]:
    """The variables of one question (its kind says which)."""
    return kind_of(question).variables(question, questionnaire)


def answer_key_owners(questionnaire: Questionnaire) -> dict[str, Question]:
    """Each answer key with the question that writes it (specify texts included)."""
    return {key: q for q in questionnaire.questions() for key in answer_keys(q, questionnaire)}
