"""Question kinds: the registry, each kind's variables, and what a new kind must write."""

from pathlib import Path

import pytest

from omnibus.questionnaire.kinds import (
    KINDS,
    NOT_ANSWERED,
    NOT_ASKED,
    QuestionKind,
    dataset_value,
)
from omnibus.questionnaire.loader import load
from omnibus.questionnaire.model import QUESTION_TYPES, Question, Questionnaire, Section
from omnibus.questionnaire.validation import PageInput
from omnibus.questionnaire.variables import Variable, answer_keys, question_variables, variables

CSO = Path(__file__).parents[2] / "examples" / "questionnaires" / "cso-wave3.yaml"


@pytest.fixture(scope="module")
def cso() -> Questionnaire:
    return load(CSO)


def test_every_type_the_file_may_name_has_a_kind() -> None:
    assert tuple(KINDS) == QUESTION_TYPES
    for name, kind in KINDS.items():
        assert isinstance(kind, QuestionKind)
        assert kind.type == name


def test_a_question_finds_its_kind_by_its_type() -> None:
    assert Question("Q1", "grid", "How?").kind is KINDS["grid"]
    assert not Question("S1", "statement", "Thank you").answerable


def test_predicates_say_what_each_type_is() -> None:
    def having(predicate: str) -> set[str]:
        return {name for name, kind in KINDS.items() if getattr(kind, predicate)}

    assert having("answerable") == set(QUESTION_TYPES) - {"statement"}
    assert having("choice") == {"single", "multi"}
    assert having("multiple") == {"multi"}
    assert having("has_items") == {"grid", "numbers"}
    assert having("coded") == {"single", "multi", "grid"}
    assert having("scale") == {"grid"}
    assert having("numeric") == {"number", "numbers"}
    assert having("open_text") == {"text"}


def _expected_names(question: Question, questionnaire: Questionnaire) -> list[str]:
    """The naming rule of the language guide, written out type by type."""
    options = questionnaire.options_of(question)
    specify = [f"{question.id}_{o.code}_text" for o in options if o.specify]
    if question.type == "single":
        return [question.id, *specify]
    if question.type == "multi":
        return [f"{question.id}_{o.code}" for o in options] + specify
    if question.type in ("grid", "numbers"):
        return [item.id for item in question.items]
    if question.type in ("text", "number"):
        return [question.id]
    return []


def test_each_kinds_variables_follow_the_naming_rule_on_the_cso_questionnaire(cso: Questionnaire) -> None:
    seen = set()
    for question in cso.questions():
        seen.add(question.type)
        found = question.kind.variables(question, cso)
        assert [v.name for v in found] == _expected_names(question, cso), question.id
        assert found == question_variables(question, cso)
        assert all(v.question == question.id for v in found)
    assert set(QUESTION_TYPES) - seen == {"number"}  # the example has every other kind


def test_a_single_number_is_one_number_variable() -> None:
    question = Question("N", "number", "How many?")
    questionnaire = Questionnaire("s", "1", "t", sections=[Section("A", "A", questions=[question])])
    assert question.kind.variables(question, questionnaire) == [Variable("N", "How many?", "N", "number")]
    assert answer_keys(question, questionnaire) == ["N"]


def test_variable_kinds_and_labels_on_the_cso_questionnaire(cso: Questionnaire) -> None:
    by_name = {v.name: v for v in variables(cso)}
    assert by_name["SuppSou_1"].kind == "flag"
    assert by_name["SuppSou_1"].value_labels == []
    for v in variables(cso):
        question = cso.question(v.question)
        assert question is not None
        if v.name.endswith("_text"):
            assert v.kind == "text"
        elif question.kind.coded and not question.kind.multiple:
            assert v.kind == "code"
            assert v.value_labels == cso.options_of(question)
        elif question.kind.numeric:
            assert v.kind == "number"


def test_answer_keys_are_the_variables_with_one_key_for_a_multiple_choice(cso: Questionnaire) -> None:
    for question in cso.questions():
        names = [v.name for v in question_variables(question, cso)]
        if question.kind.multiple:
            flags = [f"{question.id}_{o.code}" for o in cso.options_of(question)]
            names = [question.id] + [n for n in names if n not in flags]
        assert answer_keys(question, cso) == names, question.id


def test_missing_codes_are_one_rule_for_every_kind() -> None:
    code = Variable("Q1", "Q1", "Q1", "code")
    flag = Variable("Q2_3", "Q2: Three", "Q2", "flag")
    number = Variable("Q3", "Q3", "Q3", "number")
    text = Variable("Q4", "Q4", "Q4", "text")
    live = {"Q1": 2, "Q2": [1, 3], "Q3": 7}
    assert dataset_value(code, True, live) == 2
    assert dataset_value(code, False, live) == NOT_ASKED
    assert dataset_value(code, True, {}) == NOT_ANSWERED
    assert dataset_value(flag, True, live) == 1
    assert dataset_value(flag, True, {"Q2": [1]}) == 0
    assert dataset_value(flag, True, {}) == NOT_ANSWERED
    assert dataset_value(number, True, live) == 7.0
    assert isinstance(dataset_value(number, True, live), float)
    assert dataset_value(text, True, {}) == ""
    assert dataset_value(text, False, {"Q4": "words"}) is None


class Ranking(QuestionKind):
    """A made-up kind that says only what it is: everything else is left to write."""

    type = "ranking"
    coded = True


def test_a_new_kind_is_told_which_methods_it_must_write(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(KINDS, "ranking", Ranking())
    question = Question("Rank", "ranking", "Put these in order")
    questionnaire = Questionnaire("s", "1", "t", sections=[Section("A", "A", questions=[question])])
    assert question.kind.coded and question.answerable
    # Shared behaviour comes from the base class: one answer key under the question's id.
    assert answer_keys(question, questionnaire) == ["Rank"]
    calls = {
        "variables": lambda: question_variables(question, questionnaire),
        "read_page": lambda: question.kind.read_page(question, [], [], {}, PageInput()),
        "print_answers": lambda: question.kind.print_answers(None, question, questionnaire),  # type: ignore[arg-type]
        "xlsx_rows": lambda: question.kind.xlsx_rows(question, questionnaire, "", "", None),  # type: ignore[arg-type]
        "random_answer": lambda: question.kind.random_answer(question, questionnaire, {}, None),  # type: ignore[arg-type]
    }
    for method, call in calls.items():
        with pytest.raises(NotImplementedError, match=rf"'ranking' does not implement {method}\(\)"):
            call()
