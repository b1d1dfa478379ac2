"""The routing engine: examples from the Wave 3 questionnaire, and properties (hypothesis)."""

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from omnibus.questionnaire.loader import load, read_text
from omnibus.questionnaire.model import Question, Questionnaire
from omnibus.questionnaire.naming import specify_key
from omnibus.questionnaire.piping import pipe
from omnibus.questionnaire.route import offered_options
from omnibus.questionnaire.routing import dependencies, route
from omnibus.questionnaire.variables import answer_key_owners

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "questionnaires" / "cso-wave3.yaml"
WAVE3 = load(EXAMPLE)

# A small questionnaire with chains of routing (section, question, item) and piping.
CHAINS_TEXT = """\
survey: chains
version: v1
title: Chains
sections:
  - id: first
    title: First
    questions:
      - id: A
        type: multi
        text: Which?
        options: {1: One, 2: Two, 3: {label: Other, specify: true}, 4: {label: None, exclusive: true}}
      - id: B
        type: single
        text: Which of {A} was best?
        ask_if: count(A) > 1
        options_from: {question: A, chosen: true, exclude: [4]}
      - id: C
        type: single
        text: Sure?
        ask_if: B in (1, 3)
        options: {1: "Yes", 2: "No"}
      - id: D
        type: multi
        text: And in future?
        options_from: {question: A, chosen: false, exclude: [3, 4]}
        options: {5: {label: None of these, exclusive: true}}
  - id: second
    title: Second
    ask_if: C = 1 or chosen(A, 2)
    questions:
      - id: G
        type: grid
        text: Rate
        options: {1: Good, 2: Poor}
        items:
          - {id: G_a, text: first}
          - {id: G_b, text: second, ask_if: "not chosen(A, 4)"}
      - id: N
        type: numbers
        text: How many?
        min: 0
        max: 50
        ask_if: G_a = 1
        items:
          - {id: N_1, text: this year}
          - {id: N_2, text: last year, max: 10}
      - id: T
        type: text
        text: Why?
        max_length: 20
        ask_if: N_1 > 10
"""
CHAINS, _ = read_text(CHAINS_TEXT, "chains.yaml")


def test_wave3_walkthrough() -> None:
    answers = {
        "SuppSou": [1, 6, 14],
        "SuppSou_14_text": "Regional peer challenge",
        "HelpSupp": 6,
        "SuppSouFut": [2, 3],
        "CSWAmult": 2,
        "MultChal": "left over from an earlier answer",
        "HLEprog": [10],
        "HLEspend1718": 5000,
        "SBcosteff": 2,
        "SBrecoup": 4,
    }
    result = route(WAVE3, answers)
    assert "HelpSupp" in result.questions
    assert [o.code for o in result.options["HelpSupp"]] == [1, 6, 14]
    assert 1 not in [o.code for o in result.options["SuppSouFut"]]
    assert 16 in [o.code for o in result.options["SuppSouFut"]]
    assert "MultChal" not in result.questions and "HLEspend" not in result.questions
    assert result.off_route == {"MultChal": "left over from an earlier answer", "HLEspend1718": 5000}
    assert result.live["SBrecoup"] == 4
    assert result.live["SuppSou_14_text"] == "Regional peer challenge"


def test_single_source_answer_skips_helpsupp_and_drops_it() -> None:
    result = route(WAVE3, {"SuppSou": [6], "HelpSupp": 6})
    assert "HelpSupp" not in result.questions
    assert result.off_route == {"HelpSupp": 6}


def test_fed_through_code_no_longer_offered_goes_off_route() -> None:
    result = route(WAVE3, {"SuppSou": [1, 6], "SuppSouFut": [2, 6]})
    assert result.live["SuppSouFut"] == [2]
    assert result.off_route["SuppSouFut"] == [6]


def test_specify_text_without_its_code_is_off_route() -> None:
    result = route(WAVE3, {"SuppSou": [1], "SuppSou_14_text": "stale"})
    assert result.off_route == {"SuppSou_14_text": "stale"}


def test_section_and_item_routing() -> None:
    result = route(CHAINS, {"A": [4], "G_a": 1})
    assert result.sections == ["first"]
    assert result.off_route == {"G_a": 1}
    result = route(CHAINS, {"A": [2], "G_a": 1, "G_b": 2})
    assert result.items["G"] == ["G_a", "G_b"]
    result = route(CHAINS, {"A": [2, 4], "G_a": 1, "G_b": 2})
    assert result.items["G"] == ["G_a"] and result.off_route == {"G_b": 2}


def test_a_code_outside_the_scale_is_not_live() -> None:
    result = route(CHAINS, {"A": [2], "G_a": 9, "B": 7})
    assert result.off_route == {"G_a": 9, "B": 7}  # B: A has one code, so B is not asked
    assert "G_a" not in result.live


def test_piping_uses_live_labels() -> None:
    result = route(CHAINS, {"A": [1, 2]})
    assert pipe(CHAINS.question("B").text, CHAINS, result.live) == "Which of One and Two was best?"
    assert pipe("Literal {{A}} and {A}", CHAINS, {}) == "Literal {A} and [answer at A]"


# -- properties ------------------------------------------------------------------------


@st.composite
def walked(draw: st.DrawFn, questionnaire: Questionnaire) -> dict[str, object]:
    """Answers made by walking the questionnaire as a respondent would, skipping some."""
    answers: dict[str, object] = {}
    for question in questionnaire.questions():
        current = route(questionnaire, answers)
        if question.id not in current.questions:
            continue
        answers.update(draw(answer_for(question, current.options.get(question.id, []), current.items)))
    return answers


def answer_for(question: Question, options: list, items: dict[str, list[str]]) -> st.SearchStrategy:
    """A strategy for one question's answers (a dict of answer keys), possibly empty."""
    codes = [o.code for o in options]
    if question.type == "single":
        if not codes:
            return st.just({})
        return st.one_of(st.just({}), st.sampled_from(options).map(lambda o: _with_specify(question, [o])))
    if question.type == "multi":
        return _multi(question, options)
    if question.type == "grid":
        return st.fixed_dictionaries({}, optional={i: st.sampled_from(codes) for i in items[question.id]})
    if question.type == "numbers":
        bounds = {
            i.id: (i.min if i.min is not None else question.min, i.max if i.max is not None else question.max)
            for i in question.items
        }
        return st.fixed_dictionaries(
            {}, optional={i: st.integers(int(bounds[i][0] or 0), int(bounds[i][1] or 100)) for i in items[question.id]}
        )
    if question.type == "text":
        return st.one_of(st.just({}), st.text(min_size=1, max_size=10).map(lambda t: {question.id: t}))
    if question.type == "number":
        return st.one_of(st.just({}), st.integers(0, 100).map(lambda n: {question.id: n}))
    return st.just({})


def _multi(question: Question, options: list) -> st.SearchStrategy:
    exclusive = [o for o in options if o.exclusive]
    others = [o for o in options if not o.exclusive]
    most = question.max_choices or len(others)
    choices = []
    if others:
        choices.append(st.lists(st.sampled_from(others), min_size=1, max_size=max(1, most), unique_by=lambda o: o.code))
    if exclusive:
        choices.append(st.sampled_from(exclusive).map(lambda o: [o]))
    if not choices:
        return st.just({})
    return st.one_of(st.just([]), *choices).map(lambda chosen: _with_specify(question, chosen) if chosen else {})


def _with_specify(question: Question, chosen: list) -> dict[str, object]:
    codes = [o.code for o in chosen]
    result: dict[str, object] = {question.id: codes if question.type == "multi" else codes[0]}
    for option in chosen:
        if option.specify:
            result[specify_key(question.id, option.code)] = "details"
    return result


def dependents_of(questionnaire: Questionnaire, qid: str) -> set[str]:
    """Every question whose routing depends, directly or through others, on `qid`."""
    direct = dependencies(questionnaire)
    found: set[str] = set()
    frontier = {qid}
    while frontier:
        frontier = {q for q, reads in direct.items() if reads & frontier} - found
        found |= frontier
    return found


QUESTIONNAIRES = pytest.mark.parametrize("questionnaire", [WAVE3, CHAINS], ids=["wave3", "chains"])
PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@QUESTIONNAIRES
@PROPERTY
@given(data=st.data())
def test_walked_answers_are_never_off_route(questionnaire: Questionnaire, data: st.DataObject) -> None:
    answers = data.draw(walked(questionnaire))
    result = route(questionnaire, answers)
    assert result.off_route == {}
    assert result.live == answers


@QUESTIONNAIRES
@PROPERTY
@given(data=st.data())
def test_feed_through_never_offers_what_the_source_rules_out(questionnaire: Questionnaire, data: st.DataObject) -> None:
    answers = data.draw(walked(questionnaire))
    result = route(questionnaire, answers)
    for question in questionnaire.questions():
        feed = question.options_from
        if feed is None or question.id not in result.questions:
            continue
        chosen = set(result.live.get(feed.question, []))
        own = {o.code for o in question.options}
        for option in result.options[question.id]:
            if option.code in own:
                continue
            assert option.code not in feed.exclude
            assert (option.code in chosen) == feed.chosen
        assert result.options[question.id] == offered_options(question, questionnaire, result.live)


@QUESTIONNAIRES
@PROPERTY
@given(data=st.data())
def test_changing_an_answer_moves_exactly_its_dependents_off_route(
    questionnaire: Questionnaire, data: st.DataObject
) -> None:
    answers = data.draw(walked(questionnaire))
    answered = [q for q in questionnaire.questions() if q.type in ("single", "multi") and q.id in answers]
    if not answered:
        return
    changed = data.draw(st.sampled_from(answered))
    before = route(questionnaire, answers)
    owners = answer_key_owners(questionnaire)
    new_answers = {k: v for k, v in answers.items() if owners[k] is not changed}
    new_answers.update(data.draw(answer_for(changed, before.options[changed.id], before.items)))
    after = route(questionnaire, new_answers)
    dependents = dependents_of(questionnaire, changed.id)
    assert {owners[key].id for key in after.off_route} <= dependents
    for key in new_answers:
        is_item = owners[key].type in ("grid", "numbers")
        if owners[key].id in dependents and not after.asked(key if is_item else owners[key].id):
            assert key in after.off_route


def test_pilot_questions_are_asked_only_in_pilot_waves() -> None:
    text = CHAINS_TEXT.replace(
        "      - id: D\n",
        "      - id: Probe\n        type: text\n        text: Was that clear?\n        pilot: true\n      - id: D\n",
    )
    questionnaire, problems = read_text(text)
    assert questionnaire is not None and not problems
    assert "Probe" not in route(questionnaire, {"Probe": "yes"}).questions
    assert route(questionnaire, {"Probe": "yes"}).off_route == {"Probe": "yes"}
    assert route(questionnaire, {"Probe": "yes"}, pilot=True).live["Probe"] == "yes"
