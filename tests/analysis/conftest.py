"""Shared fixtures of the analysis tests: the Wave 3 questionnaire and small hand-made datasets."""

from pathlib import Path

import polars as pl
import pytest

from omnibus.analysis.dataset import NOT_ANSWERED, NOT_ASKED, Dataset
from omnibus.questionnaire.loader import load, read_text
from omnibus.questionnaire.variables import variables

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "questionnaires" / "cso-wave3.yaml"

SMALL = """\
survey: small
version: v1
title: Small
base_all: All responding units
sections:
  - id: main
    title: Main
    questions:
      - id: Conf
        type: single
        text: How confident?
        options: {1: Very, 2: Fairly, 3: Not very, 4: {label: Don't know, missing: dont_know}}
      - id: Why
        type: single
        text: Why not?
        ask_if: Conf = 3
        base: Units not very confident
        options: {1: Money, 2: Staff}
      - id: Src
        type: multi
        text: Which sources?
        options: {1: Peers, 2: DfE, 3: Universities, 4: {label: None, exclusive: true}}
      - id: Grid
        type: grid
        text: How good is
        options: {1: Good, 2: Poor}
        items:
          - {id: Grid_a, text: Health}
          - {id: Grid_b, text: Schools}
      - id: Spend
        type: numbers
        text: How much?
        prefix: £
        items:
          - {id: Spend1, text: This year}
      - id: Reach
        type: numbers
        text: How many children?
        items:
          - {id: Reach1, text: This year}
"""


@pytest.fixture(scope="session")
def wave3():
    return load(EXAMPLE)


@pytest.fixture(scope="session")
def small_questionnaire():
    questionnaire, problems = read_text(SMALL)
    assert questionnaire is not None, problems
    return questionnaire


def make_small(questionnaire, rows: list[dict], wave: str = "w1", population: int | None = None, extra=None) -> Dataset:
    """A dataset of the small questionnaire from rows that give only what differs from 'not asked'."""
    names = variables(questionnaire)
    columns: dict[str, list] = {"unit": [r.get("unit", f"U{i}") for i, r in enumerate(rows)]}
    columns["frame_kind"] = [r.get("kind") for r in rows]
    columns["section_main"] = [r.get("section", "complete") for r in rows]
    for var in names:
        default = None if var.kind == "text" else NOT_ASKED
        columns[var.name] = [r.get(var.name, default) for r in rows]
    data = pl.DataFrame(columns)
    return Dataset(wave, questionnaire, names, data, population or len(rows), ["kind"])


@pytest.fixture
def small(small_questionnaire):
    """Ten units: answers chosen so that every base rule shows."""
    rows = [
        {"kind": "a", "Conf": 1, "Src_1": 1, "Src_2": 1, "Src_3": 0, "Src_4": 0, "Grid_a": 1, "Grid_b": 2,
         "Spend1": 100.0, "Reach1": 10.0},
        {"kind": "a", "Conf": 1, "Src_1": 1, "Src_2": 0, "Src_3": 1, "Src_4": 0, "Grid_a": 1, "Grid_b": 1,
         "Spend1": 200.0, "Reach1": 10.0},
        {"kind": "a", "Conf": 2, "Src_1": 0, "Src_2": 1, "Src_3": 1, "Src_4": 0, "Grid_a": 2, "Grid_b": 1,
         "Spend1": 300.0, "Reach1": 20.0},
        {"kind": "b", "Conf": 3, "Why": 1, "Src_1": 1, "Src_2": 1, "Src_3": 1, "Src_4": 0, "Grid_a": 1,
         "Grid_b": NOT_ANSWERED, "Spend1": 400.0, "Reach1": NOT_ANSWERED},
        {"kind": "b", "Conf": 3, "Why": NOT_ANSWERED, "Src_1": 0, "Src_2": 0, "Src_3": 0, "Src_4": 1, "Grid_a": 2,
         "Grid_b": 2, "Spend1": 500.0, "Reach1": 40.0},
        {"kind": "b", "Conf": 4, "Src_1": NOT_ANSWERED, "Src_2": NOT_ANSWERED, "Src_3": NOT_ANSWERED,
         "Src_4": NOT_ANSWERED, "Grid_a": 1, "Grid_b": 1, "Spend1": 100000.0, "Reach1": 50.0},
        {"kind": None, "Conf": NOT_ANSWERED, "Src_1": 1, "Src_2": 0, "Src_3": 0, "Src_4": 0, "Grid_a": 1,
         "Grid_b": 1, "Spend1": 150.0, "Reach1": 15.0},
        {"section": "none"},
        {"section": "none"},
        {"section": "none"},
    ]  # fmt: skip
    return make_small(small_questionnaire, rows, population=10)
