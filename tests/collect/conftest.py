"""Fixtures for the respondent survey: an open wave over the session's questionnaire and frame, signing in by code."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from omnibus.fieldwork.codes import unseal
from omnibus.fieldwork.models import Wave, WaveUnit


@pytest.fixture
def wave(make_wave) -> Wave:  # noqa: ANN001
    """Wave w3 of the 152 local authorities, open from yesterday for 30 days, with no answers."""
    return make_wave("w3")


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
