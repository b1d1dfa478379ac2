"""The demo wave's HTML report in Chromium: axe-core finds no WCAG 2.2 A/AA violation; the skip link works."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from tests.browser.survey_browser import axe_violations, describe

ROOT = Path(__file__).resolve().parents[2]
QUESTIONNAIRE = ROOT / "examples" / "questionnaires" / "cso-wave3.yaml"
FRAME = ROOT / "examples" / "frame" / "england-la-2017.csv"
ARTEFACTS = ROOT / "test-artefacts" / "report"

pytestmark = pytest.mark.django_db  # the test database is made before the module fixture uses it


@pytest.fixture(scope="module")
def report_html(django_db_setup, django_db_blocker, tmp_path_factory) -> Path:  # noqa: ANN001
    """The demo report as HTML, built before the browser starts (Django refuses the ORM beside Playwright)."""
    from django.db import transaction

    from omnibus.context.demo import load_demo_context
    from omnibus.dataset.simulate import simulate
    from omnibus.fieldwork.questionnaires import store_questionnaire
    from omnibus.fieldwork.waves import create_wave
    from omnibus.frame.store import load_frame
    from omnibus.report.demo import build_demo_report

    out = tmp_path_factory.mktemp("report-html")
    with django_db_blocker.unblock(), transaction.atomic():
        stored, _ = store_questionnaire(QUESTIONNAIRE)
        load_frame(FRAME, date(2017, 9, 1))
        opens = datetime(2017, 10, 4, 9, tzinfo=UTC)
        wave = create_wave("cso-w3-html", stored.title, stored, "england-la", date(2017, 9, 1), opens,
                           opens.replace(month=11))  # fmt: skip
        simulate(wave, seed=2017, response_rate=0.51)
        load_demo_context()  # the indicators of the report's context chapter
        files = build_demo_report(wave, out, formats=("html",))
        transaction.set_rollback(True)
    return files["html"]


def test_the_report_passes_axe_and_its_skip_link_works(report_html: Path, browser: Browser) -> None:
    page = browser.new_page()
    page.goto(report_html.as_uri())
    assert page.title().startswith("Children's Services Omnibus")
    figures = page.locator("figure.figure")
    assert figures.count() > 20
    assert page.locator("figure.figure img").first.get_attribute("alt").startswith("Bar chart.")
    violations = axe_violations(page)
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTEFACTS / "report-html-first-screen.png")
    assert violations == [], describe(violations)
    # The check can fail: a chart without alt text is reported.
    page.evaluate("document.querySelector('figure.figure img').removeAttribute('alt')")
    assert "image-alt" in [v["id"] for v in axe_violations(page)]
    page.reload()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    page.keyboard.press("Enter")
    page.wait_for_url("**#main")  # the jump lands a moment after the key press
    assert page.url.endswith("#main")
    page.close()
