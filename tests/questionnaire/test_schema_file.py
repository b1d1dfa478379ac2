"""The JSON Schema for editors: the example validates, and wrong files are rejected.

A YAML file is checked the way an editor sees it: converted to JSON, so integer mapping
keys (option codes, menu codes) become strings.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from omnibus.questionnaire import loader, model

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_PATH = ROOT / "omnibus" / "questionnaire" / "questionnaire.schema.json"
EXAMPLE_PATH = ROOT / "examples" / "questionnaires" / "cso-wave3.yaml"
SCHEMA_COMMENT = "# yaml-language-server: $schema=../../omnibus/questionnaire/questionnaire.schema.json"


@pytest.fixture(scope="module")
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def validator(schema: dict) -> Draft202012Validator:
    return Draft202012Validator(schema)


@pytest.fixture(scope="module")
def example() -> dict:
    data = yaml.safe_load(EXAMPLE_PATH.read_text(encoding="utf-8"))
    # What an editor validates: JSON, in which integer keys are strings.
    return json.loads(json.dumps(data))


def _flatten(errors: Iterator[ValidationError]) -> Iterator[ValidationError]:
    """Every error, with those nested under oneOf/anyOf (their context) as well."""
    for error in errors:
        yield error
        yield from _flatten(iter(error.context))


def _question_path(data: dict, qid: str) -> list:
    for s, section in enumerate(data["sections"]):
        for q, question in enumerate(section["questions"]):
            if question["id"] == qid:
                return ["sections", s, "questions", q]
    raise AssertionError(f"no question {qid} in the example")


def _get(data: dict, path: list):
    for key in path:
        data = data[key]
    return data


def _describe(errors: list[ValidationError]) -> str:
    return "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


# --- the schema and the example ----------------------------------------------------------


def test_schema_is_a_valid_draft_2020_12_schema(schema: dict) -> None:
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def test_example_validates(validator: Draft202012Validator, example: dict) -> None:
    errors = list(validator.iter_errors(example))
    assert errors == [], _describe(errors)


def test_example_points_editors_at_the_schema() -> None:
    first_line = EXAMPLE_PATH.read_text(encoding="utf-8").splitlines()[0]
    assert first_line == SCHEMA_COMMENT
    relative = first_line.split("$schema=", 1)[1]
    assert (EXAMPLE_PATH.parent / relative).resolve() == SCHEMA_PATH.resolve()


# --- the schema says the same as model.py ------------------------------------------------


def _fields(cls: type, *leave_out: str) -> set[str]:
    """The dataclass's public fields: what a file may write (private ones and locations are the loader's)."""
    names = {f.name for f in dataclasses.fields(cls) if not f.name.startswith("_")}
    return names - set(leave_out) - {"line", "lines"}


def test_schema_keys_match_the_model(schema: dict) -> None:
    defs = schema["$defs"]
    option_object = next(alt for alt in defs["option"]["oneOf"] if "properties" in alt)
    assert set(schema["properties"]) == _fields(model.Questionnaire, "path")
    assert set(defs["section"]["properties"]) == _fields(model.Section, "line")
    assert set(defs["question"]["properties"]) == _fields(model.Question, "section", "line")
    assert set(defs["item"]["properties"]) == _fields(model.Item, "line")
    assert set(option_object["properties"]) == _fields(model.Option, "code", "line")
    assert set(defs["optionsFrom"]["properties"]) == _fields(model.OptionsFrom, "line")
    assert set(defs["consent"]["properties"]) == _fields(model.Consent, "line")
    assert set(defs["menu"]["properties"]) == _fields(model.Menu, "line")


def test_schema_keys_match_the_loader(schema: dict) -> None:
    defs = schema["$defs"]
    option_object = next(alt for alt in defs["option"]["oneOf"] if "properties" in alt)
    assert set(schema["properties"]) == loader.TOP_KEYS
    assert set(defs["section"]["properties"]) == loader.SECTION_KEYS
    assert set(defs["question"]["properties"]) == loader.ALL_QUESTION_KEYS
    assert set(defs["item"]["properties"]) == loader.ITEM_KEYS
    assert set(option_object["properties"]) == loader.OPTION_KEYS
    assert set(defs["optionsFrom"]["properties"]) == loader.OPTIONS_FROM_KEYS
    assert set(defs["consent"]["properties"]) == loader.CONSENT_KEYS
    assert set(defs["menu"]["properties"]) == loader.MENU_KEYS


def test_schema_enums_match_the_model(schema: dict) -> None:
    defs = schema["$defs"]
    option_object = next(alt for alt in defs["option"]["oneOf"] if "properties" in alt)
    assert defs["question"]["properties"]["type"]["enum"] == list(model.QUESTION_TYPES)
    assert option_object["properties"]["missing"]["enum"] == list(model.MISSING_KINDS)


def test_every_property_has_a_description(schema: dict) -> None:
    """Descriptions are the hover help in editors."""
    missing = []

    def walk(node: object, where: str) -> None:
        if isinstance(node, dict):
            for name, sub in node.get("properties", {}).items():
                target = sub
                if "description" not in sub and "$ref" in sub:
                    target = schema["$defs"][sub["$ref"].rsplit("/", 1)[1]]
                if "description" not in target:
                    missing.append(f"{where}.{name}")
            for key, sub in node.items():
                if key != "if":  # conditions name keys described elsewhere
                    walk(sub, f"{where}.{key}")
        elif isinstance(node, list):
            for i, sub in enumerate(node):
                walk(sub, f"{where}[{i}]")

    walk(schema, "$")
    assert missing == []


# --- the schema rejects wrong files ------------------------------------------------------


def _unknown_question_key(data: dict) -> list:
    path = _question_path(data, "ConfUnd")
    _get(data, path)["colour"] = "red"
    return path


def _unknown_type(data: dict) -> list:
    path = _question_path(data, "ConfUnd")
    _get(data, path)["type"] = "ranking"
    return [*path, "type"]


def _non_integer_code(data: dict) -> list:
    path = [*_question_path(data, "SWavail"), "options"]
    _get(data, path)["7a"] = "Maybe"
    return path


def _non_integer_code_in_option_set(data: dict) -> list:
    data["option_sets"]["confidence"]["one"] = "Very confident"
    return ["option_sets", "confidence"]


def _missing_text(data: dict) -> list:
    path = _question_path(data, "SWreturn")
    del _get(data, path)["text"]
    return path


def _unquoted_yes(data: dict) -> list:
    data["option_sets"]["yes_no"]["1"] = True  # what plain YAML makes of `1: Yes`
    return ["option_sets", "yes_no", "1"]


def _unknown_option_key(data: dict) -> list:
    path = [*_question_path(data, "SuppSou"), "options", "14"]
    _get(data, path)["other"] = True
    return path


def _unknown_item_key(data: dict) -> list:
    path = [*_question_path(data, "SocWork"), "items", 0]
    _get(data, path)["label"] = "a"
    return path


def _grid_without_items(data: dict) -> list:
    path = _question_path(data, "SocWork")
    del _get(data, path)["items"]
    return path


def _unknown_top_level_key(data: dict) -> list:
    data["wave"] = 3
    return []


def _non_integer_menu_code(data: dict) -> list:
    data["menu"]["sections"]["x"] = "thanks"
    return ["menu", "sections"]


def _unknown_consent_purpose(data: dict) -> list:
    path = [*_question_path(data, "DfErecon"), "consent", "purpose"]
    _get(data, path[:-1])["purpose"] = "marketing"
    return path


def _unknown_missing_kind(data: dict) -> list:
    path = [*_question_path(data, "SWavail"), "options", "6"]
    _get(data, path)["missing"] = "refused"
    return path


BREAKAGES: dict[str, Callable[[dict], list]] = {
    "unknown key on a question": _unknown_question_key,
    "unknown question type": _unknown_type,
    "option with a non-integer code": _non_integer_code,
    "option set with a non-integer code": _non_integer_code_in_option_set,
    "question without text": _missing_text,
    "unquoted Yes read as true": _unquoted_yes,
    "unknown key on an option": _unknown_option_key,
    "unknown key on a grid item": _unknown_item_key,
    "grid without items": _grid_without_items,
    "unknown top-level key": _unknown_top_level_key,
    "menu code that is not a number": _non_integer_menu_code,
    "unknown consent purpose": _unknown_consent_purpose,
    "unknown missing kind": _unknown_missing_kind,
}


@pytest.mark.parametrize("breakage", list(BREAKAGES), ids=list(BREAKAGES))
def test_schema_rejects(breakage: str, validator: Draft202012Validator, example: dict) -> None:
    data = copy.deepcopy(example)
    assert validator.is_valid(data)  # the example itself is fine: what follows is the breakage

    where = BREAKAGES[breakage](data)

    errors = list(_flatten(validator.iter_errors(data)))
    assert errors, f"the schema accepts a file with {breakage}"
    located = [e for e in errors if list(e.absolute_path)[: len(where)] == where]
    assert located, f"no error at {where}; errors were:\n{_describe(errors)}"


def test_the_grids_fixture_validates_and_a_misplaced_key_does_not(validator: Draft202012Validator) -> None:
    path = Path(__file__).resolve().parents[1] / "fixtures" / "grids.yaml"
    data = json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8"))))
    assert not list(validator.iter_errors(data)), _describe(list(validator.iter_errors(data)))
    del _get(data, _question_path(data, "Rate"))["columns"]  # a two-way grid needs its column groups
    assert list(validator.iter_errors(data))
