"""Routing a wave as columns equals the routing engine unit by unit, cell for cell; what it cannot do it says."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from omnibus.collect.models import Answer
from omnibus.dataset.build import (
    ANSWER_SCHEMA,
    EVENT_SCHEMA,
    STATE_SCHEMA,
    UNIT_SCHEMA,
    WaveStore,
    assemble,
    build_dataset,
    read_wave,
)
from omnibus.dataset.columns import Walk, decode, stored_columns, unsupported
from omnibus.dataset.simulate import SimulationDraw, simulate, simulate_unit
from omnibus.questionnaire.kinds import kind_of
from omnibus.questionnaire.loader import load
from omnibus.questionnaire.routing import holds

ROOT = Path(__file__).resolve().parents[2]
CSO = ROOT / "examples" / "questionnaires" / "cso-wave3.yaml"
LINEAR = ROOT / "tests" / "questionnaires" / "linear.yaml"
START = datetime(2017, 10, 5, 9, tzinfo=UTC)
STATUSES = ("completed", "in_progress", "not_started")


def messy_unit(questionnaire, rng: random.Random) -> tuple[dict[str, object], dict[str, str], set[str]]:
    """A unit's answers as the simulator gives them, then roughed up: answers off route, dropped, out of range."""
    unit = simulate_unit(questionnaire, rng, 0.5, START)
    answers = dict(unit.answers)
    questions = [q for q in questionnaire.questions() if kind_of(q).answerable]
    for question in rng.sample(questions, min(len(questions), rng.randint(0, 6))):  # off route, or changed later
        answers.update(kind_of(question).random_answer(question, questionnaire, {}, SimulationDraw(rng)))
    for key in rng.sample(sorted(answers), min(len(answers), rng.randint(0, 3))):
        answers.pop(key)
    for key, value in list(answers.items()):
        if rng.random() < 0.03:
            answers[key] = [*value, 99] if isinstance(value, list) else 99 if isinstance(value, int) else value
    states = {sid: rng.choice(STATUSES) for sid in unit.states if rng.random() < 0.3} or dict(unit.states)
    shown = {s.id for s in questionnaire.sections if rng.random() < 0.1} | {section for section, _, _ in unit.pages}
    return answers, states, shown


def messy_store(questionnaire, units: int, seed: int, pilot: bool = False) -> WaveStore:
    """A wave's store of `units` messy units (a third never started), some answers given on paper."""
    rng = random.Random(seed)
    rows, states, events = [], [], []
    for pk in range(1, units + 1):
        if rng.random() < 0.33:
            continue
        answers, unit_states, shown = messy_unit(questionnaire, rng)
        states.extend((pk, section, status) for section, status in unit_states.items())
        events.extend((pk, section, f"{section}-page", "shown", START) for section in sorted(shown))
        mode = "paper" if rng.random() < 0.2 else "web"
        rows.extend((pk, key, json.dumps(value), mode) for key, value in answers.items())
        if rng.random() < 0.05:
            rows.append((pk, "NotAQuestion", json.dumps("stray"), "web"))
    return WaveStore(
        "w",
        "W",
        questionnaire,
        pilot,
        pl.DataFrame([(pk, f"u{pk:05d}") for pk in range(1, units + 1)], schema=UNIT_SCHEMA, orient="row"),
        pl.DataFrame({"unit": []}, schema={"unit": pl.String}),
        [],
        units,
        (),
        pl.DataFrame(events, schema=EVENT_SCHEMA, orient="row"),
        answers=pl.DataFrame(rows, schema=ANSWER_SCHEMA, orient="row"),
        states=pl.DataFrame(states, schema=STATE_SCHEMA, orient="row"),
    )


def decoded(store: WaveStore):
    return decode(store.answers, store.units["wave_unit"].to_list())


def assert_same_both_ways(store: WaveStore) -> None:
    assert unsupported(store.questionnaire, decoded(store)) is None  # columns, not a fallback
    by_columns = assemble(store)
    by_units = assemble(store, unit_by_unit=True)
    assert_frame_equal(by_columns.data, by_units.data)


@pytest.mark.parametrize("seed", [1, 2])
def test_the_cso_questionnaire_as_columns_equals_the_routing_engine_unit_by_unit(seed):
    assert_same_both_ways(messy_store(load(CSO), 600, seed))


@pytest.mark.parametrize("name", ["unavailable", "checks"])
def test_numbers_with_boxes_as_columns_equal_the_routing_engine(name):
    """A "Don't know" box is stored as its missing code: routing must see it as answered but with no value."""
    questionnaire = load(ROOT / "tests" / "questionnaire" / "constructs" / f"{name}.yaml")
    store = messy_store(questionnaire, 400, 4)
    boxed = [q for q in questionnaire.questions() if q.unavailable]
    rng = random.Random(5)
    rows = []
    for unit_id, key, text, mode in store.answers.iter_rows():
        owner = questionnaire.owner(key)
        if owner in boxed and key != f"{owner.id}_date" and rng.random() < 0.3:
            text = json.dumps(rng.choice([-8, -9]))
        rows.append((unit_id, key, text, mode))
    store.answers = pl.DataFrame(rows, schema=ANSWER_SCHEMA, orient="row")
    assert_same_both_ways(store)


def test_the_linear_questionnaire_as_columns_equals_the_routing_engine():
    assert_same_both_ways(messy_store(load(LINEAR), 400, 3))


@pytest.mark.parametrize("pilot", [True, False])
def test_pilot_questions_as_columns_equal_the_routing_engine(pilot):
    questionnaire = load(CSO)
    for qid in ("ConfUnd", "SocWork", "SuppSou"):
        questionnaire.question(qid).pilot = True
    store = messy_store(questionnaire, 300, 4, pilot=pilot)
    assert_same_both_ways(store)
    assert ("SocWork_a" in assemble(store).data.columns) == pilot


EXPRESSIONS = [
    "count(SuppSou) >= 2",
    "count(SuppSou) in (1, 2)",
    "chosen(SuppSou, 1, 14)",
    "not chosen(SuppSou, 15) and answered(SuppSou)",
    "chosen(HelpSupp, 2, 3.0)",
    "chosen(MultChal, 'Funding')",
    "HelpSupp in (1, 2, 14)",
    "HelpSupp not in (1, 2)",
    "HelpSupp in ('1')",
    "HelpSupp != 3",
    "HelpSupp < 3 or HelpSupp >= 10",
    "HelpSupp = SocWork_a",
    "HLEspend1718 > 20000",
    "HLEspend1718 <= 1000.5 and HLEspend1617 <> 0",
    "count(SocWork) = 2",
    "count(SocWork_b) = 1",
    "answered(SocWork) and not answered(MultChal)",
    "MultChal = 'Funding'",
    "MultChal != 'Funding'",
    "MultChal < 'M' or MultChal >= 'Staff'",
    "MultChal in ('Funding', 'Staff', '')",
    "MultChal not in ('Funding')",
    "MultChal = 1",
    "SuppSou = 1",
    "SuppSou in (1)",
    "SuppSou not in (1)",
    "not SuppSou",
    "not HelpSupp",
    "not MultChal",
    "HelpSupp",
    "HLEspend1718",
    "1",
    "0 or 'a'",
    "not ''",
    "(HelpSupp = 1) = 1",
    "answered(SocWork) = 1",
    "count(Unknown) = 0 and not Unknown and Unknown != 1",
    "Unknown not in (1)",
    "1 < 2 and 'a' = 'a' and not 1 = '1'",
]


def random_live(questionnaire, rng: random.Random) -> dict[str, object]:
    """Live answers of every type the expressions read, a few of each missing."""
    live: dict[str, object] = {}
    for question in questionnaire.questions():
        if kind_of(question).answerable and rng.random() < 0.7:
            live.update(kind_of(question).random_answer(question, questionnaire, {}, SimulationDraw(rng)))
    for key in ("HelpSupp", "SocWork_a", "HLEspend1718"):
        if rng.random() < 0.3:
            live[key] = rng.choice([0, 1, 2, 3, 10, 14, 20000, 1000.5])
    if rng.random() < 0.5:
        live["MultChal"] = rng.choice(["", "Funding", "Staff", "Money", "Zebra"])
    return live


@pytest.mark.parametrize("expression", EXPRESSIONS)
def test_each_expression_as_a_column_equals_its_value_unit_by_unit(expression):
    questionnaire = load(CSO)
    rng = random.Random(expression)
    units = [random_live(questionnaire, rng) for _ in range(300)]
    rows = [(pk, key, json.dumps(value), "web") for pk, live in enumerate(units) for key, value in live.items()]
    answers = pl.DataFrame(rows, schema=ANSWER_SCHEMA, orient="row")
    walk = Walk(questionnaire, len(units))
    walk.live = stored_columns(questionnaire, decode(answers, list(range(len(units)))), len(units))
    expected = np.array([holds(expression, questionnaire, live) for live in units])
    np.testing.assert_array_equal(walk.holds(expression), expected)


def test_what_columns_do_not_translate_is_named_and_routed_unit_by_unit():
    questionnaire = load(CSO)
    store = messy_store(questionnaire, 50, 5)
    rows = pl.DataFrame([(1, "ConfUnd", json.dumps("1"), "web")], schema=ANSWER_SCHEMA, orient="row")
    store.answers = pl.concat([store.answers.filter(pl.col("wave_unit") != 1), rows])
    reason = unsupported(questionnaire, decoded(store))
    assert reason == "answer ConfUnd holds '1', which is not translated to columns"
    assert_frame_equal(assemble(store).data, assemble(store, unit_by_unit=True).data)
    questionnaire.question("SWoff").type = "datebox"
    reason = unsupported(questionnaire, decoded(store))
    assert reason == "question SWoff: type 'datebox' is not translated to columns"


@pytest.mark.parametrize(("path", "reason"), [
    (ROOT / "tests/questionnaire/constructs/as_at.yaml", "question CLA: the date a figure relates to (as_at)"),
    (ROOT / "tests/fixtures/grids.yaml", "type 'multi_grid' is not translated to columns"),
])  # fmt: skip
def test_new_constructs_are_routed_unit_by_unit_and_give_the_same_dataset(path, reason):
    questionnaire = load(path)
    store = messy_store(questionnaire, 200, 6)
    assert reason in unsupported(questionnaire, decoded(store))
    assert_frame_equal(assemble(store).data, assemble(store, unit_by_unit=True).data)


@pytest.mark.django_db
def test_a_simulated_wave_read_from_the_store_is_the_same_both_ways(make_wave):
    wave = make_wave("cso-columns")
    simulate(wave, seed=7, response_rate=0.6)
    store = read_wave(wave)
    assert unsupported(store.questionnaire, decoded(store)) is None
    assert_frame_equal(assemble(store).data, assemble(read_wave(wave), unit_by_unit=True).data)


@pytest.mark.django_db
def test_texts_read_from_the_store_keep_every_character(wave, give):
    text = 'Funding, "ring-fenced"\nand staff;\t=1+1 \\ café \x1e\x1f'  # the separators of the rows read as text
    give(wave, "840", {"CSWAmult": 1, "MultChal": text, "SuppSou": [14], "SuppSou_14_text": ""})
    row = build_dataset(wave).data.filter(pl.col("unit") == "840").row(0, named=True)
    assert row["MultChal"] == text and row["SuppSou_14_text"] == "" and row["SuppSou_14"] == 1


@pytest.mark.django_db
def test_one_units_row_read_alone_equals_its_row_of_the_whole_wave(make_wave):
    wave = make_wave("cso-one-unit")
    simulate(wave, seed=11, response_rate=0.6)
    whole = build_dataset(wave).data
    answered = wave.units.filter(answers__isnull=False).select_related("unit").distinct()
    for unit in [answered.first(), wave.units.exclude(pk__in=answered).select_related("unit").first()]:
        alone = build_dataset(wave, unit_key=unit.unit.key).data
        assert alone.height == 1
        assert_frame_equal(alone, whole.filter(pl.col("unit") == unit.unit.key))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("key", "CSWA\x1e1"),  # a row cut short
        ("key", "CSWA\x1fmult"),  # a field too many
        ("mode", "web\x1e7\x1fX\x1f1\x1fweb"),  # a whole row more
    ],
)
def test_a_stored_name_holding_a_separator_is_an_error_not_a_shifted_column(wave, give, field, value):
    give(wave, "840", {"CSWAmult": 1, "MultChal": "Funding"})
    Answer.objects.filter(key="CSWAmult").update(**{field: value})  # names hold no control character: only by hand
    with pytest.raises(ValueError, match="separates fields or rows"):
        build_dataset(wave)
