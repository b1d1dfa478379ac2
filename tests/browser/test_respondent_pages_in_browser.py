"""The respondent's public service in a real browser: start page, footer pages, finishing, re-routing, the copy.

Every new page is checked with axe-core (WCAG 2.2 A and AA) with JavaScript on and off, and
kept as a screenshot under test-artefacts/browser/ (names 20-29; "nojs-" without JavaScript).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from omnibus.collect.answers import live_answers
from omnibus.fieldwork.models import Message
from omnibus.fieldwork.questionnaires import questionnaire_of
from tests.browser.survey_browser import Choose, Colleague, LiveWave, Plan, Rate, Write, screenshot
from tests.browser.test_survey_in_browser import CSC_FIRST_HALF, CSC_SECOND_HALF

FOOTER = [
    ("About this survey", "about", "About this survey"),
    ("Privacy", "privacy", "Privacy notice"),
    ("Accessibility statement", "accessibility", "Accessibility statement"),
    ("Cookies", "cookies", "Cookies"),
    ("Contact", "contact", "Contact"),
]
SEND_BEFORE_CHANGE: Plan = [
    ("SBeff", Write("Overnight stays in small local homes.")),
    ("SBinc", Choose(2)),
    ("SBstat", Choose(1)),
    ("SBdisab", Write("A termly forum with the parent carer forum.")),
    ("SBcosteff", Choose(3)),  # not cost-effective: SBrecoup is not asked
]
EHC = Rate({f"EHCplans_{x}": 2 for x in "abcde"})


def visit_footer_pages(colleague: Colleague) -> None:
    """Each footer page opens from the footer, names the survey, and passes axe-core."""
    page = colleague.page
    for link, slug, heading in FOOTER:
        page.locator("footer").get_by_role("link", name=link, exact=True).click()
        expect(page).to_have_url(re.compile(f"/survey/{slug}/$"))
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        expect(page.locator("main")).to_contain_text("Children's Services Omnibus – Wave 3")
        colleague.capture(f"21-footer-{slug}")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_the_public_service_from_start_to_copy(browser: Browser, live_wave: LiveWave, javascript: bool) -> None:
    """Start page, footer pages, section intro, the warning before finishing, a re-routing change, the copy, thanks."""
    gita = Colleague(browser, live_wave.base_url, "Gita Rao", javascript=javascript)
    page = gita.page
    page.goto("/survey/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Children's Services Omnibus – Wave 3")
    expect(page.locator("main")).to_contain_text("It takes no more than 15 minutes in total.")
    gita.capture("20-start-about")
    visit_footer_pages(gita)

    gita.start(live_wave.code, "SEND Commissioning Manager")
    expect(page.locator("footer .govuk-footer__link")).to_have_count(len(FOOTER))
    gita.open_section("Special Educational Needs & Disability")
    expect(page.locator("#section-intro")).to_contain_text("Special Educational Needs and Disability provision")
    gita.answer("send", "EHCplans", EHC, shot="22-section-intro")

    # Finishing with SEND in progress warns first; going back keeps everything.
    page.goto("/survey/sections/")
    page.get_by_role("button", name="Finish the survey").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Some sections are not finished")
    expect(page.locator("#in-progress")).to_contain_text("Continue with Special Educational Needs & Disability")
    gita.capture("23-finish-warning")
    page.get_by_role("button", name="Go back to the sections").click()

    gita.open_section("Special Educational Needs & Disability")  # resumes at SBeff
    for step in gita.steps("send", SEND_BEFORE_CHANGE):
        step()
    expect(page).to_have_url(re.compile(r"/survey/sections/send/check/$"))
    gita.capture("24-check-answers-short-labels")

    # A change that re-routes: the new question is asked, saying why, then back to Check your answers.
    page.get_by_role("link", name="Change your answer to: How cost-effective short breaks are").click()
    Choose(1).fill(page, "SBcosteff")
    gita.go_on()
    expect(page).to_have_url(re.compile(r"/survey/sections/send/SBrecoup/\?next=check&because=SBcosteff$"))
    expect(page.locator("#because")).to_have_text(
        "Because you changed your answer to ‘How cost-effective short breaks are’, we need to ask this question too."
    )
    gita.capture("25-rerouted-because")
    Choose(5).fill(page, "SBrecoup")
    gita.go_on()
    gita.check_and_complete("send")

    # The copy of the answers, then finishing: nothing in progress, so no warning; one thank-you.
    page.goto("/survey/copy/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Answers for {live_wave.wave_unit.name}")
    expect(page.locator("#answer-SBrecoup")).to_contain_text("More than 2 years but less than 3 years")
    gita.capture("26-copy")
    if javascript:
        page.emulate_media(media="print")
        screenshot(page, "26-copy-print")
        expect(page.locator("footer")).to_be_hidden()
        page.emulate_media(media="screen")
    page.goto("/survey/sections/")
    gita.finish([("DfErecon", Choose(1)), ("Recontact", Choose(2))])
    assert page.locator("main").inner_text().count("Thank you") == 1
    gita.capture("27-complete")
    # An emailed copy: a wrong address is named in the error summary, a right one is queued.
    page.locator("#email").fill("gita at example")
    page.get_by_role("button", name="Send me a copy").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter an email address in the correct format")
    gita.capture("27-complete-email-error")
    page.locator("#email").fill("gita.rao@example.com")
    page.get_by_role("button", name="Send me a copy").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("A copy of the answers is on its way")
    gita.capture("27-complete-email-sent")
    assert Message.objects.get(wave_unit=live_wave.wave_unit).attachments.get().filename.endswith(".pdf")
    assert not gita.close()
    stored = live_answers(live_wave.wave_unit)
    assert stored["SBcosteff"] == 1 and stored["SBrecoup"] == 5 and stored["DfErecon"] == 1


def test_check_your_answers_is_short_with_labels(browser: Browser, live_wave: LiveWave) -> None:
    """The Children's Social Care check page with short labels, against the same page keyed by full texts."""
    hana = Colleague(browser, live_wave.base_url, "Hana Ito")
    hana.start(live_wave.code, "Head of Children's Social Care")
    hana.open_section("Children's Social Care")
    for step in hana.steps("csc", CSC_FIRST_HALF + CSC_SECOND_HALF):
        step()
    page = hana.page
    expect(page).to_have_url(re.compile(r"/survey/sections/csc/check/$"))
    hana.capture("28-check-csc-labels")
    labelled = page.evaluate("document.documentElement.scrollHeight")
    # The same page keyed by each question's full text, as it was before labels.
    questionnaire = questionnaire_of(live_wave.wave_unit.wave.questionnaire)
    texts = {q.id: q.text for q in questionnaire.questions()}
    page.evaluate(
        """texts => document.querySelectorAll('.govuk-summary-list__row').forEach(row => {
            const id = row.querySelector('a').getAttribute('href').split('/').slice(-2)[0];
            row.querySelector('dt').textContent = texts[id];
        })""",
        texts,
    )
    screenshot(page, "28-check-csc-full-texts")
    full = page.evaluate("document.documentElement.scrollHeight")
    print(f"Check your answers (Children's Social Care): {labelled}px with labels, {full}px with full texts")
    assert labelled < 0.75 * full, (labelled, full)
    assert not hana.close()
