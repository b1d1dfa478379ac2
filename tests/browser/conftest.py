"""Fixtures of the browser tests: one Chromium for the run, and a Wave 3 wave open now on the live server.

Every test here is marked `browser`. Without Debian's Chromium they are skipped, saying why, unless
OMNIBUS_REQUIRE_BROWSER=1 (as CI sets it): then they fail, so a run without them cannot pass.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, sync_playwright
from pytest_django.live_server_helper import LiveServer

from omnibus.fieldwork.codes import unseal
from tests.browser.survey_browser import LiveWave
from tests.waves import new_wave

ROOT = Path(__file__).resolve().parents[2]
QUESTIONNAIRE = ROOT / "examples" / "questionnaires" / "cso-wave3.yaml"
FRAME = ROOT / "examples" / "frame" / "england-la-2017.csv"
AS_OF = date(2017, 9, 1)
CHROMIUM = Path("/usr/bin/chromium")
REQUIRE = "OMNIBUS_REQUIRE_BROWSER"
# Debian's Chromium, quiet: no sandbox (containers, root), no GPU, no calls home while the tests run.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the tests of this folder `browser`; skip them where Chromium is missing and not required."""
    here = Path(__file__).parent
    missing = None if CHROMIUM.exists() or os.environ.get(REQUIRE) == "1" else _missing_reason()
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)
            if missing:
                item.add_marker(pytest.mark.skip(reason=missing))


def _missing_reason() -> str:
    return f"{CHROMIUM} is missing (`make test` installs it); set {REQUIRE}=1 to make this a failure"


@pytest.fixture(scope="module")
def browser(django_db_setup: None, live_server: LiveServer) -> Iterator[Browser]:
    """Debian's Chromium, driven by Playwright, for a module of tests (`make test` installs it).

    Playwright's sync API keeps an event loop running in this thread, and Django refuses ORM
    calls while one runs. The tests' own database calls (set-up, checks, flushes) never overlap
    a browser call, so they are allowed for exactly as long as Playwright runs; it starts after
    the test database and live server and stops before them, and before any other module's tests.
    """
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing and {REQUIRE}=1: `make test` installs it (apt-get install chromium)")
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def live_wave(live_server: LiveServer, transactional_db: None) -> LiveWave:
    """The Wave 3 questionnaire over the 2017 frame, open since yesterday for a month; Darlington's code."""
    opens = timezone.now() - timedelta(days=1)
    wave = new_wave("cso-w3-browser", opens, opens + timedelta(days=31))
    unit = wave.units.get(name="Darlington")
    return LiveWave(base_url=live_server.url, wave_unit=unit, code=unseal(unit.code_sealed))
