"""The item kinds, `grid` and `numbers`: rows (items), each its own answer key and variable."""

from __future__ import annotations

from collections.abc import Mapping

from omnibus.questionnaire.kinds.base import Draw, QuestionKind
from omnibus.questionnaire.model import Option, Question, Questionnaire
from omnibus.questionnaire.naming import Variable
from omnibus.questionnaire.printed_parts import PrintedQuestion, numeric_format, option_label
from omnibus.questionnaire.reading import FormData, PageInput, missing, offered_codes, one_value, read_number
from omnibus.questionnaire.route import Route
from omnibus.questionnaire.unavailable import read_box
from omnibus.questionnaire.xlsx_parts import ListSheet, Row, Wording, code_list, list_validation, number_validation


class _Items(QuestionKind):
    """Shared by grids and numeric sets: one answer key and variable per item, asked item by item.

    The printed questionnaire prints a line per item for every kind with items (`printed`);
    each kind adds its own answering part.
    """

    has_items = True

    def answer_keys(self, question: Question, questionnaire: Questionnaire) -> list[str]:
        """The item ids."""
        return [item.id for item in question.items]

    def is_asked(self, question: Question, name: str, route: Route) -> bool:
        """Whether routing asked this item."""
        return route.asked(question.id) and name in route.items.get(question.id, [])


class Grid(_Items):
    """`grid`: items answered on one shared scale of codes."""

    type = "grid"
    coded = True
    scale = True

    def variables(self, question: Question, questionnaire: Questionnaire) -> list[Variable]:
        """A code per item, named by the item id."""
        options = questionnaire.options_of(question)
        return [Variable(i.id, f"{question.text} {i.text}", question.id, "code", options) for i in question.items]

    def read_page(
        self, question: Question, offered: list[Option], items: list[str], data: FormData, result: PageInput
    ) -> None:
        """A code of the scale for each asked item."""
        for item in question.items:
            if item.id not in items:
                continue
            value = one_value(data, item.id)
            if not value:
                missing(question, item.id, f"Select an answer for ‘{item.text}’", result)
                continue
            (code,) = offered_codes([value], question.options, item.id)
            result.answers[item.id] = code

    def print_answers(self, record: PrintedQuestion, question: Question, questionnaire: Questionnaire) -> None:
        """The scale's labels."""
        record.scale = [option_label(o) for o in questionnaire.options_of(question)]

    def xlsx_rows(
        self, question: Question, questionnaire: Questionnaire, text: str, words: Wording, lists: ListSheet
    ) -> list[Row]:
        """The question row (its scale), then a row per item with a drop-down of the scale."""
        labels = code_list(questionnaire.options_of(question))
        rows = [Row(text, routing=words.routing([question.ask_if]), allowed="\n".join(labels), style="question")]
        for item in question.items:
            rows.append(
                Row(
                    words.piped(item.text),
                    item.id,
                    words.routing([question.ask_if, item.ask_if]),
                    "One of the answers above (choose from the list)",
                    list_validation(item.id, labels, lists),
                )
            )
        return rows

    def random_answer(
        self, question: Question, questionnaire: Questionnaire, answers: Mapping[str, object], draw: Draw
    ) -> dict[str, object]:
        """A code of the scale for each drawn item."""
        return {item.id: draw.code(question, question.options) for item in draw.items(question, questionnaire, answers)}


class Numbers(_Items):
    """`numbers`: a number per item (a set of amounts or counts)."""

    type = "numbers"
    numeric = True

    def variables(self, question: Question, questionnaire: Questionnaire) -> list[Variable]:
        """A number per item, named by the item id (the question's boxes as its value labels)."""
        boxes = question.unavailable
        return [Variable(i.id, f"{question.text} {i.text}", question.id, "number", list(boxes)) for i in question.items]

    def read_page(
        self, question: Question, offered: list[Option], items: list[str], data: FormData, result: PageInput
    ) -> None:
        """A number in range (the item's own, else the question's), or a box, for each asked item."""
        for item in question.items:
            if item.id in items and not read_box(question, item.id, data, result, item.text):
                low = item.min if item.min is not None else question.min
                high = item.max if item.max is not None else question.max
                read_number(question, item.id, one_value(data, item.id), low, high, result, item.text)

    def print_answers(self, record: PrintedQuestion, question: Question, questionnaire: Questionnaire) -> None:
        """Each item line's numeric format."""
        for line, item in zip(record.items, question.items, strict=True):
            line.answer = numeric_format(question, item)

    def xlsx_rows(
        self, question: Question, questionnaire: Questionnaire, text: str, words: Wording, lists: ListSheet
    ) -> list[Row]:
        """The question row, then a number row per item with its range check."""
        rows = [Row(text, routing=words.routing([question.ask_if]), style="question")]
        for item in question.items:
            validation, allowed = number_validation(question, item)
            routing = words.routing([question.ask_if, item.ask_if])
            rows.append(Row(words.piped(item.text), item.id, routing, allowed, validation))
        return rows

    def random_answer(
        self, question: Question, questionnaire: Questionnaire, answers: Mapping[str, object], draw: Draw
    ) -> dict[str, object]:
        """A number for each drawn item."""
        return {item.id: draw.number(question, item) for item in draw.items(question, questionnaire, answers)}
