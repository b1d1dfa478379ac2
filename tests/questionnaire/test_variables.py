"""Variable names: one rule, from the questionnaire, for every stage."""

from pathlib import Path

from omnibus.questionnaire.loader import load
from omnibus.questionnaire.variables import answer_keys, variables

WAVE3 = load(Path(__file__).resolve().parents[2] / "examples" / "questionnaires" / "cso-wave3.yaml")
NAMES = [v.name for v in variables(WAVE3)]


def test_multi_choice_spreads_into_flags_and_specify_texts() -> None:
    sources = [n for n in NAMES if n.startswith("SuppSou_")]
    assert sources == [f"SuppSou_{code}" for code in range(1, 16)] + ["SuppSou_14_text"]


def test_fed_through_options_keep_source_codes_and_are_not_specified_twice() -> None:
    future = [n for n in NAMES if n.startswith("SuppSouFut_")]
    assert future == [f"SuppSouFut_{code}" for code in range(1, 14)] + ["SuppSouFut_16"]
    assert "HelpSupp" in NAMES and "HelpSupp_14_text" not in NAMES


def test_grid_and_numeric_items_are_their_own_variables() -> None:
    assert [n for n in NAMES if n.startswith("SocWork_")] == ["SocWork_a", "SocWork_b", "SocWork_c", "SocWork_d"]
    assert answer_keys(WAVE3.question("HLEspend"), WAVE3) == ["HLEspend1718", "HLEspend1617", "HLEspend1516"]


def test_names_are_unique_and_statements_have_none() -> None:
    assert len(NAMES) == len(set(NAMES))
    assert "Bye" not in NAMES and "QSelect" not in NAMES


def test_grid_variables_carry_the_scale_as_value_labels() -> None:
    by_name = {v.name: v for v in variables(WAVE3)}
    assert [o.label for o in by_name["SufCare_a"].value_labels][0] == "Very likely"
    assert by_name["SuppSou_3"].kind == "flag"
