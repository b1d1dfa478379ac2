"""Numbers with "Don't know" boxes in a real browser, with JavaScript and without; axe-core on every page.

Screenshots: test-artefacts/browser/numbers-*.png (and nojs-numbers-*.png).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect
from pytest_django.live_server_helper import LiveServer

from omnibus.collect.answers import live_answers
from omnibus.fieldwork.codes import unseal
from omnibus.fieldwork.models import WaveUnit
from tests.browser.survey_browser import Colleague
from tests.constructs import small_questionnaire_wave


@pytest.fixture
def unit(live_server: LiveServer, transactional_db: None) -> WaveUnit:
    wave = small_questionnaire_wave("unavailable", slug="unavailable-browser")
    return wave.units.get(unit__key="840")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_a_box_beside_a_number(browser: Browser, live_server: LiveServer, unit: WaveUnit, javascript: bool) -> None:
    person = Colleague(browser, live_server.url, "Ada Example", javascript=javascript)
    person.start(unseal(unit.code_sealed), "Finance lead")
    person.open_section("Money and staff")
    page = person.page
    expect(page).to_have_url(re.compile(r"/survey/sections/money/Staff/$"))
    page.get_by_label("Number").fill("120")
    page.get_by_label("Don't know").check()
    if javascript:
        # GOV.UK's exclusive checkboxes leave the typed number alone: the server says what is wrong.
        expect(page.get_by_label("Don't know")).to_be_checked()
    person.go_on()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter a number or select ‘Don't know’, not both")
    expect(page.get_by_label("Number")).to_have_value("120")  # kept as typed
    person.capture("numbers-box-and-number-error")
    summary.get_by_role("link").click()
    if javascript:
        expect(page.get_by_label("Number")).to_be_focused()
    assert live_answers(unit) == {}
    page.get_by_label("Number").fill("")
    person.go_on()
    expect(page).to_have_url(re.compile(r"/survey/sections/money/StaffWhy/(#\w+)?$"))
    page.locator("#StaffWhy").fill("Agency staff are counted by the region")
    person.go_on()
    expect(page).to_have_url(re.compile(r"/survey/sections/money/Spend/(#\w+)?$"))
    page.get_by_role("textbox", name="April 2017 – March 2018").fill("£25,000")
    page.get_by_label("Not available – not recorded (April 2016 – March 2017)").check()
    person.capture("numbers-set-with-boxes")
    person.go_on()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Don't know")
    expect(page.locator(".govuk-summary-list")).to_contain_text("April 2016 – March 2017: Not available – not recorded")
    person.capture("numbers-check-answers")
    assert live_answers(unit) == {
        "Staff": -8,
        "StaffWhy": "Agency staff are counted by the region",
        "Spend1718": 25000,
        "Spend1617": -9,
    }
    assert person.problems == []


def test_javascript_unticks_the_other_box(browser: Browser, live_server: LiveServer, unit: WaveUnit) -> None:
    person = Colleague(browser, live_server.url, "Ada Example")
    person.start(unseal(unit.code_sealed), "Finance lead")
    person.page.goto("/survey/sections/money/Spend/")
    first = person.page.get_by_label("Don't know (April 2017 – March 2018)")
    second = person.page.get_by_label("Not available – not recorded (April 2017 – March 2018)")
    first.check()
    second.check()
    expect(first).not_to_be_checked()  # one box at a time, as GOV.UK's exclusive checkboxes behave
