"""Who gets into the back office: respondents and anonymous visitors never, clients to figures only.

Also the contacts file upload on the wave's contacts page: all of a file or, with every problem shown, none of it.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from omnibus.fieldwork.codes import unseal
from omnibus.fieldwork.contacts import add_contact
from omnibus.fieldwork.models import AuditEvent, Contact, Wave, WaveUnit
from omnibus.fieldwork.questionnaires import store_questionnaire
from omnibus.fieldwork.waves import create_wave
from omnibus.frame.store import load_frame

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "questionnaires" / "cso-wave3.yaml"
FRAME = ROOT / "examples" / "frame" / "england-la-2017.csv"
EMAIL = "sam.private@example.com"


@pytest.fixture
def wave(db: None) -> Wave:
    """A wave of the Wave 3 questionnaire open now, over the 152 local authorities."""
    stored, _ = store_questionnaire(EXAMPLE)
    load_frame(FRAME, date(2017, 9, 1))
    opens = timezone.now() - timedelta(days=1)
    return create_wave("w3", stored.title, stored, "england-la", date(2017, 9, 1), opens, opens + timedelta(days=30))


@pytest.fixture
def unit(wave: Wave) -> WaveUnit:
    """Barnsley, with a contact whose email must never reach a client."""
    found = wave.units.select_related("unit").get(name="Barnsley")
    add_contact(found, "test", "Sam Private", EMAIL)
    return found


def office_urls(unit: WaveUnit) -> list[str]:
    """Every back-office page, for this wave and unit."""
    slug, key = unit.wave.slug, unit.unit.key
    contact = Contact.objects.filter(wave_unit=unit).first()
    pk = contact.pk if contact else 1
    named = [("waves", []), ("wave_new", []), ("audit", [])]
    named += [(n, [slug]) for n in ("wave", "wave_state", "wave_contacts", "import_contacts")]
    named += [(n, [slug]) for n in ("wave_messages", "message_preview", "wave_calls", "call_list_csv")]
    named += [("unit_contacts", [slug, key]), ("edit_contact", [slug, pk]), ("log_call", [slug, key])]
    named += [("campaign", [slug, 1])]
    return [reverse(f"office:{name}", args=args) for name, args in named]


def client_for(role: str) -> Client:
    """A test client signed in as a user in the group `role`."""
    user = User.objects.create_user(f"{role}-user", password="x")
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    client = Client()
    client.force_login(user)
    return client


def sent_to_sign_in(client: Client, url: str) -> bool:
    """Whether visiting `url` (by POST where only POST is allowed) sends the visitor to sign in, coming back."""
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url)
    return response.status_code == 302 and response.url.startswith(f"/accounts/login/?next={url}")


def test_anonymous_visitors_are_sent_to_sign_in_from_every_office_page(unit: WaveUnit) -> None:
    client = Client()
    for url in office_urls(unit):
        assert sent_to_sign_in(client, url), url


def test_a_respondents_access_code_does_not_open_the_back_office(unit: WaveUnit) -> None:
    client = Client()
    started = client.post("/survey/", {"code": unseal(unit.code_sealed)})
    assert started.status_code == 302 and client.get("/survey/sections/").status_code == 200
    for url in office_urls(unit):
        assert sent_to_sign_in(client, url), url


def test_a_client_sees_the_tracking_figures_but_no_contact_details(unit: WaveUnit) -> None:
    client = client_for("client")
    assert client.get("/office/").status_code == 200
    page = client.get(reverse("office:wave", args=[unit.wave.slug])).content.decode()
    assert "Table 1: response by section" in page and "Complete responses (N)" in page
    assert EMAIL not in page and "Barnsley" not in page


@pytest.mark.parametrize(
    "name", ["wave_contacts", "import_contacts", "wave_messages", "message_preview", "wave_calls", "call_list_csv"]
)
def test_a_client_is_refused_contacts_messages_and_calls(unit: WaveUnit, name: str) -> None:
    response = client_for("client").get(reverse(f"office:{name}", args=[unit.wave.slug]))
    assert response.status_code == 403 and EMAIL not in response.content.decode()


def test_a_client_is_refused_a_units_contacts_and_calls(unit: WaveUnit) -> None:
    client = client_for("client")
    for name in ("unit_contacts", "log_call"):
        assert client.get(reverse(f"office:{name}", args=[unit.wave.slug, unit.unit.key])).status_code == 403


def test_a_client_cannot_upload_contacts(unit: WaveUnit) -> None:
    upload = SimpleUploadedFile(
        "c.csv", f"unit_key,name,email,main\n{unit.unit.key},Eve,eve@example.com,yes\n".encode()
    )
    url = reverse("office:import_contacts", args=[unit.wave.slug])
    assert client_for("client").post(url, {"contacts_file": upload}).status_code == 403
    assert not Contact.objects.filter(email="eve@example.com").exists()


# -- the contacts file upload ---------------------------------------------------------------------


def upload(client: Client, wave: Wave, text: str) -> object:
    """POST a contacts file to the wave's import route."""
    url = reverse("office:import_contacts", args=[wave.slug])
    return client.post(url, {"contacts_file": SimpleUploadedFile("contacts.csv", text.encode(), "text/csv")})


def test_a_researcher_uploads_a_contacts_file(wave: Wave) -> None:
    keys = dict(wave.units.filter(name__in=["Darlington", "Hartlepool"]).values_list("name", "unit__key"))
    text = "unit_key,name,email,main\n" + "".join(
        f"{k},Pat {n},pat@{n.lower()}.example.com,yes\n" for n, k in keys.items()
    )
    client = client_for("researcher")
    response = upload(client, wave, text)
    assert response.status_code == 302 and response.url == reverse("office:wave_contacts", args=[wave.slug])
    assert Contact.objects.filter(wave_unit__wave=wave).count() == 2
    assert AuditEvent.objects.filter(action=AuditEvent.IMPORTED, wave=wave).exists()
    assert "contacts.csv: 2 contacts added, 0 updated" in client.get(response.url).content.decode()


def test_a_file_with_mistakes_shows_every_problem_and_imports_nothing(wave: Wave) -> None:
    key = wave.units.get(name="Darlington").unit.key
    rows = [f"{key},Pat,pat@example.com,yes", f"{key},Sam,not-an-email,no", "ZZZ,Kim,k@example.com,yes"]
    text = "unit_key,name,email,main\n" + "\n".join(rows) + "\n"
    response = upload(client_for("researcher"), wave, text)
    page = response.content.decode()
    assert response.status_code == 400 and "govuk-error-summary" in page and "Nothing was imported" in page
    assert "contacts.csv:3: email" in page and "contacts.csv:4: unit_key" in page
    assert 'href="#contacts_file"' in page and "<title>Error:" in page
    assert not Contact.objects.filter(wave_unit__wave=wave).exists()


def test_no_file_is_a_clear_error(wave: Wave) -> None:
    response = client_for("researcher").post(reverse("office:import_contacts", args=[wave.slug]))
    assert response.status_code == 400 and "Select a contacts file" in response.content.decode()
