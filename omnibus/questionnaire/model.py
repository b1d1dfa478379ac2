"""The questionnaire as plain data: what the loader builds and every other stage reads.

A questionnaire is a list of sections, each a list of questions. Each question has a
`type` and the fields that type uses; the rest stay at their defaults. Every object keeps
the line of the file it came from so that later checks can point at it. What a type means
is its kind, `kinds.kind_of(question)`: the kinds read the model, which imports none of them.

Variable names (what the dataset and the exports use) follow one rule, which each question's
kind (`kinds`) implements and `variables.py` hands out, so that no stage invents its own:

- single, text, number: the question id;
- multi: one 0/1 variable per option, `{id}_{code}`;
- grid: one variable per item, the item id;
- numbers: one variable per item, the item id;
- an option with `specify: true`: its text in `{id}_{code}_text`;
- multi_grid: one 0/1 variable per item and option, `{item}_{code}`;
- two_way_grid: one code per item and column group, `{item}_{column}`;
- a grid row (item) with `specify: true`: its text in `{item}_text`.

A number (or each item of a set of numbers) may offer "Don't know" / "Not available" boxes
(`unavailable:`): ticked, the answer is that box's missing code (`UNAVAILABLE_CODES`), stored
under the number's own key and variable like any answer, and labelled as missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Literal

QuestionType = Literal[
    "single", "multi", "grid", "text", "number", "numbers", "statement", "multi_grid", "two_way_grid"
]
# The types the file may name, in the language guide's order: the keys of `kinds.KINDS`.
QUESTION_TYPES: tuple[str, ...] = (
    "single",
    "multi",
    "grid",
    "text",
    "number",
    "numbers",
    "statement",
    "multi_grid",
    "two_way_grid",
)
CHOICE_TYPES = ("single", "multi")
MISSING_KINDS = ("dont_know", "prefer_not_to_say", "not_available")
# The codes a number's "Don't know" / "Not available" boxes store: negative, below any answer
# a number with `unavailable:` allows (its `min` is 0 or more), and apart from -1 and -2.
UNAVAILABLE_CODES = {"dont_know": -8, "not_available": -9, "prefer_not_to_say": -7}
UNAVAILABLE_LABELS = {
    "dont_know": "Don't know",
    "not_available": "Not available",
    "prefer_not_to_say": "Prefer not to say",
}


@dataclass
class Option:
    """One code of a code frame: `1: Very confident`."""

    code: int
    label: str
    exclusive: bool = False  # "None of these": cannot be chosen with another code
    specify: bool = False  # "Other (please specify)": asks for a text as well
    missing: str | None = None  # "dont_know" or "prefer_not_to_say": a missing code
    piped: str | None = None  # the wording used when this answer is piped ("strongly agree")
    line: int = 0


@dataclass
class OptionsFrom:
    """A code frame fed through from an earlier multiple-choice answer."""

    question: str
    chosen: bool = True  # True: only the options chosen there; False: only those not chosen
    exclude: tuple[int, ...] = ()  # source codes never fed through (e.g. "None of these")
    line: int = 0


@dataclass
class Item:
    """A row of a grid or a numeric set: its own variable, asked against the shared scale."""

    id: str
    text: str
    ask_if: str | None = None
    min: float | None = None  # numeric sets only: overrides the question's range
    max: float | None = None
    specify: bool = False  # grids only: an "Other (please specify)" row, asking what it is
    line: int = 0
    lines: dict[str, int] = field(default_factory=dict, repr=False)  # key -> line of its value


@dataclass
class Check:
    """A cross-item check: a rule over answers that must hold, the message when it does not, the field it names."""

    rule: str  # an expression (`expressions.py`), e.g. `PBplans <= EHCPissued` or `sum(Pct) = 100`
    message: str  # GOV.UK-worded: "Plans with a personal budget must be no more than plans issued"
    line: int = 0
    lines: dict[str, int] = field(default_factory=dict, repr=False)  # key -> line of its value
    # Last: the name would hide dataclasses.field from the lines above.
    field: str | None = None  # the answer key the message points to (default: the first the rule reads)


@dataclass
class AsAt:
    """A number asked as at a date, with the date its figure relates to when that is another ("as at")."""

    default: date  # the date the figure is asked for: 31 March 2018
    ask: str = "when_different"  # "when_different": an optional date (blank: the default); "always": required
    earliest: date | None = None  # the earliest date a figure may relate to (default: a year before `default`)
    line: int = 0

    @property
    def bound(self) -> date:
        """The earliest date accepted."""
        if self.earliest is not None:
            return self.earliest
        if (self.default.month, self.default.day) == (2, 29):  # a year before 29 February 2024: 28 February 2023
            return date(self.default.year - 1, 2, 28)
        return self.default.replace(year=self.default.year - 1)


@dataclass
class GridColumn:
    """A column group of a two-way grid ("This year"): each item is answered once under each."""

    id: str
    text: str
    line: int = 0


@dataclass
class Consent:
    """Marks a question whose answer is a consent, and which code means "yes"."""

    purpose: str  # "link": answers may be linked to the unit's name for the client
    agree: int
    line: int = 0


@dataclass
class Contact:
    """Whom a respondent can ask about the survey."""

    name: str = ""
    email: str = ""
    phone: str = ""
    line: int = 0


@dataclass
class About:
    """What a respondent is told before answering: who asks, why, how long, what happens to the answers.

    The respondent's start page and footer pages (privacy, accessibility, cookies, contact) are
    written from it; a deployment may fill in or override the contact and privacy parts.
    """

    sponsor: str = ""  # who is asking: "the Department for Education (DfE)"
    research_team: str = ""  # who runs the survey: "NatCen Social Research"
    purpose: str = ""  # why, in a sentence or a short paragraph
    time: str = ""  # how long it takes: "no more than 15 minutes in total"
    confidentiality: str = ""  # who sees the answers, and under what promise
    contact: Contact | None = None
    privacy: str = ""  # how the answers are used, kept and deleted (the privacy notice's own words)
    data_controller: str = ""  # who is responsible for the data under UK GDPR
    retention: str = ""  # how long answers and contact details are kept
    line: int = 0


@dataclass
class Question:
    """One question of the questionnaire (or one statement shown without an answer)."""

    id: str
    type: str
    text: str
    section: str = ""
    number: str | None = None  # the number as printed ("Q9a"); see `numbering.py`
    heading: str | None = None  # starts a sub-heading ("2.1 LA improvement")
    label: str | None = None  # a short name for Check your answers ("Sources of support used")
    preamble: str | None = None  # text shown before the question ("The next questions are…")
    hint: str | None = None
    note: str | None = None  # for the printed version only
    ask_if: str | None = None
    base: str | None = None  # the base description; derived from ask_if when absent
    required: bool = True
    pilot: bool = False  # asked only in pilot waves; never part of the main dataset
    options: list[Option] = field(default_factory=list)
    options_from: OptionsFrom | None = None
    min_choices: int | None = None
    max_choices: int | None = None
    items: list[Item] = field(default_factory=list)
    columns: list[GridColumn] = field(default_factory=list)  # two_way_grid only: its column groups
    max_length: int | None = None
    min: float | None = None
    max: float | None = None
    integer: bool = True
    prefix: str | None = None  # "£"
    suffix: str | None = None  # "children", "%"
    consent: Consent | None = None
    unavailable: list[Option] = field(default_factory=list)  # a number's "Don't know" boxes (missing codes)
    checks: list[Check] = field(default_factory=list)  # cross-item checks on its answers
    as_at: AsAt | None = None  # a number's date: the figure relates to a date, given in `{id}_date`
    line: int = 0
    lines: dict[str, int] = field(default_factory=dict, repr=False)  # key -> line of its value

    def line_of(self, key: str) -> int:
        """The line of one of the question's keys (its first line when the key is absent)."""
        return self.lines.get(key, self.line)

    def option(self, code: int) -> Option | None:
        """The option with this code among the question's own options, if any."""
        for option in self.options:
            if option.code == code:
                return option
        return None


@dataclass
class Section:
    """A section of the questionnaire; may be routed as a whole with `ask_if`."""

    id: str
    title: str
    intro: str | None = None
    ask_if: str | None = None
    questions: list[Question] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)  # cross-item checks over its questions
    line: int = 0
    lines: dict[str, int] = field(default_factory=dict, repr=False)  # key -> line of its value


@dataclass
class Menu:
    """The section menu (QSelect): the respondent picks a section and returns after each."""

    id: str
    text: str
    hint: str | None = None
    sections: dict[int, str] = field(default_factory=dict)  # menu code -> section id
    line: int = 0


FLOWS = ("menu", "linear")
NUMBERINGS = ("given", "auto", "none")


@dataclass
class UnitNoun:
    """What the questionnaire calls one unit where it differs from the population's noun."""

    noun: str
    plural: str
    line: int = 0


@dataclass
class Settings:
    """How the survey runs and prints: its flow, its question numbers, its unit noun."""

    flow: str | None = None  # "menu" or "linear"; None: menu when there is a menu, else linear
    numbering: str = "given"  # "given" (each question's `number`), "auto" (Q1, Q2, …) or "none"
    unit: UnitNoun | None = None
    line: int = 0
    lines: dict[str, int] = field(default_factory=dict, repr=False)  # key -> line of its value


@dataclass
class Questionnaire:
    """A whole questionnaire version: the survey it belongs to and its sections."""

    survey: str
    version: str
    title: str
    introduction: str | None = None
    about: About | None = None
    base_all: str = "All respondents"
    menu: Menu | None = None
    sections: list[Section] = field(default_factory=list)
    option_sets: dict[str, list[Option]] = field(default_factory=dict)
    settings: Settings = field(default_factory=Settings)
    path: str = "<questionnaire>"
    # Built on first use; a loaded questionnaire is not changed afterwards.
    _owners: dict[str, Question] = field(default_factory=dict, repr=False, compare=False)
    _positions: dict[str, int] = field(default_factory=dict, repr=False, compare=False)
    _options: dict[str, list[Option]] = field(default_factory=dict, repr=False, compare=False)
    _numbers: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    @property
    def linear(self) -> bool:
        """Whether respondents go straight through every section (no section menu)."""
        return (self.settings.flow or ("menu" if self.menu else "linear")) == "linear"

    @property
    def menu_sections(self) -> list[tuple[int, Section]]:
        """The sections offered on the menu, with their menu codes (all sections when there is no menu)."""
        if self.menu is None:
            return list(enumerate(self.sections, start=1))
        found = ((code, self.section(sid)) for code, sid in sorted(self.menu.sections.items()))
        return [(code, section) for code, section in found if section is not None]

    @property
    def closing_sections(self) -> list[Section]:
        """The sections every respondent answers after the menu (consent, thanks)."""
        if self.menu is None:
            return []
        listed = set(self.menu.sections.values())
        return [s for s in self.sections if s.id not in listed]

    def questions(self) -> list[Question]:
        """Every question in file order."""
        return [q for s in self.sections for q in s.questions]

    def question(self, qid: str) -> Question | None:
        """The question with this id, if any."""
        owner = self.owner(qid)
        return owner if owner is not None and owner.id == qid else None

    def owner(self, name: str) -> Question | None:
        """The question a name belongs to: the question itself, or the grid or set holding an item (or cell)."""
        if not self._owners:
            for q in reversed(self.questions()):  # reversed: the first of duplicates wins
                self._owners.update({item.id: q for item in q.items})
                self._owners.update({cell_name(i.id, c.id): q for i in q.items for c in q.columns})
                self._owners[q.id] = q
        return self._owners.get(name)

    def position(self, qid: str) -> int:
        """A question's place in the questionnaire (0 first); -1 for an unknown id."""
        if not self._positions:
            for index, q in reversed(list(enumerate(self.questions()))):
                self._positions[q.id] = index
        return self._positions.get(qid, -1)

    def options_of(self, question: Question) -> list[Option]:
        """Every option the question can ever offer: fed-through source options, then its own.

        Which of them a given unit is offered is the routing engine's business. Kept once
        worked out: routing asks for them on every page.
        """
        if question.id not in self._options:
            self._options[question.id] = self._resolve_options(question, frozenset())
        return self._options[question.id]

    def _resolve_options(self, question: Question, seen: frozenset[str]) -> list[Option]:
        # A circular feed-through (which the checker reports) feeds nothing rather than looping.
        feed = question.options_from
        source = self.question(feed.question) if feed else None
        if feed is None or source is None or source.id in seen:
            return question.options
        fed = self._resolve_options(source, seen | {question.id})
        # A fed-through "Other (please specify)" was specified at the source already:
        # it is offered again, but its text is not asked for twice.
        return [replace(o, specify=False) for o in fed if o.code not in feed.exclude] + question.options

    def section(self, sid: str) -> Section | None:
        """The section with this id, if any."""
        for s in self.sections:
            if s.id == sid:
                return s
        return None


def cell_name(item_id: str, column_id: str) -> str:
    """The answer key and variable of one cell of a two-way grid: `{item}_{column}`."""
    return f"{item_id}_{column_id}"
