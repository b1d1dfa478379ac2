"""The back office's wave screens through Django's test client: roles, the tracking, the new wave form, audit."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from omnibus.fieldwork.audit import record
from omnibus.fieldwork.models import AuditEvent, QuestionnaireVersion, SectionState, Wave
from tests.waves import new_wave

KNOWN_LA = "Darlington"  # a unit of the frame, unit key 841

# The checks read every wave there is (`Wave.objects.get()`, the wave list): the simulated wave would be one.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_simulated_wave")]


def make_wave(
    slug: str = "w3", opens_in: timedelta = timedelta(days=-1), length: timedelta = timedelta(days=10)
) -> Wave:
    """A wave of the 152 LAs, opening `opens_in` from now."""
    opens = timezone.now() + opens_in
    return new_wave(slug, opens, opens + length, title="Wave 3")


@pytest.fixture
def wave() -> Wave:
    made = make_wave()
    darlington = made.units.get(unit__key="841")
    SectionState.objects.create(wave_unit=darlington, section="csc", status=SectionState.COMPLETED)
    return made


@pytest.mark.parametrize("url", ["/office/", "/office/waves/w3/", "/office/waves/new/", "/office/audit/"])
def test_anonymous_is_sent_to_sign_in(wave: Wave, client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_user_of_no_role_is_refused(wave: Wave) -> None:
    client = Client()
    client.force_login(User.objects.create_user("nobody"))
    assert client.get("/office/").status_code == 403


def test_client_sees_figures_but_no_unit_names(wave: Wave, signed_in) -> None:
    client = signed_in("client")
    for url, noun in (("/office/", "units"), ("/office/waves/w3/", "local authorities")):
        page = client.get(url).content.decode()
        assert "Children&#x27;s Social Care" in page and f"1 of 152 {noun} have responded" in page
        assert KNOWN_LA not in page and "/contacts/" not in page
        assert "Create a wave" not in page and "Open the wave" not in page and "Close the wave" not in page


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/office/waves/new/"),
        ("post", "/office/waves/new/"),
        ("post", "/office/waves/w3/state/"),
        ("get", "/office/audit/"),
    ],
)
def test_client_may_not_change_or_read_the_trail(wave: Wave, method: str, url: str, signed_in) -> None:
    response = getattr(signed_in("client"), method)(url, {"action": "close"})
    assert response.status_code == 403
    assert wave.state(timezone.now()) == "open" and Wave.objects.get().closes_at == wave.closes_at


def test_researcher_sees_units_with_links_to_their_pages(wave: Wave, signed_in) -> None:
    page = signed_in("researcher").get("/office/waves/w3/").content.decode()
    row = page.split(KNOWN_LA)[0].rsplit("<tr", 1)[1] + page.split(KNOWN_LA)[1].split("</tr>")[0]
    assert 'href="/office/waves/w3/units/841/"' in row
    assert "Completed" in row and "Not started" in row
    assert "Close the wave now" in page


def test_list_shows_state_dates_units_and_rates(wave: Wave, signed_in) -> None:
    page = signed_in("researcher").get("/office/").content.decode()
    assert "Create a wave" in page and "Open" in page and ">152<" in page
    csc = page.split("Children&#x27;s Social Care")[1].split("</tr>")[0]
    assert re.findall(r'numeric">([^<]*)</td>', csc) == ["1", "0", "1%"]


def form(**changes: str) -> dict[str, str]:
    data = {
        "slug": "w4",
        "title": "Wave 4",
        "questionnaire": str(QuestionnaireVersion.objects.get().pk),
        "frame_as_of": "2017-09-01",
        "opens": "2018-03-01 09:00",
        "closes": "2018-04-01 17:00",
        "kind": "pilot",
    }
    return {**data, **changes}


def test_researcher_creates_a_wave(wave: Wave, signed_in) -> None:
    client = signed_in("researcher")
    assert "Questionnaire version" in client.get("/office/waves/new/").content.decode()
    response = client.post("/office/waves/new/", form())
    assert response.status_code == 302 and response["Location"] == "/office/waves/w4/"
    made = Wave.objects.get(slug="w4")
    assert made.kind == "pilot" and made.units.count() == 152
    assert timezone.localtime(made.opens_at).hour == 9
    event = AuditEvent.objects.get(action="changed", wave=made)
    assert event.actor == "researcher-user" and "created wave" in event.detail


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"opens": "1 March"}, "Enter a date and time like 2017-10-02 09:00"),
        ({"closes": "2018-02-01 09:00"}, "The wave must close after it opens"),
        ({"slug": "w3"}, "There is already a wave called w3"),
        ({"frame_as_of": "2001-01-01"}, "2001-01-01"),
        ({"title": ""}, "Enter the wave&#x27;s title"),
    ],
)
def test_new_wave_errors_are_in_the_summary(wave: Wave, changes: dict[str, str], message: str, signed_in) -> None:
    response = signed_in("researcher").post("/office/waves/new/", form(**changes))
    page = response.content.decode()
    assert response.status_code == 400 and "There is a problem" in page
    assert message in page.split("govuk-error-summary__list")[1].split("</ul>")[0]
    assert not Wave.objects.filter(slug="w4").exists()


def test_researcher_closes_and_reopens_from_the_page(wave: Wave, signed_in) -> None:
    client = signed_in("researcher")
    asked = client.post("/office/waves/w3/state/", {"action": "close"})
    page = asked.content.decode()
    assert asked.status_code == 200 and "Close the wave now?" in page and "govuk-warning-text" in page
    assert 'name="confirm" value="yes"' in page and Wave.objects.get().state(timezone.now()) == "open"
    assert client.post("/office/waves/w3/state/", {"action": "close", "confirm": "yes"}).status_code == 302
    assert Wave.objects.get().state(timezone.now()) == "closed"
    until = timezone.localtime(timezone.now() + timedelta(days=3)).strftime("%Y-%m-%d %H:%M")
    asked = client.post("/office/waves/w3/state/", {"action": "reopen", "until": until})
    assert asked.status_code == 200 and "Reopen the wave until" in asked.content.decode()
    assert f'name="until" value="{until}"' in asked.content.decode()
    assert Wave.objects.get().state(timezone.now()) == "closed"
    confirmed = {"action": "reopen", "until": until, "confirm": "yes"}
    assert client.post("/office/waves/w3/state/", confirmed).status_code == 302
    assert Wave.objects.get().state(timezone.now()) == "open"
    assert AuditEvent.objects.filter(action="changed", wave=wave, actor="researcher-user").count() == 2


def test_erasing_from_the_page_asks_first_and_keeps_to_the_retention_date(wave: Wave, signed_in) -> None:
    from datetime import date

    from omnibus.fieldwork.contacts import add_contact
    from omnibus.fieldwork.models import Contact
    from omnibus.fieldwork.retention import set_retention

    client = signed_in("researcher")
    add_contact(wave.units.get(name="Darlington"), "test", "Sam Example", "sam@example.com")
    assert "No retention date is set" in client.get("/office/waves/w3/").content.decode()
    refused = client.post("/office/waves/w3/state/", {"action": "erase", "confirm": "yes"})
    assert refused.status_code == 400 and "has no retention date" in refused.content.decode()
    set_retention(wave, date(2018, 3, 31), "test")
    page = client.get("/office/waves/w3/").content.decode()
    assert 'value="erase"' in page and "kept until 31 March 2018" in page
    asked = client.post("/office/waves/w3/state/", {"action": "erase"})
    page = asked.content.decode()
    assert asked.status_code == 200 and "Erase the wave's contact details?" in page
    assert "<li>1 contacts</li>" in page and "<li>152 access codes</li>" in page
    assert "<li>0 respondent names and roles</li>" in page and "<li>0 call notes</li>" in page
    assert Contact.objects.filter(wave_unit__wave=wave).count() == 1
    done = client.post("/office/waves/w3/state/", {"action": "erase", "confirm": "yes"})
    assert done.status_code == 302 and not Contact.objects.filter(wave_unit__wave=wave).exists()
    assert "Erased 152 access codes, 1 contacts" in client.get("/office/waves/w3/").content.decode()
    assert AuditEvent.objects.filter(action="erased", wave=wave, actor="researcher-user").exists()


def test_a_refused_state_change_is_explained(wave: Wave, signed_in) -> None:
    client = signed_in("researcher")
    response = client.post("/office/waves/w3/state/", {"action": "open"})
    assert response.status_code == 400 and "wave w3 is already open" in response.content.decode()
    client.post("/office/waves/w3/state/", {"action": "close", "confirm": "yes"})
    response = client.post("/office/waves/w3/state/", {"action": "reopen", "until": "soon"})
    assert response.status_code == 400 and "Enter the new closing time like" in response.content.decode()
    assert client.get("/office/waves/w3/state/").status_code == 405


def test_audit_screen_filters_and_explains_bad_filters(wave: Wave, signed_in) -> None:
    other = make_wave("w5")
    record("system", "viewed", wave=wave, detail="seen in w3")
    record("system", "exported", wave=other, detail="exported from w5")
    client = signed_in("researcher")
    page = client.get("/office/audit/", {"wave": "w3"}).content.decode()
    assert "seen in w3" in page and "exported from w5" not in page
    page = client.get("/office/audit/", {"action": "exported"}).content.decode()
    assert "exported from w5" in page and "seen in w3" not in page
    for params, message in (({"wave": "nope"}, "There is no wave called"), ({"action": "ate"}, "is not an action")):
        response = client.get("/office/audit/", params)
        assert response.status_code == 400 and message in response.content.decode()


def test_with_two_populations_loaded_the_new_wave_form_asks_which(wave: Wave, signed_in, tmp_path) -> None:
    from datetime import date

    from omnibus.frame.store import load_frame
    from tests.populations import tiny_population

    schema, frame_file = tiny_population(tmp_path)
    load_frame(frame_file, date(2017, 9, 1), str(schema))
    client = signed_in("researcher")
    page = client.get("/office/waves/new/").content.decode()
    assert '<select class="govuk-select" id="id_population"' in page and "Tiny made-up forums" in page
    missing = client.post("/office/waves/new/", form())
    assert missing.status_code == 400 and "Choose the population" in missing.content.decode()
    response = client.post("/office/waves/new/", form(population="tiny-forums"))
    assert response.status_code == 302
    made = Wave.objects.get(slug="w4")
    assert made.population.slug == "tiny-forums" and made.units.count() == 3


def test_with_one_population_the_new_wave_form_does_not_ask(wave: Wave, signed_in) -> None:
    assert 'id="id_population"' not in signed_in("researcher").get("/office/waves/new/").content.decode()
