"""A number with the date its figure relates to, on the web survey: the date input, its errors, Check your answers."""

from __future__ import annotations

import re

import pytest

from omnibus.collect.answers import live_answers
from omnibus.fieldwork.models import WaveUnit
from tests.constructs import small_questionnaire_wave

from .conftest import answer, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit() -> WaveUnit:
    return small_questionnaire_wave("as_at").units.get(unit__key="390")


def test_the_page_has_a_gov_uk_date_input(unit: WaveUnit) -> None:
    page = signed_in(unit).get("/survey/sections/care/CLA/").content.decode()
    assert '<div class="govuk-date-input" id="CLA_date">' in page
    for part in ("day", "month", "year"):
        assert f'name="CLA_date-{part}"' in page
    assert "If your figures are not for 31 March 2018, give the date they relate to." in page


def test_blank_is_the_date_asked_and_a_date_is_kept(unit: WaveUnit) -> None:
    client = signed_in(unit)
    assert answer(client, "care", "CLA", {"CLA": "420"}).status_code == 302
    assert live_answers(unit) == {"CLA": 420, "CLA_date": "2018-03-31"}
    dated = {"CLA": "415", "CLA_date-day": "31", "CLA_date-month": "1", "CLA_date-year": "2018"}
    assert answer(client, "care", "CLA", dated).status_code == 302
    assert live_answers(unit) == {"CLA": 415, "CLA_date": "2018-01-31"}
    again = client.get("/survey/sections/care/CLA/").content.decode()
    assert 'name="CLA_date-day" type="text" inputmode="numeric" value="31"' in again
    answer(
        client,
        "care",
        "Rate",
        {"Rate": "310.5", "Rate_date-day": "31", "Rate_date-month": "3", "Rate_date-year": "2018"},
    )
    check = client.get("/survey/sections/care/check/", follow=True).content.decode()
    assert "Figures relate to 31 January 2018" in check
    assert "Figures relate to 31 March 2018" in check


def test_a_wrong_date_is_refused_as_typed(unit: WaveUnit) -> None:
    client = signed_in(unit)
    wrong = {"CLA": "420", "CLA_date-day": "30", "CLA_date-month": "2", "CLA_date-year": "2018"}
    page = answer(client, "care", "CLA", wrong).content.decode()
    assert re.search(r'<a href="#CLA_date-day">The date the figures relate to must be a real date</a>', page)
    assert 'value="30"' in page and 'value="420"' in page
    assert live_answers(unit) == {}
