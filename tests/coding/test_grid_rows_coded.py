"""The texts of grids' "Other (please specify)" rows are open variables to code, as options' texts are."""

from pathlib import Path

from omnibus.coding.codings import open_variables
from omnibus.questionnaire.loader import load

GRIDS = Path(__file__).resolve().parents[1] / "fixtures" / "grids.yaml"


def test_each_specify_row_of_a_grid_is_an_open_variable() -> None:
    found = {v.name: v for v in open_variables(load(GRIDS))}
    assert set(found) == {"Barr_o_text", "BarrWhy", "Conf_o_text", "Rate_o_text", "Worse"}
    assert found["Conf_o_text"].question == "Conf"
    assert found["Conf_o_text"].text == "How confident are you in each service? – Another service"
