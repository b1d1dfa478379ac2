"""Coded themes as data: each coded open variable becomes a multiple-response question of the dataset.

`with_themes(dataset, codings)` adds, after the open variable, a question `<variable>_themes`
whose options are the code frame's themes, and a 0/1 variable per theme (`<variable>_themes_<code>`),
so tables, the tab book, exports and the report treat themes like any multiple choice: "mentioned
by 23% of responding units". The base is the units that gave an answer; an answer not yet coded
counts under "Not yet coded" so the table is honest while coding is under way. A theme the wave added
to a frame carried from earlier waves is marked "(new this wave)", and the question's note in
`Dataset.notes` says how its codes were given (by a person, reviewed suggestions, bulk acceptance).

No Django here: the coding app reads the database and hands plain `ThemeCoding`s in.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import polars as pl

from omnibus.analysis.dataset import NOT_ANSWERED, NOT_ASKED, Dataset
from omnibus.questionnaire.model import Option, Question, Questionnaire
from omnibus.questionnaire.naming import Variable
from omnibus.questionnaire.variables import answer_key_owners
from omnibus.questionnaire.wording import base_description

NOT_CODED = 0  # the option code of answers given but not yet coded
NEW_MARK = " (new this wave)"  # after the label of a theme the wave added to a frame carried from earlier waves


@dataclass(frozen=True)
class CodeSources:
    """How a wave's codes were given: by a person, a suggestion accepted after review, or suggestions in bulk."""

    person: int = 0  # ticked on the coding screen, or from a spreadsheet read back by import
    reviewed: int = 0  # a suggestion the researcher ticked and accepted
    bulk: int = 0  # suggestions accepted all at once (above a confidence, or a candidate theme's group)

    @property
    def total(self) -> int:
        """Every code counted."""
        return self.person + self.reviewed + self.bulk

    def __add__(self, other: CodeSources) -> CodeSources:
        return CodeSources(self.person + other.person, self.reviewed + other.reviewed, self.bulk + other.bulk)

    def sentence(self) -> str:
        """The split in words, for a table's note or the report: "Of the 70 codes, 12 were given by a person, …"."""
        if self.total == self.person:
            return f"All {self.total} codes were given by a researcher."
        return (
            f"Of the {self.total} codes, {_were(self.person)} given by a researcher, {_were(self.reviewed, True)} "
            f"accepted after review and {_were(self.bulk, True)} accepted in bulk, unread."
        )


def _were(count: int, suggestions: bool = False) -> str:
    """ "1 was", "2 were"; with `suggestions`, "1 was a suggestion", "2 were suggestions"."""
    if count == 1:
        return "1 was a suggestion" if suggestions else "1 was"
    return f"{count} were suggestions" if suggestions else f"{count} were"


@dataclass
class ThemeCoding:
    """The coding of one open variable in one wave."""

    variable: str  # the open text variable ("SocImprov", "SuppSou_14_text")
    themes: list[tuple[int, str]]  # (code, label) in the code frame's order
    codes: dict[str, set[int]]  # unit key -> theme codes given to its answer
    nets: dict[str, tuple[int, ...]] = field(default_factory=dict)  # net label -> theme codes
    sources: CodeSources = CodeSources()
    new: frozenset[int] = frozenset()  # codes of themes this wave added to a frame carried from earlier waves


def themes_question_id(variable: str) -> str:
    """The dataset question holding a variable's themes."""
    return f"{variable}_themes"


def with_themes(dataset: Dataset, codings: list[ThemeCoding]) -> Dataset:
    """The dataset with a themes question and its 0/1 variables after each coded open variable."""
    codings = [c for c in codings if c.themes and c.variable in dataset.data.columns]
    if not codings:
        return dataset
    uncoded = {c.variable for c in codings if _any_uncoded(dataset.data, c)}
    questionnaire = _questionnaire_with(dataset.questionnaire, codings, uncoded)
    variables = list(dataset.variables)
    data = dataset.data
    nets = dict(dataset.nets)
    notes = dict(dataset.notes)
    for coding in codings:
        derived = questionnaire.question(themes_question_id(coding.variable))
        assert derived is not None  # added by _questionnaire_with just above
        flags = _flag_columns(data, coding, derived)
        place = next(i for i, v in enumerate(variables) if v.name == coding.variable) + 1
        variables[place:place] = [
            Variable(f"{derived.id}_{o.code}", f"{derived.text}: {o.label}", derived.id, "flag")
            for o in derived.options
        ]
        data = data.with_columns(flags)
        if coding.nets:
            nets[derived.id] = dict(coding.nets)
        if coding.sources.total:
            notes[derived.id] = (*notes.get(derived.id, ()), coding.sources.sentence())
    data = data.select(_column_order(dataset.data.columns, variables, data.columns))
    return replace(dataset, questionnaire=questionnaire, variables=variables, data=data, nets=nets, notes=notes)


def _column_order(before: list[str], variables: list[Variable], now: list[str]) -> list[str]:
    """The old columns in their order, each new theme flag right after the variable before it."""
    new = [v.name for v in variables if v.name not in before]
    order = list(before)
    for name in new:
        index = next(i for i, v in enumerate(variables) if v.name == name)
        order.insert(order.index(variables[index - 1].name) + 1, name)
    return [c for c in order if c in now]


def _flag_columns(data: pl.DataFrame, coding: ThemeCoding, derived: Question) -> list[pl.Series]:
    """One 0/1 column per theme: -1 where the open question was not asked, -2 where left blank."""
    texts = data.get_column(coding.variable).to_list()
    units = data.get_column("unit").cast(pl.String).to_list()
    columns = []
    for option in derived.options:
        values = []
        for unit, text in zip(units, texts, strict=True):
            if text is None:
                values.append(NOT_ASKED)
            elif not str(text).strip():
                values.append(NOT_ANSWERED)
            else:
                given = coding.codes.get(unit, set())
                values.append(int(option.code in given if option.code != NOT_CODED else not given))
        columns.append(pl.Series(f"{derived.id}_{option.code}", values, dtype=pl.Int64))
    return columns


def _any_uncoded(data: pl.DataFrame, coding: ThemeCoding) -> bool:
    """Whether some unit gave an answer that has no theme yet."""
    for unit, text in zip(data.get_column("unit").cast(pl.String), data.get_column(coding.variable), strict=True):
        if text is not None and str(text).strip() and not coding.codes.get(unit):
            return True
    return False


def _questionnaire_with(questionnaire: Questionnaire, codings: list[ThemeCoding], uncoded: set[str]) -> Questionnaire:
    """A copy of the questionnaire with each themes question after its open question."""
    by_owner: dict[str, list[Question]] = {}
    owners = answer_key_owners(questionnaire)
    for coding in codings:
        owner = owners.get(coding.variable)
        if owner is None:
            continue
        by_owner.setdefault(owner.id, []).append(
            _themes_question(owner, coding, questionnaire, coding.variable in uncoded)
        )
    sections = []
    for section in questionnaire.sections:
        questions: list[Question] = []
        for question in section.questions:
            questions.append(question)
            questions.extend(by_owner.get(question.id, []))
        sections.append(replace(section, questions=questions))
    # Fresh caches: the copy has questions the original's lookups do not know.
    return replace(questionnaire, sections=sections, _owners={}, _positions={}, _options={})


def _themes_question(owner: Question, coding: ThemeCoding, questionnaire: Questionnaire, uncoded: bool) -> Question:
    """The derived multiple-response question: one option per theme, then "Not yet coded" if needed."""
    options = [Option(code, label + (NEW_MARK if code in coding.new else "")) for code, label in coding.themes]
    if uncoded:
        options.append(Option(NOT_CODED, "Not yet coded"))
    subject = owner.text if coding.variable == owner.id else f"{owner.text} (other answers)"
    return Question(
        id=themes_question_id(coding.variable),
        type="multi",
        text=f"Themes mentioned: {subject}",
        section=owner.section,
        ask_if=owner.ask_if,
        base=f"{base_description(owner, questionnaire)} that gave an answer",
        options=options,
        line=owner.line,
    )
