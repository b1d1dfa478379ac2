"""Question kinds: what each `type` of question is, stores, reads, prints and draws.

A question's `type` is what the file says (`single`, `grid`, …); its *kind* is the object
that knows what that type means, so that the rest of the code asks the kind rather than
comparing type strings. `KINDS` maps each type to its kind; `Question.kind` looks it up.

Each kind has:

- predicates (`answerable`, `choice`, `multiple`, `has_items`, `coded`, `scale`, `numeric`,
  `open_text`) that the stages test instead of listing types;
- its answer keys and dataset variables;
- how it reads a posted page, prints, fills the Excel questionnaire and draws a random
  answer, each delegating to the module that does that work.

The missing codes of the dataset (`NOT_ASKED`, `NOT_ANSWERED`) and the one rule that turns
a live answer into a dataset value (`dataset_value`) are kept here too, for every kind.

Adding a kind: write a subclass of `QuestionKind` that sets its predicates and implements
every method the base class leaves raising `NotImplementedError`, add it to `KINDS` and to
`QUESTION_TYPES` in `model.py` (and the language guide and JSON Schema), then teach the
loader and checker the keys it reads.

This module imports the modules it delegates to, and they import `model`, whose `kind`
property reads `KINDS`: those modules reach the kinds only through `question.kind`, never
by importing names from here, and the package's `__init__` imports this module first.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Protocol

from omnibus.questionnaire import printed, render_xlsx, routing, validation
from omnibus.questionnaire.variables import Variable, specify_key

if TYPE_CHECKING:
    from omnibus.questionnaire.model import Item, Option, Question, Questionnaire
    from omnibus.questionnaire.printed import PrintedQuestion
    from omnibus.questionnaire.render_xlsx import ListSheet, Row
    from omnibus.questionnaire.validation import PageInput

# The dataset's missing codes (see `omnibus.analysis.dataset` for the contract).
NOT_ASKED = -1  # routing did not ask it, or its section was not reached
NOT_ANSWERED = -2  # asked and left unanswered

FormData = Mapping[str, list[str]]  # a posted page: field name -> the values the browser sent


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

    def _unwritten(self, method: str) -> NotImplementedError:
        return NotImplementedError(f"question kind {self.type!r} does not implement {method}()")

    def answer_keys(self, question: Question, questionnaire: Questionnaire) -> list[str]:
        """The answer keys one question writes, in the order it asks them."""
        specify = [specify_key(question.id, o.code) for o in questionnaire.options_of(question) if o.specify]
        return [question.id, *specify]

    def variables(self, question: Question, questionnaire: Questionnaire) -> list[Variable]:
        """The dataset variables of one question, in order."""
        raise self._unwritten("variables")

    def is_asked(self, question: Question, name: str, route: routing.Route) -> bool:
        """Whether routing asked the answer that a variable (or answer key) holds."""
        return route.asked(question.id)

    def read_page(
        self, question: Question, offered: list[Option], items: list[str], data: FormData, result: PageInput
    ) -> None:
        """Read a posted page's raw values into `result`'s answers and errors."""
        raise self._unwritten("read_page")

    def print_answers(self, record: PrintedQuestion, question: Question, questionnaire: Questionnaire) -> None:
        """Fill in what the printed questionnaire shows for answering: options, items, scale or answer line."""
        raise self._unwritten("print_answers")

    def answer_line(self, question: Question) -> str | None:
        """The printed answer line of an open or numeric question ("Open <150 characters>")."""
        return None

    def xlsx_rows(
        self, question: Question, questionnaire: Questionnaire, text: str, routing_line: str, lists: ListSheet
    ) -> list[Row]:
        """The Excel questionnaire's rows for answering, each with its validation."""
        raise self._unwritten("xlsx_rows")

    def random_answer(
        self, question: Question, questionnaire: Questionnaire, answers: Mapping[str, object], draw: Draw
    ) -> dict[str, object]:
        """A random answer (answer key -> value) for a simulation, drawn by `draw`."""
        raise self._unwritten("random_answer")


class _Choice(QuestionKind):
    """Shared by single and multiple choice: offered options, "please specify" texts."""

    choice = True
    coded = True

    def _specify_variables(self, question: Question, options: list[Option]) -> list[Variable]:
        return [
            Variable(specify_key(question.id, o.code), f"{question.id}: {o.label}", question.id, "text")
            for o in options
            if o.specify
        ]

    def print_answers(self, record: PrintedQuestion, question: Question, questionnaire: Questionnaire) -> None:
        """The feed-through line and the question's own options (a fed-through question prints the feed line)."""
        record.feed = printed.feed_line(question, questionnaire)
        own = question.options if question.options_from else questionnaire.options_of(question)
        record.options = [f"{o.code}. {printed.option_label(o)}" for o in own]

    def _stored(self, codes: list[int]) -> object:
        raise self._unwritten("_stored")

    def random_answer(
        self, question: Question, questionnaire: Questionnaire, answers: Mapping[str, object], draw: Draw
    ) -> dict[str, object]:
        """Codes drawn from what routing offers, with a text for each chosen "please specify"."""
        offered = routing.offered_options(question, questionnaire, answers)
        if not offered:
            return {}
        codes = self._draw_codes(question, offered, draw)
        if not codes:
            return {}
        out: dict[str, object] = {question.id: self._stored(codes)}
        for option in offered:
            if option.specify and option.code in codes:
                out[specify_key(question.id, option.code)] = draw.specify(question, option)
        return out

    def _draw_codes(self, question: Question, offered: list[Option], draw: Draw) -> list[int]:
        raise self._unwritten("_draw_codes")


class Single(_Choice):
    """`single`: one code from the options."""

    type = "single"

    def variables(self, question: Question, questionnaire: Questionnaire) -> list[Variable]:
        """The question's code, then a text for each "please specify" option."""
        options = questionnaire.options_of(question)
        own = [Variable(question.id, question.text, question.id, "code", options)]
        return own + self._specify_variables(question, options)

    def read_page(
        self, question: Question, offered: list[Option], items: list[str], data: FormData, result: PageInput
    ) -> None:
        """One offered code (and its specify text)."""
        validation.read_single(question, offered, data, result)

    def xlsx_rows(
        self, question: Question, questionnaire: Questionnaire, text: str, routing_line: str, lists: ListSheet
    ) -> list[Row]:
        """One row with a drop-down of the codes, then the specify rows."""
        return render_xlsx.single_rows(question, questionnaire, text, routing_line, lists)

    def _stored(self, codes: list[int]) -> object:
        return codes[0]

    def _draw_codes(self, question: Question, offered: list[Option], draw: Draw) -> list[int]:
        return [draw.code(question, offered)]


class Multi(_Choice):
    """`multi`: any number of codes, stored as a list; a 0/1 variable per option."""

    type = "multi"
    multiple = True

    def variables(self, question: Question, questionnaire: Questionnaire) -> list[Variable]:
        """A 0/1 flag per option (`{id}_{code}`), then a text for each "please specify" option."""
        options = questionnaire.options_of(question)
        qid = question.id
        flags = [Variable(f"{qid}_{o.code}", f"{question.text}: {o.label}", qid, "flag") for o in options]
        return flags + self._specify_variables(question, options)

    def read_page(
        self, question: Question, offered: list[Option], items: list[str], data: FormData, result: PageInput
    ) -> None:
        """Offered codes, within the question's limits, an exclusive code on its own."""
        validation.read_multi(question, offered, data, result)

    def xlsx_rows(
        self, question: Question, questionnaire: Questionnaire, text: str, routing_line: str, lists: ListSheet
    ) -> list[Row]:
        """A row per option (a Yes cell), then the specify rows."""
        return render_xlsx.multi_rows(question, questionnaire, text, routing_line)

    def _stored(self, codes: list[int]) -> object:
        return codes

    def _draw_codes(self, question: Question, offered: list[Option], draw: Draw) -> list[int]:
        return draw.codes(question, offered)


class _Items(QuestionKind):
    """Shared by grids and numeric sets: one answer key and variable per item, asked item by item."""

    has_items = True

    def answer_keys(self, question: Question, questionnaire: Questionnaire) -> list[str]:
        """The item ids."""
        return [item.id for item in question.items]

    def is_asked(self, question: Question, name: str, route: routing.Route) -> bool:
        """Whether routing asked this item."""
        return route.asked(question.id) and name in route.items.get(question.id, [])

    def print_answers(self, record: PrintedQuestion, question: Question, questionnaire: Questionnaire) -> None:
        """A line per item."""
        record.items = [printed.item_line(i, item, questionnaire) for i, item in enumerate(question.items)]


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
        validation.read_grid(question, items, data, result)

    def print_answers(self, record: PrintedQuestion, question: Question, questionnaire: Questionnaire) -> None:
        """The scale's labels and a line per item."""
        record.scale = [printed.option_label(o) for o in questionnaire.options_of(question)]
        super().print_answers(record, question, questionnaire)

    def xlsx_rows(
        self, question: Question, questionnaire: Questionnaire, text: str, routing_line: str, lists: ListSheet
    ) -> list[Row]:
        """A heading row, then a row per item with a drop-down of the scale."""
        return render_xlsx.grid_rows(question, questionnaire, text, lists)

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
        """A number per item, named by the item id."""
        return [Variable(i.id, f"{question.text} {i.text}", question.id, "number") for i in question.items]

    def read_page(
        self, question: Question, offered: list[Option], items: list[str], data: FormData, result: PageInput
    ) -> None:
        """A number in range for each asked item."""
        validation.read_numbers(question, items, data, result)

    def print_answers(self, record: PrintedQuestion, question: Question, questionnaire: Questionnaire) -> None:
        """A line per item with its numeric format."""
        super().print_answers(record, question, questionnaire)
        for line, item in zip(record.items, question.items, strict=True):
            line.answer = printed.numeric_format(question, item)

    def xlsx_rows(
        self, question: Question, questionnaire: Questionnaire, text: str, routing_line: str, lists: ListSheet
    ) -> list[Row]:
        """A heading row, then a number row per item."""
        return render_xlsx.numbers_rows(question, questionnaire, text)

    def random_answer(
        self, question: Question, questionnaire: Questionnaire, answers: Mapping[str, object], draw: Draw
    ) -> dict[str, object]:
        """A number for each drawn item."""
        return {item.id: draw.number(question, item) for item in draw.items(question, questionnaire, answers)}


class _OneAnswer(QuestionKind):
    """Shared by open text and a single number: one answer under the question's id."""

    def variables(self, question: Question, questionnaire: Questionnaire) -> list[Variable]:
        """One variable, the question id, of the kind's own variable kind."""
        return [Variable(question.id, question.text, question.id, self.type)]

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
        validation.read_text(question, data, result)

    def answer_line(self, question: Question) -> str | None:
        """ "Open", or "Open <150 characters>"."""
        return f"Open <{question.max_length:,} characters>" if question.max_length else "Open"

    def xlsx_rows(
        self, question: Question, questionnaire: Questionnaire, text: str, routing_line: str, lists: ListSheet
    ) -> list[Row]:
        """One text row."""
        return render_xlsx.text_rows(question, text, routing_line)

    def random_answer(
        self, question: Question, questionnaire: Questionnaire, answers: Mapping[str, object], draw: Draw
    ) -> dict[str, object]:
        """A drawn text."""
        return {question.id: draw.text(question)}


class Number(_OneAnswer):
    """`number`: one number."""

    type = "number"
    numeric = True

    def read_page(
        self, question: Question, offered: list[Option], items: list[str], data: FormData, result: PageInput
    ) -> None:
        """A number in the question's range."""
        validation.read_number_question(question, data, result)

    def answer_line(self, question: Question) -> str | None:
        """ "Numeric <range 0-10,000,000> £"."""
        return printed.numeric_format(question)

    def xlsx_rows(
        self, question: Question, questionnaire: Questionnaire, text: str, routing_line: str, lists: ListSheet
    ) -> list[Row]:
        """One number row."""
        return render_xlsx.number_rows(question, text, routing_line)

    def random_answer(
        self, question: Question, questionnaire: Questionnaire, answers: Mapping[str, object], draw: Draw
    ) -> dict[str, object]:
        """A drawn number."""
        return {question.id: draw.number(question, None)}


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
        self, question: Question, questionnaire: Questionnaire, text: str, routing_line: str, lists: ListSheet
    ) -> list[Row]:
        """The text alone."""
        return [render_xlsx.Row(text, routing=routing_line)]

    def random_answer(
        self, question: Question, questionnaire: Questionnaire, answers: Mapping[str, object], draw: Draw
    ) -> dict[str, object]:
        """None."""
        return {}


KINDS: dict[str, QuestionKind] = {
    kind.type: kind for kind in (Single(), Multi(), Grid(), Text(), Number(), Numbers(), Statement())
}


def flag_code(variable: Variable) -> int:
    """The option code of a multiple choice's 0/1 variable (`{id}_{code}`)."""
    return int(variable.name.rsplit("_", 1)[1])


def dataset_value(variable: Variable, asked: bool, live: Mapping[str, object]) -> object:
    """One variable's value in the dataset, with the missing codes: the one rule for every kind.

    A text not asked is empty (None), one asked is its text ("" when not given); anything else
    not asked is NOT_ASKED, asked but not given NOT_ANSWERED; a multiple choice's flag is 1 or 0.
    """
    if variable.kind == "text":
        if not asked:
            return None
        value = live.get(variable.name)
        return "" if value is None else str(value)
    if not asked:
        return NOT_ASKED
    if variable.kind == "flag":
        chosen = live.get(variable.question)
        if not isinstance(chosen, list):
            return NOT_ANSWERED
        return 1 if flag_code(variable) in chosen else 0
    value = live.get(variable.name)
    if value is None:
        return NOT_ANSWERED
    return float(value) if variable.kind == "number" else int(value)  # type: ignore[arg-type]
