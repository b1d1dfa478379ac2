"""Helpers of the browser tests: a colleague's browser, answers to give, screenshots and axe-core checks.

A `Colleague` is one person answering for the local authority in a browser context of their
own (their own session cookie). Answers are plain values (`Choose`, `Tick`, `Rate`, `Amounts`,
`Write`, `Read`) that know how to fill their page and which answers they should leave stored,
so a test states its answers once and checks the store against the same statement.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from playwright.sync_api import Browser, BrowserContext, Page, Request, Response, expect

from omnibus.fieldwork.models import WaveUnit

ROOT = Path(__file__).resolve().parents[2]
ARTEFACTS = ROOT / "test-artefacts" / "browser"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# GOV.UK Frontend's precompiled CSS asks for the GDS Transport font at /assets/fonts/. The font is
# licensed for GOV.UK only and Omnibus does not serve it (browsers fall back to Arial), so the
# tests do not ask the server for it on every page.
GOVUK_ONLY_FONTS = "**/assets/fonts/**"
TIMEOUT_MS = 10_000

Inspect = Callable[["Colleague"], None]


@dataclass(frozen=True)
class LiveWave:
    """An open wave on the live server, and one LA's access code in the clear."""

    base_url: str
    wave_unit: WaveUnit
    code: str


# -- answers --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Choose:
    """Pick one radio (a single-choice question) and, for an "Other", say what it is."""

    code: int
    specify: str | None = None

    def fill(self, page: Page, question: str) -> None:
        """Select the radio and type the specify text."""
        page.locator(f'input[name="{question}"][value="{self.code}"]').check()
        if self.specify is not None:
            page.locator(f"#{question}_{self.code}_text").fill(self.specify)

    def stored(self, question: str) -> dict[str, object]:
        """The live answers this leaves."""
        texts = {f"{question}_{self.code}_text": self.specify} if self.specify is not None else {}
        return {question: self.code, **texts}


@dataclass(frozen=True)
class Tick:
    """Tick checkboxes (codes in the order offered), with "please specify" texts by code."""

    codes: tuple[int, ...]
    specify: dict[int, str] = field(default_factory=dict)

    def fill(self, page: Page, question: str) -> None:
        """Tick each box (leaving the others unticked) and type the specify texts."""
        boxes = page.locator(f'input[name="{question}"]')
        boxes.first.wait_for(state="attached")  # the page may still be arriving
        states = boxes.evaluate_all("els => els.map(e => [Number(e.value), e.checked])")
        for position, (code, checked) in enumerate(states):
            if checked != (code in self.codes):
                boxes.nth(position).set_checked(code in self.codes)
        for code, text in self.specify.items():
            page.locator(f"#{question}_{code}_text").fill(text)

    def stored(self, question: str) -> dict[str, object]:
        """The live answers this leaves."""
        texts = {f"{question}_{code}_text": text for code, text in self.specify.items()}
        return {question: list(self.codes), **texts}


@dataclass(frozen=True)
class Rate:
    """A grid: one radio for each item."""

    items: dict[str, int]

    def fill(self, page: Page, question: str) -> None:
        """Select each item's radio."""
        for item, code in self.items.items():
            page.locator(f'input[name="{item}"][value="{code}"]').check()

    def stored(self, question: str) -> dict[str, object]:
        """The live answers this leaves."""
        return dict(self.items)


@dataclass(frozen=True)
class Amounts:
    """Numbers for each item, typed as people type them (with the prefix and thousands commas)."""

    items: dict[str, int]
    prefix: str = ""

    def fill(self, page: Page, question: str) -> None:
        """Type each number."""
        for item, value in self.items.items():
            page.locator(f"#{item}").fill(f"{self.prefix}{value:,}")

    def stored(self, question: str) -> dict[str, object]:
        """The live answers this leaves."""
        return dict(self.items)


@dataclass(frozen=True)
class Write:
    """An open text answer."""

    text: str

    def fill(self, page: Page, question: str) -> None:
        """Type the text."""
        page.locator(f"#{question}").fill(self.text)

    def stored(self, question: str) -> dict[str, object]:
        """The live answers this leaves."""
        return {question: self.text}


@dataclass(frozen=True)
class Read:
    """A statement page: nothing to answer."""

    def fill(self, page: Page, question: str) -> None:
        """Nothing to fill."""

    def stored(self, question: str) -> dict[str, object]:
        """A statement stores nothing."""
        return {}


Answer = Choose | Tick | Rate | Amounts | Write | Read
Plan = list[tuple[str, Answer]]


def expected_answers(*plans: Plan) -> dict[str, object]:
    """Every live answer the plans should leave, by key."""
    expected: dict[str, object] = {}
    for plan in plans:
        for question, answer in plan:
            expected.update(answer.stored(question))
    return expected


def differences(stored: dict[str, object], expected: dict[str, object]) -> list[str]:
    """Key-by-key differences between stored and expected answers, one readable line each."""
    lines = [
        f"{key}: stored {stored.get(key, '(nothing)')!r}, entered {expected[key]!r}"
        for key in sorted(expected)
        if stored.get(key) != expected[key]
    ]
    lines += [f"{key}: stored {stored[key]!r} but never entered" for key in sorted(set(stored) - set(expected))]
    return lines


# -- artefacts and accessibility ------------------------------------------------------------


def screenshot(page: Page, name: str) -> None:
    """Keep a full-page screenshot under test-artefacts/browser/."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_load_state("load")  # styles applied and the font swap settled, so the text is painted
    page.screenshot(path=ARTEFACTS / f"{name}.png", full_page=True)


def axe_violations(page: Page) -> list[dict]:
    """axe-core's WCAG 2.2 A and AA violations on the page as it is now."""
    page.add_script_tag(path=AXE)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    return result["violations"]


def describe(violations: list[dict]) -> str:
    """Violations as lines a person can act on: rule, impact, what to do, and where."""
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} [{', '.join(v['tags'])}] {v['helpUrl']}")
        for node in v["nodes"][:5]:
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    at {' '.join(map(str, node['target']))}: {node['html'][:160]}\n      {summary}")
    return "\n".join(lines)


def assert_accessible(page: Page, name: str) -> None:
    """No WCAG 2.2 A or AA violation on the page, or a readable list of them."""
    violations = axe_violations(page)
    assert not violations, f"axe-core on {name} ({page.url}):\n{describe(violations)}"


def without_scripts(html: str) -> str:
    """A page's HTML with its scripts taken out: what a browser without JavaScript renders."""
    return re.sub(r"<script\b.*?</script>", "", html, flags=re.DOTALL | re.IGNORECASE)


# -- a colleague in a browser ---------------------------------------------------------------


class Colleague:
    """One person answering for the LA, in a browser context (and so a session) of their own."""

    def __init__(self, browser: Browser, base_url: str, name: str, *, javascript: bool = True) -> None:
        self.name = name
        self.javascript = javascript
        self.browser, self.base_url = browser, base_url
        self.context = self._new_context(javascript)
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self._scratch: Page | None = None  # where pages seen without JavaScript are checked with axe-core
        self.page.on("response", self._note_failure)
        self.page.on("requestfailed", self._note_failed_request)
        self.page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))

    def _new_context(self, javascript: bool) -> BrowserContext:
        context = self.browser.new_context(base_url=self.base_url, java_script_enabled=javascript)
        context.set_default_timeout(TIMEOUT_MS)
        context.route(GOVUK_ONLY_FONTS, lambda route: route.abort())
        return context

    def _note_failure(self, response: Response) -> None:
        if response.status >= 400:
            self.problems.append(f"{response.status} {response.request.method} {response.url}")

    def _note_failed_request(self, request: Request) -> None:
        # A request cut short by the next page (ERR_ABORTED) is normal; anything else is not.
        if "/assets/fonts/" not in request.url and request.failure != "net::ERR_ABORTED":
            self.problems.append(f"failed: {request.method} {request.url} ({request.failure})")

    def capture(self, name: str) -> None:
        """Keep a full-page screenshot and check the page with axe-core (names get "nojs-" without JavaScript).

        axe-core needs JavaScript, so a page seen without it is checked as a copy, its scripts
        taken out, in a scratch browser context where JavaScript runs but the page's own cannot.
        """
        name = name if self.javascript else f"nojs-{name}"
        screenshot(self.page, name)
        if self.javascript:
            assert_accessible(self.page, name)
            return
        url, html = self.page.url, without_scripts(self.page.content())
        copy = self._scratch_page()
        copy.route(url, lambda route: route.fulfill(body=html, content_type="text/html; charset=utf-8"))
        copy.goto(url)  # the same address, so the copy's styles and links resolve alike
        copy.unroute(url)
        assert_accessible(copy, name)

    def _scratch_page(self) -> Page:
        if self._scratch is None:
            self._scratch = self._new_context(javascript=True).new_page()
        return self._scratch

    def start(self, code: str, role: str, *, via_link: bool = False, inspect: Inspect | None = None) -> None:
        """Sign in with the LA's code (from the invitation's link, or typed) and reach the menu."""
        if via_link:
            self.page.goto(f"/s/{code}")
            expect(self.page).to_have_url(re.compile(r"/survey/$"))  # the code has left the address bar
            expect(self.page.locator("#code")).to_contain_text("invitation link")
        else:
            self.page.goto("/survey/")
            self.page.locator("#code").fill(code.lower().replace("-", " "))  # forgiven: case, spaces
        self.page.locator("#name").fill(self.name)
        self.page.locator("#role").fill(role)
        if inspect:
            inspect(self)
        self.press("Start")
        expect(self.page).to_have_url(re.compile(r"/survey/sections/$"))

    def press(self, name: str) -> None:
        """Click the button called `name`."""
        self.page.get_by_role("button", name=name, exact=True).click()

    def go_on(self) -> None:
        """Submit a question page (its button says Continue, or Finish on the last page)."""
        self.page.get_by_role("button", name=re.compile(r"^(Continue|Finish)$")).click()

    def open_section(self, title: str) -> None:
        """Pick a section on the menu."""
        expect(self.page).to_have_url(re.compile(r"/survey/sections/$"))
        self.page.get_by_role("link", name=title, exact=True).click()

    def answer(
        self, section: str, question: str, answer: Answer, inspect: Inspect | None = None, shot: str | None = None
    ) -> None:
        """Answer one page: it must be the page routing asks next; optionally look at it and keep a picture."""
        expect(self.page).to_have_url(re.compile(f"/survey/sections/{section}/{question}/$"))
        if inspect:
            inspect(self)
        answer.fill(self.page, question)
        if shot:
            self.capture(shot)
        self.go_on()

    def steps(
        self,
        section: str,
        plan: Plan,
        inspect: dict[str, Inspect] | None = None,
        shots: dict[str, str] | None = None,
    ) -> list[Callable[[], None]]:
        """The plan's pages as steps, one call each, to interleave with a colleague's."""
        inspect, shots = inspect or {}, shots or {}
        return [partial(self.answer, section, q, a, inspect.get(q), shots.get(q)) for q, a in plan]

    def check_and_complete(self, section: str, shot: str | None = None) -> None:
        """Confirm the section's "Check your answers" page; the menu then shows it completed."""
        expect(self.page).to_have_url(re.compile(f"/survey/sections/{section}/check/$"))
        expect(self.page.get_by_role("heading", level=1)).to_have_text("Check your answers")
        if shot:
            self.capture(shot)
        self.press("Complete section")
        expect(self.page).to_have_url(re.compile(r"/survey/sections/$"))
        expect(self.page.locator(f"#{section}-status")).to_have_text("Completed")

    def stop_for_now(self) -> None:
        """Stop for now and sign out: the answers so far are saved."""
        self.page.get_by_role("link", name="Stop for now").first.click()
        self.press("Stop and sign out")
        expect(self.page.get_by_role("heading", level=1)).to_have_text("Your answers are saved")

    def finish(self, plan: Plan, shots: dict[str, str] | None = None) -> None:
        """From the menu: Finish the survey, answer the closing questions, reach the thank-you page."""
        self.page.get_by_role("button", name="Finish the survey").click()
        for step in self.steps("thanks", plan, shots=shots):
            step()
        expect(self.page).to_have_url(re.compile(r"/survey/complete/$"))
        expect(self.page.locator(".govuk-panel__title")).to_have_text("Survey complete")

    def close(self) -> list[str]:
        """Close the browser context; what went wrong on the way (failed requests, script errors)."""
        self.context.close()
        if self._scratch is not None:
            self._scratch.context.close()
        return self.problems


def run_interleaved(*runs: Iterable[Callable[[], None]]) -> None:
    """Take one step of each run in turn, page by page, until every run is done."""
    iterators = [iter(run) for run in runs]
    while iterators:
        for it in list(iterators):
            step = next(it, None)
            if step is None:
                iterators.remove(it)
            else:
                step()


def researcher_page(browser: Browser, base_url: str) -> tuple[BrowserContext, Page]:
    """A researcher, made now, signed in to the back office in a browser context of their own."""
    researcher = get_user_model().objects.create_user("ada", password="a long demo passphrase")
    researcher.groups.add(Group.objects.get_or_create(name="researcher")[0])
    context = browser.new_context(base_url=base_url)
    context.set_default_timeout(TIMEOUT_MS)
    context.route(GOVUK_ONLY_FONTS, lambda route: route.abort())
    page = context.new_page()
    page.goto("/office/")
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill("a long demo passphrase")
    page.get_by_role("button", name="Sign in").click()
    return context, page
