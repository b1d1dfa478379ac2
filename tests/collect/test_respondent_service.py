"""The respondent's public service: the start page from the questionnaire's `about:`, section intros, footer pages."""

from __future__ import annotations

import re

import pytest
from django.test import Client, override_settings

from omnibus.collect.service import service_words
from omnibus.fieldwork.models import WaveUnit
from omnibus.questionnaire.loader import QuestionnaireError, load, read_text

from .conftest import answer, signed_in

pytestmark = pytest.mark.django_db

FOOTER = {
    "/survey/about/": "About this survey",
    "/survey/privacy/": "Privacy notice",
    "/survey/accessibility/": "Accessibility statement",
    "/survey/cookies/": "Cookies",
    "/survey/contact/": "Contact",
}


def footer_links(page: str) -> set[str]:
    """The addresses the page's footer links to."""
    footer = page.split('<footer class="govuk-footer">')[1]
    return set(re.findall(r'class="govuk-footer__link" href="([^"]+)"', footer))


def survey_pages(unit: WaveUnit) -> dict[str, str]:
    """Every kind of survey page a respondent meets, by address, as signed in (or not) they see it."""
    pages = {"/survey/": Client().get("/survey/").content.decode()}
    client = signed_in(unit)
    answer(client, "send", "EHCplans", {f"EHCplans_{x}": "2" for x in "abcde"})
    for address in (
        "/survey/sections/",
        "/survey/sections/send/SBeff/",
        "/survey/sections/csc/SuppSou/",
        "/survey/finish/",
        "/survey/complete/",
        "/survey/stop/",
        *FOOTER,
    ):
        response = client.get(address, follow=True)
        assert response.status_code == 200, address
        pages[address] = response.content.decode()
    return pages


def test_the_footer_pages_are_linked_from_every_survey_page(unit: WaveUnit) -> None:
    for address, page in survey_pages(unit).items():
        assert footer_links(page) >= set(FOOTER), address


@pytest.mark.parametrize(("address", "heading"), FOOTER.items())
def test_each_footer_page_names_the_survey_and_its_sponsor(unit: WaveUnit, address: str, heading: str) -> None:
    page = signed_in(unit).get(address).content.decode()
    assert f'<h1 class="govuk-heading-xl">{heading}</h1>' in page
    assert "Children&#x27;s Services Omnibus – Wave 3" in page
    if address != "/survey/cookies/":
        assert "childrens-services@example.com" in page or "Department for Education" in page


def test_footer_pages_need_no_code_and_describe_the_wave_open_now(unit: WaveUnit) -> None:
    page = Client().get("/survey/privacy/").content.decode()
    assert "The data controller is the Department for Education (DfE)" in page
    assert "Contact details are deleted within six months" in page
    assert 'href="mailto:childrens-services@example.com"' in page


def test_the_start_page_says_who_asks_why_how_long_and_whom_to_contact(unit: WaveUnit) -> None:
    page = Client().get("/survey/").content.decode()
    assert '<h1 class="govuk-heading-xl">Children&#x27;s Services Omnibus – Wave 3</h1>' in page
    assert "run by NatCen Social Research on behalf of the Department for Education (DfE)" in page
    assert "It takes no more than 15 minutes in total." in page
    assert "strictest confidence" in page
    assert "childrens-services@example.com" in page and "0800 000 0000" in page
    assert 'id="code"' in page  # and the access code is asked for on the same page


def test_the_invitation_link_shows_its_own_waves_introduction(unit: WaveUnit) -> None:
    from omnibus.fieldwork.codes import unseal

    client = Client()
    client.get(f"/s/{unseal(unit.code_sealed)}")
    page = client.get("/survey/").content.decode()
    assert "on behalf of the Department for Education (DfE)" in page
    assert f"the access code for {unit.name}" in page


@override_settings(RESPONDENT_SERVICE={"contact_email": "survey-help@example.com", "retention": "Kept one year."})
def test_the_deployment_overrides_the_contact_and_privacy_parts(unit: WaveUnit) -> None:
    page = Client().get("/survey/privacy/").content.decode()
    assert "survey-help@example.com" in page and "childrens-services@example.com" not in page
    assert "Kept one year." in page
    assert "0800 000 0000" in page  # what the deployment did not set still comes from the questionnaire


def test_a_survey_without_about_gets_publishable_defaults_naming_it() -> None:
    questionnaire, problems = read_text(
        "survey: lm\nversion: '1'\ntitle: Lead Member Survey\nintroduction: Welcome.\n"
        "sections:\n  - id: a\n    title: A\n    questions:\n      - {id: Q1, type: text, text: Why}\n"
    )
    assert not problems
    words = service_words(questionnaire, deployment={})
    assert not words.structured and words.introduction == "Welcome."
    assert words.data_controller == "the organisation that commissioned it"
    assert "Lead Member Survey" in words.contact_name
    assert "never one organisation's answers by name" in words.privacy


def test_a_bad_contact_email_is_named_at_its_line(tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / "q.yaml"
    path.write_text(
        "survey: lm\nversion: '1'\ntitle: T\nabout:\n  contact:\n    email: not-an-address\n  colour: red\n"
        "sections:\n  - id: a\n    title: A\n    questions:\n      - {id: Q1, type: text, text: Why}\n"
    )
    with pytest.raises(QuestionnaireError) as caught:
        load(path)
    lines = caught.value.lines()
    assert any(":6: about: contact email 'not-an-address'" in line for line in lines), lines
    assert any(":7: about: unknown key 'colour'" in line for line in lines), lines


def test_a_section_intro_is_shown_on_the_sections_first_page_only(unit: WaveUnit) -> None:
    client = signed_in(unit)
    first = client.get("/survey/sections/csc/SuppSou/").content.decode()
    assert 'id="section-intro"' in first
    assert "The following set of questions is about Children&#x27;s Social Care" in first
    assert 'id="section-intro"' not in client.get("/survey/sections/csc/SuppSouFut/").content.decode()
