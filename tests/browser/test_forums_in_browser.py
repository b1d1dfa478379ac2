"""The parent carer forums example in Chromium: a forum answers without JavaScript, a researcher reads the wave.

The pages name the unit as the forums' population does and show its own Table 3; axe finds nothing.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone
from playwright.sync_api import Browser
from pytest_django.live_server_helper import LiveServer

from omnibus.fieldwork.codes import unseal
from omnibus.fieldwork.questionnaires import store_questionnaire
from omnibus.fieldwork.waves import create_wave
from omnibus.frame.models import Population
from omnibus.frame.store import load_frame

from .conftest import ROOT
from .survey_browser import GOVUK_ONLY_FONTS, TIMEOUT_MS, assert_accessible, researcher_page, screenshot

EXAMPLES = ROOT / "examples"


def test_a_forum_answers_and_a_researcher_reads_its_table_3(
    browser: Browser,
    live_server: LiveServer,
    transactional_db: None,
) -> None:
    if not Population.objects.filter(slug="england-la").exists():  # the LAs beside the forums, as in the demo
        load_frame(EXAMPLES / "frame" / "england-la-2017.csv", date(2017, 9, 1), "england-la")
    load_frame(EXAMPLES / "frame" / "parent-carer-forums.csv", date(2025, 1, 1), "parent-carer-forums")
    stored, _ = store_questionnaire(EXAMPLES / "questionnaires" / "parent-carer-forums.yaml")
    opens = timezone.now() - timedelta(days=1)
    wave = create_wave("pcf-browser", stored.title, stored, "parent-carer-forums", date(2025, 1, 1), opens,
                       opens + timedelta(days=30))  # fmt: skip
    forum = wave.units.get(unit__key="PCF001")

    for javascript in (False, True):
        context = browser.new_context(base_url=live_server.url, java_script_enabled=javascript)
        context.set_default_timeout(TIMEOUT_MS)
        context.route(GOVUK_ONLY_FONTS, lambda route: route.abort())
        page = context.new_page()
        page.goto(f"/s/{unseal(forum.code_sealed)}")
        text = page.inner_text("main")
        assert "your parent carer forum’s access code" in text and "Northshire Parent Carer Forum" in text
        assert "authorit" not in text.casefold()
        name = "forum-start" + ("" if javascript else "-no-js")
        screenshot(page, name)
        if javascript:
            assert_accessible(page, name)
        page.get_by_role("button", name="Start").click()
        assert "Working with local services" in page.inner_text("main")
        page.goto("/survey/sections/services/Coprod/")
        page.get_by_label("Fairly well").check()
        page.get_by_role("button", name="Continue").click()
        assert page.url.endswith("/survey/sections/services/Partners/")
        context.close()

    context, page = researcher_page(browser, live_server.url)
    for name, path in (
        ("forum-wave", "/office/waves/pcf-browser/"),
        ("forum-frame", "/frame/?population=parent-carer-forums"),
        ("forum-new-wave", "/office/waves/new/"),
    ):
        page.goto(path)
        screenshot(page, name)
        assert_accessible(page, name)
    page.goto("/office/waves/pcf-browser/")
    table_3 = page.inner_text("#table-3")
    assert "Forum size (members)" in table_3 and "Registered charity" in table_3 and "Years running" in table_3
    assert "1 of 40 parent carer forums have responded" in page.inner_text("main")
    page.goto("/office/waves/new/")
    assert page.get_by_label("Population").is_visible()  # two populations loaded: the form asks which
    context.close()
