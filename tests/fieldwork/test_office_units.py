"""The wave page's unit list (search and filters) and a unit's own page, on the simulated Wave 3 wave."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils.html import escape

from omnibus.dataset.build import build_dataset
from omnibus.fieldwork.calls import log_call
from omnibus.fieldwork.codes import unseal
from omnibus.fieldwork.contacts import add_contact
from omnibus.fieldwork.messages import load_template
from omnibus.fieldwork.models import AuditEvent, Message, Wave
from omnibus.fieldwork.outbox import queue_campaign
from omnibus.fieldwork.progress import Response, wave_progress
from omnibus.frame.store import frame_as_of
from tests.waves import SIMULATED

PAGE = f"/office/waves/{SIMULATED}/"


@pytest.fixture
def simulated(db: None) -> Wave:
    """The set-up's simulated wave: 152 LAs, about half of them answered (seed 7)."""
    return Wave.objects.select_related("questionnaire", "population").get(slug=SIMULATED)


def listed(page: str) -> list[str]:
    """The unit keys the page's unit list links to, in order."""
    return re.findall(rf'href="/office/waves/{SIMULATED}/units/(\w+)/"', page)


def shown(client: Client, **query: str) -> tuple[int, str, list[str]]:
    response = client.get(PAGE, query)
    return response.status_code, response.content.decode(), listed(response.content.decode())


def test_the_unit_list_filters_by_response_and_counts(researcher: Client, simulated: Wave) -> None:
    progress = wave_progress(simulated)
    keys = dict(simulated.units.values_list("pk", "unit__key"))
    for response in Response:
        expected = {keys[pk] for pk, p in progress.items() if p.response == response}
        status, page, found = shown(researcher, status=response.value)
        assert status == 200 and set(found) == expected and len(found) == len(expected), response
        assert f"<strong>{len(expected)}</strong> of 152 units shown" in page
    assert len(shown(researcher)[2]) == 152


def test_the_unit_list_filters_by_a_sections_state(researcher: Client, simulated: Wave) -> None:
    progress = wave_progress(simulated)
    keys = dict(simulated.units.values_list("pk", "unit__key"))
    expected = {keys[pk] for pk, p in progress.items() if p.sections["eyc"] == Response.PARTIAL}
    assert expected, "the simulated wave has units part way through eyc"
    assert set(shown(researcher, section="eyc:partial")[2]) == expected


def test_the_unit_list_filters_by_the_populations_attributes(researcher: Client, simulated: Wave) -> None:
    frame = frame_as_of("england-la", simulated.frame_as_of)
    counties = {u.key for u in frame.units if u.attributes["type"] == "county"}
    north_counties = {u.key for u in frame.units if u.key in counties and u.attributes["region_group"] == "North"}
    status, page, found = shown(researcher, attr_type="county")
    assert set(found) == counties
    assert set(shown(researcher, attr_type="county", attr_region_group="North")[2]) == north_counties
    # The choices come from the population's schema: every category and band attribute, with its values.
    for name in ("attr_type", "attr_region", "attr_region_group", "attr_cin_band", "attr_ofsted"):
        assert f'name="{name}"' in page, name
    assert 'name="attr_fsm_pct"' not in page  # a number is not a list of values


def test_the_unit_list_searches_names_codes_and_access_codes(researcher: Client, simulated: Wave) -> None:
    darlington = simulated.units.get(unit__key="841")
    for text in ("darl", "841", "E06000005", unseal(darlington.code_sealed).lower().replace("-", " ")):
        assert shown(researcher, q=text)[2] == ["841"], text
    assert shown(researcher, q="zzz")[2] == []
    other = "none" if wave_progress(simulated)[darlington.pk].took_part else "complete"
    assert shown(researcher, q="Darlington", status=other)[2] == []


@pytest.mark.parametrize(
    "query",
    [
        {"status": "done"},
        {"section": "nope:complete"},
        {"section": "csc"},
        {"attr_type": "hamlet"},
        {"attr_type": "<b>"},
    ],
)
def test_a_bad_filter_is_named_not_a_crash(researcher: Client, simulated: Wave, query: dict[str, str]) -> None:
    status, page, found = shown(researcher, **query)
    assert status == 400 and "govuk-error-summary" in page and found == []
    assert escape(next(iter(query.values()))) in page and "<b>" not in page.split("govuk-error-summary")[1]


def test_odd_search_text_is_searched_not_a_crash(researcher: Client, simulated: Wave) -> None:
    for text in ("é" * 500, "'; drop table", "%", "\u202e"):
        status, page, _ = shown(researcher, q=text)
        assert status == 200, text


def test_a_client_sees_no_unit_list_and_no_unit_page(signed_in, simulated: Wave) -> None:  # noqa: ANN001
    client = signed_in("client")
    page = client.get(PAGE, {"q": "Darlington"}).content.decode()
    assert "Darlington" not in page and listed(page) == []
    assert client.get(f"{PAGE}units/841/").status_code == 403
    anonymous = Client().get(f"{PAGE}units/841/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")


def test_an_unknown_unit_or_wave_is_not_found(researcher: Client, simulated: Wave) -> None:
    assert researcher.get(f"{PAGE}units/999/").status_code == 404
    assert researcher.get("/office/waves/nope/units/841/").status_code == 404


def test_the_unit_page_shows_the_answers_as_the_dataset_holds_them(researcher: Client, simulated: Wave) -> None:
    progress = wave_progress(simulated)
    unit = next(u for u in simulated.units.select_related("unit").order_by("name") if progress[u.pk].completed_any)
    key = unit.unit.key
    response = researcher.get(f"{PAGE}units/{key}/")
    page = response.content.decode()
    assert response.status_code == 200 and unit.name in page
    dataset = build_dataset(simulated)
    row = dataset.data.filter(dataset.data["unit"] == key).row(0, named=True)
    for variable in dataset.variables:
        value = row[variable.name]
        cell = '<span class="govuk-hint">(empty)</span>' if value is None else escape(str(value))
        assert f'data-variable="{variable.name}">{cell}</td>' in page, variable.name
    assert "Not asked" in page  # the missing codes are labelled as the codebook labels them
    assert AuditEvent.objects.filter(action=AuditEvent.VIEWED, object_id=str(unit.pk)).exists()


def test_the_unit_page_has_contacts_messages_calls_and_a_timeline(researcher: Client, simulated: Wave) -> None:
    unit = next(u for u in simulated.units.select_related("unit") if wave_progress(simulated, [u])[u.pk].took_part)
    add_contact(unit, "test", "Sam Example", "sam@example.com", phone="01632 960001")
    queue_campaign(simulated, load_template("invitation"), "everyone")
    Message.objects.filter(wave_unit=unit).update(status=Message.SENT, sent_at=simulated.opens_at)
    log_call(unit, "test", "spoke_to", None, "will finish by Friday", None)
    page = researcher.get(f"{PAGE}units/{unit.unit.key}/").content.decode()
    assert "Sam Example" in page and "01632 960001" in page and "will finish by Friday" in page
    timeline = page.split('id="timeline"')[1].split("</ol>")[0]
    whats = re.findall(r"</strong> (\w[\w ]*?)(?::|</li>)", timeline)
    assert whats[0] == "Invited" and "Started" in whats and "Called" in whats
    assert whats.index("Invited") < whats.index("Started") and whats[-1] == "Called"
