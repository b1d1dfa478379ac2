"""The grid kinds beyond the single-choice `grid`: `multi_grid` and `two_way_grid`.

- `multi_grid`: rows (items) × options, any number of options ticked in each row, with
  exclusive options ("None of these") and `min_choices`/`max_choices` applying row by row.
  A row's answer is its list of codes under the item id; the dataset has a 0/1 variable per
  row and option, `{item}_{code}`.
- `two_way_grid`: rows × column groups (`columns`, e.g. this year, last year), one code of the
  shared scale for each row under each column group. A cell's answer and variable are
  `{item}_{column}` (`model.cell_name`).

Both take rows marked `specify: true` (see `rows`), and both print as a grid: the options or
scale across, a line per row (a two-way grid's rows once per column group).
"""

from __future__ import annotations

from collections.abc import Mapping

from omnibus.questionnaire.kinds import rows
from omnibus.questionnaire.kinds.base import Draw
from omnibus.questionnaire.kinds.choice import count_words
from omnibus.questionnaire.kinds.items import Rows, live_text, specify_texts
from omnibus.questionnaire.model import Item, Option, Question, Questionnaire, cell_name
from omnibus.questionnaire.naming import Variable
from omnibus.questionnaire.printed_parts import ItemLine, PrintedQuestion, option_label
from omnibus.questionnaire.reading import FieldError, FormData, PageInput, missing, offered_codes, one_value
from omnibus.questionnaire.xlsx_parts import (
    ChoiceGroup,
    ListSheet,
    Row,
    Wording,
    code_list,
    list_validation,
    yes_validation,
)


class MultiGrid(Rows):
    """`multi_grid`: rows × options, tick all that apply in each row."""

    type = "multi_grid"
    coded = True
    scale = True  # printed and routed as a grid: options across, a line per row
    multiple_rows = True

    def variables(self, question: Question, questionnaire: Questionnaire) -> list[Variable]:
        """A 0/1 flag per row and option (`{item}_{code}`), then each specify row's text."""
        flags = [
            Variable(f"{i.id}_{o.code}", f"{question.text} {i.text}: {o.label}", question.id, "flag", item=i.id)
            for i in question.items
            for o in question.options
        ]
        return flags + rows.specify_variables(question)

    def row_of(self, question: Question, name: str) -> str | None:
        """The row of an item id, a specify text or a flag `{item}_{code}`."""
        flags = {f"{i.id}_{o.code}": i.id for i in question.items for o in question.options}
        return flags.get(name) or super().row_of(question, name)

    def take_items(self, question: Question, asked: list[Item], answers: Mapping[str, object]) -> dict[str, object]:
        """Each asked row's codes that the options hold (a row with none is not answered), and texts."""
        codes = {o.code for o in question.options}
        live: dict[str, object] = {}
        for item in asked:
            value = answers.get(item.id)
            kept = [c for c in value if c in codes] if isinstance(value, list | tuple) else []
            if kept:
                live[item.id] = kept
            live.update(live_text(item, answers))
        return live

    def read_page(
        self, question: Question, offered: list[Option], items: list[str], data: FormData, result: PageInput
    ) -> None:
        """Each asked row's ticked codes within the row limits, an exclusive code on its own."""

        def read_row(asking: Question, item: Item) -> bool:
            codes = offered_codes([v for v in data.get(item.id, []) if v], question.options, item.id)
            if not codes:
                missing(asking, item.id, f"Select at least one option for ‘{item.text}’", result)
                return False
            result.answers[item.id] = codes
            exclusive = [o for o in question.options if o.exclusive and o.code in codes]
            low, high = question.min_choices, question.max_choices
            if exclusive and len(codes) > 1:
                message = f"Select ‘{exclusive[0].label}’ on its own for ‘{item.text}’, or clear it"
            elif high is not None and len(codes) > high:
                message = f"Select up to {count_words(high)} for ‘{item.text}’"
            elif low is not None and len(codes) < low and not exclusive:
                message = f"Select at least {count_words(low)} for ‘{item.text}’"
            else:
                return True
            result.errors.append(FieldError(item.id, message))
            return True

        rows.read_rows(question, items, data, result, read_row)

    def print_answers(self, record: PrintedQuestion, question: Question, questionnaire: Questionnaire) -> None:
        """The options across (exclusive ones marked), a line per row, and the instruction."""
        record.scale = [option_label(o) for o in question.options]
        for line, item in zip(record.items, question.items, strict=True):
            line.text = rows.printed_text(item, line.text)
        if not question.hint:
            record.instructions = [row_instruction(question)]

    def xlsx_rows(
        self, question: Question, questionnaire: Questionnaire, text: str, words: Wording, lists: ListSheet
    ) -> list[Row]:
        """The question row, then for each row its text and a Yes-or-blank cell per option."""
        lines = [Row(text, routing=words.routing([question.ask_if]), style="question")]
        checked = question.max_choices is not None or any(o.exclusive for o in question.options)

        def answer_rows(item: Item, item_text: str, routing: str) -> list[Row]:
            group = ChoiceGroup(question) if checked else None  # a group per row: its limits are the row's
            flags = [Row(item_text, routing=routing)]
            for option in question.options:
                allowed = "Yes, or leave blank" + ("; only on its own in this row" if option.exclusive else "")
                flags.append(
                    Row(
                        f"{item_text}: {option.code}. {option_label(option)}",
                        f"{item.id}_{option.code}",
                        routing,
                        allowed,
                        None if group else yes_validation(),
                        group=group,
                        exclusive=option.exclusive,
                    )
                )
            return flags

        return lines + rows.xlsx_item_rows(question, words, answer_rows)

    def random_answer(
        self, question: Question, questionnaire: Questionnaire, answers: Mapping[str, object], draw: Draw
    ) -> dict[str, object]:
        """Codes drawn for each drawn row, within the row limits (a specify row's with its text)."""
        drawn = draw.items(question, questionnaire, answers)
        out: dict[str, object] = {}
        for item in drawn:
            codes = draw.codes(question, question.options)
            if codes:
                out[item.id] = codes
        return out | specify_texts(question, [i for i in drawn if i.id in out], draw)


class TwoWayGrid(Rows):
    """`two_way_grid`: rows × column groups, one code of the shared scale in each cell."""

    type = "two_way_grid"
    coded = True
    scale = True  # printed and routed as a grid: the scale across, a line per row and column group
    column_groups = True

    def cells(self, question: Question, item: Item) -> list[str]:
        """The answer keys of one row, a cell per column group."""
        return [cell_name(item.id, column.id) for column in question.columns]

    def answer_keys(self, question: Question, questionnaire: Questionnaire) -> list[str]:
        """Each row's cells, then the specify texts."""
        return [key for item in question.items for key in self.cells(question, item)] + rows.specify_keys(question)

    def variables(self, question: Question, questionnaire: Questionnaire) -> list[Variable]:
        """A code per cell (`{item}_{column}`), then each specify row's text."""
        options = question.options
        codes = [
            Variable(cell_name(i.id, c.id), f"{question.text} {i.text}: {c.text}", question.id, "code", options, i.id)
            for i in question.items
            for c in question.columns
        ]
        return codes + rows.specify_variables(question)

    def page_fields(self, question: Question, items: list[str]) -> set[str]:
        """The cells and specify texts of the asked rows."""
        cells = {key for item in question.items if item.id in items for key in self.cells(question, item)}
        return cells | set(rows.specify_keys(question, items))

    def row_of(self, question: Question, name: str) -> str | None:
        """The row of a cell, an item id or a specify text."""
        cells = {key: item.id for item in question.items for key in self.cells(question, item)}
        return cells.get(name) or super().row_of(question, name)

    def take_items(self, question: Question, asked: list[Item], answers: Mapping[str, object]) -> dict[str, object]:
        """The cells of the asked rows holding a code of the scale, and the specify texts."""
        codes = {o.code for o in question.options}
        live: dict[str, object] = {}
        for item in asked:
            for key in self.cells(question, item):
                if answers.get(key) in codes:
                    live[key] = answers[key]
            live.update(live_text(item, answers))
        return live

    def row_given(self, question: Question, item: Item, live: Mapping[str, object]) -> bool:
        """Whether any cell of the row has an answer."""
        return any(key in live for key in self.cells(question, item))

    def row_answered(self, question: Question, item: Item, live: Mapping[str, object]) -> bool:
        """Every cell of the row answered (a specify row without its text is left, as allowed)."""
        done = all(key in live for key in self.cells(question, item))
        return done or (item.specify and rows.specify_keys(question, [item.id])[0] not in live)

    def read_page(
        self, question: Question, offered: list[Option], items: list[str], data: FormData, result: PageInput
    ) -> None:
        """A code of the scale in each cell of each asked row."""

        def read_row(asking: Question, item: Item) -> bool:
            given = False
            for column, key in zip(question.columns, self.cells(question, item), strict=True):
                value = one_value(data, key)
                if not value:
                    missing(asking, key, f"Select an answer for ‘{item.text}’: {column.text}", result)
                    continue
                (code,) = offered_codes([value], question.options, key)
                result.answers[key] = code
                given = True
            return given

        rows.read_rows(question, items, data, result, read_row)

    def print_answers(self, record: PrintedQuestion, question: Question, questionnaire: Questionnaire) -> None:
        """The scale across, and a line per row and column group ("(a) Early help: this year")."""
        record.scale = [option_label(o) for o in question.options]
        lines = []
        for line, item in zip(record.items, question.items, strict=True):
            text = rows.printed_text(item, line.text)
            for column, key in zip(question.columns, self.cells(question, item), strict=True):
                lines.append(ItemLine(line.letter, f"{text}: {column.text}", key, line.routing))
        record.items = lines

    def xlsx_rows(
        self, question: Question, questionnaire: Questionnaire, text: str, words: Wording, lists: ListSheet
    ) -> list[Row]:
        """The question row (its scale), then a drop-down row per row and column group."""
        labels = code_list(question.options)
        lines = [Row(text, routing=words.routing([question.ask_if]), allowed="\n".join(labels), style="question")]

        def answer_rows(item: Item, item_text: str, routing: str) -> list[Row]:
            allowed = "One of the answers above (choose from the list)"
            return [
                Row(f"{item_text}: {column.text}", key, routing, allowed, list_validation(key, labels, lists))
                for column, key in zip(question.columns, self.cells(question, item), strict=True)
            ]

        return lines + rows.xlsx_item_rows(question, words, answer_rows)

    def random_answer(
        self, question: Question, questionnaire: Questionnaire, answers: Mapping[str, object], draw: Draw
    ) -> dict[str, object]:
        """A code of the scale in each cell of each drawn row (a specify row's with its text)."""
        drawn = draw.items(question, questionnaire, answers)
        out: dict[str, object] = {
            key: draw.code(question, question.options) for item in drawn for key in self.cells(question, item)
        }
        return out | specify_texts(question, drawn, draw)


def row_instruction(question: Question) -> str:
    """The printed instruction of a grid of multiple choices, with its row limits in words."""
    low, high = question.min_choices, question.max_choices
    if low and high:
        return f"Please select between {low} and {count_words(high)} in each row."
    if high:
        return f"Please select up to {count_words(high)} in each row."
    if low:
        return f"Please select at least {count_words(low)} in each row."
    return "Please select all that apply in each row."
