"""The back office in Chromium: a researcher signs in and walks the fieldwork screens; axe finds nothing."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from playwright.sync_api import Browser

from omnibus.fieldwork.contacts import add_contact

from .survey_browser import GOVUK_ONLY_FONTS, TIMEOUT_MS, LiveWave, assert_accessible, screenshot

PAGES = [
    ("office-waves", "/office/"),
    ("office-wave", "/office/waves/cso-w3-browser/"),
    ("office-contacts", "/office/waves/cso-w3-browser/contacts/"),
    ("office-unit-contacts", "/office/waves/cso-w3-browser/units/841/contacts/"),
    ("office-messages", "/office/waves/cso-w3-browser/messages/"),
    ("office-calls", "/office/waves/cso-w3-browser/calls/"),
    ("office-audit", "/office/audit/"),
]


def test_a_researcher_walks_the_back_office(browser: Browser, live_wave: LiveWave) -> None:
    researcher = get_user_model().objects.create_user("ada", password="a long demo passphrase")
    researcher.groups.add(Group.objects.get_or_create(name="researcher")[0])
    add_contact(live_wave.wave_unit, "test", name="Sam Example", email="sam@example.com", phone="01632 960001")
    context = browser.new_context(base_url=live_wave.base_url)
    context.set_default_timeout(TIMEOUT_MS)
    context.route(GOVUK_ONLY_FONTS, lambda route: route.abort())
    page = context.new_page()
    page.goto("/office/")
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill("a long demo passphrase")
    page.get_by_role("button", name="Sign in").click()
    for name, path in PAGES:
        response = page.goto(path)
        assert response is not None and response.status == 200, f"{path}: {response.status if response else None}"
        screenshot(page, name)
        assert_accessible(page, name)
    page.goto("/office/waves/cso-w3-browser/units/841/contacts/")
    assert "Sam Example" in page.content()
    context.close()
