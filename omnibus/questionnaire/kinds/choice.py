"""The choice kinds, `single` and `multi`: codes chosen from options, with "please specify" texts."""

from __future__ import annotations

from collections.abc import Mapping

from omnibus.questionnaire.kinds.base import Draw, QuestionKind
from omnibus.questionnaire.model import Option, Question, Questionnaire
from omnibus.questionnaire.naming import Variable, specify_key
from omnibus.questionnaire.printed_parts import PrintedQuestion, feed_line, option_label
from omnibus.questionnaire.reading import FieldError, FormData, PageInput, missing, offered_codes, one_value
from omnibus.questionnaire.route import offered_options
from omnibus.questionnaire.xlsx_parts import (
    ChoiceGroup,
    ListSheet,
    Row,
    Wording,
    code_list,
    list_validation,
    message_only,
    yes_validation,
)

SPECIFY_MAX = 500  # characters of an "Other (please specify)" text
COUNT_WORDS = {1: "one option", 2: "two options", 3: "three options", 4: "four options", 5: "five options"}


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
        record.feed = feed_line(question, questionnaire)
        own = question.options if question.options_from else questionnaire.options_of(question)
        record.options = [f"{o.code}. {option_label(o)}" for o in own]

    def _stored(self, codes: list[int]) -> object:
        raise self._unwritten("_stored")

    def random_answer(
        self, question: Question, questionnaire: Questionnaire, answers: Mapping[str, object], draw: Draw
    ) -> dict[str, object]:
        """Codes drawn from what routing offers, with a text for each chosen "please specify"."""
        offered = offered_options(question, questionnaire, answers)
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
        """One offered code, and the text of a chosen "please specify"."""
        value = one_value(data, question.id)
        if not value:
            missing(question, question.id, "Select an answer", result)
            return
        (code,) = offered_codes([value], offered, question.id)
        result.answers[question.id] = code
        _read_specify(question, offered, [code], data, result)

    def xlsx_rows(
        self, question: Question, questionnaire: Questionnaire, text: str, words: Wording, lists: ListSheet
    ) -> list[Row]:
        """One row with a drop-down of the codes, then the "please specify" rows."""
        options = questionnaire.options_of(question)
        labels = code_list(options)
        allowed = "\n".join(filter(None, [words.feed(question), *labels]))
        validation = list_validation(question.id, labels, lists)
        row = Row(text, question.id, words.routing([question.ask_if]), allowed, validation, style="question")
        return [row, *_specify_rows(question, options, words)]

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
        """Offered codes within the question's limits, an exclusive code on its own, the specify texts."""
        codes = offered_codes([v for v in data.get(question.id, []) if v], offered, question.id)
        if not codes:
            missing(question, question.id, "Select at least one option", result)
            return
        exclusive = [o for o in offered if o.exclusive and o.code in codes]
        if exclusive and len(codes) > 1:
            label = exclusive[0].label
            result.errors.append(
                FieldError(question.id, f"Select ‘{label}’ on its own, or clear it to choose other options")
            )
        elif question.max_choices is not None and len(codes) > question.max_choices:
            result.errors.append(FieldError(question.id, f"Select up to {count_words(question.max_choices)}"))
        elif question.min_choices is not None and len(codes) < question.min_choices:
            result.errors.append(FieldError(question.id, f"Select at least {count_words(question.min_choices)}"))
        result.answers[question.id] = codes
        _read_specify(question, offered, codes, data, result)

    def xlsx_rows(
        self, question: Question, questionnaire: Questionnaire, text: str, words: Wording, lists: ListSheet
    ) -> list[Row]:
        """The question row, a row per option (a Yes cell), then the "please specify" rows."""
        options = questionnaire.options_of(question)
        flags = [v for v in self.variables(question, questionnaire) if v.kind == "flag"]
        group = ChoiceGroup(question) if question.max_choices else None
        routing = words.routing([question.ask_if])
        rows = [Row(text, routing=routing, allowed=words.feed(question), style="question")]
        for option, variable in zip(options, flags, strict=True):
            allowed = "Yes, or leave blank" + ("; only on its own" if option.exclusive else "")
            conditions = [question.ask_if, _fed_condition(question, option)]
            rows.append(
                Row(
                    f"{option.code}. {words.option(option)}",
                    variable.name,
                    words.routing(conditions),
                    allowed,
                    None if group else yes_validation(),
                    group=group,
                    exclusive=option.exclusive,
                )
            )
        return rows + _specify_rows(question, options, words)

    def _stored(self, codes: list[int]) -> object:
        return codes

    def _draw_codes(self, question: Question, offered: list[Option], draw: Draw) -> list[int]:
        return draw.codes(question, offered)


def _read_specify(
    question: Question, offered: list[Option], chosen: list[int], data: FormData, result: PageInput
) -> None:
    for option in offered:
        if not option.specify:
            continue
        key = specify_key(question.id, option.code)
        text = one_value(data, key)
        if option.code not in chosen:
            result.answers[key] = None  # a text left behind by a cleared option goes with it
        elif not text:
            result.errors.append(FieldError(key, f"Enter what ‘{option.label}’ is"))
        elif len(text) > SPECIFY_MAX:
            result.errors.append(FieldError(key, f"‘{option.label}’ must be {SPECIFY_MAX} characters or fewer"))
        else:
            result.answers[key] = text


def count_words(n: int) -> str:
    return COUNT_WORDS.get(n, f"{n} options")


def _fed_condition(question: Question, option: Option) -> str | None:
    """For a fed-through option, the condition under which it is offered."""
    feed = question.options_from
    if feed is None or question.option(option.code) is not None:
        return None  # the question's own option: always offered
    chosen = f"chosen({feed.question}, {option.code})"
    return chosen if feed.chosen else f"not {chosen}"


def _specify_rows(question: Question, options: list[Option], words: Wording) -> list[Row]:
    # After all the option rows, so that a max_choices count over the option cells never counts a text.
    rows = []
    for option in (o for o in options if o.specify):
        condition = f"chosen({question.id}, {option.code})"
        rows.append(
            Row(
                f"{option.code}. {words.option(option)}: please say what",
                specify_key(question.id, option.code),
                words.routing([question.ask_if, condition]),
                "Text",
                message_only("Please specify", f"Type the answer for '{option.label}'."),
            )
        )
    return rows
