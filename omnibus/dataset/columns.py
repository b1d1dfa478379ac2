"""Routing a whole wave at once: every routing condition evaluated once, as a column over all units.

The routing engine (`omnibus.questionnaire.routing.route`) walks one unit's answers; this
module walks the questionnaire once for all units, with each answer key held as a column
(numpy arrays over the units) and each `ask_if`, item condition and fed-through option list
translated from the expression language's tree into array operations. It follows `route`
step by step, and a test checks it against `route` unit by unit, cell for cell.

What it does not know, it refuses rather than guesses: `unsupported` names the first
question kind, expression or stored value outside what is translated here, and the dataset
build then routes that wave unit by unit. That is the one check; nothing here falls back
on its own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import polars as pl

from omnibus.analysis.dataset import COMPLETE, NONE, NOT_ANSWERED, NOT_ASKED, PARTIAL
from omnibus.questionnaire import expressions as ex
from omnibus.questionnaire.kinds import flag_code, kind_of
from omnibus.questionnaire.model import Question, Questionnaire
from omnibus.questionnaire.naming import Variable, specify_key
from omnibus.questionnaire.routing import parsed
from omnibus.questionnaire.variables import answer_key_owners, answer_keys

# The question types translated here; a new kind routes unit by unit until it is added.
TRANSLATED_TYPES = frozenset({"single", "multi", "grid", "text", "number", "numbers", "statement"})
_NODES = (ex.Ref, ex.Literal, ex.Compare, ex.In, ex.Call, ex.Not, ex.BoolOp)
WEB = "web"  # the mode of an answer given in the web survey
# SectionState's stored statuses (fieldwork's SectionState.Status), named here so that neither module needs Django.
NOT_STARTED = "not_started"
COMPLETED = "completed"


# -- the answers of a wave, decoded once per distinct stored text ---------------------------


# What a stored value is, as far as the columns care (`Decoded.kinds`).
NUMBER, TEXT, CODES, OTHER = 0, 1, 2, 3


@dataclass
class StoredKey:
    """One answer key's stored answers over the units that gave one (nulls dropped)."""

    rows: np.ndarray  # the unit's row in the dataset
    at: np.ndarray  # each answer's position among the wave's distinct texts (`Decoded`)
    imported: np.ndarray  # bool: given in a mode other than the web survey
    decoded: Decoded


@dataclass
class Decoded:
    """A wave's distinct stored texts, decoded: as Python values, as numbers where they are numbers, and their kinds."""

    values: np.ndarray  # object
    numbers: np.ndarray  # float, NaN where not a number
    kinds: np.ndarray  # NUMBER (exact in a float64), TEXT, CODES (a list of distinct numbers) or OTHER


def decode(answers: pl.DataFrame, ids: list[int]) -> dict[str, StoredKey]:
    """A wave's stored answers, `answers` (wave_unit, key, text, mode), by key; JSON decoded once per distinct text."""
    texts = answers["text"].drop_nulls().unique()
    values = json.loads(f"[{','.join(texts.to_list())}]")  # one call for every distinct text
    held = np.empty(len(values), dtype=object)
    kinds = np.empty(len(values), dtype=np.int8)
    for i, value in enumerate(values):  # one by one: numpy would make lists of codes a second axis
        held[i] = value
        kinds[i] = _kind(value)
    numbers = np.full(len(values), np.nan)
    numeric = np.flatnonzero(kinds == NUMBER)
    numbers[numeric] = [float(values[i]) for i in numeric]
    null = [i for i, v in enumerate(values) if v is None]
    grouped = (
        answers.select(
            "key",
            row=pl.col("wave_unit").replace_strict(ids, pl.int_range(len(ids), eager=True), default=None),
            at=pl.col("text").cast(pl.Enum(texts)).to_physical(),  # the position in `texts`: quicker than replace
            imported=pl.col("mode") != WEB,
        )
        .filter(pl.col("row").is_not_null() & pl.col("at").is_not_null() & ~pl.col("at").is_in(null))
        .group_by("key")
        .agg("row", "at", "imported")
    )
    # Each key's answers as slices of three flat arrays: no Python object per answer.
    bounds = np.cumsum(grouped["row"].list.len().to_numpy())[:-1]
    rows, at, imported = (np.split(grouped[name].explode().to_numpy(), bounds) for name in ("row", "at", "imported"))
    decoded = Decoded(held, numbers, kinds)
    return {key: StoredKey(rows[i], at[i], imported[i], decoded) for i, key in enumerate(grouped["key"].to_list())}


def _kind(value: object) -> int:
    if isinstance(value, str):
        return TEXT
    if _numeric(value):
        return NUMBER
    if isinstance(value, list) and all(_numeric(c) for c in value) and len(set(value)) == len(value):
        return CODES
    return OTHER


# -- the single check -------------------------------------------------------------------------


def unsupported(questionnaire: Questionnaire, stored: dict[str, StoredKey]) -> str | None:
    """Why this wave cannot be routed as columns (None: it can): the one check before `routed_columns`."""
    names: set[str] = set()
    for question in questionnaire.questions():
        if question.type not in TRANSLATED_TYPES:
            return f"question {question.id}: type {question.type!r} is not translated to columns"
        if question.as_at is not None:  # its date variable's rules (the default date, none for a box) are the kind's
            return f"question {question.id}: the date a figure relates to (as_at) is not translated to columns"
        keys = answer_keys(question, questionnaire)
        own = {question.id, *keys}
        if names & own or len(set(keys)) != len(keys):
            return f"question {question.id}: an answer key is written twice"
        names |= own
    for where, condition in _conditions(questionnaire):
        reason = _untranslated(parsed(condition))
        if reason:
            return f"{where}: {reason}"
    return _unfit_value(questionnaire, stored)


def _conditions(questionnaire: Questionnaire) -> list[tuple[str, str]]:
    found = [(f"section {s.id}", s.ask_if) for s in questionnaire.sections]
    for q in questionnaire.questions():
        found.append((f"question {q.id}", q.ask_if))
        found.extend((f"item {i.id}", i.ask_if) for i in q.items)
    return [(where, condition) for where, condition in found if condition]


def _untranslated(node: ex.Expr) -> str | None:
    if not isinstance(node, _NODES):
        return f"expression {type(node).__name__} is not translated to columns"
    if isinstance(node, ex.Call) and not all(isinstance(a, ex.Literal) for a in node.args[1:]):
        return f"{node.function}() with codes that are not literals is not translated to columns"
    return next(filter(None, (_untranslated(child) for child in ex.children(node))), None)


def _numeric(value: object) -> bool:
    return isinstance(value, int | float) and float(value) == value  # exact in a float64 column


def _unfit_value(questionnaire: Questionnaire, stored: dict[str, StoredKey]) -> str | None:
    """The first stored value whose type the columns do not hold as `route` would read it."""
    owners = answer_key_owners(questionnaire)
    for key, given in stored.items():
        owner = owners.get(key)
        if owner is None:
            continue  # not a question's answer: never live
        kind = kind_of(owner)
        if key != owner.id and not kind.has_items:
            fits = TEXT  # a "please specify" text
        elif kind.multiple:
            fits = CODES
        elif kind.open_text:
            fits = TEXT
        else:
            fits = NUMBER
        unfit = given.at[given.decoded.kinds[given.at] != fits]
        if unfit.size:
            return f"answer {key} holds {given.decoded.values[unfit.min()]!r}, which is not translated to columns"
    return None


# -- columns ----------------------------------------------------------------------------------


@dataclass
class Column:
    """One answer over all units: `present` where there is a value; scalars in `values`, or chosen codes."""

    present: np.ndarray  # bool
    values: np.ndarray | None = None  # float64 (numbers, codes) or object (texts)
    codes: tuple[int, ...] = ()  # a multiple choice: the codes of `chosen`'s columns
    chosen: np.ndarray | None = None  # bool, units x codes

    @property
    def text(self) -> bool:
        return self.values is not None and self.values.dtype == object

    def truthy(self) -> np.ndarray:
        """Python's truth of each unit's value (a missing value is false)."""
        if self.values is None:
            return self.present.copy()  # a kept list of codes is never empty
        empty = "" if self.text else 0
        return self.present & (self.values != empty)

    def count(self) -> np.ndarray:
        """Codes chosen, or 1 for any other value."""
        if self.chosen is not None:
            return self.chosen.sum(axis=1).astype(float)
        return self.present.astype(float)


def stored_columns(questionnaire: Questionnaire, stored: dict[str, StoredKey], units: int) -> dict[str, Column]:
    """Each stored answer key as a column (before routing: what the units gave, on route or not)."""
    owners = answer_key_owners(questionnaire)
    columns: dict[str, Column] = {}
    for key, given in stored.items():
        owner = owners.get(key)
        if owner is None:
            continue
        present = np.zeros(units, dtype=bool)
        present[given.rows] = True
        if kind_of(owner).multiple and key == owner.id:
            codes = tuple(o.code for o in questionnaire.options_of(owner))
            chosen = np.zeros((units, len(codes)), dtype=bool)
            distinct, inverse = np.unique(given.at, return_inverse=True)
            table = np.array([[c in given.decoded.values[i] for c in codes] for i in distinct], dtype=bool)
            chosen[given.rows] = table[inverse.ravel()]
            columns[key] = Column(present, codes=codes, chosen=chosen)
            continue
        text = isinstance(given.decoded.values[given.at[0]], str)
        column = np.full(units, "" if text else np.nan, dtype=object if text else float)
        column[given.rows] = (given.decoded.values if text else given.decoded.numbers)[given.at]
        columns[key] = Column(present, column)
    return columns


def _imported(stored: dict[str, StoredKey], units: int) -> dict[str, np.ndarray]:
    """Per answer key, the units that gave it in another mode than the web survey."""
    found: dict[str, np.ndarray] = {}
    for key, given in stored.items():
        if given.imported.any():
            found[key] = np.zeros(units, dtype=bool)
            found[key][given.rows[given.imported]] = True
    return found


# -- evaluating an expression over all units ---------------------------------------------------


class Walk:
    """The live answers so far over all units, and expressions evaluated on them (as `routing._Live`)."""

    def __init__(self, questionnaire: Questionnaire, units: int) -> None:
        self.questionnaire = questionnaire
        self.units = units
        self.live: dict[str, Column] = {}

    def absent(self) -> Column:
        return Column(np.zeros(self.units, dtype=bool), np.full(self.units, np.nan))

    def holds(self, condition: str | None) -> np.ndarray:
        """Where an `ask_if` holds (no condition: everywhere)."""
        if not condition:
            return np.ones(self.units, dtype=bool)
        return self.truthy(self.value(parsed(condition)))

    def truthy(self, value: object) -> np.ndarray:
        if isinstance(value, Column):
            return value.truthy()
        if isinstance(value, np.ndarray):
            return value
        return np.full(self.units, bool(value))

    def number(self, value: np.ndarray) -> Column:
        return Column(np.ones(self.units, dtype=bool), value.astype(float))

    def value(self, node: ex.Expr) -> object:
        """A Column, a bool array, or a Python scalar (a literal)."""
        if isinstance(node, ex.Literal):
            return node.value
        if isinstance(node, ex.Ref):
            return self.live.get(node.name) or self.absent()
        if isinstance(node, ex.Compare):
            return self.compare(node.op, self.value(node.left), self.value(node.right))
        if isinstance(node, ex.In):
            return (self.member(self.value(node.left), node.values) != node.negated) & self.defined(node.left)
        if isinstance(node, ex.Not):
            return ~self.truthy(self.value(node.operand))
        if isinstance(node, ex.BoolOp):
            results = [self.truthy(self.value(operand)) for operand in node.operands]
            return np.logical_and.reduce(results) if node.op == "and" else np.logical_or.reduce(results)
        return self.call(node)  # type: ignore[arg-type]

    def defined(self, node: ex.Expr) -> np.ndarray:
        """Where a value is neither missing nor a list (`in` is false there, negated or not)."""
        value = self.value(node)
        if isinstance(value, Column):
            return value.present & (value.chosen is None)
        return np.ones(self.units, dtype=bool)

    def scalar_column(self, value: object) -> Column | None:
        """A value as a Column of scalars: None for a list of codes or a missing scalar literal."""
        if isinstance(value, Column):
            return value if value.chosen is None else None
        if isinstance(value, np.ndarray):
            return self.number(value)
        filled = np.full(self.units, value, dtype=object if isinstance(value, str) else float)
        return Column(np.ones(self.units, dtype=bool), filled)

    def member(self, value: object, codes: tuple[object, ...]) -> np.ndarray:
        """Where a scalar value equals one of `codes` (Python's equality: 1 == 1.0, never 1 == '1')."""
        column = self.scalar_column(value)
        if column is None:
            return np.zeros(self.units, dtype=bool)
        wanted = [c for c in codes if isinstance(c, str) == column.text]
        found = np.isin(column.values, np.array(wanted, dtype=object if column.text else float))
        return column.present & found

    def compare(self, op: str, left: object, right: object) -> np.ndarray:
        a, b = self.scalar_column(left), self.scalar_column(right)
        if a is None or b is None or a.text != b.text:
            return np.zeros(self.units, dtype=bool)
        both = a.present & b.present
        x, y = (np.where(both, a.values, ""), np.where(both, b.values, "")) if a.text else (a.values, b.values)
        with np.errstate(invalid="ignore"):
            result = {
                "=": np.equal,
                "!=": np.not_equal,
                "<": np.less,
                "<=": np.less_equal,
                ">": np.greater,
                ">=": np.greater_equal,
            }[op](x, y)
        return both & result.astype(bool)

    def call(self, node: ex.Call) -> object:
        name = node.args[0].name  # type: ignore[union-attr]  # the parser guarantees a Ref
        if node.function in ("count", "answered"):
            counts = self.count(name)
            return self.number(counts) if node.function == "count" else counts > 0
        codes = tuple(arg.value for arg in node.args[1:])  # type: ignore[union-attr]  # literals: see `unsupported`
        column = self.live.get(name) or self.absent()
        if column.chosen is None:
            return self.member(column, codes)
        picked = [j for j, code in enumerate(column.codes) if any(_numeric(c) and c == code for c in codes)]
        return column.chosen[:, picked].any(axis=1) if picked else np.zeros(self.units, dtype=bool)

    def count(self, name: str) -> np.ndarray:
        owner = self.questionnaire.owner(name)
        if owner is not None and owner.id == name and kind_of(owner).has_items:
            items = [self.live[i.id].present for i in owner.items if i.id in self.live]
            return np.sum(items, axis=0).astype(float) if items else np.zeros(self.units)
        column = self.live.get(name)
        return np.zeros(self.units) if column is None else column.count()


# -- routing -----------------------------------------------------------------------------------


@dataclass
class Routed:
    """What routing decided for every unit, as columns."""

    sections: dict[str, np.ndarray]  # section id -> asked
    asked: dict[str, np.ndarray]  # question or item id -> asked
    live: dict[str, Column]  # answer key -> live answers


def route_columns(questionnaire: Questionnaire, stored: dict[str, Column], units: int, pilot: bool) -> Routed:
    """Route every unit at once, step by step as `routing.route` does for one."""
    walk = Walk(questionnaire, units)
    sections: dict[str, np.ndarray] = {}
    asked: dict[str, np.ndarray] = {}
    for section in questionnaire.sections:
        sections[section.id] = in_section = walk.holds(section.ask_if)
        for question in section.questions:
            taken = in_section & bool(pilot or not question.pilot)
            asked[question.id] = taken & walk.holds(question.ask_if) if taken.any() else taken
            _ask(question, asked, walk, stored)
    return Routed(sections, asked, walk.live)


def _ask(question: Question, asked: dict[str, np.ndarray], walk: Walk, stored: dict[str, Column]) -> None:
    """As `routing._ask`: the question's stored answers become live where it is asked and they fit."""
    here = asked[question.id]
    kind = kind_of(question)
    if kind.has_items:
        for item in question.items:  # every item's condition on the answers before the question's own
            asked[item.id] = here & walk.holds(item.ask_if)
        codes = [o.code for o in question.options]
        for item in question.items:
            given = stored.get(item.id)
            if given is not None:
                fits = np.ones(walk.units, dtype=bool) if kind.numeric else walk.member(given, tuple(codes))
                walk.live[item.id] = Column(given.present & asked[item.id] & fits, given.values)
        return
    if kind.choice:
        _take_choice(question, here, walk, stored)
        return
    given = stored.get(question.id)
    if given is not None and kind.answerable:
        walk.live[question.id] = Column(given.present & here, given.values)


def _offered(question: Question, walk: Walk) -> list[tuple[int, bool, np.ndarray]]:
    """As `route.offered_options`: each option's code, whether it asks to specify, and where it is offered."""
    everywhere = np.ones(walk.units, dtype=bool)
    feed = walk.questionnaire.question(question.options_from.question) if question.options_from else None
    if feed is None:
        return [(o.code, o.specify, everywhere) for o in question.options]
    own = {o.code for o in question.options}
    source = walk.live.get(feed.id)
    chosen_source = source if source is not None and source.chosen is not None else None
    offered = []
    for option in walk.questionnaire.options_of(question):
        if option.code in own:
            offered.append((option.code, option.specify, everywhere))
            continue
        was_chosen = np.zeros(walk.units, dtype=bool)
        if chosen_source is not None and option.code in chosen_source.codes:
            was_chosen = chosen_source.chosen[:, chosen_source.codes.index(option.code)]
        offered.append((option.code, option.specify, was_chosen == question.options_from.chosen))
    return offered


def _take_choice(question: Question, here: np.ndarray, walk: Walk, stored: dict[str, Column]) -> None:
    offered = _offered(question, walk)
    given = stored.get(question.id)
    if given is None:
        return
    if kind_of(question).multiple:
        codes = given.codes
        where = {code: mask for code, _, mask in offered}
        kept = np.zeros_like(given.chosen)
        for j, code in enumerate(codes):
            if code in where:
                kept[:, j] = given.chosen[:, j] & where[code] & here
        live = Column(kept.any(axis=1), codes=codes, chosen=kept)
        chosen = {code: kept[:, j] for j, code in enumerate(codes)}
    else:
        chosen = {code: here & mask & walk.member(given, (code,)) for code, _, mask in offered}
        live = Column(np.logical_or.reduce(list(chosen.values())) if chosen else here & False, given.values)
    walk.live[question.id] = live
    for code, specify, _ in offered:
        key = specify_key(question.id, code)
        text = stored.get(key)
        if specify and text is not None and code in chosen:
            walk.live[key] = Column(chosen[code] & text.present & (text.values != ""), text.values)


# -- the dataset's columns -----------------------------------------------------------------------


@dataclass
class UnitStates:
    """Per section, over all units: its stored status, and whether a page of it was shown."""

    status: dict[str, np.ndarray]  # section id -> object array of statuses ("" where none)
    shown: dict[str, np.ndarray]  # section id -> bool


def routed_columns(
    questionnaire: Questionnaire,
    variables: list[tuple[Variable, str, str]],
    stored: dict[str, StoredKey],
    units: int,
    states: UnitStates,
    pilot: bool,
) -> tuple[dict[str, pl.Series], dict[str, pl.Series]]:
    """The section flags and variable columns of the dataset (call `unsupported` first).

    `variables` holds, for each variable, its section and the question or item whose asking
    decides whether it is asked (as `build.value_of` reads a `VarSpec`).
    """
    routed = route_columns(questionnaire, stored_columns(questionnaire, stored, units), units, pilot)
    owners = answer_key_owners(questionnaire)
    by_section: dict[str, list[np.ndarray]] = {s.id: [] for s in questionnaire.sections}
    for key, column in routed.live.items():
        if key in owners:
            by_section[owners[key].section].append(column.present)
    reached = {
        s: np.logical_or.reduce([*found, states.shown[s], (states.status[s] != "") & (states.status[s] != NOT_STARTED)])
        for s, found in by_section.items()
    }
    imported = _imported(stored, units)
    flags = {
        f"section_{s.id}": _section_flag(questionnaire, s.id, routed, states, imported, owners)
        for s in questionnaire.sections
    }
    values = {}
    for variable, section, key in variables:
        is_asked = reached[section] & routed.asked[key]
        values[variable.name] = _variable(variable, is_asked, routed.live)
    return flags, values


def _variable(variable: Variable, asked: np.ndarray, live: dict[str, Column]) -> pl.Series:
    """As `kinds.dataset_value`, over all units."""
    if variable.kind == "flag":
        column = live.get(variable.question)
        value = np.full(asked.shape, NOT_ANSWERED)
        if column is not None:
            code = flag_code(variable)
            flag = column.chosen[:, column.codes.index(code)] if code in column.codes else False
            value = np.where(column.present, np.where(flag, 1, 0), NOT_ANSWERED)
        return pl.Series(variable.name, np.where(asked, value, NOT_ASKED).astype(np.int64))
    column = live.get(variable.name)
    present = column.present if column is not None else np.zeros(asked.shape, dtype=bool)
    if variable.kind == "text":
        given = column.values if column is not None else np.full(asked.shape, "", dtype=object)
        text = np.where(present, given, "").astype(object)
        return pl.Series(variable.name, np.where(asked, text, None).tolist(), dtype=pl.String)
    given = column.values if column is not None else np.zeros(asked.shape)
    value = np.where(asked, np.where(present, given, NOT_ANSWERED), NOT_ASKED)
    if variable.kind == "number":
        return pl.Series(variable.name, value.astype(float))
    return pl.Series(variable.name, value.astype(np.int64))


def _section_flag(
    questionnaire: Questionnaire,
    section: str,
    routed: Routed,
    states: UnitStates,
    imported: dict[str, np.ndarray],
    owners: dict[str, Question],
) -> pl.Series:
    """As `build.section_flag`: complete, partial or none, over all units."""
    keys = [k for k, c in routed.live.items() if k in owners and owners[k].section == section]
    units = len(states.shown[section])
    any_live = np.logical_or.reduce([routed.live[k].present for k in keys]) if keys else np.zeros(units, dtype=bool)
    given_elsewhere = [routed.live[k].present & imported[k] for k in keys if k in imported]
    any_imported = np.logical_or.reduce(given_elsewhere) if given_elsewhere else np.zeros(units, dtype=bool)
    answered = routed.sections[section] & _section_answered(questionnaire.section(section), routed)
    flag = np.where(any_live, np.where(any_imported & answered, COMPLETE, PARTIAL), NONE)
    return pl.Series(np.where(states.status[section] == COMPLETED, COMPLETE, flag).tolist(), dtype=pl.String)


def _section_answered(section, routed: Routed) -> np.ndarray:  # noqa: ANN001 - a Section
    """As `build.section_answered` (asked section apart): every asked required question answered."""
    units = len(next(iter(routed.sections.values())))
    answered = np.ones(units, dtype=bool)
    for question in section.questions:
        kind = kind_of(question)
        if not kind.answerable or not question.required:
            continue
        if kind.has_items:
            done = np.logical_and.reduce(
                [~routed.asked[i.id] | _live(routed, i.id) for i in question.items] or [np.ones(units, dtype=bool)]
            )
        else:
            done = _live(routed, question.id)
        answered &= ~routed.asked[question.id] | done
    return answered


def _live(routed: Routed, key: str) -> np.ndarray:
    column = routed.live.get(key)
    units = len(next(iter(routed.sections.values())))
    return column.present if column is not None else np.zeros(units, dtype=bool)
