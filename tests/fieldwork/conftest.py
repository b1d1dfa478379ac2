"""Fixtures shared by the back-office tests: a wave of the Wave 3 questionnaire and signed-in users."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.utils import timezone

from omnibus.fieldwork.models import Wave
from omnibus.fieldwork.questionnaires import store_questionnaire
from omnibus.fieldwork.waves import create_wave
from omnibus.frame.store import load_frame

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "questionnaires" / "cso-wave3.yaml"
FRAME = ROOT / "examples" / "frame" / "england-la-2017.csv"


@pytest.fixture
def wave(db: None) -> Wave:
    """A wave of the Wave 3 questionnaire over the 152 local authorities, closing 13 October 2017.

    A test module with a `wave` fixture of its own uses that one instead.
    """
    stored, _ = store_questionnaire(EXAMPLE)
    load_frame(FRAME, date(2017, 9, 1))
    closes = timezone.make_aware(datetime(2017, 10, 13, 17, 0))
    return create_wave("w3", stored.title, stored, "england-la", date(2017, 9, 1), closes - timedelta(days=40), closes)


def signed_in(role: str) -> Client:
    """A test client signed in as a user in the group `role`."""
    user = User.objects.create_user(f"{role}-user", password="x")
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def researcher(db: None) -> Client:
    """A researcher, signed in."""
    return signed_in("researcher")
