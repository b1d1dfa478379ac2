"""The back office answers odd ids, huge numbers, long upload names and huge fields with a page, not a 500."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from omnibus.fieldwork.contacts import add_contact
from omnibus.fieldwork.messages import load_template
from omnibus.fieldwork.models import Contact, Wave, WaveUnit
from omnibus.fieldwork.outbox import queue_campaign, record_bounce
from tests.waves import HANDFUL

pytestmark = pytest.mark.django_db

ODD_IDS = ["²", "٣", "1e3", "-1", "99999999999999999999999", " ", "1;2"]


@pytest.fixture
def wave(small_wave) -> Wave:  # noqa: ANN001
    closes = timezone.make_aware(datetime(2017, 10, 13, 17, 0))
    return small_wave("w3", closes - timedelta(days=40), closes, units=(*HANDFUL, "302"))


@pytest.fixture
def unit(wave: Wave) -> WaveUnit:
    found = wave.units.select_related("unit").get(name="Barnsley")
    add_contact(found, "test", "Ada Example", "ada@example.com")
    return found


def test_odd_contact_ids_are_400_not_500(researcher: Client, wave: Wave, unit: WaveUnit) -> None:
    url = reverse("office:unit_contacts", args=[wave.slug, unit.unit.key])
    for odd in ODD_IDS:
        for action in ("main", "remove"):
            assert researcher.post(url, {"action": action, "contact": odd}).status_code == 400, odd
    assert Contact.objects.filter(wave_unit=unit).count() == 1


def test_ids_too_big_for_the_database_are_no_page(researcher: Client, wave: Wave, unit: WaveUnit) -> None:
    huge = "9" * 25
    for url in (f"/office/waves/{wave.slug}/contacts/{huge}/", f"/office/waves/{wave.slug}/messages/{huge}/"):
        assert researcher.get(url).status_code == 404, url
    assert researcher.get(f"/office/coding/{wave.slug}/SocImprov/answer/{huge}/").status_code == 404


def test_a_bounce_of_an_odd_message_id_is_an_error(researcher: Client, wave: Wave, unit: WaveUnit) -> None:
    queued = queue_campaign(wave, load_template("invitation"), "everyone")
    url = reverse("office:campaign", args=[wave.slug, queued.campaign.pk])
    for odd in ODD_IDS:
        response = researcher.post(url, {"action": "bounce", "message": odd, "reason": "550 no such user"})
        assert response.status_code == 400, odd
    with pytest.raises(LookupError):
        record_bounce("²", "550")


def test_a_long_non_ascii_upload_name_is_imported_under_its_name(researcher: Client, wave: Wave) -> None:
    name = "contacts-" + "é" * 200 + ".csv"
    body = b"unit_key,name,email,main\n302,Ada Example,ada@example.com,yes\n"
    url = reverse("office:import_contacts", args=[wave.slug])
    response = researcher.post(url, {"contacts_file": SimpleUploadedFile(name, body, "text/csv")}, follow=True)
    assert response.status_code == 200 and "1 contacts added" in response.content.decode()


def test_a_field_over_128_kib_is_a_located_problem(researcher: Client, wave: Wave) -> None:
    huge = b"302," + b"x" * 200_000 + b",b@example.com,no\n"
    body = b"unit_key,name,email,main\n302,Ada Example,ada@example.com,yes\n" + huge
    url = reverse("office:import_contacts", args=[wave.slug])
    response = researcher.post(url, {"contacts_file": SimpleUploadedFile("big.csv", body, "text/csv")})
    assert response.status_code == 400
    assert "big.csv:3: not readable as CSV (a field longer than 128 KiB characters)" in response.content.decode()
    assert not Contact.objects.filter(wave_unit__wave=wave).exists()


def test_odd_theme_and_filter_values_on_the_coding_screen_are_not_500(researcher: Client) -> None:
    screen = "/office/coding/cso-w3-simulated/SocImprov/"
    for odd in ODD_IDS:
        assert researcher.get(screen, {"show": odd}).status_code == 200, odd
        response = researcher.post(screen, {"action": "code", "theme": odd, "answer": odd})
        assert response.status_code == 302, odd
