"""The quote pages of a wave of another population (made-up schools), in Chromium: its own words, axe-core clean."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from playwright.sync_api import Browser
from pytest_django.live_server_helper import LiveServer

from tests.browser.survey_browser import assert_accessible, screenshot

PASSWORD = "schools-in-the-browser-1"


def test_the_quote_pages_of_a_schools_wave_speak_of_schools(browser: Browser, live_server: LiveServer, schools):
    from omnibus.coding.codings import open_responses
    from omnibus.coding.quotes import mark_quote
    from omnibus.fieldwork.models import WaveUnit

    for key in ("100001", "100007"):
        unit = WaveUnit.objects.get(wave=schools, unit__key=key)
        mark_quote(unit, "SocImprov", "Recruiting experienced staff is the hardest part", None, None)
    mark_quote(unit, "SocImprov", "We share a nurture base with Kestrel Special School", None, None)
    answered = open_responses(schools, "SocImprov")[0].wave_unit
    user = get_user_model().objects.create_user("sam", password=PASSWORD)
    user.groups.add(Group.objects.get_or_create(name="researcher")[0])
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("sam")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.goto(f"/office/coding/{schools.slug}/quotes/")
    text = page.locator("main").inner_text()
    assert "Primary, North" in text and "A school" in text
    assert "names a school (Kestrel Special School)" in text and "authorit" not in text.lower()
    assert page.get_by_role("columnheader", name="School").count() == 1
    assert_accessible(page, "quotes of a schools wave")
    screenshot(page, "schools-quotes")

    page.goto(f"/office/coding/{schools.slug}/SocImprov/answer/{answered}/quote/")
    assert "attributed by phase of education and area, never by name" in page.locator("main").inner_text()
    assert_accessible(page, "marking a quote of a schools wave")
    context.close()
