"""The grids on the web survey: a grid of multiple choices, "Other (please specify)" rows, a two-way grid."""

import re

import pytest

from omnibus.collect.answers import live_answers
from omnibus.fieldwork.models import WaveUnit
from tests.grid_waves import grids_wave

from .conftest import answer, seen_of, signed_in
from .test_survey_answering import error_links

pytestmark = pytest.mark.django_db
SECTION = "barriers"


@pytest.fixture
def unit() -> WaveUnit:
    """One LA of a wave of the grids questionnaire, with no answers."""
    return grids_wave().units.order_by("name").first()


def checked(page: str, name: str) -> list[str]:
    """The values ticked for a field on a page."""
    inputs = re.findall(rf'<input[^>]*name="{name}"[^>]*>', page)
    return [re.search(r'value="([^"]*)"', i).group(1) for i in inputs if " checked" in i]


def test_multi_grid_page_has_a_fieldset_of_checkboxes_per_row(unit: WaveUnit) -> None:
    client = signed_in(unit)
    answer(client, SECTION, "HasSend", {"HasSend": "2"})
    page = client.get(f"/survey/sections/{SECTION}/Barr/").content.decode()
    assert page.count('class="govuk-fieldset"') == 2  # SEND support is not asked: HasSend is No
    assert "SEND support" not in page
    assert page.count('type="checkbox" value="9"') == 2
    assert 'data-behaviour="exclusive"' in page and "govuk-checkboxes__divider" in page
    assert 'name="Barr_o_text"' in page  # the "Other" row asks what it is
    assert "{#" not in page and "fieldset" not in page.split("<h1")[0].split("<form")[-1]  # no template text shows


@pytest.mark.parametrize(
    ("data", "anchor", "message"),
    [
        ({}, "Barr_a", "Select at least one option for ‘Early help’"),
        ({"Barr_a": ["1", "9"]}, "Barr_a", "Select ‘None of these’ on its own for ‘Early help’"),
        ({"Barr_a": "1", "Barr_o": "2"}, "Barr_o_text", "Enter what ‘Other service’ is"),
        ({"Barr_a": "1", "Barr_o_text": "Youth justice"}, "Barr_o", "Select at least one option for ‘Other service’"),
    ],
)
def test_multi_grid_errors_link_to_their_row(unit: WaveUnit, data: dict, anchor: str, message: str) -> None:
    client = signed_in(unit)
    answer(client, SECTION, "HasSend", {"HasSend": "2"})
    page = answer(client, SECTION, "Barr", data).content.decode()
    assert "<title>Error: " in page
    links = error_links(page)
    assert any(a == anchor and message in m for a, m in links), links
    assert f'id="{anchor}"' in page
    assert checked(page, "Barr_a") == ([] if "Barr_a" not in data else list(data["Barr_a"]))  # nothing typed is lost
    assert set(live_answers(unit)) == {"HasSend"}


def test_multi_grid_saves_each_row_and_routes_on_a_row(unit: WaveUnit) -> None:
    client = signed_in(unit)
    answer(client, SECTION, "HasSend", {"HasSend": "1"})
    response = answer(client, SECTION, "Barr", {"Barr_a": ["1", "3"], "Barr_b": "9"})
    assert response.status_code == 302
    assert response["Location"].endswith("/BarrWhy/")  # asked because Capacity is ticked for early help
    assert live_answers(unit) == {"HasSend": 1, "Barr_a": [1, 3], "Barr_b": [9]}
    page = client.get(f"/survey/sections/{SECTION}/Barr/").content.decode()
    assert checked(page, "Barr_a") == ["1", "3"] and checked(page, "Barr_b") == ["9"]
    response = answer(client, SECTION, "Barr", {"Barr_a": "1", "Barr_b": "9", "Barr_o": ["2"], "Barr_o_text": "Youth"})
    assert response["Location"].endswith("/Conf/")  # Capacity cleared: BarrWhy is no longer asked
    assert live_answers(unit)["Barr_o_text"] == "Youth"


def test_specify_row_of_a_single_choice_grid(unit: WaveUnit) -> None:
    client = signed_in(unit)
    answer(client, SECTION, "HasSend", {"HasSend": "2"})
    answer(client, SECTION, "Barr", {"Barr_a": "1"})
    page = answer(client, SECTION, "Conf", {"Conf_a": "1", "Conf_o_text": "Fostering"}).content.decode()
    assert ("Conf_o", "Select an answer for ‘Another service’") in error_links(page)
    assert 'id="Conf_o-none"' in page and 'type="radio" value=""' in page  # a radio chosen by mistake can be undone
    response = answer(client, SECTION, "Conf", {"Conf_a": "1", "Conf_o": ""})  # no text: the row may be left
    assert response.status_code == 302
    assert "Conf_o" not in live_answers(unit)
    page = answer(client, SECTION, "Conf", {"Conf_a": "1", "Conf_o": "", "Conf_o_text": "Fostering"}).content.decode()
    assert ("Conf_o", "Select an answer for ‘Another service’") in error_links(page)
    assert 'id="Conf_o-none" name="Conf_o" type="radio" value="" checked' in page


def test_two_way_grid_asks_each_row_under_each_column(unit: WaveUnit) -> None:
    client = signed_in(unit)
    answer(client, SECTION, "HasSend", {"HasSend": "2"})
    answer(client, SECTION, "Barr", {"Barr_a": "1"})
    answer(client, SECTION, "Conf", {"Conf_a": "1"})
    page = client.get(f"/survey/sections/{SECTION}/Rate/").content.decode()
    assert page.count('class="govuk-fieldset"') == 4  # early help and the "Other" row, this year and last year
    assert '<span class="govuk-visually-hidden">Early help: </span>Last year</legend>' in page
    page = answer(client, SECTION, "Rate", {"Rate_a_now": "3"}).content.decode()
    assert ("Rate_a_last", "Select an answer for ‘Early help’: Last year") in error_links(page)
    response = answer(client, SECTION, "Rate", {"Rate_a_now": "3", "Rate_a_last": "1"})
    assert response["Location"].endswith("/Worse/")  # routed on two cells
    assert {k: v for k, v in live_answers(unit).items() if k.startswith("Rate")} == {"Rate_a_now": 3, "Rate_a_last": 1}
    answer(client, SECTION, "Worse", {"Worse": "Staff left"})
    check = client.get(f"/survey/sections/{SECTION}/check/", follow=True).content.decode()
    assert "Early help: This year: Poor; Last year: Good" in check
    assert "Early help: Timeliness" in check


def test_a_cell_of_another_row_is_a_malformed_request(unit: WaveUnit) -> None:
    client = signed_in(unit)
    answer(client, SECTION, "HasSend", {"HasSend": "2"})
    answer(client, SECTION, "Barr", {"Barr_a": "1"})
    answer(client, SECTION, "Conf", {"Conf_a": "1"})
    response = answer(client, SECTION, "Rate", {"Rate_a_now": "1", "Rate_a_last": "1", "Rate_b_now": "1"})
    assert response.status_code == 400  # SEND support is not asked


def test_a_two_way_grid_rerouted_by_a_colleague_keeps_what_was_ticked(unit: WaveUnit) -> None:
    ada, ben = signed_in(unit, "Ada"), signed_in(unit, "Ben")
    answer(ada, SECTION, "HasSend", {"HasSend": "2"})
    answer(ada, SECTION, "Barr", {"Barr_a": "1"})
    page = ben.get(f"/survey/sections/{SECTION}/Rate/").content.decode()
    answer(ada, SECTION, "Barr", {"Barr_a": "9"})  # no barrier to early help: the services are not rated
    late = ben.post(f"/survey/sections/{SECTION}/Rate/", {"Rate_a_now": "3", "Rate_a_last": "1", "seen": seen_of(page)})
    text = late.content.decode()
    assert late.status_code == 409
    assert "Early help: This year" in text and "Poor" in text  # what Ben ticked, in words
    assert not any(key.startswith("Rate") for key in live_answers(unit))
