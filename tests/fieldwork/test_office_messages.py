"""The back office's message screens: campaigns, preview for one unit, send to an audience, bounces."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

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
    urls = [messages_url(wave), reverse("office:campaign", args=[wave.slug, queued.campaign.pk])]
    for url in urls:
        assert client.get(url).status_code == 403, url
    chosen = {"template": "invitation", "audience": "everyone", "unit": units["Barnsley"].unit.key}
    for name in ("wave_messages", "message_preview", "send_confirm"):
        assert client.post(reverse(f"office:{name}", args=[wave.slug]), chosen).status_code == 403, name
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
    response = researcher.post(url, {"template": "invitation", "unit": unit.unit.key, "audience": "everyone"})
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
        response = researcher.post(url, query)
        assert response.status_code == 400 and b"govuk-error-summary" in response.content, query


def send(client: Client, wave: Wave, template: str, audience: str):  # noqa: ANN201 - the response
    """Send as a researcher does: Send, then the confirmation page's button (its form, key and all)."""
    chosen = {"template": template, "audience": audience}
    confirm = client.post(reverse("office:send_confirm", args=[wave.slug]), chosen)
    assert confirm.status_code == 200, confirm.content.decode()[:2000]
    return client.post(messages_url(wave), {"template": template, "audience": audience, "key": confirm.context["key"]})


def test_sending_queues_only_the_chosen_audience(researcher: Client, wave: Wave, units: dict) -> None:
    response = send(researcher, wave, "reminder", "section:csc")
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
    send(researcher, wave, "invitation", "partial")
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
    for url in (messages_url(wave), reverse("office:send_confirm", args=[wave.slug])):
        response = researcher.post(url, data | {"key": "0" * 32})
        assert response.status_code == 400 and b"govuk-error-summary" in response.content
    assert not Campaign.objects.exists()


def test_an_unknown_section_audience_is_an_error(researcher: Client, wave: Wave) -> None:
    for url in (messages_url(wave), reverse("office:send_confirm", args=[wave.slug])):
        response = researcher.post(url, {"template": "invitation", "audience": "section:nope", "key": "0" * 32})
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
    assert researcher.post(reverse("office:message_preview", args=["nope"])).status_code == 404
    assert researcher.post(reverse("office:send_confirm", args=["nope"])).status_code == 404


def test_send_leads_to_a_confirmation_that_queues_nothing(researcher: Client, wave: Wave, units: dict) -> None:
    Message.objects.all().delete()
    add_contact(units["Barnet"], "test", "Second Barnet", "second@barnet.example.org")
    url = reverse("office:send_confirm", args=[wave.slug])
    response = researcher.post(url, {"template": "reminder", "audience": "section:csc"})
    page = response.content.decode()
    assert response.status_code == 200 and not Campaign.objects.exists()
    # Barnet (two people) and Bexley (one) have not completed csc; so have the handful without contacts.
    assert (response.context["units"], response.context["people"]) == (wave.units.count() - 1, 3)
    assert "Send 3 messages to 2 units" in page and "Barnsley" not in page.split("One of the messages")[0]
    assert escape(response.context["message"].subject) in page and "/s/" in page and "govuk-warning-text" in page
    assert len(response.context["missing"]) == 5 and 'name="key"' in page


def test_a_resubmitted_confirmation_queues_one_campaign(researcher: Client, wave: Wave, units: dict) -> None:
    chosen = {"template": "invitation", "audience": "everyone"}
    confirm = researcher.post(reverse("office:send_confirm", args=[wave.slug]), chosen)
    form = {"template": "invitation", "audience": "everyone", "key": confirm.context["key"]}
    first, again = researcher.post(messages_url(wave), form), researcher.post(messages_url(wave), form)
    campaign = Campaign.objects.get()
    assert first["Location"] == again["Location"] == reverse("office:campaign", args=[wave.slug, campaign.pk])
    assert campaign.messages.count() == 3 and AuditEvent.objects.filter(action=AuditEvent.SENT).count() == 1
    assert "so nothing more was queued" in researcher.get(again["Location"]).content.decode()
    # The browser's back button posts the confirmation again: it carries the same key, which is refused.
    back = researcher.post(reverse("office:send_confirm", args=[wave.slug]), form)
    assert back.context["key"] == form["key"]
    assert researcher.post(messages_url(wave), form)["Location"] == first["Location"]
    assert Campaign.objects.count() == 1
    # The messages page opened afresh is a new key: sending the same again on purpose is a second campaign.
    page = researcher.get(messages_url(wave))
    assert page.context["key"] != form["key"] and f'name="key" value="{page.context["key"]}"' in page.content.decode()
    assert send(researcher, wave, "invitation", "everyone").status_code == 302 and Campaign.objects.count() == 2


def test_a_send_without_the_confirmations_key_queues_nothing(researcher: Client, wave: Wave, units: dict) -> None:
    for key in ("", "not-a-key", "<script>", "A" * 32):
        response = researcher.post(messages_url(wave), {"template": "invitation", "audience": "everyone", "key": key})
        assert response.status_code == 400 and b"confirmation page" in response.content, key
    assert not Campaign.objects.exists()


def test_the_preview_is_a_post_and_a_get_is_refused(researcher: Client, wave: Wave, units: dict) -> None:
    page = researcher.get(messages_url(wave)).content.decode()
    form = page.split('<h2 class="govuk-heading-m">Send a message</h2>')[1]
    assert 'formmethod="get"' not in form and '<form method="post"' in form
    url = reverse("office:message_preview", args=[wave.slug])
    key = units["Barnsley"].unit.key
    old = researcher.get(url, {"template": "invitation", "unit": key, "csrfmiddlewaretoken": "t0ken"})
    assert old.status_code == 302 and old["Location"] == messages_url(wave) + "?template=invitation"
    assert not AuditEvent.objects.filter(action=AuditEvent.VIEWED, object_id=str(units["Barnsley"].pk)).exists()


def test_links_use_the_address_the_site_is_served_on(researcher: Client, wave: Wave, units: dict, settings) -> None:  # noqa: ANN001
    settings.BASE_URL = ""
    settings.ALLOWED_HOSTS = ["survey.example.net", "testserver"]
    url = reverse("office:message_preview", args=[wave.slug])
    unit = units["Barnsley"]
    code = unseal(unit.code_sealed)
    shown = researcher.post(url, {"template": "invitation", "unit": unit.unit.key}, HTTP_HOST="survey.example.net")
    assert f"http://survey.example.net/s/{code}" in shown.content.decode()
    confirm = researcher.post(
        reverse("office:send_confirm", args=[wave.slug]),
        {"template": "invitation", "audience": "everyone"},
        HTTP_HOST="survey.example.net",
    )
    form = {"template": "invitation", "audience": "everyone", "key": confirm.context["key"]}
    researcher.post(messages_url(wave), form, HTTP_HOST="survey.example.net")
    assert Campaign.objects.get().base_url == "http://survey.example.net/"
    # A host outside ALLOWED_HOSTS is a bad request, never a link.
    forged = researcher.post(url, {"template": "invitation", "unit": unit.unit.key}, HTTP_HOST="evil.example.com")
    assert forged.status_code == 400
    # A configured base URL wins over the request's host.
    settings.BASE_URL = "https://survey.example.org"
    shown = researcher.post(url, {"template": "invitation", "unit": unit.unit.key}, HTTP_HOST="survey.example.net")
    assert f"https://survey.example.org/s/{code}" in shown.content.decode()


def test_the_worker_sends_the_link_the_campaign_was_queued_with(wave: Wave, units: dict, settings) -> None:  # noqa: ANN001
    from omnibus.fieldwork.outbox import outgoing_for

    settings.BASE_URL = ""
    queued = queue_campaign(wave, load_template("invitation"), "everyone", base_url="https://a.example.org/")
    message = queued.campaign.messages.select_related("campaign", "wave_unit", "wave_unit__wave").first()
    code = unseal(message.wave_unit.code_sealed)
    assert f"https://a.example.org/s/{code}" in outgoing_for(message, {}).body
