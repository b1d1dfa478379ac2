"""Build a wave's analysis dataset from the answer store: one row per unit, routing-aware missing codes.

The layout and the missing codes are the contract in `omnibus.analysis.dataset`. Everything
is read in a handful of queries (units, live answers, section states, page events, the
frame), the large ones handed over as one text each and read into polars frames; routing
then runs over whole columns (`omnibus.dataset.columns`), so a 20,000-unit census costs
about a second, not a query or a Python object per unit.

Splitting the work: `read_wave` (Django) gathers a `WaveStore`; `assemble` (no Django) turns
it into the dataset. Paradata (`para_…` columns) follow the questionnaire's variables.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import numpy as np
import polars as pl
from django.db.models import TextField
from django.db.models.functions import Cast

from omnibus.analysis.dataset import COMPLETE, NONE, NOT_ASKED, PARTIAL, Dataset
from omnibus.analysis.spec import Breakdown
from omnibus.collect.flow import is_answered
from omnibus.collect.models import Answer, PageEvent
from omnibus.core.bulk_read import query_frame
from omnibus.dataset import columns as vectorised
from omnibus.dataset.columns import COMPLETED, NOT_STARTED, WEB
from omnibus.fieldwork.models import SectionState, Wave
from omnibus.fieldwork.questionnaires import questionnaire_of
from omnibus.frame.schema import PopulationSchema
from omnibus.frame.store import frame_table
from omnibus.questionnaire.kinds import dataset_value, flag_code, kind_of
from omnibus.questionnaire.model import Question, Questionnaire
from omnibus.questionnaire.naming import Variable
from omnibus.questionnaire.route import Route
from omnibus.questionnaire.routing import route
from omnibus.questionnaire.variables import answer_key_owners, variables

EVENT_SCHEMA = {
    "wave_unit": pl.Int64,
    "section": pl.String,
    "page": pl.String,
    "event": pl.String,
    "at": pl.Datetime("us", "UTC"),
}
EVENT_ROWS = EVENT_SCHEMA | {"pk": pl.Int64}  # as read: the primary key orders events of the same moment
ANSWER_SCHEMA = {"wave_unit": pl.Int64, "key": pl.String, "text": pl.String, "mode": pl.String}  # text: JSON
STATE_SCHEMA = {"wave_unit": pl.Int64, "section": pl.String, "status": pl.String}
UNIT_SCHEMA = {"wave_unit": pl.Int64, "unit": pl.String}
logger = logging.getLogger(__name__)
IDLE_CAP = timedelta(minutes=30)  # a longer gap between two pages is someone away from the desk


@dataclass
class UnitStore:
    """One wave unit's stored state for the routing engine: live answers, their modes, section states."""

    key: str
    answers: dict[str, object] = field(default_factory=dict)
    modes: dict[str, str] = field(default_factory=dict)  # answer key -> mode it was given in
    states: dict[str, str] = field(default_factory=dict)  # section id -> SectionState status
    shown_sections: set[str] = field(default_factory=set)  # sections with a page shown (paradata)


@dataclass
class WaveStore:
    """What the store holds for a wave, read in a handful of queries, as frames."""

    slug: str
    title: str
    questionnaire: Questionnaire
    pilot: bool
    units: pl.DataFrame  # as UNIT_SCHEMA, in the dataset's order
    frame: pl.DataFrame  # "unit": the frame's unit keys; `frame_<name>` for each of frame_attributes (see `_frame`)
    frame_attributes: list[str]
    population_size: int
    profile: tuple[Breakdown, ...]
    events: pl.DataFrame  # as EVENT_SCHEMA
    breakdowns: tuple[Breakdown, ...] = ()  # the population's default banner
    client_attributes: tuple[str, ...] = ()  # frame attributes a client copy keeps for every unit
    answers: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=ANSWER_SCHEMA))  # as ANSWER_SCHEMA
    states: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=STATE_SCHEMA))  # as STATE_SCHEMA

    def unit_stores(self) -> dict[int, UnitStore]:
        """Each wave unit's answers, modes, section states and shown sections (for routing unit by unit)."""
        units = {unit_id: UnitStore(key) for unit_id, key in self.units.iter_rows()}
        decoded: dict[str, object] = {}  # decoded once per distinct text: few distinct values in a census
        for unit_id, key, text, mode in self.answers.iter_rows():
            if text not in decoded:
                decoded[text] = json.loads(text)
            units[unit_id].answers[key] = decoded[text]  # shared, never changed: routing copies
            units[unit_id].modes[key] = mode
        for unit_id, section, status in self.states.iter_rows():
            units[unit_id].states[section] = status
        for unit_id, section in shown_sections(self.events).iter_rows():
            units[unit_id].shown_sections.add(section)
        return units


def shown_sections(events: pl.DataFrame) -> pl.DataFrame:
    """The (wave_unit, section) pairs with a page shown: the sections a unit reached, as far as paradata tell."""
    shown = events.filter((pl.col("event") == "shown") & (pl.col("section") != ""))
    return shown.select("wave_unit", "section").unique()


@dataclass
class VarSpec:
    """How one variable is read from a unit's route: which key, which item or option."""

    variable: Variable
    section: str
    key: str  # the answer key holding its value
    code: int | None = None  # a multi-choice flag's option code
    item: bool = False  # a grid or numeric-set item (asked per item)


VariableSource = Callable[[Any, Dataset], Dataset]
"""Adds variables that a room above the dataset keeps (coded themes): given the wave and the dataset."""

_SOURCES: list[VariableSource] = []


def add_variable_source(source: VariableSource) -> None:
    """Have every built dataset pass through `source` (the coding app adds its themes when Django starts).

    The dataset sits below coding, so coding hands its function down rather than being imported here.
    """
    if source not in _SOURCES:
        _SOURCES.append(source)


def build_dataset(wave, themes: bool = True, unit_key: str | None = None) -> Dataset:  # noqa: ANN001 - a Wave
    """The analysis dataset of a wave: one row per wave unit, per the contract in analysis.dataset.

    With `themes`, the variables of the rooms above are added: each coded open variable is followed
    by its themes as a multiple-response question (see `add_variable_source` and coding.themes).
    With `unit_key`, only that unit's row (the back office's unit page), read without the rest.
    """
    dataset = assemble(read_wave(wave, unit_key))
    if not themes:
        return dataset
    for source in _SOURCES:
        dataset = source(wave, dataset)
    return dataset


def dataset_variables(questionnaire: Questionnaire, pilot: bool) -> list[Variable]:
    """The dataset's variables in questionnaire order; pilot-only questions only for a pilot wave."""
    return [v for v in variables(questionnaire) if pilot or not _pilot_only(questionnaire, v.question)]


def _pilot_only(questionnaire: Questionnaire, question_id: str) -> bool:
    question = questionnaire.question(question_id)
    return question is not None and question.pilot


# -- reading the store (Django) ---------------------------------------------------------------


def read_wave(wave, unit_key: str | None = None) -> WaveStore:  # noqa: ANN001 - a fieldwork Wave
    """Everything the dataset needs from the database, in a handful of queries (one unit's, with `unit_key`)."""
    questionnaire = questionnaire_of(wave.questionnaire)
    of_wave = {"wave_unit__wave": wave} | ({"wave_unit__unit__key": unit_key} if unit_key is not None else {})
    wave_units = wave.units.filter(unit__key=unit_key) if unit_key is not None else wave.units
    found = wave_units.order_by("unit__key", "pk").values_list("pk", "unit__key")  # the dataset's order
    units = pl.DataFrame([(pk, key or f"preview-{pk}") for pk, key in found], schema=UNIT_SCHEMA, orient="row")
    text = Cast("value", TextField())
    answers = Answer.objects.filter(**of_wave).annotate(text=text).values_list("wave_unit_id", "key", "text", "mode")
    # Page times as text, parsed in one go.
    events = PageEvent.objects.filter(**of_wave).annotate(when=Cast("at", TextField()))
    events = query_frame(events.values_list("wave_unit_id", "section", "page", "event", "when", "pk"), EVENT_ROWS)
    states = SectionState.objects.filter(**of_wave).values_list("wave_unit_id", "section", "status")
    frame, attributes, size, schema = _frame(wave)
    return WaveStore(
        wave.slug,
        wave.title,
        questionnaire,
        wave.kind == Wave.PILOT,
        units,
        frame,
        attributes,
        size,
        schema.profile,
        events.sort("wave_unit", "at", "pk").drop("pk"),
        breakdowns=schema.breakdowns,
        client_attributes=schema.client_attributes,
        answers=query_frame(answers, ANSWER_SCHEMA),
        states=query_frame(states, STATE_SCHEMA),
    )


def _frame(wave) -> tuple[pl.DataFrame, list[str], int, PopulationSchema]:  # noqa: ANN001 - a fieldwork Wave
    """The frame as of the wave's date, the names of its columns but the key, N and the population's schema.

    The frame has "unit" (the keys) and `frame_<name>` for each other column: an attribute
    that is a number as a float, anything else as text; a blank or missing value is null.
    """
    table = frame_table(wave.population.slug, wave.frame_as_of)
    schema = table.schema
    others = [column for column in schema.columns if column.name != schema.key]
    frame = table.values.select(
        pl.col(schema.key).alias("unit"),
        *[
            _frame_value(pl.col(c.name), c.role == "attribute" and c.kind == "number").alias(f"frame_{c.name}")
            for c in others
        ],
    )
    return frame, [c.name for c in others], table.values.height, schema


def _frame_value(text: pl.Expr, number: bool) -> pl.Expr:
    # The contract: str or float, a blank as null.
    given = pl.when(text != "").then(text)
    return given.cast(pl.Float64) if number else given


# -- assembling (no Django) -------------------------------------------------------------------


def assemble(store: WaveStore, unit_by_unit: bool = False) -> Dataset:
    """Turn a wave's stored answers into the analysis dataset.

    Routing runs over all units at once (`columns`) unless the wave holds something that
    `columns.unsupported` names, or `unit_by_unit` asks for the routing engine unit by unit.
    """
    q = store.questionnaire
    dataset_vars = dataset_variables(q, store.pilot)
    specs = var_specs(q, dataset_vars)
    ids = store.units["wave_unit"].to_list()
    stored = vectorised.decode(store.answers, ids)
    reason = "asked for" if unit_by_unit else vectorised.unsupported(q, stored)
    if reason is None:
        asking = [(s.variable, s.section, s.key if s.item else s.variable.question) for s in specs]
        flags, values = vectorised.routed_columns(q, asking, stored, len(ids), _unit_states(store), store.pilot)
    else:
        logger.info("wave %s: routing unit by unit (%s)", store.slug, reason)
        flags, values = _routed_unit_by_unit(store, specs)
    schema = _schema(q, specs)
    columns = {"unit": store.units["unit"], **_frame_columns(store)}
    routed = pl.DataFrame(flags | values, schema={name: schema[name] for name in flags | values})
    data = pl.concat([pl.DataFrame(columns), routed], how="horizontal")
    data = _with_paradata(data, ids, store.events, [s.id for s in q.sections])
    return Dataset(
        store.slug,
        q,
        dataset_vars,
        data,
        store.population_size,
        list(store.frame_attributes),
        profile=store.profile,
        title=store.title,
        breakdowns=store.breakdowns,
        client_attributes=store.client_attributes,
    )


def _frame_columns(store: WaveStore) -> dict[str, pl.Series]:
    """Each frame column but the key over the wave's units, as `frame_<name>` (null for a unit the frame lacks)."""
    if not store.frame_attributes:
        return {}
    joined = store.units.select("unit").join(store.frame, on="unit", how="left", maintain_order="left")
    return {name: joined[name] for name in joined.columns if name != "unit"}


def _unit_states(store: WaveStore) -> vectorised.UnitStates:
    """Each section's stored status ("" where none) and whether a page of it was shown, over the wave's units."""
    rows = store.units.select("wave_unit", row=pl.int_range(pl.len()))
    sections = [s.id for s in store.questionnaire.sections]
    states = store.states.join(rows, on="wave_unit")
    pages = shown_sections(store.events).join(rows, on="wave_unit")
    status = {s: np.full(rows.height, "", dtype=object) for s in sections}
    shown = {s: np.zeros(rows.height, dtype=bool) for s in sections}
    for (section,), found in states.partition_by("section", as_dict=True).items():
        if section in status:
            status[section][found["row"].to_numpy()] = found["status"].to_numpy()
    for (section,), found in pages.partition_by("section", as_dict=True).items():
        if section in shown:
            shown[section][found["row"].to_numpy()] = True
    return vectorised.UnitStates(status, shown)


def _routed_unit_by_unit(
    store: WaveStore, specs: list[VarSpec]
) -> tuple[dict[str, list[object]], dict[str, list[object]]]:
    """The section flags and variables, routing each unit with the routing engine."""
    q = store.questionnaire
    units = store.unit_stores()
    owners = answer_key_owners(q)
    section_cols: dict[str, list[object]] = {s.id: [] for s in q.sections}
    var_cols: dict[str, list[object]] = {spec.variable.name: [] for spec in specs}
    # A unit that never started (most of a census's non-respondents) has the same row as any other.
    blank = ([NONE] * len(q.sections), [None if s.variable.kind in ("text", "date") else NOT_ASKED for s in specs])
    for unit in units.values():
        started = unit.answers or unit.states or unit.shown_sections
        flags, values = unit_row(q, specs, unit, owners, store.pilot) if started else blank
        for section, flag in zip(q.sections, flags, strict=True):
            section_cols[section.id].append(flag)
        for spec, value in zip(specs, values, strict=True):
            var_cols[spec.variable.name].append(value)
    return {f"section_{sid}": values for sid, values in section_cols.items()}, var_cols


def unit_row(
    q: Questionnaire, specs: list[VarSpec], unit: UnitStore, owners: dict[str, Question], pilot: bool
) -> tuple[list[str], list[object]]:
    """One unit's section flags and variable values, from the route of its live answers."""
    result = route(q, unit.answers, pilot=pilot)
    answered_sections = {owners[k].section for k in result.live if k in owners}
    started = {s for s, status in unit.states.items() if status != NOT_STARTED}
    reached = answered_sections | unit.shown_sections | started
    asked = set(result.questions).union(*result.items.values())
    flags = [section_flag(q, section.id, unit, result, owners) for section in q.sections]
    return flags, [value_of(spec, result.live, asked, reached) for spec in specs]


def var_specs(questionnaire: Questionnaire, dataset_vars: list[Variable]) -> list[VarSpec]:
    """How each variable is read from a route."""
    specs = []
    for variable in dataset_vars:
        question = questionnaire.question(variable.question)
        assert question is not None  # variables() names only questions of the questionnaire
        section = question.section
        if variable.kind == "flag":  # a multiple choice's, or a grid row's (its item)
            code = flag_code(variable)
            specs.append(VarSpec(variable, section, variable.item or question.id, code, variable.item is not None))
        else:
            item = kind_of(question).has_items
            specs.append(VarSpec(variable, section, variable.name, item=item))
    return specs


def value_of(spec: VarSpec, live: dict[str, object], asked: set[str], reached: set[str]) -> object:
    """One variable's value for a unit, with the contract's missing codes.

    `asked` holds the questions and items routing asks; `reached` the sections the unit reached.
    """
    # A grid row's flag, cell or specify text is asked with its row (`variable.item`).
    asked_by = spec.variable.item or (spec.key if spec.item else spec.variable.question)
    is_asked = spec.section in reached and asked_by in asked
    return dataset_value(spec.variable, is_asked, live)


def section_flag(q: Questionnaire, section: str, unit: UnitStore, result: Route, owners: dict[str, Question]) -> str:
    """complete, partial or none: completed in the store, or (imported data) every asked required answer given.

    `owners` is `answer_key_owners(q)`, passed in because it is the same for every unit.
    """
    if unit.states.get(section) == COMPLETED:
        return COMPLETE
    keys = [k for k in result.live if k in owners and owners[k].section == section]
    if not keys:
        return NONE
    imported = any(unit.modes.get(k, WEB) != WEB for k in keys)
    if imported and section_answered(q, section, result):
        return COMPLETE
    return PARTIAL


def section_answered(q: Questionnaire, section: str, result: Route) -> bool:
    """Whether every asked, required question of a section has its answer (grids: every asked item)."""
    found = q.section(section)
    if found is None or section not in result.sections:
        return False
    return all(is_answered(question, result) for question in found.questions if question.id in result.questions)


def _schema(q: Questionnaire, specs: list[VarSpec]) -> dict[str, pl.DataType]:
    """The types of the section flags and the variables."""
    schema: dict[str, pl.DataType] = {f"section_{s.id}": pl.String() for s in q.sections}
    kinds = {"text": pl.String(), "number": pl.Float64(), "code": pl.Int64(), "flag": pl.Int64(), "date": pl.Date()}
    schema.update({spec.variable.name: kinds[spec.variable.kind] for spec in specs})
    return schema


# -- paradata ---------------------------------------------------------------------------------


def paradata_columns(sections: list[str]) -> list[str]:
    """The paradata columns, in order."""
    per_section = [f"para_minutes_{s}" for s in sections]
    return [
        "para_first_at",
        "para_last_at",
        "para_minutes",
        *per_section,
        "para_pages_shown",
        "para_last_section",
        "para_last_page",
    ]


def paradata_summary(events: pl.DataFrame, sections: list[str]) -> pl.DataFrame:
    """Per wave unit: first and last page time, minutes in all and per section, pages shown, last page.

    Time on a page is the gap to the unit's next page event, capped at IDLE_CAP so a page left
    open overnight counts as half an hour; the last event of a unit adds nothing.
    """
    cap = IDLE_CAP.total_seconds()
    timed = events.sort("wave_unit", "at").with_columns(
        (pl.col("at").shift(-1).over("wave_unit") - pl.col("at"))
        .dt.total_seconds(fractional=True)
        .clip(upper_bound=cap)
        .fill_null(0.0)
        .alias("seconds")
    )
    summary = timed.group_by("wave_unit").agg(
        pl.col("at").min().alias("para_first_at"),
        pl.col("at").max().alias("para_last_at"),
        (pl.col("seconds").sum() / 60).alias("para_minutes"),
        *[(pl.col("seconds").filter(pl.col("section") == s).sum() / 60).alias(f"para_minutes_{s}") for s in sections],
        (pl.col("event") == "shown").sum().cast(pl.Int64).alias("para_pages_shown"),
        pl.col("section").last().alias("para_last_section"),
        pl.col("page").last().alias("para_last_page"),
    )
    return summary.select("wave_unit", *paradata_columns(sections))


def _with_paradata(data: pl.DataFrame, ids: list[int], events: pl.DataFrame, sections: list[str]) -> pl.DataFrame:
    summary = paradata_summary(events, sections)
    order = pl.DataFrame({"wave_unit": ids}, schema={"wave_unit": pl.Int64})
    joined = order.join(summary, on="wave_unit", how="left", maintain_order="left")
    joined = joined.with_columns(pl.col("para_pages_shown").fill_null(0))
    return pl.concat([data, joined.drop("wave_unit")], how="horizontal")
