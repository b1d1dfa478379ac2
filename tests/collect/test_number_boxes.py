"""A number's "Don't know" boxes on the web survey: the page, its errors, what is saved, Check your answers."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from omnibus.collect.answers import live_answers
from omnibus.fieldwork.models import Wave, WaveUnit
from tests.constructs import small_questionnaire_wave

from .conftest import answer, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit() -> WaveUnit:
    wave: Wave = small_questionnaire_wave("unavailable")
    return wave.units.get(unit__key="840")


def error_links(page: str) -> list[tuple[str, str]]:
    summary = page.split("govuk-error-summary__list")[1].split("</ul>")[0]
    return re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)


def test_the_page_has_the_or_divider_and_the_boxes(unit: WaveUnit) -> None:
    page = signed_in(unit).get("/survey/sections/money/Staff/").content.decode()
    assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--l">' in page
    assert '<div class="govuk-checkboxes__divider">or</div>' in page
    box = re.search(r"<input[^>]+name=\"Staff-unavailable\"[^>]*>", page).group(0)
    assert 'value="dont_know"' in box and 'type="checkbox"' in box and 'data-behaviour="exclusive"' in box
    assert "not_available" not in page  # Staff offers "Don't know" only
    sets = signed_in(unit).get("/survey/sections/money/Spend/").content.decode()
    assert sets.count('class="govuk-checkboxes__divider"') == 2  # one per item
    assert 'name="Spend1617-unavailable"' in sets
    assert '<span class="govuk-visually-hidden"> (April 2016 – March 2017)</span>' in sets


def test_a_number_and_a_box_is_refused_with_the_answers_kept(unit: WaveUnit) -> None:
    client = signed_in(unit)
    response = answer(client, "money", "Staff", {"Staff": "120", "Staff-unavailable": "dont_know"})
    page = response.content.decode()
    assert response.status_code == 200
    assert error_links(page) == [("Staff", "Enter a number or select ‘Don&#x27;t know’, not both")]
    assert 'value="120"' in page  # as typed
    assert re.search(r'name="Staff-unavailable" type="checkbox" value="dont_know" checked', page)
    assert live_answers(unit) == {}


def test_a_box_is_saved_as_its_code_and_shown_in_words(unit: WaveUnit) -> None:
    client = signed_in(unit)
    response = answer(client, "money", "Staff", {"Staff": "", "Staff-unavailable": "dont_know"})
    assert response.status_code == 302
    assert response.url.endswith("/survey/sections/money/StaffWhy/")  # routing: answered, no number
    assert live_answers(unit) == {"Staff": -8}
    answer(client, "money", "StaffWhy", {"StaffWhy": "Agency staff are counted by the region"})
    response = answer(
        client, "money", "Spend", {"Spend1718": "£25,000", "Spend1617": "", "Spend1617-unavailable": "not_available"}
    )
    assert response.status_code == 302
    assert live_answers(unit) == {
        "Staff": -8,
        "StaffWhy": "Agency staff are counted by the region",
        "Spend1718": 25000,
        "Spend1617": -9,
    }
    again = client.get("/survey/sections/money/Staff/").content.decode()
    assert re.search(r'name="Staff-unavailable" type="checkbox" value="dont_know" checked', again)
    assert 'name="Staff" type="text" value=""' in again  # the code is never shown as a number
    check = client.get("/survey/sections/money/check/", follow=True).content.decode()
    assert "Don&#x27;t know" in check
    assert "April 2016 – March 2017: Not available – not recorded" in check
    assert "£25,000" in check
    assert not re.search(r">\s*-[89]\b|: -[89]\b", check)  # no code shown for a box


def test_changing_to_a_number_replaces_the_box(unit: WaveUnit) -> None:
    client = signed_in(unit)
    answer(client, "money", "Staff", {"Staff-unavailable": "dont_know"})
    answer(client, "money", "StaffWhy", {"StaffWhy": "Not counted"})
    response = answer(client, "money", "Staff", {"Staff": "85"})
    assert response.status_code == 302
    assert live_answers(unit) == {"Staff": 85}  # StaffWhy is no longer asked: moved off route


def test_a_box_no_page_offers_is_a_bad_request(unit: WaveUnit) -> None:
    client: Client = signed_in(unit)
    response = answer(client, "money", "Staff", {"Staff-unavailable": "refused"})
    assert response.status_code == 400
    assert live_answers(unit) == {}
