"""The back office's call screens: researchers only, audited, GOV.UK errors on the log-a-call form."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from omnibus.fieldwork.contacts import import_contacts, wave_unit_by_key
from omnibus.fieldwork.models import AuditEvent, CallNote, Contact, SectionState, Wave

from .test_contacts import EXAMPLE_CONTACTS

pytestmark = pytest.mark.django_db
LIST, CSV, LOG = "/office/waves/w3/calls/", "/office/waves/w3/calls.csv", "/office/waves/w3/units/805/calls/"


@pytest.fixture
def wave(make_wave) -> Wave:  # noqa: ANN001
    """Wave 3 with the example contacts; unit 840 has completed a section."""
    made = make_wave()
    assert import_contacts(made, EXAMPLE_CONTACTS, "t").ok
    SectionState.objects.create(wave_unit=wave_unit_by_key(made, "840"), section="csc", status=SectionState.COMPLETED)
    return made


def test_the_call_list_shows_non_responders_with_the_main_number(wave: Wave, researcher: Client) -> None:
    page = researcher.get(LIST)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Morgan Tate" in html and "01632 960031" in html and "Alex Fenwick" not in html
    assert 'href="/office/waves/w3/calls.csv"' in html and "Download call list (CSV)" in html
    assert 'href="/office/waves/w3/units/805/calls/"' in html
    event = AuditEvent.objects.get(action="viewed")
    assert (event.actor, event.detail) == ("researcher-user", "call list (non-responders): 151 shown")


def test_the_csv_download_is_one_row_per_unit_and_audited(wave: Wave, researcher: Client) -> None:
    response = researcher.get(CSV)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert 'filename="w3-call-list.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == len({r["unit_key"] for r in rows}) == 151
    assert AuditEvent.objects.filter(action="exported", actor="researcher-user").count() == 1


def test_logging_a_call_redirects_to_the_list_and_shows_the_outcome(wave: Wave, researcher: Client) -> None:
    assert researcher.get(LOG).status_code == 200
    posted = researcher.post(LOG, {"outcome": "promised_date", "promised_for": "2018-03-31", "note": "by Friday"})
    assert posted.status_code == 302 and posted["Location"] == LIST
    call = CallNote.objects.get()
    assert (call.caller, call.user.username, call.outcome) == ("researcher-user", "researcher-user", "promised_date")
    assert "Promised a date" in researcher.get(LIST).content.decode()
    assert AuditEvent.objects.filter(action="changed", detail="call logged for unit 805: promised_date").exists()


def test_a_new_contact_from_the_form_is_added(wave: Wave, researcher: Client) -> None:
    form = {"outcome": "new_contact_given", "new_contact_name": "Dana Reyes", "new_contact_email": "dana@example.com"}
    assert researcher.post(LOG, form).status_code == 302
    assert Contact.objects.filter(wave_unit__unit__key="805", email="dana@example.com").exists()


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({}, "Select what came of the call"),
        ({"outcome": "promised_date"}, "Give the date they promised to reply by"),
        ({"outcome": "promised_date", "promised_for": "31/03/2018"}, "Enter the promised date as year-month-day"),
        ({"outcome": "new_contact_given", "new_contact_name": "Dana", "new_contact_email": "x"}, "is not an email"),
    ],
)
def test_wrong_forms_show_govuk_errors_and_save_nothing(
    wave: Wave, researcher: Client, form: dict, message: str
) -> None:
    page = researcher.post(LOG, form)
    html = page.content.decode()
    assert page.status_code == 400 and "There is a problem" in html and "govuk-error-summary" in html
    assert message in html and "<title>Error:" in html
    assert not CallNote.objects.exists()


@pytest.mark.parametrize("url", [LIST, CSV, LOG])
def test_clients_are_refused_and_strangers_sent_to_sign_in(wave: Wave, url: str, signed_in) -> None:  # noqa: ANN001
    client = signed_in("client")
    assert client.get(url).status_code == 403
    assert client.post(url, {"outcome": "spoke_to"}).status_code == 403
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    assert not AuditEvent.objects.filter(action__in=["viewed", "exported"]).exists()
    assert not CallNote.objects.exists()


def test_unknown_wave_or_unit_is_not_found(wave: Wave, researcher: Client) -> None:
    assert researcher.get("/office/waves/nope/calls/").status_code == 404
    assert researcher.get("/office/waves/w3/units/999/calls/").status_code == 404
