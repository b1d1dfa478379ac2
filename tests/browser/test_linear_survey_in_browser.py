"""A linear survey in a real browser, with JavaScript and without: straight through, check, submit.

Screenshots are kept under test-artefacts/browser/ (linear-*, nojs-linear-*), each page checked
with axe-core against WCAG 2.2 A and AA.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from pytest_django.live_server_helper import LiveServer

from omnibus.collect.answers import live_answers
from omnibus.fieldwork.codes import unseal
from omnibus.fieldwork.models import SectionState, Wave
from tests.browser.survey_browser import Amounts, Choose, Colleague, Plan, Rate, Write, expected_answers
from tests.waves import open_wave_of

LINEAR = Path(__file__).resolve().parents[1] / "questionnaires" / "linear.yaml"
SHOTS = {"Grant": "linear-section-start", "Why": "linear-numbered-piped", "Ways": "linear-numbered-grid"}
PLAN: list[tuple[str, Plan]] = [
    ("about", [("Members", Amounts({"Members": 1_250})), ("Funded", Choose(1))]),
    ("funding", [("Grant", Amounts({"Grant": 12_000}, prefix="£"))]),
    (
        "views",
        [
            ("Heard", Choose(2)),
            ("Why", Write("They answer our letters, but late.")),
            ("Ways", Rate({"Ways_a": 2, "Ways_b": 1})),
        ],
    ),
]


@pytest.fixture
def linear_wave(live_server: LiveServer, transactional_db: None) -> Wave:
    """An open wave of the linear questionnaire over the 2017 frame."""
    return open_wave_of(LINEAR, "forums-browser")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_a_linear_survey_end_to_end(
    browser: Browser, live_server: LiveServer, linear_wave: Wave, javascript: bool
) -> None:
    unit = linear_wave.units.get(name="Darlington")
    ada = Colleague(browser, live_server.url, "Ada Example", javascript=javascript)
    page = ada.page
    page.goto("/survey/")
    page.locator("#code").fill(unseal(unit.code_sealed))
    page.locator("#name").fill(ada.name)
    ada.press("Start")
    expect(page).to_have_url(re.compile(r"/survey/sections/about/Members/$"))  # no menu: the first page
    expect(page.locator(".govuk-back-link")).to_have_count(0)
    expect(page.locator(".govuk-inset-text")).to_have_text("These questions are about your forum's members.")
    expect(page.get_by_role("link", name="Sections")).to_have_count(0)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile(r"^Q1 How many members does your forum have\?")
    )
    ada.capture("linear-first-page")
    for section, plan in PLAN:
        for question, answer in plan:
            ada.answer(section, question, answer, shot=SHOTS.get(question))
    expect(page).to_have_url(re.compile(r"/survey/answers/$"))
    expect(page.locator(".govuk-summary-list__key").nth(4)).to_have_text(
        "Q3a Why do you say that your forum is heard fairly well?"
    )
    expect(page.get_by_role("main").get_by_role("heading", level=2)).to_have_text(
        ["About your forum", "Your grant", "Your views", "Now submit your answers"]
    )
    ada.capture("linear-check-answers")
    page.get_by_role("link", name="Back").click()  # the back link goes to the last page
    expect(page).to_have_url(re.compile(r"/survey/sections/views/Ways/$"))
    page.get_by_role("link", name="Back").click()
    expect(page).to_have_url(re.compile(r"/survey/sections/views/Why/$"))
    page.get_by_role("link", name="Back").click()
    expect(page).to_have_url(re.compile(r"/survey/sections/views/Heard/$"))
    page.get_by_role("link", name="Back").click()  # across the section boundary
    expect(page).to_have_url(re.compile(r"/survey/sections/funding/Grant/$"))
    page.goto("/survey/answers/")
    ada.press("Submit")
    expect(page).to_have_url(re.compile(r"/survey/complete/$"))
    ada.capture("linear-complete")
    assert ada.close() == []
    assert live_answers(unit) == expected_answers(*(plan for _, plan in PLAN))
    statuses = set(SectionState.objects.filter(wave_unit=unit).values_list("status", flat=True))
    assert statuses == {SectionState.COMPLETED}
