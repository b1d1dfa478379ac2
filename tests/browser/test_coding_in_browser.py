"""A researcher codes the SocImprov answers in Chromium: a frame from the suggestions, every answer coded,
the screen's split of codes by who gave them, two quotes marked; the theme table is then in the tab book."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from click.testing import CliRunner
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from omnibus.coding.themes import CodeSources
from omnibus.dataset.simulate import simulate
from omnibus.fieldwork.questionnaires import store_questionnaire
from omnibus.fieldwork.waves import create_wave
from omnibus.frame.store import load_frame
from tests.browser.conftest import AS_OF, FRAME, QUESTIONNAIRE
from tests.browser.survey_browser import assert_accessible
from tests.waves import CSO_SECTION_SHARES

PASSWORD = "coding-in-the-browser-1"
THEMES_FROM_SUGGESTIONS = 4


@pytest.fixture
def coder(browser: Browser, live_server: LiveServer, transactional_db: None) -> Iterator[tuple[Page, str]]:
    """A signed-in researcher's page, and a wave whose units answered (simulated) about half the time."""
    stored, _ = store_questionnaire(QUESTIONNAIRE)
    load_frame(FRAME, AS_OF)
    opens = timezone.now() - timedelta(days=1)
    wave = create_wave("cso-w3-coding", stored.title, stored, "england-la", AS_OF, opens, opens + timedelta(days=30))
    simulate(wave, seed=2017, response_rate=0.51, section_shares=CSO_SECTION_SHARES)
    user = get_user_model().objects.create_user("cody", password=PASSWORD)
    user.groups.add(Group.objects.get_or_create(name="researcher")[0])
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("cody")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    yield page, wave.slug
    context.close()


def uncoded(page: Page) -> int:
    return int(page.locator("#progress strong").nth(1).inner_text())


def sources(page: Page) -> dict[str, int]:
    """The coding screen's split of codes: by a researcher, reviewed suggestions, accepted in bulk."""
    if not page.locator("#code-sources").count():
        return {"person": 0, "reviewed": 0, "bulk": 0}
    cells = page.locator("#code-sources td[data-source]")
    return {c.get_attribute("data-source"): int(c.inner_text()) for c in cells.all()}


def test_a_researcher_codes_socimprov_and_the_themes_reach_the_tab_book(coder, tmp_path):
    page, slug = coder
    page.goto(f"/office/coding/{slug}/")
    page.get_by_role("link", name="SocImprov").click()
    expect(page.get_by_role("heading", name="Code the answers")).to_be_visible()
    total = int(page.locator("#progress strong").first.inner_text())
    assert total > 40 and uncoded(page) == total

    # A frame from the suggested themes (the model loads on first use: give it time).
    page.get_by_role("button", name="Suggest themes").click(timeout=120_000)
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "candidate theme(s) found by sentence embeddings"
    )
    assert page.locator(".candidate").count() >= THEMES_FROM_SUGGESTIONS
    assert_accessible(page, "coding-candidates")
    for _ in range(THEMES_FROM_SUGGESTIONS):
        page.locator(".candidate").first.get_by_role("button", name="Add as theme and code its answers").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text("Added theme")
    assert page.locator("#themes tbody tr").count() == THEMES_FROM_SUGGESTIONS
    after_frame = uncoded(page)
    assert after_frame < total
    from_candidates = total - after_frame  # a candidate's whole group is coded at once: in bulk
    assert sources(page) == {"person": 0, "reviewed": 0, "bulk": from_candidates}

    # One answer coded by hand.
    page.get_by_label("Show").select_option("uncoded")
    page.get_by_role("button", name="Filter").click()
    page.locator("input[name=answer]").first.check()
    page.get_by_label("Theme for the selected answers").select_option(index=0)
    page.get_by_role("button", name="Code selected").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Coded 1 answer(s)")

    # Codes suggested for the rest from the frame and what is coded; one read and accepted, the rest in bulk.
    page.get_by_role("button", name="Suggest codes").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("code(s) suggested by")
    expect(page.locator("#method")).to_have_text("sentence embeddings (all-MiniLM-L6-v2)")
    expect(page.locator("#calibration")).to_contain_text("the chance that the suggestion is right")
    page.locator("input[name=suggestion]").first.check()
    page.get_by_role("button", name="Accept ticked suggestions").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Accepted 1 suggestion(s)")
    page.get_by_label("Accept every suggestion with confidence of at least (%)").fill("0")
    page.get_by_role("button", name="Accept these suggestions").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Accepted")
    assert uncoded(page) <= after_frame

    # Whatever is left: filter to the uncoded, select them all, code them by hand with one theme.
    if uncoded(page):
        page.get_by_label("Show").select_option("uncoded")
        page.get_by_role("button", name="Filter").click()
        for box in page.locator("input[name=answer]").all():
            box.check()
        page.get_by_label("Theme for the selected answers").select_option(index=0)
        page.get_by_role("button", name="Code selected").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text("Coded")
    assert uncoded(page) == 0
    counts = [int(re.match(r"\d+", c).group(0)) for c in page.locator("#themes td[data-theme]").all_inner_texts()]
    assert sum(counts) >= total and all(counts)
    split = sources(page)
    assert split["person"] >= 1 and split["reviewed"] == 1 and split["bulk"] > from_candidates
    assert sum(split.values()) == sum(counts)
    expect(page.locator("#code-sources caption")).to_have_text(f"How the {sum(counts)} codes were given")
    assert_accessible(page, "coding-sources")

    # Two quotes for the report.
    page.goto(f"/office/coding/{slug}/SocImprov/")
    for index in range(2):
        page.locator("tr.answer").nth(index).get_by_role("link", name=re.compile("Mark as quote")).click()
        page.get_by_role("button", name="Mark as quote").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text("passed the disclosure check")
        if index == 0:
            assert_accessible(page, "coding-quotes")
            page.goto(f"/office/coding/{slug}/SocImprov/")
    assert page.locator("figure blockquote").count() == 2
    for caption in page.locator("figure figcaption").all_inner_texts():
        assert re.match(r"(Unitary|County|Metropolitan district|London borough|A local authority)", caption)

    # The themes are a table of the tab book, like any multiple-response question.
    from omnibus.site.cli import main

    book = tmp_path / "tabbook.xlsx"
    result = CliRunner().invoke(main, ["tables", slug, "-o", str(book)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    cells = [
        str(c)
        for s in load_workbook(book, read_only=True).worksheets
        for r in s.iter_rows(values_only=True)
        for c in r
        if c
    ]
    assert any(c.startswith("Themes mentioned: In your opinion") for c in cells)
    assert (f"Note: {CodeSources(split['person'], 1, split['bulk']).sentence()}") in cells
    labels = (
        page.goto(f"/office/coding/{slug}/SocImprov/")
        and page.locator("#themes tbody td:first-child").all_inner_texts()
    )
    for label in labels:
        assert label.split(". ", 1)[1] in cells
