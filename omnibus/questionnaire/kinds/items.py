"""The item kinds, `grid` and `numbers`: rows (items), each its own answer key and variable."""

from __future__ import annotations

from collections.abc import Mapping

from omnibus.questionnaire.kinds import rows
from omnibus.questionnaire.kinds.base import Draw, QuestionKind
from omnibus.questionnaire.model import Item, Option, Question, Questionnaire
from omnibus.questionnaire.naming import Variable, item_specify_key
from omnibus.questionnaire.printed_parts import PrintedQuestion, numeric_format, option_label
from omnibus.questionnaire.reading import FormData, PageInput, missing, offered_codes, one_value, read_number
from omnibus.questionnaire.route import Route
from omnibus.questionnaire.unavailable import read_box
from omnibus.questionnaire.xlsx_parts import ListSheet, Row, Wording, code_list, list_validation, number_validation


class Rows(QuestionKind):
    """Shared by grids and numeric sets: one answer key and variable per item, asked item by item.

    The printed questionnaire prints a line per item for every kind with items (`printed`);
    each kind adds its own answering part.
    """

    has_items = True

    def answer_keys(self, question: Question, questionnaire: Questionnaire) -> list[str]:
        """The item ids, then the texts of "please specify" rows."""
        return [item.id for item in question.items] + rows.specify_keys(question)

    def page_fields(self, question: Question, items: list[str]) -> set[str]:
        """The fields a page of these asked items may send: their answers and specify texts."""
        return set(items) | set(rows.specify_keys(question, items))

    def row_of(self, question: Question, name: str) -> str | None:
        """The item whose routing asks an answer key or variable (None: not one of this question's)."""
        for item in question.items:
            if name in (item.id, item_specify_key(item.id)):
                return item.id
        return None

    def is_asked(self, question: Question, name: str, route: Route) -> bool:
        """Whether routing asked the item this answer or variable belongs to."""
        return route.asked(question.id) and self.row_of(question, name) in route.items.get(question.id, [])

    def take_items(self, question: Question, asked: list[Item], answers: Mapping[str, object]) -> dict[str, object]:
        """The live answers of the asked items: values the question can hold, and specify texts."""
        codes = {o.code for o in question.options}
        live: dict[str, object] = {}
        for item in asked:
            value = answers.get(item.id)
            if value is not None and (self.numeric or value in codes):
                live[item.id] = value
            live.update(live_text(item, answers))
        return live

    def row_given(self, question: Question, item: Item, live: Mapping[str, object]) -> bool:
        """Whether the row has an answer (what `count` and `answered` of the question count)."""
        return item.id in live

    def row_answered(self, question: Question, item: Item, live: Mapping[str, object]) -> bool:
        """Whether an asked row needs nothing more (a specify row without its text is left, as allowed)."""
        return item.id in live or (item.specify and item_specify_key(item.id) not in live)


class Grid(Rows):
    """`grid`: items answered on one shared scale of codes."""

    type = "grid"
    coded = True
    scale = True

    def variables(self, question: Question, questionnaire: Questionnaire) -> list[Variable]:
        """A code per item, named by the item id."""
        options = questionnaire.options_of(question)
        codes = [Variable(i.id, f"{question.text} {i.text}", question.id, "code", options) for i in question.items]
        return codes + rows.specify_variables(question)

    def read_page(
        self, question: Question, offered: list[Option], items: list[str], data: FormData, result: PageInput
    ) -> None:
        """A code of the scale for each asked item (a specify row's once its text is given)."""

        def read_row(asking: Question, item: Item) -> bool:
            value = one_value(data, item.id)
            if not value:
                missing(asking, item.id, f"Select an answer for ‘{item.text}’", result)
                return False
            (code,) = offered_codes([value], question.options, item.id)
            result.answers[item.id] = code
            return True

        rows.read_rows(question, items, data, result, read_row)

    def print_answers(self, record: PrintedQuestion, question: Question, questionnaire: Questionnaire) -> None:
        """The scale's labels; specify rows marked."""
        record.scale = [option_label(o) for o in questionnaire.options_of(question)]
        for line, item in zip(record.items, question.items, strict=True):
            line.text = rows.printed_text(item, line.text)

    def xlsx_rows(
        self, question: Question, questionnaire: Questionnaire, text: str, words: Wording, lists: ListSheet
    ) -> list[Row]:
        """The question row (its scale), then a row per item with a drop-down of the scale."""
        labels = code_list(questionnaire.options_of(question))
        lines = [Row(text, routing=words.routing([question.ask_if]), allowed="\n".join(labels), style="question")]

        def answer_rows(item: Item, item_text: str, routing: str) -> list[Row]:
            allowed = "One of the answers above (choose from the list)"
            return [Row(item_text, item.id, routing, allowed, list_validation(item.id, labels, lists))]

        return lines + rows.xlsx_item_rows(question, words, answer_rows)

    def random_answer(
        self, question: Question, questionnaire: Questionnaire, answers: Mapping[str, object], draw: Draw
    ) -> dict[str, object]:
        """A code of the scale for each drawn item (a specify row's with its text)."""
        drawn = draw.items(question, questionnaire, answers)
        return {item.id: draw.code(question, question.options) for item in drawn} | specify_texts(question, drawn, draw)


class Numbers(Rows):
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
        lines = [Row(text, routing=words.routing([question.ask_if]), style="question")]
        for item in question.items:
            validation, allowed = number_validation(question, item)
            routing = words.routing([question.ask_if, item.ask_if])
            lines.append(Row(words.piped(item.text), item.id, routing, allowed, validation))
        return lines

    def random_answer(
        self, question: Question, questionnaire: Questionnaire, answers: Mapping[str, object], draw: Draw
    ) -> dict[str, object]:
        """A number for each drawn item."""
        return {item.id: draw.number(question, item) for item in draw.items(question, questionnaire, answers)}


def live_text(item: Item, answers: Mapping[str, object]) -> dict[str, object]:
    """A specify row's text, live when given."""
    key = item_specify_key(item.id)
    text = answers.get(key)
    return {key: text} if item.specify and text not in (None, "") else {}


def specify_texts(question: Question, drawn: list[Item], draw: Draw) -> dict[str, object]:
    """A simulation's text for each drawn specify row (whose answer is then required)."""
    return {item_specify_key(i.id): draw.text(question) for i in drawn if i.specify}
