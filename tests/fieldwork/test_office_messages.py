"""The back office's message screens: campaigns, preview for one unit, send to an audience, bounces."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from omnibus.fieldwork.codes import unseal
from omnibus.fieldwork.contacts import add_contact
from omnibus.fieldwork.messages import load_template
from omnibus.fieldwork.models import AuditEvent, Campaign, Message, SectionState, Wave, WaveUnit
from omnibus.fieldwork.outbox import queue_campaign
from tests.waves import HANDFUL


@pytest.fixture
def wave(small_wave) -> Wave:  # noqa: ANN001
    """Wave w3 of a handful of LAs with Barnsley, Barnet and Bexley, open for 40 days until 13 October 2017."""
    closes = timezone.make_aware(datetime(2017, 10, 13, 17, 0))
    return small_wave("w3", closes - timedelta(days=40), closes, units=(*HANDFUL, "302", "303"))


@pytest.fixture
def units(wave: Wave) -> dict[str, WaveUnit]:
    """Three units with a contact each: Barnsley has done csc, Barnet started eyc, Bexley nothing."""
    found = {name: wave.units.select_related("unit").get(name=name) for name in ("Barnsley", "Barnet", "Bexley")}
    for name, unit in found.items():
        add_contact(unit, "test", f"{name} Lead", f"lead@{name.lower()}.example.org")
    SectionState.objects.create(wave_unit=found["Barnsley"], section="csc", status=SectionState.COMPLETED)
    SectionState.objects.create(wave_unit=found["Barnet"], section="eyc", status=SectionState.IN_PROGRESS)
    return found


def messages_url(wave: Wave) -> str:
    return reverse("office:wave_messages", args=[wave.slug])


def test_a_client_is_refused_every_messages_page(wave: Wave, units: dict[str, WaveUnit], signed_in) -> None:
    queued = queue_campaign(wave, load_template("invitation"), "everyone")
    client = signed_in("client")
    urls = [
        messages_url(wave),
        reverse("office:message_preview", args=[wave.slug]) + f"?template=invitation&unit={units['Barnsley'].unit.key}",
        reverse("office:campaign", args=[wave.slug, queued.campaign.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 403, url
    assert client.post(messages_url(wave), {"template": "invitation", "audience": "everyone"}).status_code == 403
    assert Campaign.objects.count() == 1


def test_the_form_offers_the_templates_audiences_and_units(researcher: Client, wave: Wave) -> None:
    response = researcher.get(messages_url(wave))
    assert response.status_code == 200
    page = response.content.decode()
    for value in ("invitation", "reminder", "everyone", "not-started", "partial", "unfinished", "section:csc"):
        assert f'value="{value}"' in page, value
    assert "Barnsley</option>" in page
    # The forums' templates merge {{ area }}, which the LAs' population does not have: not offered.
    assert "parent-carer-forums-invitation" not in page
    forums_template = {"template": "parent-carer-forums-invitation", "audience": "everyone"}
    refused = researcher.post(messages_url(wave), forums_template)
    assert refused.status_code == 400 and "there is no template" in refused.content.decode()


def test_the_preview_shows_the_units_own_code_and_name(researcher: Client, wave: Wave, units: dict) -> None:
    unit = units["Barnsley"]
    url = reverse("office:message_preview", args=[wave.slug])
    response = researcher.get(url, {"template": "invitation", "unit": unit.unit.key, "audience": "everyone"})
    assert response.status_code == 200
    page = response.content.decode()
    assert unseal(unit.code_sealed) in page and "Barnsley" in page and "Dear Barnsley Lead," in page
    assert unseal(units["Barnet"].code_sealed) not in page
    assert not Campaign.objects.exists() and not Message.objects.exists()  # a preview sends and stores nothing
    assert AuditEvent.objects.filter(action=AuditEvent.VIEWED, object_id=str(unit.pk)).exists()


def test_a_preview_with_a_missing_or_unknown_choice_is_an_error(researcher: Client, wave: Wave, units: dict) -> None:
    url = reverse("office:message_preview", args=[wave.slug])
    key = units["Barnsley"].unit.key
    for query in ({}, {"template": "nope", "unit": key}, {"template": "invitation", "unit": "E0"}):
        response = researcher.get(url, query)
        assert response.status_code == 400 and b"govuk-error-summary" in response.content, query


def test_sending_queues_only_the_chosen_audience(researcher: Client, wave: Wave, units: dict) -> None:
    response = researcher.post(messages_url(wave), {"template": "reminder", "audience": "section:csc"})
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("office:campaign", args=[wave.slug, campaign.pk])
    sent_to = set(campaign.messages.values_list("recipient_email", flat=True))
    assert sent_to == {"lead@barnet.example.org", "lead@bexley.example.org"}  # Barnsley finished csc
    assert AuditEvent.objects.filter(action=AuditEvent.SENT, object_id=str(campaign.pk)).exists()
    page = researcher.get(response["Location"]).content.decode()
    assert "lead@barnet.example.org" in page and "lead@barnsley.example.org" not in page
    assert "2 messages queued" in page


def test_sending_to_partial_units(researcher: Client, wave: Wave, units: dict) -> None:
    researcher.post(messages_url(wave), {"template": "invitation", "audience": "partial"})
    emails = set(Message.objects.values_list("recipient_email", flat=True))
    assert emails == {"lead@barnsley.example.org", "lead@barnet.example.org"}


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"template": "nope", "audience": "everyone"},
        {"template": "invitation", "audience": "some"},
        {"audience": "x"},
    ],
)
def test_malformed_sends_are_errors_and_queue_nothing(researcher: Client, wave: Wave, data: dict) -> None:
    response = researcher.post(messages_url(wave), data)
    assert response.status_code == 400 and b"govuk-error-summary" in response.content
    assert not Campaign.objects.exists()


def test_an_unknown_section_audience_is_an_error(researcher: Client, wave: Wave) -> None:
    response = researcher.post(messages_url(wave), {"template": "invitation", "audience": "section:nope"})
    assert response.status_code == 400 and not Campaign.objects.exists()


def test_the_wave_page_counts_messages_by_status(researcher: Client, wave: Wave, units: dict) -> None:
    queued = queue_campaign(wave, load_template("invitation"), "everyone")
    Message.objects.filter(recipient_email="lead@barnet.example.org").update(status=Message.FAILED)
    response = researcher.get(messages_url(wave))
    row = response.context["campaigns"][0]
    assert (row.pk, row.queued, row.failed, row.sent, row.total) == (queued.campaign.pk, 2, 1, 0, 3)


def test_a_failed_message_shows_its_error(researcher: Client, wave: Wave, units: dict) -> None:
    queued = queue_campaign(wave, load_template("invitation"), "everyone")
    Message.objects.filter(recipient_email="lead@barnet.example.org").update(
        status=Message.FAILED, attempts=8, last_error="gave up: 451 try again later"
    )
    page = researcher.get(reverse("office:campaign", args=[wave.slug, queued.campaign.pk])).content.decode()
    assert "gave up: 451 try again later" in page and "govuk-tag--red" in page


def test_recording_a_bounce(researcher: Client, wave: Wave, units: dict) -> None:
    queued = queue_campaign(wave, load_template("invitation"), "everyone")
    message = Message.objects.get(recipient_email="lead@bexley.example.org")
    Message.objects.filter(pk=message.pk).update(status=Message.SENT, sent_at=timezone.now())
    url = reverse("office:campaign", args=[wave.slug, queued.campaign.pk])
    response = researcher.post(url, {"message": message.pk, "reason": "550 mailbox unavailable"})
    assert response.status_code == 302 and response["Location"] == url
    message.refresh_from_db()
    assert (message.status, message.last_error) == (Message.BOUNCED, "550 mailbox unavailable")
    assert AuditEvent.objects.filter(action=AuditEvent.CHANGED, object_id=str(message.pk)).exists()
    page = researcher.get(url).content.decode()
    assert "550 mailbox unavailable" in page and "Bounced" in page


def test_malformed_bounces_are_errors(researcher: Client, wave: Wave, units: dict) -> None:
    queued = queue_campaign(wave, load_template("invitation"), "everyone")
    url = reverse("office:campaign", args=[wave.slug, queued.campaign.pk])
    queued_message = Message.objects.first()
    for data in (
        {},
        {"message": "x", "reason": "r"},
        {"message": 999999, "reason": "r"},
        {"message": queued_message.pk},
    ):
        response = researcher.post(url, data)
        assert response.status_code == 400 and b"govuk-error-summary" in response.content, data
    assert not Message.objects.filter(status=Message.BOUNCED).exists()


def test_unknown_wave_or_campaign_is_a_404(researcher: Client, wave: Wave) -> None:
    assert researcher.get(reverse("office:wave_messages", args=["nope"])).status_code == 404
    assert researcher.get(reverse("office:campaign", args=[wave.slug, 999999])).status_code == 404
    assert researcher.get(reverse("office:message_preview", args=["nope"])).status_code == 404
