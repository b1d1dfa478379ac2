"""The back office's contacts screens: who may see them, adding, editing, main contact, nomination, audit."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from omnibus.fieldwork.contacts import add_contact
from omnibus.fieldwork.messages import load_template
from omnibus.fieldwork.models import AuditEvent, Contact, Message, Nomination, Wave, WaveUnit
from omnibus.fieldwork.outbox import queue_campaign
from tests.waves import HANDFUL


@pytest.fixture
def wave(small_wave) -> Wave:  # noqa: ANN001
    """Wave w3 of a handful of LAs with Barnsley and Barnet, open for 40 days until 13 October 2017."""
    closes = timezone.make_aware(datetime(2017, 10, 13, 17, 0))
    return small_wave("w3", closes - timedelta(days=40), closes, units=(*HANDFUL, "302"))


@pytest.fixture
def unit(wave: Wave) -> WaveUnit:
    return wave.units.select_related("unit").get(name="Barnsley")


def unit_url(unit: WaveUnit) -> str:
    return reverse("office:unit_contacts", args=[unit.wave.slug, unit.unit.key])


def test_a_client_is_refused_every_contacts_page(wave: Wave, unit: WaveUnit, signed_in) -> None:
    contact = add_contact(unit, "test", "Ada Example", "ada@example.org")
    client = signed_in("client")
    urls = [
        reverse("office:wave_contacts", args=[wave.slug]),
        unit_url(unit),
        reverse("office:edit_contact", args=[wave.slug, contact.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"action": "remove", "contact": contact.pk}).status_code == 403, url
    assert Contact.objects.filter(pk=contact.pk).exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.VIEWED).exists()


def test_signed_out_visitors_are_sent_to_sign_in(wave: Wave) -> None:
    response = Client().get(reverse("office:wave_contacts", args=[wave.slug]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_unknown_wave_or_unit_is_a_404_page(researcher: Client, wave: Wave) -> None:
    assert researcher.get(reverse("office:wave_contacts", args=["nope"])).status_code == 404
    assert researcher.get(reverse("office:unit_contacts", args=[wave.slug, "E99999999"])).status_code == 404
    assert researcher.get(reverse("office:edit_contact", args=[wave.slug, 999999])).status_code == 404
    assert researcher.post(reverse("office:unit_contacts", args=["nope", "x"]), {"action": "add"}).status_code == 404


def test_the_wave_list_shows_main_contact_count_and_nomination(researcher: Client, wave: Wave, unit: WaveUnit) -> None:
    add_contact(unit, "test", "Ada Example", "ada@example.org", is_main=True)
    add_contact(unit, "test", "Bo Second", "bo@example.org")
    Nomination.objects.create(wave_unit=unit, status=Nomination.NOMINATED)
    response = researcher.get(reverse("office:wave_contacts", args=[wave.slug]))
    assert response.status_code == 200
    row = [r for r in response.context["rows"] if r["unit"].pk == unit.pk][0]
    assert (row["main"].name, row["unit"].contact_count, row["nomination"]) == ("Ada Example", 2, "Nominated")
    assert len(response.context["rows"]) == wave.units.count()
    assert b"ada@example.org" in response.content
    assert AuditEvent.objects.filter(action=AuditEvent.VIEWED, wave=wave).exists()


def test_the_contacts_pages_title_is_text_not_the_import_form(researcher: Client, wave: Wave) -> None:
    for response in (
        researcher.get(reverse("office:wave_contacts", args=[wave.slug])),
        researcher.post(reverse("office:import_contacts", args=[wave.slug])),  # no file: the page with an error
    ):
        title = response.content.decode().split("<title>")[1].split("</title>")[0]
        assert "<" not in title and "Contacts: " in title, title
        assert response.content.decode().count('name="contacts_file"') == 1


def test_viewing_a_units_contacts_is_audited_as_viewed(researcher: Client, unit: WaveUnit) -> None:
    add_contact(unit, "test", "Ada Example", "ada@example.org")
    response = researcher.get(unit_url(unit))
    assert response.status_code == 200 and b"Ada Example" in response.content
    event = AuditEvent.objects.get(action=AuditEvent.VIEWED)
    assert (event.actor, event.object_id, event.wave_id) == ("researcher-user", str(unit.pk), unit.wave_id)


def test_adding_a_contact_redirects_back_and_is_audited(researcher: Client, unit: WaveUnit) -> None:
    data = {"action": "add", "name": "Ada Example", "email": "Ada@Example.org", "phone": "01234 567890", "role": "Lead"}
    response = researcher.post(unit_url(unit), data)
    assert response.status_code == 302 and response["Location"] == unit_url(unit)
    contact = unit.contacts.get()
    assert (contact.name, contact.email, contact.is_main) == ("Ada Example", "ada@example.org", True)
    assert AuditEvent.objects.filter(action=AuditEvent.CHANGED, object_id=str(contact.pk)).exists()
    assert b"Contact Ada Example added" in researcher.get(unit_url(unit)).content


def test_a_bad_email_is_shown_as_a_govuk_error_and_nothing_is_saved(researcher: Client, unit: WaveUnit) -> None:
    response = researcher.post(unit_url(unit), {"action": "add", "name": "Ada", "email": "not-an-email"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page and 'href="#email"' in page
    assert "is not an email address" in page and 'id="email-error"' in page
    assert 'value="not-an-email"' in page  # what was typed comes back to be corrected
    assert not unit.contacts.exists()


def test_missing_fields_are_errors_not_server_errors(researcher: Client, unit: WaveUnit) -> None:
    response = researcher.post(unit_url(unit), {"action": "add"})
    assert response.status_code == 400 and b"a name is needed" in response.content
    assert researcher.post(unit_url(unit), {}).status_code == 400
    assert researcher.post(unit_url(unit), {"action": "explode"}).status_code == 400
    assert researcher.post(unit_url(unit), {"action": "main", "contact": "abc"}).status_code == 400
    assert researcher.post(unit_url(unit), {"action": "remove", "contact": "999999"}).status_code == 400


def test_making_another_contact_main_leaves_only_one_main(researcher: Client, unit: WaveUnit) -> None:
    first = add_contact(unit, "test", "Ada Example", "ada@example.org")
    second = add_contact(unit, "test", "Bo Second", "bo@example.org")
    assert first.is_main and not second.is_main
    response = researcher.post(unit_url(unit), {"action": "main", "contact": second.pk})
    assert response.status_code == 302
    assert list(unit.contacts.filter(is_main=True).values_list("pk", flat=True)) == [second.pk]


def test_a_contact_of_another_unit_cannot_be_changed_from_this_page(
    researcher: Client, wave: Wave, unit: WaveUnit
) -> None:
    other = add_contact(wave.units.get(name="Barnet"), "test", "Cy Other", "cy@example.org")
    assert researcher.post(unit_url(unit), {"action": "remove", "contact": other.pk}).status_code == 400
    assert Contact.objects.filter(pk=other.pk).exists()


def test_editing_a_contact(researcher: Client, unit: WaveUnit) -> None:
    contact = add_contact(unit, "test", "Ada Example", "ada@example.org")
    url = reverse("office:edit_contact", args=[unit.wave.slug, contact.pk])
    page = researcher.get(url)
    assert page.status_code == 200 and b'value="ada@example.org"' in page.content
    bad = researcher.post(url, {"name": "Ada Example", "email": "ada@"})
    assert bad.status_code == 400 and b"govuk-error-summary" in bad.content
    response = researcher.post(url, {"name": "Ada Lovelace", "email": "ada@example.org", "phone": "", "role": "Head"})
    assert response.status_code == 302 and response["Location"] == unit_url(unit)
    contact.refresh_from_db()
    assert (contact.name, contact.role) == ("Ada Lovelace", "Head")
    assert AuditEvent.objects.filter(action=AuditEvent.CHANGED, detail="changed name, role").exists()


def test_removing_the_main_contact_promotes_the_next(researcher: Client, unit: WaveUnit) -> None:
    first = add_contact(unit, "test", "Ada Example", "ada@example.org")
    second = add_contact(unit, "test", "Bo Second", "bo@example.org")
    response = researcher.post(unit_url(unit), {"action": "remove", "contact": first.pk})
    assert response.status_code == 302
    assert list(unit.contacts.values_list("pk", "is_main")) == [(second.pk, True)]


def test_nomination_status_changes_and_is_audited(researcher: Client, unit: WaveUnit) -> None:
    response = researcher.post(unit_url(unit), {"action": "nomination", "nomination": "requested"})
    assert response.status_code == 302
    assert Nomination.objects.get(wave_unit=unit).status == Nomination.REQUESTED
    assert AuditEvent.objects.filter(action=AuditEvent.CHANGED, detail__contains="nomination").exists()
    page = researcher.get(unit_url(unit)).content.decode()
    assert 'value="requested" checked' in page
    bad = researcher.post(unit_url(unit), {"action": "nomination", "nomination": "maybe"})
    assert bad.status_code == 400 and b"is not one of" in bad.content


def test_failed_and_bounced_messages_show_against_the_contact(researcher: Client, unit: WaveUnit) -> None:
    add_contact(unit, "test", "Ada Example", "ada@example.org")
    queued = queue_campaign(unit.wave, load_template("invitation"), "everyone")
    Message.objects.filter(campaign=queued.campaign).update(status=Message.FAILED, last_error="550 no such user")
    page = researcher.get(unit_url(unit)).content.decode()
    assert "550 no such user" in page and "govuk-tag--red" in page
