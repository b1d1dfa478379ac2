"""Answering: validation, feed-through, piping, routing off, conflicts, resume, check and finish."""

import re

import pytest
from django.test import Client

from omnibus.collect.answers import live_answers
from omnibus.collect.models import AnswerEvent, PageEvent
from omnibus.fieldwork.models import SectionState, WaveUnit

from .conftest import answer, seen_of, signed_in

pytestmark = pytest.mark.django_db


def labels(page: str) -> list[str]:
    """The option labels a page offers."""
    return re.findall(r'__label" for="[^"]+">([^<]+)<', page)


def error_links(page: str) -> list[tuple[str, str]]:
    """The error summary's (anchor, message) pairs."""
    summary = page.split("govuk-error-summary__list")[1].split("</ul>")[0]
    return re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)


@pytest.mark.parametrize(
    ("question", "data", "anchor", "message"),
    [
        ("SuppSou", {}, "SuppSou", "Select at least one option"),
        ("SuppSou", {"SuppSou": ["1", "15"]}, "SuppSou", "‘None of these’ on its own"),
        ("SuppSou", {"SuppSou": ["14"]}, "SuppSou_14_text", "Enter what ‘Other (please specify)’ is"),
        ("ImpEnab", {"ImpEnab": ["1", "2", "3", "4"]}, "ImpEnab", "Select up to three options"),
        ("ConfUnd", {}, "ConfUnd", "Select an answer"),
        ("SWreturn", {"SWreturn": "x" * 151}, "SWreturn", "150 characters or fewer"),
        ("SWreturn", {"SWreturn": "   "}, "SWreturn", "Enter an answer"),
        ("SocWork", {"SocWork_a": "1"}, "SocWork_b", "Select an answer for"),
    ],
)
def test_validation_rules(unit: WaveUnit, question: str, data: dict, anchor: str, message: str) -> None:
    client = signed_in(unit)
    response = answer(client, "csc", question, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page
    links = error_links(page)
    assert any(a == anchor and message in m for a, m in links), links
    assert f'id="{anchor}"' in page  # the link lands on a real field
    assert live_answers(unit) == {}


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("lots", "Enter a number for ‘April 2017 – March 2018’, like 1500"),
        ("12.5", "Enter a whole number"),
        ("10,000,001", "between £0 and £10,000,000"),
        ("-3", "between £0 and £10,000,000"),
    ],
)
def test_number_rules(unit: WaveUnit, typed: str, message: str) -> None:
    client = signed_in(unit)
    answer(client, "eyc", "HLEprog", {"HLEprog": ["1"]})
    page = answer(client, "eyc", "HLEspend", {"HLEspend1718": typed, "HLEspend1617": "1", "HLEspend1516": "2"})
    links = error_links(page.content.decode())
    assert links[0][0] == "HLEspend1718" and message in links[0][1]


def test_money_is_read_as_people_type_it(unit: WaveUnit) -> None:
    client = signed_in(unit)
    answer(client, "eyc", "HLEprog", {"HLEprog": ["1"]})
    page = client.get("/survey/sections/eyc/HLEspend/").content.decode()
    assert 'govuk-input__prefix" aria-hidden="true">£<' in page
    response = answer(
        client, "eyc", "HLEspend", {"HLEspend1718": "£25,000", "HLEspend1617": "0", "HLEspend1516": "1 500"}
    )
    assert response.status_code == 302
    assert {k: v for k, v in live_answers(unit).items() if k.startswith("HLEspend")} == {
        "HLEspend1718": 25000,
        "HLEspend1617": 0,
        "HLEspend1516": 1500,
    }


def test_feed_through_chosen_and_not_chosen(unit: WaveUnit) -> None:
    client = signed_in(unit)
    answer(client, "csc", "SuppSou", {"SuppSou": ["1", "6", "14"], "SuppSou_14_text": "Regional peer challenge"})
    assert labels(client.get("/survey/sections/csc/HelpSupp/").content.decode()) == [
        "Coaching and mentoring from another LA",
        "Development plan with identified priorities for improvement",
        "Other (please specify): Regional peer challenge",
    ]
    assert answer(client, "csc", "HelpSupp", {"HelpSupp": "6"}).url.endswith("/SuppSouFut/")
    offered = labels(client.get("/survey/sections/csc/SuppSouFut/").content.decode())
    assert "Coaching and mentoring from another LA" not in offered
    assert "Secondment(s) from high-performing LA(s)" in offered and offered[-1] == "None of these"
    assert "Other (please specify)" not in offered


def test_changing_an_earlier_answer_moves_dependants_off_route_but_keeps_them(unit: WaveUnit) -> None:
    client = signed_in(unit)
    answer(client, "csc", "SuppSou", {"SuppSou": ["1", "6"]})
    answer(client, "csc", "HelpSupp", {"HelpSupp": "6"})
    answer(client, "csc", "SuppSouFut", {"SuppSouFut": ["2", "3"]})
    answer(client, "csc", "SuppSou", {"SuppSou": ["2"]})
    live = live_answers(unit)
    assert "HelpSupp" not in live  # only one source now: HelpSupp is not asked
    assert live["SuppSouFut"] == [3]  # code 2 is used now, so no longer offered for the future
    moved = AnswerEvent.objects.filter(wave_unit=unit, kind=AnswerEvent.OFF_ROUTE)
    assert {(e.key, str(e.value)) for e in moved} == {("HelpSupp", "6"), ("SuppSouFut", "[2]")}


def test_piped_and_typed_text_is_escaped(unit: WaveUnit) -> None:
    client = signed_in(unit)
    answer(client, "csc", "SuppSou", {"SuppSou": ["14"], "SuppSou_14_text": "<script>alert(1)</script>"})
    page = client.get("/survey/sections/csc/SuppSou/").content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize(
    "data",
    [
        {"ConfUnd": "9"},  # an unknown code
        {"ConfUnd": "very"},  # a wrong type
        {"ConfUnd": ["1", "2"]},  # one answer sent twice
        {"ConfUnd": "1", "Extra": "1"},  # a field that is not on the page
        {"ConfUnd": "1", "SWreturn": "not this page"},
    ],
)
def test_malformed_posts_are_4xx_not_500(unit: WaveUnit, data: dict) -> None:
    client = signed_in(unit)
    response = client.post("/survey/sections/csc/ConfUnd/", data)
    assert response.status_code == 400
    assert "ConfUnd" not in live_answers(unit)


def test_a_huge_body_is_refused(unit: WaveUnit) -> None:
    client = signed_in(unit)
    response = client.post("/survey/sections/csc/SWreturn/", {"SWreturn": "x" * 400_000})
    assert response.status_code == 400


def test_unknown_pages_go_back_to_the_section(unit: WaveUnit) -> None:
    client = signed_in(unit)
    assert client.get("/survey/sections/csc/NoSuchQuestion/").status_code == 302
    assert client.get("/survey/sections/nosuchsection/").url == "/survey/sections/"
    assert client.get("/survey/sections/csc/HLEspend/").status_code == 302  # a question of another section


def test_a_colleagues_change_is_never_silently_overwritten(unit: WaveUnit) -> None:
    first, second = signed_in(unit, "Ada"), signed_in(unit, "Ben")
    page_one = first.get("/survey/sections/csc/ConfUnd/").content.decode()
    page_two = second.get("/survey/sections/csc/ConfUnd/").content.decode()
    assert first.post("/survey/sections/csc/ConfUnd/", {"ConfUnd": "1", "seen": seen_of(page_one)}).status_code == 302
    clash = second.post("/survey/sections/csc/ConfUnd/", {"ConfUnd": "3", "seen": seen_of(page_two)})
    text = clash.content.decode()
    assert clash.status_code == 200 and "A colleague changed the answers on this page" in text
    assert re.search(r'value="1" checked', text)  # the newer answer is shown
    assert live_answers(unit)["ConfUnd"] == 1
    # Having seen it, Ben decides: his answer is saved.
    again = second.post("/survey/sections/csc/ConfUnd/", {"ConfUnd": "3", "seen": seen_of(text)})
    assert again.status_code == 302 and live_answers(unit)["ConfUnd"] == 3


def test_a_form_posted_without_its_fingerprint_cannot_overwrite_unseen(unit: WaveUnit) -> None:
    nobody_yet = signed_in(unit, "Ada").post("/survey/sections/csc/ConfUnd/", {"ConfUnd": "1"})
    assert nobody_yet.status_code == 302 and live_answers(unit)["ConfUnd"] == 1  # nothing was there to overwrite
    blind = signed_in(unit, "Ben").post("/survey/sections/csc/ConfUnd/", {"ConfUnd": "3"})
    assert blind.status_code == 200 and "A colleague changed the answers on this page" in blind.content.decode()
    assert live_answers(unit)["ConfUnd"] == 1


def test_an_answer_to_a_page_rerouted_by_a_colleague_is_kept_and_its_author_told(unit: WaveUnit) -> None:
    ada, ben = signed_in(unit, "Ada"), signed_in(unit, "Ben")
    answer(ada, "csc", "SuppSou", {"SuppSou": ["1", "6"]})  # two sources: HelpSupp asks which helped most
    page = ben.get("/survey/sections/csc/HelpSupp/").content.decode()
    answer(ada, "csc", "SuppSou", {"SuppSou": ["2"]})  # one source: HelpSupp is no longer asked
    late = ben.post("/survey/sections/csc/HelpSupp/", {"HelpSupp": "6", "seen": seen_of(page)})
    text = late.content.decode()
    assert late.status_code == 409 and "this question is no longer asked" in text
    assert "Development plan with identified priorities for improvement" in text  # what Ben ticked, in words
    kept = AnswerEvent.objects.get(wave_unit=unit, key="HelpSupp", kind=AnswerEvent.OFF_ROUTE)
    assert kept.value == "6" and kept.respondent.name == "Ben"
    assert "HelpSupp" not in live_answers(unit)


def test_a_double_submit_is_not_a_conflict(unit: WaveUnit) -> None:
    client = signed_in(unit)
    page = client.get("/survey/sections/csc/ConfUnd/").content.decode()
    for _ in range(2):
        response = client.post("/survey/sections/csc/ConfUnd/", {"ConfUnd": "2", "seen": seen_of(page)})
        assert response.status_code == 302
    assert AnswerEvent.objects.filter(wave_unit=unit, key="ConfUnd").count() == 1


def test_resume_on_another_device_at_the_first_unanswered_question(unit: WaveUnit) -> None:
    first = signed_in(unit)
    answer(first, "csc", "SuppSou", {"SuppSou": ["3"]})
    answer(first, "csc", "SuppSouFut", {"SuppSouFut": ["1"]})
    later = signed_in(unit, "Ben")
    assert later.get("/survey/sections/csc/").url == "/survey/sections/csc/LAsupp/"


def test_check_answers_completes_and_a_change_reopens(unit: WaveUnit) -> None:
    client = signed_in(unit)
    answer(client, "send", "EHCplans", {f"EHCplans_{x}": "2" for x in "abcde"})
    answer(client, "send", "SBeff", {"SBeff": "Overnight stays"})
    answer(client, "send", "SBinc", {"SBinc": "1"})
    answer(client, "send", "SBstat", {"SBstat": "3"})
    answer(client, "send", "SBdisab", {"SBdisab": "Forums"})
    last = answer(client, "send", "SBcosteff", {"SBcosteff": "3"})
    assert last.url == "/survey/sections/send/check/"  # SBrecoup is not asked
    check = client.get(last.url).content.decode()
    assert "Overnight stays" in check and "Not very cost-effective" in check
    client.post(last.url)
    state = SectionState.objects.get(wave_unit=unit, section="send")
    assert state.status == SectionState.COMPLETED and state.last_respondent.name == "Ada Example"
    menu = client.get("/survey/sections/").content.decode()
    assert "Completed" in menu and "Last worked on by Ada Example" in menu
    changed = answer(client, "send", "SBcosteff", {"SBcosteff": "1", "next": "check"})
    # The change asks a new question first, saying why, and then goes back to Check your answers.
    assert changed.url == "/survey/sections/send/SBrecoup/?next=check&because=SBcosteff"
    assert SectionState.objects.get(wave_unit=unit, section="send").status == SectionState.IN_PROGRESS
    asked = client.get(changed.url).content.decode()
    assert "Because you changed your answer to ‘How cost-effective short breaks are’" in asked
    assert 'name="next" value="check"' in asked and 'name="because" value="SBcosteff"' in asked
    back = client.post(changed.url, {"SBrecoup": "2", "next": "check", "because": "SBcosteff", "seen": seen_of(asked)})
    assert back.url == "/survey/sections/send/check/"


def test_finish_asks_consent_then_thanks(unit: WaveUnit) -> None:
    client = signed_in(unit)
    assert client.get("/survey/finish/").url == "/survey/sections/thanks/"
    answer(client, "thanks", "DfErecon", {"DfErecon": "1"})
    recontact = client.get("/survey/sections/thanks/Recontact/").content.decode()
    assert ">Finish</button>" in recontact  # the closing statement is not a page of its own
    done = answer(client, "thanks", "Recontact", {"Recontact": "2"})
    assert done.url == "/survey/complete/"
    # Submitting the closing section's last page completes it (the thank-you page changes nothing).
    assert SectionState.objects.get(wave_unit=unit, section="thanks").status == SectionState.COMPLETED
    thanks = client.get(done.url).content.decode()
    assert "Your answers for" in thanks and "Thank you for taking the time" in thanks
    assert thanks.count("Thank you") == 1  # one thank-you: the questionnaire's own words
    assert live_answers(unit) == {"DfErecon": 1, "Recontact": 2}


def test_the_thank_you_page_changes_nothing(unit: WaveUnit) -> None:
    client = signed_in(unit)
    assert client.get("/survey/complete/").status_code == 200
    assert not SectionState.objects.filter(wave_unit=unit).exists()  # no answers: not "responded"
    assert client.post("/survey/complete/").status_code == 405
    assert not SectionState.objects.filter(wave_unit=unit).exists()


def test_paradata_records_pages_shown_and_submitted(unit: WaveUnit) -> None:
    client = signed_in(unit)
    answer(client, "csc", "ConfUnd", {"ConfUnd": "1"})
    events = list(PageEvent.objects.filter(wave_unit=unit, page="ConfUnd").values_list("event", flat=True))
    assert events == [PageEvent.SHOWN, PageEvent.SUBMITTED]


def test_one_code_reaches_only_its_own_unit(wave, unit: WaveUnit) -> None:
    other = wave.units.exclude(pk=unit.pk).first()
    answer(signed_in(other), "csc", "ConfUnd", {"ConfUnd": "4"})
    client = signed_in(unit)
    page = client.get("/survey/sections/csc/ConfUnd/").content.decode()
    assert "checked" not in page
    assert live_answers(unit) == {} and live_answers(other) == {"ConfUnd": 4}


@pytest.mark.usefixtures("no_simulated_wave")  # it reads the one ConfUnd answer there is
def test_preview_is_for_researchers_and_kept_apart(wave, unit: WaveUnit, django_user_model) -> None:
    client = Client()
    assert client.get("/survey/preview/cso/wave-3/").status_code == 302  # to the sign-in page
    from django.contrib.auth.models import Group

    researcher = django_user_model.objects.create_user("researcher", password="pw")
    researcher.groups.add(Group.objects.create(name="researcher"))
    client.login(username="researcher", password="pw")
    assert client.get("/survey/preview/cso/wave-3/").url == "/survey/sections/"
    answer(client, "csc", "ConfUnd", {"ConfUnd": "2"})
    from omnibus.collect.models import Answer

    stored = Answer.objects.get(key="ConfUnd")
    assert stored.wave_unit.wave.kind == "preview" and stored.wave_unit.wave != wave
