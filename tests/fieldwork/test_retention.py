"""Erasing a wave's contact details and access codes after its retention date; answers and units stay."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from click.testing import CliRunner
from django.test import Client
from django.utils import timezone

from omnibus.collect.models import Answer
from omnibus.fieldwork.codes import digest, unseal
from omnibus.fieldwork.contacts import ContactError, add_contact, import_contacts, wave_unit_by_key
from omnibus.fieldwork.models import AuditEvent, Contact, Respondent, Retention, Wave, WaveUnit
from omnibus.fieldwork.retention import RetentionError, erase_contacts, set_retention
from omnibus.site.cli.fieldwork import erase_contacts_command, wave_retention

from .test_contacts import EXAMPLE_CONTACTS

pytestmark = pytest.mark.django_db
AFTER = timezone.make_aware(datetime(2030, 1, 2, 9, 0))


@pytest.fixture
def wave(make_wave) -> Wave:  # noqa: ANN001
    """An open wave of the 152 LAs with the example contacts."""
    made = make_wave()
    assert import_contacts(made, EXAMPLE_CONTACTS, "t").ok
    return made


def answered(wave: Wave) -> tuple[WaveUnit, str]:
    """A unit that signed in and gave an answer, with its code."""
    unit = wave_unit_by_key(wave, "840")
    code = unseal(unit.code_sealed)
    response = Client().post("/survey/", {"code": code, "name": "Ada Example", "role": "Analyst"})
    assert response.status_code == 302
    Answer.objects.create(wave_unit=unit, key="Q1", value=1)
    return unit, code


def test_erasing_before_the_retention_date_is_refused(wave: Wave) -> None:
    with pytest.raises(RetentionError, match="no retention date"):
        erase_contacts(wave, "ada", now=AFTER)
    set_retention(wave, date(2030, 1, 1), "ada")
    with pytest.raises(RetentionError, match="keeps its contact details until 2030-01-01"):
        erase_contacts(wave, "ada", now=timezone.make_aware(datetime(2030, 1, 1, 23, 0)))
    assert Contact.objects.count() == 6 and not AuditEvent.objects.filter(action="erased").exists()


def test_erasing_after_the_date_removes_contacts_and_codes_and_keeps_answers(wave: Wave) -> None:
    unit, code = answered(wave)
    answers = Answer.objects.filter(wave_unit=unit).count()
    set_retention(wave, date(2030, 1, 1), "ada")
    result = erase_contacts(wave, "ada", now=AFTER)
    assert result.counts == {"access codes": 152, "contacts": 6, "respondent names and roles": 1, "call notes": 0}
    assert not Contact.objects.filter(wave_unit__wave=wave).exists()
    assert wave.units.count() == 152 and Answer.objects.filter(wave_unit=unit).count() == answers > 0
    assert Respondent.objects.filter(wave_unit=unit, name="").exists()  # the row stays, the name goes
    unit.refresh_from_db()
    assert unit.code_sealed == "" and unit.code_digest != digest(code)
    page = Client().post("/survey/", {"code": code, "name": "Ada", "role": "x"})
    assert page.status_code == 200 and "The access code is not right" in page.content.decode()
    with pytest.raises(ContactError, match="were erased"):
        add_contact(unit, "ada", "New Person", "new@example.com")
    assert not import_contacts(wave, EXAMPLE_CONTACTS, "t").ok


def test_erasing_is_idempotent_and_audited(wave: Wave) -> None:
    set_retention(wave, date(2030, 1, 1), "ada")
    erase_contacts(wave, "ada", now=AFTER)
    digests = set(wave.units.values_list("code_digest", flat=True))
    again = erase_contacts(wave, "bea", now=AFTER)
    assert again.nothing_left and set(wave.units.values_list("code_digest", flat=True)) == digests
    erased = list(AuditEvent.objects.filter(action="erased").values_list("actor", "detail"))
    assert erased == [
        ("ada", "erased 152 access codes, 6 contacts, 0 respondent names and roles, 0 call notes"),
        ("bea", "nothing left to erase"),
    ]
    assert Retention.objects.get(wave=wave).erased_at == AFTER


def test_forcing_before_the_date_is_allowed_and_audited(wave: Wave) -> None:
    set_retention(wave, date(2030, 1, 1), "ada")
    result = erase_contacts(wave, "ada", now=timezone.make_aware(datetime(2029, 6, 1)), before_retention=True)
    assert result.forced and not Contact.objects.exists()
    event = AuditEvent.objects.get(action="erased")
    assert event.detail.startswith("before the retention date (--before-retention); erased")


def test_the_erase_and_retention_commands(wave: Wave) -> None:
    runner = CliRunner()
    refused = runner.invoke(erase_contacts_command, ["w3"])
    assert refused.exit_code == 1 and "has no retention date" in refused.output and "Traceback" not in refused.output
    assert Contact.objects.count() == 6
    assert runner.invoke(wave_retention, ["w3"]).output == "Wave w3 has no retention date\n"
    later = runner.invoke(wave_retention, ["w3", "--erase-after", "2099-12-31"])
    assert later.exit_code == 0 and "kept until 2099-12-31" in later.output
    too_soon = runner.invoke(erase_contacts_command, ["w3"])
    assert too_soon.exit_code == 1 and "keeps its contact details until 2099-12-31" in too_soon.output
    forced = runner.invoke(erase_contacts_command, ["w3", "--before-retention"])
    assert forced.exit_code == 0, forced.output
    assert forced.output == (
        "Erased from wave w3 before its retention date: 152 access codes, 6 contacts, 0 respondent names and roles, "
        "0 call notes\n"
    )
    again = runner.invoke(erase_contacts_command, ["w3", "--before-retention"])
    assert again.exit_code == 0 and "nothing left to erase" in again.output
    bad = runner.invoke(wave_retention, ["w3", "--erase-after", "soon"])
    assert bad.exit_code == 2 and "not a date" in bad.output
    missing = runner.invoke(erase_contacts_command, ["w9"])
    assert missing.exit_code == 1 and "no wave called 'w9'" in missing.output
