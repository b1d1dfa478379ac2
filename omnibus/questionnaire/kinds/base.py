"""What every question kind shares, and where a simulation's random answers come from (`Draw`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from omnibus.questionnaire.model import Item, Option, Question, Questionnaire
from omnibus.questionnaire.naming import Variable, specify_key
from omnibus.questionnaire.printed_parts import PrintedQuestion
from omnibus.questionnaire.reading import FormData, PageInput
from omnibus.questionnaire.route import Route
from omnibus.questionnaire.xlsx_parts import ListSheet, Row, Wording


class Draw(Protocol):
    """Where a simulation's random answers come from: each simulator draws in its own way."""

    def items(self, question: Question, questionnaire: Questionnaire, answers: Mapping[str, object]) -> list[Item]:
        """The items of a grid or numeric set that get an answer."""

    def code(self, question: Question, options: list[Option]) -> int:
        """One code of a single choice or of a grid's scale."""

    def codes(self, question: Question, offered: list[Option]) -> list[int]:
        """The codes of a multiple choice (none: no answer)."""

    def number(self, question: Question, item: Item | None) -> float:
        """A number for the question, or for one item of a numeric set."""

    def text(self, question: Question) -> str:
        """An open answer."""

    def specify(self, question: Question, option: Option) -> str:
        """The text of an "Other (please specify)" that was chosen."""


class QuestionKind:
    """What every kind shares; the methods a new kind must write raise NotImplementedError."""

    type = ""  # the YAML `type` this kind reads
    answerable = True  # False for a statement, which shows text and takes no answer
    choice = False  # codes chosen from (possibly fed-through) options, with "please specify"
    multiple = False  # any number of codes, stored as a list; one 0/1 variable per option
    has_items = False  # rows (items), each its own answer key and variable
    coded = False  # answers are option codes with labels
    scale = False  # items answered on one shared scale of codes (a grid)
    numeric = False  # answers are numbers
    open_text = False  # answers are free text
    multiple_rows = False  # a grid whose rows each take any number of codes (multi_grid)
    column_groups = False  # a grid whose rows are answered once under each column group (two_way_grid)

    def _unwritten(self, method: str) -> NotImplementedError:
        return NotImplementedError(f"question kind {self.type!r} does not implement {method}()")

    def answer_keys(self, question: Question, questionnaire: Questionnaire) -> list[str]:
        """The answer keys one question writes, in the order it asks them."""
        specify = [specify_key(question.id, o.code) for o in questionnaire.options_of(question) if o.specify]
        return [question.id, *specify]

    def variables(self, question: Question, questionnaire: Questionnaire) -> list[Variable]:
        """The dataset variables of one question, in order."""
        raise self._unwritten("variables")

    def is_asked(self, question: Question, name: str, route: Route) -> bool:
        """Whether routing asked the answer that a variable (or answer key) holds."""
        return route.asked(question.id)

    # Kinds with items (rows) only: how routing, pages and the dataset treat their rows (`items.Rows`).

    def page_fields(self, question: Question, items: list[str]) -> set[str]:
        """The fields a page of these asked items may send."""
        raise self._unwritten("page_fields")

    def row_of(self, question: Question, name: str) -> str | None:
        """The item whose routing asks an answer key or variable."""
        raise self._unwritten("row_of")

    def take_items(self, question: Question, asked: list[Item], answers: Mapping[str, object]) -> dict[str, object]:
        """The live answers of the asked items."""
        raise self._unwritten("take_items")

    def row_given(self, question: Question, item: Item, live: Mapping[str, object]) -> bool:
        """Whether the row has an answer."""
        raise self._unwritten("row_given")

    def row_answered(self, question: Question, item: Item, live: Mapping[str, object]) -> bool:
        """Whether an asked row needs nothing more."""
        raise self._unwritten("row_answered")

    def read_page(
        self, question: Question, offered: list[Option], items: list[str], data: FormData, result: PageInput
    ) -> None:
        """Read a posted page's raw values into `result`'s answers and errors."""
        raise self._unwritten("read_page")

    def print_answers(self, record: PrintedQuestion, question: Question, questionnaire: Questionnaire) -> None:
        """Fill in what the printed questionnaire shows for answering: options, scale, item answers or answer line."""
        raise self._unwritten("print_answers")

    def answer_line(self, question: Question) -> str | None:
        """The printed answer line of an open or numeric question ("Open <150 characters>")."""
        return None

    def xlsx_rows(
        self, question: Question, questionnaire: Questionnaire, text: str, words: Wording, lists: ListSheet
    ) -> list[Row]:
        """The Excel questionnaire's rows for answering, each with its validation."""
        raise self._unwritten("xlsx_rows")

    def random_answer(
        self, question: Question, questionnaire: Questionnaire, answers: Mapping[str, object], draw: Draw
    ) -> dict[str, object]:
        """A random answer (answer key -> value) for a simulation, drawn by `draw`."""
        raise self._unwritten("random_answer")
