"""The `statement` kind: text shown without an answer."""

from __future__ import annotations

from collections.abc import Mapping

from omnibus.questionnaire.kinds.base import Draw, QuestionKind
from omnibus.questionnaire.model import Option, Question, Questionnaire
from omnibus.questionnaire.naming import Variable
from omnibus.questionnaire.printed_parts import PrintedQuestion
from omnibus.questionnaire.reading import FormData, PageInput
from omnibus.questionnaire.xlsx_parts import ListSheet, Row, Wording


class Statement(QuestionKind):
    """`statement`: text shown without an answer."""

    type = "statement"
    answerable = False

    def answer_keys(self, question: Question, questionnaire: Questionnaire) -> list[str]:
        """None: a statement takes no answer."""
        return []

    def variables(self, question: Question, questionnaire: Questionnaire) -> list[Variable]:
        """None."""
        return []

    def read_page(
        self, question: Question, offered: list[Option], items: list[str], data: FormData, result: PageInput
    ) -> None:
        """Nothing to read."""

    def print_answers(self, record: PrintedQuestion, question: Question, questionnaire: Questionnaire) -> None:
        """Nothing to answer."""

    def xlsx_rows(
        self, question: Question, questionnaire: Questionnaire, text: str, words: Wording, lists: ListSheet
    ) -> list[Row]:
        """The text alone."""
        return [Row(text, routing=words.routing([question.ask_if]))]

    def random_answer(
        self, question: Question, questionnaire: Questionnaire, answers: Mapping[str, object], draw: Draw
    ) -> dict[str, object]:
        """None."""
        return {}
