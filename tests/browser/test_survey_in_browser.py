"""The respondent's web survey in a real browser: Wave 3 answered by colleagues of one LA, end to end.

Screenshots of every kind of page are kept under test-artefacts/browser/, and axe-core checks
each of those pages against WCAG 2.2 A and AA.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from omnibus.collect.answers import live_answers
from omnibus.fieldwork.models import WaveUnit
from tests.browser.survey_browser import (
    Amounts,
    Choose,
    Colleague,
    LiveWave,
    Plan,
    Rate,
    Tick,
    Write,
    differences,
    expected_answers,
    run_interleaved,
)

CSC_FIRST_HALF: Plan = [
    ("SuppSou", Tick((1, 6, 12, 14), specify={14: "Peer challenge from our regional improvement alliance"})),
    ("HelpSupp", Choose(6)),
    ("SuppSouFut", Tick((2, 3))),
    ("LAsupp", Tick((2, 4))),
    ("ImpEnab", Tick((2, 5, 7))),
    ("ImpBar", Tick((6, 8))),
    ("ConfUnd", Choose(2)),
    ("SWoff", Choose(1)),
    ("SWbarr", Tick((1, 3))),
    ("SWavail", Choose(2)),
    (
        "SWreturn",
        Write(
            "Returners' programme: a refresher course with a named mentor, a protected caseload for "
            "three months and funded re-registration."
        ),
    ),
    ("SocWork", Rate({"SocWork_a": 2, "SocWork_b": 2, "SocWork_c": 1, "SocWork_d": 3})),
]
CSC_SECOND_HALF: Plan = [
    ("SocWorkPM", Choose(1)),
    ("SWKSS", Rate({"SWKSS_a": 1, "SWKSS_b": 1, "SWKSS_c": 2, "SWKSS_d": 3, "SWKSS_e": 1})),
    ("SufCareYr", Rate({f"SufCareYr_{x}": 1 if x in "abc" else 2 for x in "abcdefgh"})),
    ("SufCare", Rate({f"SufCare_{x}": n for x, n in zip("abcdefgh", [1, 2, 2, 3, 4, 4, 5, 5], strict=True)})),
    ("SufAdo", Rate({f"SufAdo_{x}": 2 for x in "abcdefgh"})),
    ("MHAcc", Choose(3)),
    ("MHAccPrev", Choose(4)),
    ("SocJoint", Choose(2)),
    ("ComOrg", Rate({"ComOrg_a": 2, "ComOrg_b": 1, "ComOrg_c": 1})),
    ("SocData", Rate({"SocData_a": 1, "SocData_b": 3, "SocData_c": 2, "SocData_d": 1, "SocData_e": 4})),
    ("BarDel", Tick((2, 5))),
    ("SocImprov", Write("Stable permanent workforce; fewer agency staff; earlier help for adolescents at risk.")),
    ("CSWAmult", Choose(1)),  # "Yes", so MultChal is asked
    ("MultChal", Write("Agreeing funding shares with health and police, and a single data-sharing agreement.")),
    ("BrexImp", Choose(3)),
]
EYC: Plan = [
    ("HLEprog", Tick((1, 3, 8), specify={8: "Chatterbox text messages for parents"})),  # funds some: HLEspend asked
    ("HLEspend", Amounts({"HLEspend1718": 45_000, "HLEspend1617": 41_250, "HLEspend1516": 38_000}, prefix="£")),
    ("HLEreach", Amounts({"HLEreach1718": 1_620, "HLEreach1617": 580, "HLEreach1516": 0})),
    ("Parentprog", Tick((6,))),  # funds none: PPspend and PPreach are skipped
    ("RecDiff", Rate({"RecDiff_a": 3, "RecDiff_b": 2, "RecDiff_c": 6})),
]
SEND: Plan = [
    ("EHCplans", Rate({"EHCplans_a": 2, "EHCplans_b": 1, "EHCplans_c": 2, "EHCplans_d": 3, "EHCplans_e": 4})),
    ("SBeff", Write("Overnight stays in small local homes, and after-school clubs with trained staff.")),
    ("SBinc", Choose(2)),
    ("SBstat", Choose(1)),
    ("SBdisab", Write("A termly forum with the parent carer forum and a young people's panel that reviews offers.")),
    ("SBcosteff", Choose(2)),  # cost-effective, so SBrecoup is asked
    ("SBrecoup", Choose(5)),
]
THANKS: Plan = [("DfErecon", Choose(1)), ("Recontact", Choose(2))]  # the closing statement is on the thank-you page
# Routing skips the parenting programme amounts, because Parentprog says the LA funds none.
SKIPPED = ["PPspend", "PPreach"] + [f"{q}{year}" for q in ("PPspend", "PPreach") for year in ("1718", "1617", "1516")]


def offered(page: Page, question: str) -> list[int]:
    """The option codes a page offers for a question, in order."""
    page.locator(f'input[name="{question}"]').first.wait_for(state="attached")
    return [int(v) for v in page.locator(f'input[name="{question}"]').evaluate_all("els => els.map(e => e.value)")]


def assert_stored(wave_unit: WaveUnit, expected: dict[str, object], skipped: list[str]) -> None:
    """The unit's live answers are exactly what was entered, and routing's skipped questions have none."""
    stored = live_answers(wave_unit)
    assert not differences(stored, expected), "\n".join(differences(stored, expected))
    assert not [key for key in skipped if key in stored]


# -- what colleague 1 looks at on the way (JavaScript on) ----------------------------------


def other_box_appears_when_ticked(colleague: Colleague) -> None:
    """GOV.UK Frontend hides "please specify" until its option is ticked."""
    page = colleague.page
    expect(page.locator("#conditional-SuppSou-14")).to_be_hidden()
    page.locator("#SuppSou-14").check()
    expect(page.locator("#SuppSou_14_text")).to_be_visible()


def help_offers_only_chosen(colleague: Colleague) -> None:
    """HelpSupp offers only the sources ticked at SuppSou (with no second "please specify")."""
    page = colleague.page
    assert offered(page, "HelpSupp") == [1, 6, 12, 14]
    assert page.locator("#HelpSupp_14_text").count() == 0


def future_offers_only_unchosen_and_none_is_exclusive(colleague: Colleague) -> None:
    """SuppSouFut offers the sources not used; ticking "None of these" unticks the others, and back."""
    page = colleague.page
    assert offered(page, "SuppSouFut") == [2, 3, 4, 5, 7, 8, 9, 10, 11, 13, 16]
    first, none = page.locator("#SuppSouFut"), page.locator("#SuppSouFut-16")
    first.check()
    page.locator("#SuppSouFut-3").check()
    none.check()
    expect(first).not_to_be_checked()
    expect(page.locator("#SuppSouFut-3")).not_to_be_checked()
    first.check()
    expect(none).not_to_be_checked()


def error_summary_when_nothing_chosen(colleague: Colleague) -> None:
    """Continuing without an answer shows the error summary, linked to the first radio."""
    page = colleague.page
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Select an answer")
    expect(summary.get_by_role("link")).to_have_attribute("href", "#ConfUnd")
    expect(page).to_have_title(re.compile(r"^Error: "))
    colleague.capture("07-error-summary")


def character_count_counts(colleague: Colleague) -> None:
    """The character count says how many characters are left as one types."""
    page = colleague.page
    page.locator("#SWreturn").fill("Mentoring")
    expect(page.locator(".govuk-character-count__status")).to_have_text("You have 141 characters remaining")


CSC_INSPECT = {
    "SuppSou": other_box_appears_when_ticked,
    "HelpSupp": help_offers_only_chosen,
    "SuppSouFut": future_offers_only_unchosen_and_none_is_exclusive,
    "ConfUnd": error_summary_when_nothing_chosen,
    "SWreturn": character_count_counts,
}
CSC_SHOTS = {
    "SuppSou": "04-checkboxes-exclusive",
    "SWoff": "03-radios",
    "SWreturn": "06-text-character-count",
    "SocWork": "05-grid",
}


def test_colleagues_answer_the_whole_questionnaire(browser: Browser, live_wave: LiveWave) -> None:
    """Three colleagues, sections at the same time, stop and resume, check, finish: every answer stored."""
    asha = Colleague(browser, live_wave.base_url, "Asha Patel")
    ben = Colleague(browser, live_wave.base_url, "Ben Okafor")
    asha.page.goto(f"/s/{live_wave.code}")
    asha.capture("01-start")
    asha.start(live_wave.code, "Head of Children's Social Care", via_link=True)
    asha.capture("02-menu")
    ben.start(live_wave.code, "SEND Commissioning Manager")
    asha.open_section("Children's Social Care")
    ben.open_section("Special Educational Needs & Disability")

    # Colleague 1 takes CSC and colleague 2 takes SEND, page by page in turn.
    run_interleaved(
        asha.steps("csc", CSC_FIRST_HALF, CSC_INSPECT, CSC_SHOTS),
        [*ben.steps("send", SEND), lambda: ben.check_and_complete("send", shot="09-check-answers")],
    )
    asha.stop_for_now()

    # A third colleague does Early Years; the menu shows who did what.
    cara = Colleague(browser, live_wave.base_url, "Cara Lewis")
    cara.start(live_wave.code, "Early Years Lead")
    expect(cara.page.locator("#csc-status")).to_contain_text("In progress")
    expect(cara.page.locator("#csc-hint")).to_have_text("Last worked on by Asha Patel")
    expect(cara.page.locator("#send-status")).to_have_text("Completed")
    cara.open_section("Early Years and Child Care")
    for step in cara.steps("eyc", EYC, shots={"HLEspend": "08-numbers-pounds"}):
        step()
    cara.check_and_complete("eyc")

    # Colleague 1 comes back on another device, resumes CSC where they stopped, and finishes.
    asha_later = Colleague(browser, live_wave.base_url, "Asha Patel")
    asha_later.start(live_wave.code, "Head of Children's Social Care")
    asha_later.open_section("Children's Social Care")  # resumes at SocWorkPM, the first page not yet answered
    for step in asha_later.steps("csc", CSC_SECOND_HALF):
        step()
    asha_later.check_and_complete("csc")
    asha_later.finish(THANKS)
    asha_later.capture("11-thank-you")

    problems = [p for c in (asha, ben, cara, asha_later) for p in c.close()]
    assert not problems, problems
    expected = expected_answers(CSC_FIRST_HALF, CSC_SECOND_HALF, EYC, SEND, THANKS)
    assert_stored(live_wave.wave_unit, expected, SKIPPED)


# -- without JavaScript ----------------------------------------------------------------------


def wrong_code_first(colleague: Colleague) -> None:
    """A wrong access code is refused with the error summary; the right one then signs in."""
    page = colleague.page
    right = page.locator("#code").input_value()
    page.locator("#code").fill("ABCD-EFGH-JKLM")
    page.get_by_role("button", name="Start").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The access code is not right")
    colleague.capture("01-start-error")
    page.locator("#code").fill(right)


def specify_box_shown_without_javascript(colleague: Colleague) -> None:
    """Without JavaScript nothing is hidden: the "please specify" boxes show before their option is ticked."""
    page = colleague.page
    assert "js-enabled" not in (page.locator("body").get_attribute("class") or "")
    expect(page.locator("#HLEprog_8_text")).to_be_visible()
    expect(page.locator("#HLEprog_9_text")).to_be_visible()


def none_with_others_is_refused(colleague: Colleague) -> None:
    """Without JavaScript nothing unticks "None": the server asks for it on its own, in the error summary."""
    page = colleague.page
    Tick((1, 6)).fill(page, "Parentprog")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("on its own, or clear it to choose other options")
    colleague.capture("07-error-summary")


def character_limit_stated(colleague: Colleague) -> None:
    """Without JavaScript the character count is a plain hint of the limit."""
    page = colleague.page
    expect(page.locator("#SBeff-info")).to_have_text("You can enter up to 150 characters")


def test_survey_works_without_javascript(browser: Browser, live_wave: LiveWave) -> None:
    """Every kind of page works with JavaScript off: GOV.UK Frontend enhances, nothing depends on it."""
    dev = Colleague(browser, live_wave.base_url, "Dev Sharma", javascript=False)
    dev.start(live_wave.code, "Assistant Director", inspect=wrong_code_first)
    dev.capture("02-menu")
    dev.open_section("Early Years and Child Care")
    eyc_inspect = {"HLEprog": specify_box_shown_without_javascript, "Parentprog": none_with_others_is_refused}
    eyc_shots = {"HLEprog": "04-checkboxes-exclusive", "HLEspend": "08-numbers-pounds", "RecDiff": "05-grid"}
    for step in dev.steps("eyc", EYC, eyc_inspect, eyc_shots):
        step()
    dev.check_and_complete("eyc", shot="09-check-answers")
    dev.open_section("Special Educational Needs & Disability")
    send_shots = {"SBeff": "06-text-character-count", "SBinc": "03-radios"}
    for step in dev.steps("send", SEND, {"SBeff": character_limit_stated}, send_shots):
        step()
    dev.check_and_complete("send")
    dev.finish(THANKS)
    dev.capture("11-thank-you")
    assert not dev.close()
    assert_stored(live_wave.wave_unit, expected_answers(EYC, SEND, THANKS), SKIPPED)


# -- two colleagues on one page ----------------------------------------------------------------


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_conflict_shows_the_newer_answers(browser: Browser, live_wave: LiveWave, javascript: bool) -> None:
    """Two colleagues open one page; the later save is not silently applied but shows the newer answer."""
    ewa = Colleague(browser, live_wave.base_url, "Ewa Nowak", javascript=javascript)
    femi = Colleague(browser, live_wave.base_url, "Femi Adeyemi", javascript=javascript)
    for colleague in (ewa, femi):
        colleague.start(live_wave.code, "SEND team")
        colleague.page.goto("/survey/sections/send/SBinc/")
    ewa.answer("send", "SBinc", Choose(1))
    Choose(3).fill(femi.page, "SBinc")
    femi.go_on()
    banner = femi.page.locator(".govuk-notification-banner")
    expect(banner).to_contain_text("A colleague changed the answers on this page after you opened it")
    expect(femi.page.locator('input[name="SBinc"][value="1"]')).to_be_checked()
    femi.capture("10-conflict")
    assert live_answers(live_wave.wave_unit)["SBinc"] == 1

    # Having seen the newer answer, the colleague decides: now their own choice is saved.
    femi.answer("send", "SBinc", Choose(3))
    expect(femi.page).to_have_url(re.compile(r"/survey/sections/send/SBstat/$"))
    assert live_answers(live_wave.wave_unit)["SBinc"] == 3
    assert not ewa.close() + femi.close()
