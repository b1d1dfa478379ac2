"""The grids in a real browser, JavaScript on and off: a grid of multiple choices, "Other (please specify)"
rows and a two-way grid, each page kept under test-artefacts/browser/ and checked with axe-core."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from omnibus.collect.answers import live_answers
from omnibus.fieldwork.codes import unseal
from tests.browser.survey_browser import Choose, Colleague, LiveWave, Plan, Rate, Write, differences, expected_answers
from tests.grid_waves import grids_wave

SECTION = "barriers"


@dataclass(frozen=True)
class TickRows:
    """A grid of multiple choices: the codes ticked in each row, and the texts of "please specify" rows."""

    rows: dict[str, tuple[int, ...]]
    texts: dict[str, str] = field(default_factory=dict)

    def fill(self, page: Page, question: str) -> None:
        """Tick each row's boxes, leaving the others unticked, and type the texts."""
        for row, codes in self.rows.items():
            boxes = page.locator(f'input[name="{row}"]')
            for position in range(boxes.count()):
                box = boxes.nth(position)
                box.set_checked(int(box.get_attribute("value")) in codes)
        for row, text in self.texts.items():
            page.locator(f"#{row}_text").fill(text)

    def stored(self, question: str) -> dict[str, object]:
        """The live answers this leaves."""
        return {row: list(codes) for row, codes in self.rows.items()} | {f"{r}_text": t for r, t in self.texts.items()}


@dataclass(frozen=True)
class RateRows(Rate):
    """A grid (or two-way grid): one radio per row (or cell), and the texts of "please specify" rows."""

    texts: dict[str, str] = field(default_factory=dict)

    def fill(self, page: Page, question: str) -> None:
        """Select each radio and type the texts."""
        for row, text in self.texts.items():
            page.locator(f"#{row}_text").fill(text)
        super().fill(page, question)

    def stored(self, question: str) -> dict[str, object]:
        """The live answers this leaves."""
        return super().stored(question) | {f"{r}_text": t for r, t in self.texts.items()}


PLAN: Plan = [
    ("HasSend", Choose(1)),
    ("Barr", TickRows({"Barr_a": (1, 3), "Barr_b": (9,), "Barr_o": (2,)}, {"Barr_o": "Youth justice"})),
    ("BarrWhy", Write("Too few staff")),
    ("Conf", RateRows({"Conf_a": 2})),  # the "Other" row left: no text, no answer
    ("Rate", RateRows({"Rate_a_now": 3, "Rate_a_last": 1, "Rate_b_now": 1, "Rate_b_last": 2})),
    ("Worse", Write("Staff left")),
]


@pytest.fixture
def grids_live(live_server: LiveServer, transactional_db: None) -> LiveWave:
    """The grids questionnaire open on the live server; one LA's code."""
    wave = grids_wave()
    unit = wave.units.order_by("name").first()
    return LiveWave(base_url=live_server.url, wave_unit=unit, code=unseal(unit.code_sealed))


def exclusive_unticks_the_others(colleague: Colleague) -> None:
    """With JavaScript, ticking "None of these" in a row unticks that row's other boxes, and no other row's."""
    page = colleague.page
    page.locator("#Barr_a").check()  # Timeliness for early help
    page.locator("#Barr_b").check()  # and for SEND support
    page.locator("#Barr_a-9").check()
    expect(page.locator("#Barr_a")).not_to_be_checked()
    expect(page.locator("#Barr_b")).to_be_checked()
    page.locator("#Barr_a-9").uncheck()


def none_with_others_is_refused(colleague: Colleague) -> None:
    """Without JavaScript the server asks for "None of these" on its own in that row, in the error summary."""
    page = colleague.page
    TickRows({"Barr_a": (1, 9), "Barr_b": (2,)}).fill(page, "Barr")
    colleague.go_on()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Select ‘None of these’ on its own for ‘Early help’, or clear it")
    expect(page.locator("#Barr_a-9")).to_be_checked()  # what was ticked is still there
    colleague.capture("grids-multi-error")
    summary.get_by_role("link").first.click()
    expect(page.locator("#Barr_a")).to_be_focused()
    page.goto(page.url.split("#")[0])  # afresh: nothing was saved


def other_row_needs_its_text(colleague: Colleague) -> None:
    """A rated "Other" row without its text asks for the text, linked from the error summary."""
    page = colleague.page
    RateRows({"Conf_a": 1, "Conf_o": 3}).fill(page, "Conf")
    colleague.go_on()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter what ‘Another service’ is")
    colleague.capture("grids-specify-error")
    page.locator(".govuk-error-summary").get_by_role("link").first.click()
    expect(page.locator("#Conf_o_text")).to_be_focused()
    page.goto(page.url.split("#")[0])  # afresh, as radios cannot be cleared: nothing was saved


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_the_grids_are_answered_in_a_browser(browser: Browser, grids_live: LiveWave, javascript: bool) -> None:
    ana = Colleague(browser, grids_live.base_url, "Ana Example", javascript=javascript)
    ana.start(grids_live.code, "Head of service")
    ana.open_section("Barriers and services")
    inspect = {
        "Barr": exclusive_unticks_the_others if javascript else none_with_others_is_refused,
        "Conf": other_row_needs_its_text,
    }
    shots = {"Barr": "grids-multi", "Conf": "grids-single-specify", "Rate": "grids-two-way"}
    for step in ana.steps(SECTION, PLAN, inspect, shots):
        step()
    expect(ana.page).to_have_url(re.compile(f"/survey/sections/{SECTION}/check/$"))
    summary = ana.page.locator(".govuk-summary-list")
    expect(summary).to_contain_text("Other service (Youth justice): Quality")
    expect(summary).to_contain_text("Early help: This year: Poor; Last year: Good")
    ana.check_and_complete(SECTION, shot="grids-check-answers")
    assert not ana.close()
    stored = live_answers(grids_live.wave_unit)
    expected = expected_answers(PLAN)
    assert not differences(stored, expected), "\n".join(differences(stored, expected))


def test_grid_pages_show_every_box_without_javascript(browser: Browser, grids_live: LiveWave) -> None:
    """Without JavaScript the "please specify" boxes of grid rows are there to type in, before anything is ticked."""
    ben = Colleague(browser, grids_live.base_url, "Ben Example", javascript=False)
    ben.start(grids_live.code, "Analyst")
    ben.page.goto(f"/survey/sections/{SECTION}/Rate/")
    expect(ben.page.locator("#Rate_o_text")).to_be_visible()
    expect(ben.page.get_by_role("heading", level=2, name="Other service")).to_be_visible()
    assert not ben.close()
