"""The back office in Chromium: a researcher signs in and walks the fieldwork screens; axe finds nothing."""

from __future__ import annotations

from playwright.sync_api import Browser

from omnibus.fieldwork.contacts import add_contact

from .survey_browser import LiveWave, assert_accessible, researcher_page, screenshot

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
    add_contact(live_wave.wave_unit, "test", name="Sam Example", email="sam@example.com", phone="01632 960001")
    context, page = researcher_page(browser, live_wave.base_url)
    for name, path in PAGES:
        response = page.goto(path)
        assert response is not None and response.status == 200, f"{path}: {response.status if response else None}"
        screenshot(page, name)
        assert_accessible(page, name)
    page.goto("/office/waves/cso-w3-browser/units/841/contacts/")
    assert "Sam Example" in page.content()
    context.close()
