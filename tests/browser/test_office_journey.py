"""A researcher's fieldwork in Chromium, from a new wave to watching a section's complete count go up.

The researcher signs in, creates a wave through the form, uploads contacts, previews and sends the
invitation (the outbox is then worked here, into a real SMTP server on loopback), logs a call, and
watches the tracking table while a respondent, in a browser context of their own, completes a section.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

from omnibus.core.models import AccessAttempt
from omnibus.core.throttle import SLOW_AFTER
from omnibus.fieldwork.codes import unseal
from omnibus.fieldwork.models import CallNote, Wave
from omnibus.fieldwork.outbox import work_until_idle
from omnibus.fieldwork.questionnaires import store_questionnaire
from omnibus.frame.store import load_frame
from tests.fieldwork.test_outbox import Keeper, start_server

from .survey_browser import GOVUK_ONLY_FONTS, TIMEOUT_MS, Amounts, Colleague, Plan, Rate, Tick, assert_accessible

ROOT = Path(__file__).resolve().parents[2]
QUESTIONNAIRE = ROOT / "examples" / "questionnaires" / "cso-wave3.yaml"
FRAME = ROOT / "examples" / "frame" / "england-la-2017.csv"
PASSWORD = "a long demo passphrase"
SLUG = "w3-journey"
SECTION = "Early Years and Child Care"
EYC: Plan = [
    ("HLEprog", Tick((1, 3))),
    ("HLEspend", Amounts({"HLEspend1718": 45_000, "HLEspend1617": 41_250, "HLEspend1516": 38_000}, prefix="£")),
    ("HLEreach", Amounts({"HLEreach1718": 1_620, "HLEreach1617": 580, "HLEreach1516": 0})),
    ("Parentprog", Tick((6,))),  # funds none: PPspend and PPreach are skipped
    ("RecDiff", Rate({"RecDiff_a": 3, "RecDiff_b": 2, "RecDiff_c": 6})),
]


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[Keeper]:
    """A mail server on loopback, and the mail environment pointing at it."""
    controller, keeper = start_server()
    monkeypatch.setenv("OMNIBUS_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("OMNIBUS_SMTP_PORT", str(controller.port))
    monkeypatch.setenv("OMNIBUS_SMTP_FROM", "Census team <census@example.org>")
    monkeypatch.setenv("OMNIBUS_MAIL_BACKEND", "smtp")
    yield keeper
    controller.stop()


@pytest.fixture
def office(browser: Browser, live_server: LiveServer, transactional_db: None) -> Iterator[Page]:
    """A researcher's browser page (not yet signed in), with the questionnaire and the frame loaded."""
    store_questionnaire(QUESTIONNAIRE)
    load_frame(FRAME, date(2017, 9, 1))
    user = get_user_model().objects.create_user("ada", password=PASSWORD)
    user.groups.add(Group.objects.get_or_create(name="researcher")[0])
    context: BrowserContext = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    context.route(GOVUK_ONLY_FONTS, lambda route: route.abort())
    yield context.new_page()
    context.close()


def sign_in(page: Page) -> None:
    """Meet the throttle's message (checked with axe), then sign in once the failures are forgotten."""
    for _ in range(SLOW_AFTER):
        AccessAttempt.objects.create(address="127.0.0.1", succeeded=False, kind=AccessAttempt.LOGIN)
    page.goto("/office/")
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("before you try to sign in again")
    assert_accessible(page, "office-login-slowed")
    AccessAttempt.objects.all().delete()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/office/$"))


def create_wave(page: Page) -> Wave:
    """Fill in the new wave form: open since yesterday, for a month."""
    opens = timezone.localtime() - timedelta(days=1)
    page.goto("/office/waves/new/")
    page.get_by_label("Short name").fill(SLUG)
    page.get_by_label("Title").fill("Wave 3 journey")
    page.get_by_label("Questionnaire version").select_option(index=1)
    page.get_by_label("Frame as of").fill("2017-09-01")
    page.get_by_label("Opens").fill(f"{opens:%Y-%m-%d %H:%M}")
    page.get_by_label("Closes").fill(f"{opens + timedelta(days=31):%Y-%m-%d %H:%M}")
    page.get_by_role("button", name="Create the wave").click()
    expect(page).to_have_url(re.compile(f"/office/waves/{SLUG}/$"))
    return Wave.objects.get(slug=SLUG)


def upload_contacts(page: Page, wave: Wave, folder: Path) -> None:
    """A file with a mistake is refused whole (axe checks the error page); the corrected file is imported."""
    keys = dict(wave.units.filter(name__in=["Darlington", "Hartlepool"]).values_list("name", "unit__key"))
    rows = [f"{key},Pat {name},pat@{name.lower()}.example.com,yes" for name, key in keys.items()]
    wrong, right = folder / "wrong.csv", folder / "contacts.csv"
    wrong.write_text("unit_key,name,email,main\n" + "\n".join([*rows, "999,Kim,not-an-email,yes"]) + "\n")
    right.write_text("unit_key,name,email,main\n" + "\n".join(rows) + "\n")
    page.goto(f"/office/waves/{SLUG}/contacts/")
    page.get_by_label("Upload a contacts file").set_input_files(str(wrong))
    page.get_by_role("button", name="Import contacts").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("wrong.csv:4: email")
    assert_accessible(page, "office-contacts-import-error")
    page.get_by_label("Upload a contacts file").set_input_files(str(right))
    page.get_by_role("button", name="Import contacts").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("2 contacts added")
    expect(page.get_by_role("cell", name="pat@darlington.example.com")).to_be_visible()


def send_invitation(page: Page, wave: Wave, smtp: Keeper) -> None:
    """Preview the invitation for Darlington (its code shows), send it to everyone, and work the outbox."""
    code = unseal(wave.units.get(name="Darlington").code_sealed)
    page.goto(f"/office/waves/{SLUG}/messages/")
    page.get_by_label("Invitation", exact=True).check()
    page.get_by_label("Everyone").check()
    page.get_by_label("Preview for").select_option(label="Darlington")
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Preview: .* for Darlington"))
    expect(page.locator("main")).to_contain_text(code)
    page.get_by_role("button", name="Send to: Everyone").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Send invitation to everyone"))
    page.get_by_role("button", name="Send 2 messages to 2 units").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("2 messages queued")
    assert work_until_idle().sent == 2
    darlington = [m for m in smtp.received if "pat@darlington.example.com" in str(m["To"])]
    assert len(darlington) == 1 and code in darlington[0].get_body(("plain",)).get_content()


def log_call(page: Page, wave: Wave) -> None:
    """From the call list, log an unanswered call to Hartlepool (which has not started)."""
    page.goto(f"/office/waves/{SLUG}/calls/")
    page.get_by_role("link", name="Log a call to Hartlepool").click()
    page.get_by_label("Called, no answer").check()
    page.get_by_role("button", name="Log call").click()
    expect(page.locator("main")).to_contain_text("Called, no answer")
    assert CallNote.objects.filter(wave_unit__wave=wave, wave_unit__name="Hartlepool").count() == 1


def complete_count(page: Page) -> int:
    """The wave page's Table 1: how many units have completed the section."""
    page.goto(f"/office/waves/{SLUG}/")
    row = page.locator("#table-1 tbody tr").filter(has=page.get_by_role("rowheader", name=SECTION, exact=True))
    return int(row.locator("td").first.inner_text())


def test_a_researcher_runs_fieldwork_and_watches_tracking(
    browser: Browser, live_server: LiveServer, office: Page, smtp: Keeper, tmp_path: Path
) -> None:
    sign_in(office)
    wave = create_wave(office)
    upload_contacts(office, wave, tmp_path)
    send_invitation(office, wave, smtp)
    log_call(office, wave)
    before = complete_count(office)
    respondent = Colleague(browser, live_server.url, "Dee Example")
    respondent.start(unseal(wave.units.get(name="Darlington").code_sealed), "Early years lead")
    respondent.open_section(SECTION)
    for step in respondent.steps("eyc", EYC):
        step()
    respondent.check_and_complete("eyc")
    assert respondent.close() == []
    assert complete_count(office) == before + 1
