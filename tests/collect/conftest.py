"""Fixtures for the respondent survey: the Wave 3 questionnaire, the frame and an open wave."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from omnibus.fieldwork.codes import unseal
from omnibus.fieldwork.models import Wave, WaveUnit
from omnibus.fieldwork.questionnaires import store_questionnaire
from omnibus.fieldwork.waves import create_wave
from omnibus.frame.store import load_frame

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "questionnaires" / "cso-wave3.yaml"
FRAME = ROOT / "examples" / "frame" / "england-la-2017.csv"


@pytest.fixture
def wave(db: None) -> Wave:
    """An open wave of the Wave 3 questionnaire over the 152 local authorities."""
    stored, _ = store_questionnaire(EXAMPLE)
    load_frame(FRAME, date(2017, 9, 1))
    now = timezone.now()
    return create_wave(
        "w3", stored.title, stored, "england-la", date(2017, 9, 1), now - timedelta(days=1), now + timedelta(days=30)
    )


@pytest.fixture
def unit(wave: Wave) -> WaveUnit:
    """One local authority of the wave."""
    return wave.units.order_by("name").first()


def code_of(wave_unit: WaveUnit) -> str:
    """A unit's access code in the clear."""
    return unseal(wave_unit.code_sealed)


def signed_in(wave_unit: WaveUnit, name: str = "Ada Example") -> Client:
    """A browser signed in with the unit's code."""
    client = Client()
    response = client.post("/survey/", {"code": code_of(wave_unit), "name": name, "role": "Analyst"})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def seen_of(page: str) -> str:
    """The fingerprint a question page carries."""
    return re.search(r'name="seen" value="([^"]+)"', page).group(1)


def answer(client: Client, section: str, question: str, data: dict) -> object:
    """Open a question page and submit it as a browser would (with its fingerprint)."""
    page = client.get(f"/survey/sections/{section}/{question}/")
    assert page.status_code == 200, f"{question}: {page.status_code}"
    return client.post(f"/survey/sections/{section}/{question}/", {**data, "seen": seen_of(page.content.decode())})
