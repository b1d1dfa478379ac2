"""Fieldwork that is safe to run, in Chromium: a double-clicked Send queues one campaign, confirmations come
first, the chart, the unit list's filters and a unit's page; and `/` shows a visitor no figures. axe on each page."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import Browser, Page, Request, expect

from omnibus.collect.models import PageEvent
from omnibus.fieldwork.contacts import add_contact
from omnibus.fieldwork.messages import load_template
from omnibus.fieldwork.models import Campaign, Message, SectionState, Wave
from omnibus.fieldwork.outbox import queue_campaign
from omnibus.fieldwork.response_chart import response_series
from omnibus.fieldwork.retention import set_retention
from omnibus.fieldwork.views import messages as message_views
from tests.waves import SIMULATED

from .survey_browser import ARTEFACTS, GOVUK_ONLY_FONTS, TIMEOUT_MS, LiveWave, assert_accessible, screenshot

PASSWORD = "a long demo passphrase"
SLUG = "cso-w3-browser"


def signed_in_page(browser: Browser, live_wave: LiveWave) -> Page:
    """A researcher's page, signed in through the form."""
    researcher = get_user_model().objects.create_user("ada", password=PASSWORD)
    researcher.groups.add(Group.objects.get_or_create(name="researcher")[0])
    context = browser.new_context(base_url=live_wave.base_url, viewport={"width": 1100, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    context.route(GOVUK_ONLY_FONTS, lambda route: route.abort())
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    return page


def some_progress(wave: Wave) -> None:
    """Darlington completed every section yesterday, Gateshead has started eyc; both have a contact."""
    now = timezone.now()
    darlington, gateshead = wave.units.get(name="Darlington"), wave.units.get(name="Gateshead")
    add_contact(darlington, "test", "Sam Example", "sam@example.com", phone="01632 960001")
    add_contact(gateshead, "test", "Alex Example", "alex@example.com")
    for section in ("csc", "eyc", "send"):
        SectionState.objects.create(
            wave_unit=darlington, section=section, status=SectionState.COMPLETED, completed_at=now - timedelta(days=1)
        )
    SectionState.objects.create(wave_unit=gateshead, section="eyc", status=SectionState.IN_PROGRESS)
    PageEvent.objects.create(wave_unit=darlington, section="csc", page="ConfUnd", event="shown", at=now)
    PageEvent.objects.create(wave_unit=gateshead, section="eyc", page="HLEprog", event="shown", at=now)


def slowly(queue: Callable[..., object]) -> Callable[..., object]:
    """`queue` after a pause: a server still busy with the first click when the second arrives."""

    def queue_later(*args: object, **options: object) -> object:
        time.sleep(1.0)
        return queue(*args, **options)

    return queue_later


def test_an_anonymous_visitor_to_the_home_page_sees_no_figures(browser: Browser, live_wave: LiveWave) -> None:
    context = browser.new_context(base_url=live_wave.base_url)
    context.set_default_timeout(TIMEOUT_MS)
    context.route(GOVUK_ONLY_FONTS, lambda route: route.abort())
    page = context.new_page()
    page.goto("/")
    screenshot(page, "home-anonymous")
    assert_accessible(page, "home-anonymous")
    main = page.locator("main")
    expect(main).not_to_contain_text(SLUG)
    assert page.locator("main table").count() == 0 and not re.search(r"\d", main.inner_text())
    page.get_by_role("button", name="Start the survey").click()
    expect(page).to_have_url(re.compile("/survey/$"))
    page.goto("/")
    page.get_by_role("link", name="sign in").click()
    expect(page.get_by_label("Username")).to_be_visible()
    context.close()


def test_a_double_clicked_send_queues_one_campaign(browser: Browser, live_wave: LiveWave) -> None:
    some_progress(live_wave.wave_unit.wave)
    page = signed_in_page(browser, live_wave)
    page.goto(f"/office/waves/{SLUG}/messages/")
    page.get_by_label("Reminder", exact=True).check()
    page.get_by_label("Everyone").check()
    page.get_by_label("Preview for").select_option(label="Gateshead")
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Preview: reminder for Gateshead"))
    assert "csrfmiddlewaretoken" not in page.url and "unit=" not in page.url  # a POST: nothing in the address
    screenshot(page, "office-message-preview")
    assert_accessible(page, "office-message-preview")
    page.get_by_role("button", name="Send to: Everyone").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Send reminder to everyone?")
    expect(page.locator("#units-count")).to_have_text("152")
    expect(page.locator("#people-count")).to_have_text("2")
    expect(page.locator("main")).to_contain_text(f"{live_wave.base_url}/s/")  # links use the served address
    screenshot(page, "office-send-confirm")
    assert_accessible(page, "office-send-confirm")
    assert not Campaign.objects.exists()
    posted: list[Request] = []
    page.on("request", lambda r: posted.append(r) if r.method == "POST" and r.url.endswith("/messages/") else None)
    # Chromium folds two clicks in one moment into one submission; a second click while the first is still
    # being answered is sent as well. The server is made slow (it still queues for real) so both clicks land.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(message_views, "queue_campaign", slowly(message_views.queue_campaign))
        button = page.get_by_role("button", name="Send 2 messages to 2 units")
        # Two clicks 300 ms apart, made in the page itself: Playwright's own click waits for the navigation.
        button.evaluate("button => { button.click(); setTimeout(() => button.click(), 300); }")
        expect(page.locator(".govuk-notification-banner")).to_be_visible(timeout=TIMEOUT_MS)
        page.wait_for_load_state("load")
    assert len(posted) == 2, f"the two clicks sent {len(posted)} POSTs"
    assert Campaign.objects.count() == 1 and Message.objects.count() == 2
    campaign = Campaign.objects.get()
    expect(page).to_have_url(re.compile(f"/messages/{campaign.pk}/$"))
    expect(page.locator("main")).to_contain_text("so nothing more was queued")
    screenshot(page, "office-campaign-after-double-click")
    # Back to the confirmation, and its form sent again: still the one campaign.
    page.go_back()
    page.get_by_role("button", name="Send 2 messages to 2 units").click()
    expect(page).to_have_url(re.compile(f"/messages/{campaign.pk}/$"))
    expect(page.locator("main")).to_contain_text("so nothing more was queued")
    assert Campaign.objects.count() == 1 and Message.objects.count() == 2
    page.context.close()


def test_closing_and_erasing_ask_first(browser: Browser, live_wave: LiveWave) -> None:
    wave = live_wave.wave_unit.wave
    set_retention(wave, date.today() - timedelta(days=1), "test")
    page = signed_in_page(browser, live_wave)
    page.goto(f"/office/waves/{SLUG}/")
    page.get_by_role("button", name="Close the wave now").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Close the wave now?")
    screenshot(page, "office-close-confirm")
    assert_accessible(page, "office-close-confirm")
    page.get_by_role("link", name="Cancel").click()
    assert Wave.objects.get(pk=wave.pk).state(timezone.now()) == "open"
    page.get_by_role("button", name="Erase contact details").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Erase the wave's contact details?")
    screenshot(page, "office-erase-confirm")
    assert_accessible(page, "office-erase-confirm")
    page.goto(f"/office/waves/{SLUG}/")
    page.get_by_role("button", name="Close the wave now").click()
    page.get_by_role("button", name="Yes, close the wave now").click()
    expect(page.get_by_role("button", name="Reopen the wave")).to_be_visible()
    page.get_by_label("Reopen until").fill(f"{timezone.localtime() + timedelta(days=7):%Y-%m-%d %H:%M}")
    page.get_by_role("button", name="Reopen the wave").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Reopen the wave until"))
    screenshot(page, "office-reopen-confirm")
    assert_accessible(page, "office-reopen-confirm")
    page.context.close()


def test_the_wave_page_chart_filters_and_a_units_page(browser: Browser, live_wave: LiveWave) -> None:
    some_progress(live_wave.wave_unit.wave)
    page = signed_in_page(browser, live_wave)
    page.goto(f"/office/waves/{SLUG}/")
    chart = page.get_by_role("img", name=re.compile("Cumulative responses by day"))
    expect(chart).to_be_visible()
    page.get_by_text("Responses by day as a table").click()
    last = page.locator("#responses-table tbody tr").last.locator("td")
    expect(last.nth(0)).to_have_text("1")  # complete: Darlington
    expect(last.nth(1)).to_have_text("1")  # partial: Gateshead
    screenshot(page, "office-wave-with-chart")
    assert_accessible(page, "office-wave-with-chart")
    page.get_by_label("Response", exact=True).select_option(label="Not started")
    page.get_by_role("button", name="Show units").click()
    expect(page.locator("#unit-count")).to_have_text("150 of 152 units shown")
    page.get_by_label("Response", exact=True).select_option(label="Any")
    page.get_by_label("Search by name, code or access code").fill("841")
    page.get_by_label("Authority type").select_option("unitary")
    page.get_by_role("button", name="Show units").click()
    expect(page.locator("#unit-count")).to_have_text("1 of 152 units shown")
    page.locator("#units").scroll_into_view_if_needed()
    screenshot(page, "office-units-filtered")
    assert_accessible(page, "office-units-filtered")
    page.get_by_role("link", name="Darlington").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Darlington")
    expect(page.locator("#timeline")).to_contain_text("Section completed: Children")
    expect(page.locator("#timeline")).to_contain_text("Started")
    expect(page.locator("main")).to_contain_text("Sam Example")
    screenshot(page, "office-unit")
    assert_accessible(page, "office-unit")
    page.context.close()


def test_the_chart_of_a_wave_with_many_responses(browser: Browser, live_wave: LiveWave) -> None:
    simulated = Wave.objects.get(slug=SIMULATED)
    for name, day in (("invitation", 0), ("reminder", 14)):
        campaign = queue_campaign(simulated, load_template(name), "everyone").campaign
        Campaign.objects.filter(pk=campaign.pk).update(created_at=simulated.opens_at + timedelta(days=day, hours=1))
    page = signed_in_page(browser, live_wave)
    page.goto(f"/office/waves/{SIMULATED}/")
    figure = page.locator("figure").filter(has=page.get_by_role("img", name=re.compile("Cumulative responses")))
    figure.screenshot(path=ARTEFACTS / "office-chart-simulated.png")
    series = response_series(simulated)
    expect(figure).to_contain_text(f"by the end, {series.last.complete} of 152 units had completed every section")
    assert_accessible(page, "office-wave-simulated")
    page.context.close()
