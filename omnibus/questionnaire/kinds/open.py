"""The open kinds, `text` and `number`: one answer typed under the question's id."""

from __future__ import annotations

from collections.abc import Mapping

from omnibus.questionnaire.as_at import answer_line as as_at_line
from omnibus.questionnaire.as_at import date_key, read_date
from omnibus.questionnaire.kinds.base import Draw, QuestionKind
from omnibus.questionnaire.model import Option, Question, Questionnaire
from omnibus.questionnaire.naming import Variable
from omnibus.questionnaire.printed_parts import PrintedQuestion, numeric_format
from omnibus.questionnaire.reading import FieldError, FormData, PageInput, missing, one_value, read_number
from omnibus.questionnaire.unavailable import read_box
from omnibus.questionnaire.xlsx_parts import ListSheet, Row, Wording, date_row, number_validation, text_validation

TEXT_MAX = 10_000  # an open text with no limit of its own


class _OneAnswer(QuestionKind):
    """Shared by open text and a single number: one answer under the question's id."""

    def variables(self, question: Question, questionnaire: Questionnaire) -> list[Variable]:
        """One variable, the question id, of the kind's own variable kind (a number's boxes as its value labels)."""
        return [Variable(question.id, question.text, question.id, self.type, list(question.unavailable))]

    def print_answers(self, record: PrintedQuestion, question: Question, questionnaire: Questionnaire) -> None:
        """The answer line."""
        record.answer = self.answer_line(question)


class Text(_OneAnswer):
    """`text`: an open answer."""

    type = "text"
    open_text = True

    def read_page(
        self, question: Question, offered: list[Option], items: list[str], data: FormData, result: PageInput
    ) -> None:
        """A text within the question's length."""
        text = one_value(data, question.id).replace("\r\n", "\n")
        if not text:
            missing(question, question.id, "Enter an answer", result)
            return
        limit = question.max_length or TEXT_MAX
        if len(text) > limit:
            result.errors.append(FieldError(question.id, f"Answer must be {limit:,} characters or fewer"))
            return
        result.answers[question.id] = text

    def answer_line(self, question: Question) -> str | None:
        """ "Open", or "Open <150 characters>"."""
        return f"Open <{question.max_length:,} characters>" if question.max_length else "Open"

    def xlsx_rows(
        self, question: Question, questionnaire: Questionnaire, text: str, words: Wording, lists: ListSheet
    ) -> list[Row]:
        """One text row, with its length check."""
        validation, allowed = text_validation(question)
        return [Row(text, question.id, words.routing([question.ask_if]), allowed, validation, style="question")]

    def random_answer(
        self, question: Question, questionnaire: Questionnaire, answers: Mapping[str, object], draw: Draw
    ) -> dict[str, object]:
        """A drawn text."""
        return {question.id: draw.text(question)}


class Number(_OneAnswer):
    """`number`: one number (and, with `as_at`, the date its figure relates to)."""

    type = "number"
    numeric = True

    def answer_keys(self, question: Question, questionnaire: Questionnaire) -> list[str]:
        """The question id, and `{id}_date` for a number with a date."""
        return [question.id, *([date_key(question.id)] if question.as_at else [])]

    def variables(self, question: Question, questionnaire: Questionnaire) -> list[Variable]:
        """The number, and the date its figure relates to (a date variable) when it has one."""
        found = super().variables(question, questionnaire)
        if question.as_at:
            found.append(
                Variable(date_key(question.id), f"{question.text} (date the figure relates to)", question.id, "date")
            )
        return found

    def read_page(
        self, question: Question, offered: list[Option], items: list[str], data: FormData, result: PageInput
    ) -> None:
        """A number in the question's range, or one of its "Don't know" boxes."""
        if not read_box(question, question.id, data, result):
            read_number(question, question.id, one_value(data, question.id), question.min, question.max, result)
        read_date(question, data, result)

    def answer_line(self, question: Question) -> str | None:
        """ "Numeric <range 0-10,000,000> £", and the date's line for a number with one."""
        return numeric_format(question) + (as_at_line(question) if question.as_at else "")

    def xlsx_rows(
        self, question: Question, questionnaire: Questionnaire, text: str, words: Wording, lists: ListSheet
    ) -> list[Row]:
        """One number row, with its range check."""
        validation, allowed = number_validation(question, None)
        rows = [Row(text, question.id, words.routing([question.ask_if]), allowed, validation, style="question")]
        return rows + ([date_row(question, words.routing([question.ask_if]))] if question.as_at else [])

    def random_answer(
        self, question: Question, questionnaire: Questionnaire, answers: Mapping[str, object], draw: Draw
    ) -> dict[str, object]:
        """A drawn number (for the date it was asked for, when it has one)."""
        dated = {date_key(question.id): question.as_at.default.isoformat()} if question.as_at else {}
        return {question.id: draw.number(question, None), **dated}
