"""Cross-item checks on the web survey: the error summary names the field, answers stay as typed, nothing is saved."""

from __future__ import annotations

import re

import pytest

from omnibus.collect.answers import live_answers
from omnibus.fieldwork.models import WaveUnit
from tests.constructs import small_questionnaire_wave

from .conftest import answer, signed_in

pytestmark = pytest.mark.django_db

TOO_MANY = "Plans with a personal budget must be no more than the plans issued"


@pytest.fixture
def unit() -> WaveUnit:
    return small_questionnaire_wave("checks").units.get(unit__key="841")


def error_links(page: str) -> list[tuple[str, str]]:
    summary = page.split("govuk-error-summary__list")[1].split("</ul>")[0]
    return re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)


def test_a_check_spanning_pages_is_made_on_the_later_page(unit: WaveUnit) -> None:
    client = signed_in(unit)
    assert answer(client, "send", "Issued", {"Issued": "10"}).status_code == 302
    response = answer(client, "send", "PBplans", {"PBplans": "12"})
    page = response.content.decode()
    assert response.status_code == 200
    assert error_links(page) == [("PBplans", TOO_MANY)]
    assert '<p id="PBplans-error" class="govuk-error-message">' in page  # beside the field, too
    assert 'value="12"' in page  # as typed
    assert live_answers(unit) == {"Issued": 10}  # nothing saved until it passes
    assert answer(client, "send", "PBplans", {"PBplans": "10"}).status_code == 302
    assert live_answers(unit) == {"Issued": 10, "PBplans": 10}


def test_changing_the_earlier_answer_is_checked_too(unit: WaveUnit) -> None:
    client = signed_in(unit)
    answer(client, "send", "Issued", {"Issued": "10"})
    answer(client, "send", "PBplans", {"PBplans": "8"})
    response = answer(client, "send", "Issued", {"Issued": "5"})
    assert error_links(response.content.decode()) == [("Issued", TOO_MANY)]
    assert live_answers(unit) == {"Issued": 10, "PBplans": 8}


def test_dont_know_is_not_checked_against(unit: WaveUnit) -> None:
    client = signed_in(unit)
    answer(client, "send", "Issued", {"Issued-unavailable": "dont_know"})
    assert answer(client, "send", "PBplans", {"PBplans": "12"}).status_code == 302
    assert live_answers(unit) == {"Issued": -8, "PBplans": 12}


def test_percentages_must_add_up(unit: WaveUnit) -> None:
    client = signed_in(unit)
    response = answer(client, "send", "Pct", {"PctIn20": "60", "PctOver20": "30"})
    page = response.content.decode()
    assert error_links(page) == [("PctIn20", "The percentages must add up to 100")]
    assert 'value="60"' in page and 'value="30"' in page
    assert live_answers(unit) == {}
    assert answer(client, "send", "Pct", {"PctIn20": "60", "PctOver20": "40"}).status_code == 302


def test_a_section_check_names_its_field(unit: WaveUnit) -> None:
    client = signed_in(unit)
    answer(client, "staff", "Total", {"Total": "3"})
    response = answer(client, "staff", "Agency", {"Agency": "4"})
    assert error_links(response.content.decode()) == [
        ("Agency", "Agency social workers must be no more than all social workers")
    ]
    assert live_answers(unit) == {"Total": 3}
