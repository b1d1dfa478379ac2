"""Fill a wave with synthetic answers, made by walking the questionnaire with the routing engine.

Each responding unit picks menu sections: each equally likely (half the responding units take
each), or with given shares of all units in menu order (`section_shares`; the CSO demo gives its
Wave 3 seed's 47%, 39% and 36%). A few stop part-way through a section, and most answer the
closing sections (the consent questions). Every answer is one the
routing engine offers at that point, so the store holds nothing off route. Page events are
written for some pages, so that the paradata summary has something to summarise.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction

from omnibus.collect.models import Answer
from omnibus.dataset.simulated_texts import answers_for, generic_answers
from omnibus.dataset.writing import SyntheticUnit, store_bulk
from omnibus.fieldwork.models import Wave
from omnibus.fieldwork.questionnaires import questionnaire_of
from omnibus.frame.schema import UnitNoun
from omnibus.frame.store import stored_schema
from omnibus.questionnaire.kinds import kind_of
from omnibus.questionnaire.model import Item, Option, Question, Questionnaire, Section
from omnibus.questionnaire.printed_parts import value_range
from omnibus.questionnaire.routing import holds

EQUAL_TAKE = 0.5  # without shares: the chance that a responding unit takes each menu section
PARTIAL_RATE = 0.06  # Wave 3: 11 partial of 185 section responses
CLOSING_RATE = 0.9  # responding units that reach the closing section
SKIP_OPTIONAL = 0.25  # an optional question left unanswered
MISSING_WEIGHT = 0.3  # "Don't know" is chosen less often than a substantive answer
EXCLUSIVE_RATE = 0.12  # "None of these" alone


@dataclass
class SimulatedUnit:
    """One unit's synthetic responses: answers, section states and the pages it was shown."""

    answers: dict[str, object] = field(default_factory=dict)
    states: dict[str, str] = field(default_factory=dict)  # section -> "completed" or "in_progress"
    pages: list[tuple[str, str, datetime]] = field(default_factory=list)  # (section, page, at)


@dataclass
class SimulationSummary:
    """What a simulation wrote."""

    units: int
    responding: int
    skipped: int  # units that already had answers and were left alone
    sections: dict[str, dict[str, int]]  # section -> {"completed": n, "in_progress": n}


def simulate_unit(
    questionnaire: Questionnaire,
    rng: random.Random,
    response_rate: float,
    start: datetime,
    pilot: bool = False,
    section_shares: Sequence[float] = (),
    units: UnitNoun | None = None,
) -> SimulatedUnit:
    """A responding unit's synthetic answers: its sections, walked with the routing engine.

    `units` is what the population's units are called, for the made-up answers that name them.
    """
    taken = _pick_sections(questionnaire, rng, response_rate, section_shares)
    order = [s for s in taken if s.id in {m.id for _, m in questionnaire.menu_sections}]
    rng.shuffle(order)
    closing = [s for s in questionnaire.closing_sections if rng.random() < CLOSING_RATE]
    result = SimulatedUnit()
    walked: dict[str, list[str]] = {}
    chosen = {s.id for s in order + closing}
    for section in questionnaire.sections:  # questionnaire order: routing reads earlier answers
        if section.id in chosen and holds(section.ask_if, questionnaire, result.answers):
            partial = rng.random() < PARTIAL_RATE
            draw = SimulationDraw(rng, units or UnitNoun())
            walked[section.id] = _walk_section(section, questionnaire, draw, result.answers, partial, pilot)
            result.states[section.id] = "in_progress" if partial else "completed"
    clock = start
    for section in order + closing:  # the respondent's own order, for the page times
        for index, page in enumerate(walked.get(section.id, [])):
            clock += timedelta(seconds=rng.uniform(15, 150))
            if rng.random() < 0.02:
                clock += timedelta(hours=rng.uniform(1, 20))  # came back the next day
            if index == 0 or index % 4 == 0 or index == len(walked[section.id]) - 1:
                result.pages.append((section.id, page, clock))
    return result


def _pick_sections(
    questionnaire: Questionnaire, rng: random.Random, response_rate: float, shares: Sequence[float]
) -> list[Section]:
    """Menu sections a responding unit takes: each equally likely, or by `shares` of all units in menu order
    (divided by the response rate; a section beyond the shares given takes the last)."""
    menu = [section for _, section in questionnaire.menu_sections]
    if not menu:
        return []
    taken = []
    for index, section in enumerate(menu):
        take = min(1.0, shares[min(index, len(shares) - 1)] / max(response_rate, 1e-9)) if shares else EQUAL_TAKE
        if rng.random() < take:
            taken.append(section)
    return taken or [rng.choice(menu)]  # a respondent answers at least one section


def _walk_section(
    section: Section,
    questionnaire: Questionnaire,
    draw: SimulationDraw,
    answers: dict[str, object],
    partial: bool,
    pilot: bool,
) -> list[str]:
    """Answer a section's asked questions in order (stopping early for a partial); the pages shown."""
    rng = draw.rng
    asked = [q for q in section.questions if pilot or not q.pilot]
    stop = rng.randint(1, max(1, len(asked) // 2)) if partial else None
    pages: list[str] = []
    answered = 0
    for question in asked:
        if not holds(question.ask_if, questionnaire, answers):
            continue
        pages.append(question.id)
        if stop is not None and answered >= stop:
            break  # the drop-off page: shown, not answered
        if kind_of(question).answerable and (question.required or rng.random() >= SKIP_OPTIONAL):
            answers.update(kind_of(question).random_answer(question, questionnaire, answers, draw))
            answered += 1
    return pages


@dataclass
class SimulationDraw:
    """How a simulated unit answers: "Don't know" less often, small numbers, texts from real-looking answers."""

    rng: random.Random
    units: UnitNoun = UnitNoun()  # what the population's units are called, for made-up answers

    def items(self, question: Question, questionnaire: Questionnaire, answers: Mapping[str, object]) -> list[Item]:
        """The items routing asks given the answers so far."""
        return [i for i in question.items if holds(i.ask_if, questionnaire, answers)]

    def code(self, question: Question, options: list[Option]) -> int:
        """One code, missing codes weighted down."""
        return _weighted(options, self.rng).code

    def codes(self, question: Question, offered: list[Option]) -> list[int]:
        """An exclusive code alone now and then, else a few of the others within the question's limits."""
        exclusive = [o for o in offered if o.exclusive]
        others = [o for o in offered if not o.exclusive]
        if exclusive and (not others or self.rng.random() < EXCLUSIVE_RATE):
            return [self.rng.choice(exclusive).code]
        most = min(len(others), question.max_choices or 4)
        least = min(question.min_choices or 1, most)
        chosen = self.rng.sample(others, self.rng.randint(least, most))
        return sorted(o.code for o in chosen)

    def number(self, question: Question, item: Item | None) -> float | int:
        """A number in the question's (or the item's) range, most of them small."""
        return _number(question, self.rng, *value_range(question, item))

    def text(self, question: Question) -> str:
        """One of the stock answers to this question, cut to its length."""
        return self.rng.choice(answers_for(question.id, self.units))[: question.max_length or None]

    def specify(self, question: Question, option: Option) -> str:
        """A stock "Other" answer."""
        return self.rng.choice(generic_answers(self.units))


def _weighted(options: list[Option], rng: random.Random) -> Option:
    weights = [MISSING_WEIGHT if o.missing else 1.0 for o in options]
    return rng.choices(options, weights=weights)[0]


def _number(question: Question, rng: random.Random, low: float | None, high: float | None) -> float | int:
    low = 0 if low is None else low
    high = low + 1000 if high is None else high
    value = low + (high - low) * rng.random() ** 6  # most answers small, a long tail: like spend and counts
    return int(round(value)) if question.integer else round(value, 2)


def simulate(  # noqa: ANN001 - a Wave
    wave,
    seed: int | None = None,
    response_rate: float = 0.5,
    leave: Collection[int] = (),
    section_shares: Sequence[float] = (),
) -> SimulationSummary:
    """Fill a wave with synthetic answers (mode "import").

    Units that already have answers, and the wave units whose ids are in `leave`, are left alone.
    `section_shares`: the share of all units answering each menu section, in menu order (none:
    each section equally likely).
    """
    if not 0 <= response_rate <= 1:
        raise ValueError(f"the response rate must be between 0 and 1, not {response_rate}")
    if any(not 0 <= share <= 1 for share in section_shares):
        raise ValueError(f"a section share must be between 0 and 1, not {max(section_shares)}")
    noun = stored_schema(wave.population).unit if wave.population is not None else UnitNoun()
    questionnaire = questionnaire_of(wave.questionnaire)
    rng = random.Random(seed)
    answered = set(Answer.objects.filter(wave_unit__wave=wave).values_list("wave_unit_id", flat=True).distinct())
    ids = list(wave.units.order_by("pk").values_list("pk", flat=True))
    window = max((wave.closes_at - wave.opens_at).total_seconds() * 0.8, 3600.0)
    units, counts = [], {s.id: {"completed": 0, "in_progress": 0} for s in questionnaire.sections}
    for unit_id in ids:
        if unit_id in answered or unit_id in leave or rng.random() >= response_rate:
            continue
        start = wave.opens_at + timedelta(seconds=rng.uniform(0, window))
        pilot = wave.kind == Wave.PILOT
        made = simulate_unit(questionnaire, rng, response_rate, start, pilot, section_shares, noun)
        units.append(SyntheticUnit(unit_id, made.answers, made.states, made.pages))
        for section, status in made.states.items():
            counts[section][status] += 1
    with transaction.atomic():
        store_bulk(units, questionnaire, mode=Answer.IMPORT)
    return SimulationSummary(len(ids), len(units), len(answered), counts)
