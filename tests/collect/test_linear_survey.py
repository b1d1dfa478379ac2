"""A linear survey (no section menu): page by page through every routed section, one Check your answers, submit."""

from pathlib import Path

import pytest
from django.test import Client

from omnibus.collect.answers import live_answers
from omnibus.fieldwork.models import SectionState, Wave, WaveUnit
from omnibus.fieldwork.progress import Response, unit_progress
from omnibus.fieldwork.tracking import wave_figures
from tests.waves import open_wave_of

from .conftest import answer, code_of, signed_in

LINEAR = Path(__file__).resolve().parents[1] / "questionnaires" / "linear.yaml"

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit() -> WaveUnit:
    """A unit of an open wave of the linear questionnaire (over the frame the test database holds)."""
    return open_wave_of(LINEAR, "forums-1").units.order_by("name").first()


def back_link(page: str) -> str | None:
    """Where the page's back link goes (None: it has none)."""
    if "govuk-back-link" not in page:
        return None
    return page.split('class="govuk-back-link"')[0].rsplit('href="', 1)[1].split('"')[0]


def test_a_linear_survey_runs_straight_through_routed_sections_to_check_and_submit(unit: WaveUnit) -> None:
    client = signed_in(unit)
    start = client.get("/survey/sections/")
    assert start.status_code == 302 and start.url == "/survey/sections/about/Members/"
    first = client.get(start.url).content.decode()
    assert back_link(first) is None  # nothing before the first page
    assert "These questions are about your forum&#x27;s members." in first  # the section's intro
    assert ">Sections<" not in first  # no menu to go back to
    assert answer(client, "about", "Members", {"Members": "40"}).url == "/survey/sections/about/Funded/"
    second = client.get("/survey/sections/about/Funded/").content.decode()
    assert back_link(second) == "/survey/sections/about/Members/"
    assert "These questions are about" not in second  # the intro only on the section's first page
    # "No": the funding section is routed out, so the next page is the first of the views section.
    assert answer(client, "about", "Funded", {"Funded": "2"}).url == "/survey/sections/views/Heard/"
    across = client.get("/survey/sections/views/Heard/").content.decode()
    assert back_link(across) == "/survey/sections/about/Funded/"  # the previous routed page, in another section
    assert answer(client, "views", "Heard", {"Heard": "3"}).url == "/survey/sections/views/Why/"
    why = client.get("/survey/sections/views/Why/").content.decode()
    # Numbered as printed, the number first in the heading; "Not well" piped in its own wording.
    assert (
        'for="Why"><span class="omnibus-question-number">Q3a</span> Why do you say that your forum is heard poorly?'
        in why
    )
    assert answer(client, "views", "Why", {"Why": "They <b>never</b> reply"}).url == "/survey/sections/views/Ways/"
    grid = {"Ways_a": "3", "Ways_b": "1"}
    assert answer(client, "views", "Ways", grid).url == "/survey/answers/"
    check = client.get("/survey/answers/").content.decode()
    assert back_link(check) == "/survey/sections/views/Ways/"
    assert '<span class="omnibus-question-number">Q2</span> Did your forum receive a grant this year?' in check
    assert [h for h in ("About your forum", "Your grant", "Your views") if f">{h}</h2>" in check] == [
        "About your forum",
        "Your views",
    ]
    assert "40 members" in check and "Not well" in check and "They &lt;b&gt;never&lt;/b&gt; reply" in check
    assert unit_progress(unit).response == Response.PARTIAL  # answered, not yet submitted
    submitted = client.post("/survey/answers/")
    assert submitted.status_code == 302 and submitted.url == "/survey/complete/"
    done = client.get(submitted.url).content.decode()
    assert 'href="/survey/answers/"' in done and "go back to your answers" in done
    states = dict(SectionState.objects.filter(wave_unit=unit).values_list("section", "status"))
    assert states == {"about": SectionState.COMPLETED, "views": SectionState.COMPLETED}
    complete, none = Response.COMPLETE, Response.NONE
    assert unit_progress(unit).sections == {"about": complete, "funding": none, "views": complete}
    figures = wave_figures(unit.wave)  # the office's tracking: Table 1 by section
    assert figures.responding == 1
    assert [(r.section, r.complete, r.partial) for r in figures.sections] == [
        ("about", 1, 0),
        ("funding", 0, 0),
        ("views", 1, 0),
    ]
    assert live_answers(unit) == {
        "Members": 40,
        "Funded": 2,
        "Heard": 3,
        "Why": "They <b>never</b> reply",
        "Ways_a": 3,
        "Ways_b": 1,
    }


def test_a_change_from_check_your_answers_asks_newly_routed_pages_then_returns(unit: WaveUnit) -> None:
    client = signed_in(unit)
    for section, question, data in [
        ("about", "Members", {"Members": "12"}),
        ("about", "Funded", {"Funded": "2"}),
        ("views", "Heard", {"Heard": "1"}),
        ("views", "Why", {"Why": ""}),
        ("views", "Ways", {"Ways_a": "1", "Ways_b": "2"}),
    ]:
        answer(client, section, question, data)
    client.post("/survey/answers/")
    change = client.get("/survey/answers/").content.decode()
    assert 'href="/survey/sections/about/Funded/?next=check"' in change
    client.get("/survey/sections/about/Funded/?next=check")
    rerouted = answer(client, "about", "Funded", {"Funded": "1", "next": "check"})
    assert rerouted.url == "/survey/sections/funding/Grant/?next=check"  # the section the change routed in
    assert 'name="next" value="check"' in client.get(rerouted.url).content.decode()
    assert answer(client, "funding", "Grant", {"Grant": "2500", "next": "check"}).url == "/survey/answers/"
    assert SectionState.objects.get(wave_unit=unit, section="about").status == SectionState.IN_PROGRESS
    assert client.get("/survey/answers/").content.decode().count("£2,500") == 1


def test_stop_and_come_back_later_resumes_at_the_first_unanswered_page(unit: WaveUnit) -> None:
    client = signed_in(unit)
    answer(client, "about", "Members", {"Members": "7"})
    answer(client, "about", "Funded", {"Funded": "1"})
    stop = client.get("/survey/stop/").content.decode()
    assert "Go back to the survey" in stop
    client.post("/survey/stop/")
    assert client.get("/survey/sections/").url == "/survey/"  # signed out
    again = Client()
    again.post("/survey/", {"code": code_of(unit), "name": "Ben Example"})
    assert again.get("/survey/sections/").url == "/survey/sections/funding/Grant/"
    assert unit_progress(unit).sections == {"about": Response.PARTIAL, "funding": Response.NONE, "views": Response.NONE}
    # No unanswered page yet: the survey's Check your answers sends the respondent back to it.
    assert again.get("/survey/answers/").url == "/survey/sections/funding/Grant/"


def test_a_linear_survey_has_no_menu_or_section_check_pages(unit: WaveUnit) -> None:
    client = signed_in(unit)
    assert client.get("/survey/sections/about/check/").url == "/survey/answers/"
    assert client.get("/survey/finish/").url == "/survey/answers/"
    assert client.get("/survey/sections/about/").url == "/survey/sections/about/Members/"


def test_a_menu_survey_keeps_its_menu_and_has_no_survey_check_page(make_wave) -> None:  # noqa: ANN001
    wave: Wave = make_wave("w3")
    client = signed_in(wave.units.order_by("name").first())
    assert client.get("/survey/sections/").status_code == 200
    assert client.get("/survey/answers/").url == "/survey/sections/"


def test_flow_menu_keeps_a_questionnaire_without_a_menu_on_its_sections_page(tmp_path: Path) -> None:
    menu_style = tmp_path / "menu-style.yaml"
    menu_style.write_text(LINEAR.read_text(encoding="utf-8").replace("flow: linear", "flow: menu"), encoding="utf-8")
    client = signed_in(open_wave_of(menu_style, "forums-menu").units.order_by("name").first())
    page = client.get("/survey/sections/")
    assert page.status_code == 200
    assert 'href="/survey/sections/about/"' in page.content.decode()
    first = client.get("/survey/sections/about/Members/").content.decode()
    assert back_link(first) == "/survey/sections/" and ">Sections<" in first  # back to the menu, as before
