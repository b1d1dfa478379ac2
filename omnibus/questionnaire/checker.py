"""Check what a questionnaire means: names, routing, feed-through, ranges, piping.

The loader has already checked structure (known keys, value types). Every check here adds
a `Problem` at a line and carries on, so that one run reports every mistake in the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from omnibus.questionnaire import checks, unavailable
from omnibus.questionnaire import expressions as ex
from omnibus.questionnaire.kinds import kind_of
from omnibus.questionnaire.model import Question, Questionnaire, Section
from omnibus.questionnaire.numbering import check_numbers
from omnibus.questionnaire.piping import FILTERS, piped_references
from omnibus.questionnaire.problems import Problem
from omnibus.questionnaire.settings import check_settings
from omnibus.questionnaire.variables import variables

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def check(questionnaire: Questionnaire) -> list[Problem]:
    """Every problem of meaning in a questionnaire whose structure has been read."""
    checker = _Checker(questionnaire)
    checker.run()
    return sorted(checker.problems, key=lambda p: p.line)


class _Checker:
    def __init__(self, questionnaire: Questionnaire) -> None:
        self.q = questionnaire
        self.problems: list[Problem] = []

    def add(self, line: int, message: str) -> None:
        self.problems.append(Problem(line, message))

    def run(self) -> None:
        if not self.q.sections:
            self.add(1, "the questionnaire has no sections")
        self.check_names()
        self.check_menu()
        self.problems += check_settings(self.q)
        self.problems += check_numbers(self.q)
        self.check_contact()
        for section in self.q.sections:
            self.check_section(section)
            for question in section.questions:
                self.check_question(question)
                self.problems += unavailable.problems(question)
        self.problems += checks.problems(self.q)

    def check_contact(self) -> None:
        contact = self.q.about.contact if self.q.about else None
        if contact and contact.email and not EMAIL.match(contact.email):
            self.add(contact.line, f"about: contact email {contact.email!r} is not an email address")

    # -- names ---------------------------------------------------------------------

    def check_names(self) -> None:
        seen_sections: set[str] = set()
        for section in self.q.sections:
            if section.id in seen_sections:
                self.add(section.line, f"section id '{section.id}' is used twice")
            seen_sections.add(section.id)
        first_line: dict[str, int] = {}
        if self.q.menu is not None:
            first_line[self.q.menu.id] = self.q.menu.line
        for question in self.q.questions():
            named = [(question.id, question.line)] + [(i.id, i.line) for i in question.items]
            for name, line in named:
                if name in first_line:
                    self.add(line, f"id '{name}' is used twice (first at line {first_line[name]})")
                else:
                    first_line[name] = line
        self.check_variable_names(first_line)

    def check_variable_names(self, ids: dict[str, int]) -> None:
        seen: dict[str, str] = {}
        for variable in variables(self.q):
            question = self.q.question(variable.question)
            line = question.line if question else 0
            clash = seen.get(variable.name)
            if clash is not None and clash != variable.question:
                self.add(line, f"variable '{variable.name}' of {variable.question} clashes with one of {clash}")
            elif (
                variable.name in ids
                and variable.name != variable.question
                and self.q.owner(variable.name) is not question
            ):
                self.add(
                    line, f"variable '{variable.name}' of {variable.question} clashes with the id of another question"
                )
            seen[variable.name] = variable.question

    def check_menu(self) -> None:
        menu = self.q.menu
        if menu is None:
            return
        listed: set[str] = set()
        for code, section_id in menu.sections.items():
            if self.q.section(section_id) is None:
                self.add(menu.line, f"menu code {code} names section '{section_id}', which does not exist")
            if section_id in listed:
                self.add(menu.line, f"menu lists section '{section_id}' twice")
            listed.add(section_id)

    # -- sections and questions ------------------------------------------------------

    def check_section(self, section: Section) -> None:
        if not section.questions:
            self.add(section.line, f"section '{section.id}' has no questions")
            return
        if section.ask_if:
            first = self.q.position(section.questions[0].id)
            line = section.lines.get("ask_if", section.line)
            self.check_expression(section.ask_if, line, first, f"section {section.id}")

    def check_question(self, question: Question) -> None:
        where = f"{question.id}"
        position = self.q.position(question.id)
        if question.ask_if:
            self.check_expression(question.ask_if, question.line_of("ask_if"), position, where)
        for item in question.items:
            if item.ask_if:
                self.check_expression(
                    item.ask_if, item.lines.get("ask_if", item.line), position, f"{where} item {item.id}"
                )
        self.check_piping(question, position)
        kind = kind_of(question)
        if kind.choice:
            self.check_choice(question)
        elif kind.scale:
            self.check_grid(question)
        elif kind.numeric:
            self.check_numbers(question)
        elif kind.open_text and question.max_length is not None and question.max_length < 1:
            self.add(question.line_of("max_length"), f"{where}: max_length must be at least 1")
        if question.consent is not None:
            codes = {o.code for o in self.q.options_of(question)}
            if question.consent.agree not in codes:
                self.add(
                    question.consent.line, f"{where}: consent agree code {question.consent.agree} is not an option"
                )

    def check_choice(self, question: Question) -> None:
        where = question.id
        if not question.options and question.options_from is None:
            self.add(question.line, f"{where}: a {question.type} question needs options or options_from")
        if question.options_from is not None:
            self.check_feed(question)
        options = self.q.options_of(question)
        if not kind_of(question).multiple:
            for option in question.options:
                if option.exclusive:
                    self.add(
                        option.line,
                        f"{where}: code {option.code} is exclusive, but a single-choice question takes one code anyway",
                    )
            return
        if question.max_choices is not None:
            if question.max_choices < 1:
                self.add(question.line_of("max_choices"), f"{where}: max_choices must be at least 1")
            elif question.max_choices > len(options):
                self.add(
                    question.line_of("max_choices"),
                    f"{where}: max_choices is {question.max_choices} but there are only {len(options)} options",
                )
        low, high = question.min_choices, question.max_choices
        if low is not None and high is not None and low > high:
            self.add(question.line_of("min_choices"), f"{where}: min_choices ({low}) is above max_choices ({high})")

    def check_feed(self, question: Question) -> None:
        feed = question.options_from
        assert feed is not None
        where = question.id
        source = self.q.question(feed.question)
        if source is None:
            self.add(feed.line, f"{where}: options_from names '{feed.question}', which is not a question")
            return
        if not kind_of(source).multiple:
            self.add(
                feed.line, f"{where}: options are fed through from {source.id}, which is not a multiple-choice question"
            )
        if self.q.position(source.id) >= self.q.position(question.id):
            self.add(feed.line, f"{where}: options are fed through from {source.id}, which is not asked before it")
            return
        source_codes = {o.code for o in self.q.options_of(source)}
        for code in feed.exclude:
            if code not in source_codes:
                self.add(feed.line, f"{where}: options_from excludes code {code}, which {source.id} does not have")
        for option in question.options:
            if option.code in source_codes and option.code not in feed.exclude:
                self.add(
                    option.line,
                    f"{where}: code {option.code} clashes with code {option.code} fed through from {source.id}",
                )

    def check_grid(self, question: Question) -> None:
        if not question.options:
            self.add(question.line, f"{question.id}: a grid needs options (the shared scale)")
        if not question.items:
            self.add(question.line, f"{question.id}: a grid needs items")
        kind = kind_of(question)
        for option in question.options:
            if option.specify or (option.exclusive and not kind.multiple_rows):
                what = "specify" if kind.multiple_rows else "exclusive or specify"
                self.add(option.line, f"{question.id}: a grid's scale cannot have {what} codes")
        if kind.multiple_rows:
            self.check_row_limits(question)
        if kind.column_groups:
            self.check_columns(question)

    def check_row_limits(self, question: Question) -> None:
        low, high = question.min_choices, question.max_choices
        for key, value in (("min_choices", low), ("max_choices", high)):
            if value is not None and value < 1:
                self.add(question.line_of(key), f"{question.id}: {key} must be at least 1")
        if high is not None and high > len(question.options):
            self.add(
                question.line_of("max_choices"),
                f"{question.id}: max_choices is {high} but there are only {len(question.options)} options",
            )
        if low is not None and high is not None and low > high:
            self.add(
                question.line_of("min_choices"), f"{question.id}: min_choices ({low}) is above max_choices ({high})"
            )

    def check_columns(self, question: Question) -> None:
        if not question.columns:
            self.add(question.line, f"{question.id}: a two-way grid needs columns (its column groups)")
        seen: set[str] = set()
        for column in question.columns:
            if column.id in seen:
                self.add(column.line, f"{question.id}: column id '{column.id}' is used twice")
            seen.add(column.id)

    def check_numbers(self, question: Question) -> None:
        if kind_of(question).has_items and not question.items:
            self.add(question.line, f"{question.id}: a set of numbers needs items")
        for item in question.items:
            if item.specify:
                self.add(item.lines.get("specify", item.line), f"{item.id}: only a grid's rows take specify")
        self.check_range(question.min, question.max, question.line_of("max"), question.id)
        for item in question.items:
            low = item.min if item.min is not None else question.min
            high = item.max if item.max is not None else question.max
            self.check_range(low, high, item.line, item.id)

    def check_range(self, low: float | None, high: float | None, line: int, where: str) -> None:
        if low is not None and high is not None and low > high:
            self.add(line, f"{where}: min ({low:g}) is above max ({high:g})")

    # -- piping --------------------------------------------------------------------

    def check_piping(self, question: Question, position: int) -> None:
        texts = [(question.text, question.line_of("text")), (question.hint, question.line_of("hint"))]
        texts += [(item.text, item.line) for item in question.items]
        for text, line in texts:
            if not text:
                continue
            stripped = text.replace("{{", "").replace("}}", "")
            if stripped.count("{") != stripped.count("}"):
                self.add(line, f"{question.id}: unmatched brace in text (write {{{{ or }}}} for a literal brace)")
            for name, filters in piped_references(text):
                self.check_reference(name, line, position, f"{question.id}: piped answer")
                for unknown in (f for f in filters if f not in FILTERS):
                    known = ", ".join(FILTERS)
                    self.add(line, f"{question.id}: unknown piping filter '{unknown}' in {{{name}|…}} (known: {known})")

    # -- expressions -----------------------------------------------------------------

    def check_expression(self, text: str, line: int, position: int, where: str) -> None:
        try:
            expr = ex.parse(text)
        except ex.ExpressionError as error:
            self.add(line, f"{where}: ask_if '{text}': {error.message} (at column {error.column})")
            return
        for name in ex.references(expr):
            self.check_reference(name, line, position, f"{where}: ask_if")
        for problem in _type_problems(expr, self.q):
            self.add(line, f"{where}: ask_if: {problem}")

    def check_reference(self, name: str, line: int, position: int, where: str) -> None:
        owner = self.q.owner(name)
        if owner is None:
            self.add(line, f"{where} refers to '{name}', which is not a question or item")
        elif self.q.position(owner.id) >= position:
            self.add(line, f"{where} refers to {name}, which is not asked before it")


def _type_problems(expr: ex.Expr, questionnaire: Questionnaire) -> Iterable[str]:
    """What an expression asks of each question that the question's type cannot give."""
    if isinstance(expr, ex.Compare):
        for side, other in ((expr.left, expr.right), (expr.right, expr.left)):
            if isinstance(side, ex.Ref):
                yield from _comparable(side.name, questionnaire)
                if isinstance(other, ex.Literal):
                    yield from _known_codes(side.name, (other.value,), questionnaire)
    elif isinstance(expr, ex.In) and isinstance(expr.left, ex.Ref):
        yield from _comparable(expr.left.name, questionnaire)
        yield from _known_codes(expr.left.name, expr.values, questionnaire)
    elif isinstance(expr, ex.Call):
        yield from _call_problems(expr, questionnaire)
    for child in ex.children(expr):
        yield from _type_problems(child, questionnaire)


def _comparable(name: str, questionnaire: Questionnaire) -> Iterable[str]:
    owner = questionnaire.owner(name)
    if owner is None:
        return
    kind = kind_of(owner)
    if owner.id != name:
        row = any(item.id == name for item in owner.items)
        if kind.multiple_rows and row:
            yield f"{name} is a row of a grid of multiple choices: test it with chosen({name}, code) or count({name})"
        elif kind.column_groups and row and owner.columns:
            yield f"{name} is a row of a two-way grid: compare one of its cells ({name}_{owner.columns[0].id}, …)"
        return
    if kind.multiple:
        yield f"{name} is a multiple-choice question: test it with chosen({name}, code) or count({name})"
    elif kind.has_items:
        first = owner.items[0].id if owner.items else f"{name}_a"
        yield f"{name} has items: compare one of them ({first}, …) or use count({name})"
    elif not kind.answerable:
        yield f"{name} is a statement and has no answer"


def _known_codes(name: str, values: Iterable[object], questionnaire: Questionnaire) -> Iterable[str]:
    owner = questionnaire.owner(name)
    if owner is None or not kind_of(owner).coded:
        return
    if kind_of(owner).has_items and owner.id == name:
        return
    codes = {o.code for o in questionnaire.options_of(owner)}
    for value in values:
        if value not in codes:
            yield f"code {value!r} is not an option of {name}"


def _call_problems(call: ex.Call, questionnaire: Questionnaire) -> Iterable[str]:
    name = call.args[0].name  # type: ignore[union-attr]
    owner = questionnaire.owner(name)
    if owner is None:
        return
    is_item = owner.id != name
    kind = kind_of(owner)
    if call.function == "count" and (is_item and not kind.multiple_rows or not (kind.multiple or kind.has_items)):
        yield f"count({name}) needs a multiple-choice question, a grid or a set of numbers"
    if call.function == "chosen":
        if not kind.choice and not (is_item and kind.scale):
            yield f"chosen({name}, …) needs a choice question or a grid item"
            return
        for arg in call.args[1:]:
            if not isinstance(arg, ex.Literal):
                yield f"chosen({name}, …) takes codes after the question"
            else:
                yield from _known_codes(name, (arg.value,), questionnaire)
