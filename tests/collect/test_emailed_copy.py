"""An emailed confirmation: the PDF copy of the answers, queued in the outbox, sent by real SMTP on loopback."""

from __future__ import annotations

import subprocess

import pytest

from omnibus.fieldwork.confirmation import PER_HOUR
from omnibus.fieldwork.models import Message, MessageAttachment, WaveUnit
from omnibus.fieldwork.outbox import work_until_idle
from tests.fieldwork.test_outbox import Keeper, smtp  # noqa: F401 - the mail server on loopback, a fixture

from .conftest import answer, signed_in

pytestmark = pytest.mark.django_db


def test_the_copy_is_emailed_as_a_pdf_through_the_outbox(unit: WaveUnit, smtp: Keeper, tmp_path) -> None:  # noqa: ANN001, F811
    client = signed_in(unit, "Ada Example")
    answer(client, "send", "SBeff", {"SBeff": "Overnight stays in small local homes"})
    sent = client.post("/survey/copy/email/", {"email": "ada.example@example.com"})
    assert sent.status_code == 302 and sent.url == "/survey/complete/?sent=1"
    assert "A copy of the answers is on its way" in client.get(sent.url).content.decode()
    assert work_until_idle().sent == 1
    [mail] = smtp.received
    assert mail["To"] == "Ada Example <ada.example@example.com>"
    assert mail["Subject"] == f"{unit.wave.title}: a copy of the answers for {unit.name}"
    assert f"Attached is a copy of the answers saved for {unit.name}" in mail.get_body().get_content()
    [pdf] = list(mail.iter_attachments())
    assert pdf.get_content_type() == "application/pdf" and pdf.get_filename().endswith("-answers.pdf")
    path = tmp_path / "copy.pdf"
    path.write_bytes(pdf.get_content())
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout.split())
    assert "Overnight stays in small local homes" in text and f"Answers for {unit.name}" in text
    assert work_until_idle().claimed == 0  # sent once


@pytest.mark.parametrize(
    ("typed", "error"),
    [("", "Enter an email address to send the copy to"), ("not an address", "in the correct format")],
)
def test_a_bad_address_is_named_and_nothing_is_queued(unit: WaveUnit, typed: str, error: str) -> None:
    response = signed_in(unit).post("/survey/copy/email/", {"email": typed})
    page = response.content.decode()
    assert response.status_code == 200 and "<title>Error: " in page
    assert error in page.split("govuk-error-summary__list")[1] and 'href="#email"' in page
    assert not Message.objects.filter(wave_unit=unit).exists()


def test_copies_are_limited_per_hour(unit: WaveUnit) -> None:
    client = signed_in(unit)
    for _ in range(PER_HOUR):
        assert client.post("/survey/copy/email/", {"email": "ada@example.com"}).status_code == 302
    refused = client.post("/survey/copy/email/", {"email": "ada@example.com"}).content.decode()
    assert "copies of these answers have been sent in the last hour" in refused
    assert MessageAttachment.objects.filter(message__wave_unit=unit).count() == PER_HOUR


def test_the_email_form_needs_the_units_code() -> None:
    from django.test import Client

    assert Client().post("/survey/copy/email/", {"email": "x@example.com"}).url == "/survey/"
    assert not Message.objects.filter(recipient_email="x@example.com").exists()
