"""Question kinds: the registry, each kind's variables, what a new kind must write, and the import order."""

import ast
from pathlib import Path

import pytest

from omnibus.questionnaire.kinds import (
    KINDS,
    NOT_ANSWERED,
    NOT_ASKED,
    QuestionKind,
    dataset_value,
    kind_of,
)
from omnibus.questionnaire.loader import load
from omnibus.questionnaire.model import QUESTION_TYPES, Question, Questionnaire, Section
from omnibus.questionnaire.naming import Variable
from omnibus.questionnaire.reading import PageInput
from omnibus.questionnaire.variables import answer_keys, question_variables, variables

ROOT = Path(__file__).parents[2]
CSO = ROOT / "examples" / "questionnaires" / "cso-wave3.yaml"
GRIDS = ROOT / "tests" / "fixtures" / "grids.yaml"
PACKAGE = ROOT / "omnibus" / "questionnaire"


@pytest.fixture(scope="module")
def cso() -> Questionnaire:
    return load(CSO)


def test_every_type_the_file_may_name_has_a_kind() -> None:
    assert tuple(KINDS) == QUESTION_TYPES
    for name, kind in KINDS.items():
        assert isinstance(kind, QuestionKind)
        assert kind.type == name


def test_a_question_finds_its_kind_by_its_type() -> None:
    assert kind_of(Question("Q1", "grid", "How?")) is KINDS["grid"]
    assert not kind_of(Question("S1", "statement", "Thank you")).answerable


def test_predicates_say_what_each_type_is() -> None:
    def having(predicate: str) -> set[str]:
        return {name for name, kind in KINDS.items() if getattr(kind, predicate)}

    assert having("answerable") == set(QUESTION_TYPES) - {"statement"}
    assert having("choice") == {"single", "multi"}
    assert having("multiple") == {"multi"}
    assert having("has_items") == {"grid", "numbers", "multi_grid", "two_way_grid"}
    assert having("coded") == {"single", "multi", "grid", "multi_grid", "two_way_grid"}
    assert having("scale") == {"grid", "multi_grid", "two_way_grid"}
    assert having("multiple_rows") == {"multi_grid"}
    assert having("column_groups") == {"two_way_grid"}
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
    rows = [f"{item.id}_text" for item in question.items if item.specify]
    if question.type in ("grid", "numbers"):
        return [item.id for item in question.items] + rows
    if question.type == "multi_grid":
        return [f"{item.id}_{o.code}" for item in question.items for o in options] + rows
    if question.type == "two_way_grid":
        return [f"{item.id}_{c.id}" for item in question.items for c in question.columns] + rows
    if question.type in ("text", "number"):
        return [question.id]
    return []


def test_each_kinds_variables_follow_the_naming_rule_on_the_cso_questionnaire(cso: Questionnaire) -> None:
    seen = set()
    for question in cso.questions():
        seen.add(question.type)
        found = kind_of(question).variables(question, cso)
        assert [v.name for v in found] == _expected_names(question, cso), question.id
        assert found == question_variables(question, cso)
        assert all(v.question == question.id for v in found)
    assert set(QUESTION_TYPES) - seen == {"number", "multi_grid", "two_way_grid"}  # the example has every other kind


def test_the_grids_variables_follow_the_naming_rule() -> None:
    grids = load(GRIDS)
    for question in grids.questions():
        found = kind_of(question).variables(question, grids)
        assert [v.name for v in found] == _expected_names(question, grids), question.id
        assert all(v.question == question.id for v in found)
    assert {q.type for q in grids.questions()} >= {"grid", "multi_grid", "two_way_grid"}
    barr = grids.question("Barr")
    assert [(v.name, v.kind, v.item) for v in question_variables(barr, grids)][:2] == [
        ("Barr_a_1", "flag", "Barr_a"),
        ("Barr_a_2", "flag", "Barr_a"),
    ]
    assert answer_keys(barr, grids) == ["Barr_a", "Barr_b", "Barr_o", "Barr_o_text"]
    rate = grids.question("Rate")
    assert answer_keys(rate, grids)[:2] == ["Rate_a_now", "Rate_a_last"]
    assert grids.owner("Rate_b_last") is rate


def test_a_single_number_is_one_number_variable() -> None:
    question = Question("N", "number", "How many?")
    questionnaire = Questionnaire("s", "1", "t", sections=[Section("A", "A", questions=[question])])
    assert kind_of(question).variables(question, questionnaire) == [Variable("N", "How many?", "N", "number")]
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
        elif kind_of(question).coded and not kind_of(question).multiple:
            assert v.kind == "code"
            assert v.value_labels == cso.options_of(question)
        elif kind_of(question).numeric:
            assert v.kind == "number"


def test_answer_keys_are_the_variables_with_one_key_for_a_multiple_choice(cso: Questionnaire) -> None:
    for question in cso.questions():
        names = [v.name for v in question_variables(question, cso)]
        if kind_of(question).multiple:
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
    row_flag = Variable("Q5_a_2", "Q5 a: Two", "Q5", "flag", item="Q5_a")  # a row of a grid of multiple choices
    assert dataset_value(row_flag, True, {"Q5_a": [2]}) == 1
    assert dataset_value(row_flag, True, {"Q5_a": [1], "Q5": [2]}) == 0
    assert dataset_value(row_flag, True, {"Q5_b": [2]}) == NOT_ANSWERED


class Ranking(QuestionKind):
    """A made-up kind that says only what it is: everything else is left to write."""

    type = "ranking"
    coded = True


def test_a_new_kind_is_told_which_methods_it_must_write(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(KINDS, "ranking", Ranking())
    question = Question("Rank", "ranking", "Put these in order")
    questionnaire = Questionnaire("s", "1", "t", sections=[Section("A", "A", questions=[question])])
    assert kind_of(question).coded and kind_of(question).answerable
    # Shared behaviour comes from the base class: one answer key under the question's id.
    assert answer_keys(question, questionnaire) == ["Rank"]
    calls = {
        "variables": lambda: question_variables(question, questionnaire),
        "read_page": lambda: kind_of(question).read_page(question, [], [], {}, PageInput()),
        "print_answers": lambda: kind_of(question).print_answers(None, question, questionnaire),  # type: ignore[arg-type]
        "xlsx_rows": lambda: kind_of(question).xlsx_rows(question, questionnaire, "", None, None),  # type: ignore[arg-type]
        "random_answer": lambda: kind_of(question).random_answer(question, questionnaire, {}, None),  # type: ignore[arg-type]
    }
    for method, call in calls.items():
        with pytest.raises(NotImplementedError, match=rf"'ranking' does not implement {method}\(\)"):
            call()


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(path: Path, modules: set[str]) -> set[str]:
    """The package's modules one file imports, wherever the import stands (type-checking ones too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0 and node.module, f"{path}: a relative import"
            # `from package import module` imports the module; `from module import name`, the module.
            found.update(
                f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in modules else node.module for a in node.names
            )
    return found & modules


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle of the graph (module -> the modules it imports), or [] when there is none."""
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> list[str]:
        if module in path:
            return path[path.index(module) :] + [module]
        if module in done:
            return []
        for imported in sorted(graph[module]):
            found = visit(imported, [*path, module])
            if found:
                return found
        done.add(module)
        return []

    for module in sorted(graph):
        found = visit(module, [])
        if found:
            return found
    return []


def test_the_questionnaire_modules_import_one_way_only() -> None:
    files = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
    graph = {module: _imported(path, set(files)) - {module} for module, path in files.items()}
    assert _cycle(graph) == []
    assert graph["omnibus.questionnaire"] == set()  # no import order to keep in the package's __init__
    assert not any(module.startswith("omnibus.questionnaire.kinds") for module in graph["omnibus.questionnaire.model"])


def test_the_cycle_check_finds_a_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) == []
