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


def in_section(browser: Browser, live_server: LiveServer, unit: WaveUnit, section: str, javascript: bool) -> Colleague:
    """A colleague of the unit, signed in with its code, on the first page of a section."""
    person = Colleague(browser, live_server.url, "Ada Example", javascript=javascript)
    person.start(unseal(unit.code_sealed), "Analyst")
    person.open_section(section)
    return person


@pytest.fixture
def unit(live_server: LiveServer, transactional_db: None) -> WaveUnit:
    wave = small_questionnaire_wave("unavailable", slug="unavailable-browser")
    return wave.units.get(unit__key="840")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_a_box_beside_a_number(browser: Browser, live_server: LiveServer, unit: WaveUnit, javascript: bool) -> None:
    person = in_section(browser, live_server, unit, "Money and staff", javascript)
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


@pytest.fixture
def checks_unit(live_server: LiveServer, transactional_db: None) -> WaveUnit:
    wave = small_questionnaire_wave("checks", slug="checks-browser")
    return wave.units.get(unit__key="841")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_a_check_across_pages(
    browser: Browser, live_server: LiveServer, checks_unit: WaveUnit, javascript: bool
) -> None:
    person = in_section(browser, live_server, checks_unit, "Plans", javascript)
    page = person.page
    page.get_by_label("Number").fill("10")
    person.go_on()
    expect(page).to_have_url(re.compile(r"/survey/sections/send/PBplans/$"))
    page.get_by_role("textbox").fill("12")
    person.go_on()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Plans with a personal budget must be no more than the plans issued")
    expect(page.get_by_role("textbox")).to_have_value("12")
    person.capture("checks-across-pages-error")
    summary.get_by_role("link").click()
    if javascript:  # GOV.UK's error summary moves the focus to the field
        expect(page.get_by_role("textbox")).to_be_focused()
    else:  # the link lands on the field
        expect(page).to_have_url(re.compile(r"#PBplans$"))
    assert live_answers(checks_unit) == {"Issued": 10}
    page.get_by_role("textbox").fill("9")
    person.go_on()
    expect(page).to_have_url(re.compile(r"/survey/sections/send/Pct/(#\w+)?$"))
    page.get_by_role("textbox", name="Within 20 weeks").fill("60")
    page.get_by_role("textbox", name="After more than 20 weeks").fill("30")
    person.go_on()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The percentages must add up to 100")
    person.capture("checks-percentages-error")
    assert live_answers(checks_unit) == {"Issued": 10, "PBplans": 9}
    assert person.problems == []


@pytest.fixture
def dated_unit(live_server: LiveServer, transactional_db: None) -> WaveUnit:
    return small_questionnaire_wave("as_at", slug="as-at-browser").units.get(unit__key="390")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_a_figure_with_its_date(
    browser: Browser, live_server: LiveServer, dated_unit: WaveUnit, javascript: bool
) -> None:
    person = in_section(browser, live_server, dated_unit, "Children in care", javascript)
    page = person.page
    page.get_by_label("Number").fill("415")
    page.get_by_label("Day").fill("30")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("2018")
    person.go_on()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The date the figures relate to must be a real date")
    expect(page.get_by_label("Day")).to_have_value("30")
    person.capture("as-at-date-error")
    summary.get_by_role("link").click()
    if javascript:
        expect(page.get_by_label("Day")).to_be_focused()
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("1")
    person.go_on()
    expect(page).to_have_url(re.compile(r"/survey/sections/care/Rate/(#[\w-]+)?$"))
    assert live_answers(dated_unit) == {"CLA": 415, "CLA_date": "2018-01-31"}
    person.capture("as-at-always")
    assert person.problems == []
