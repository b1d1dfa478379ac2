"""Fixtures shared by the back-office tests: a wave of the Wave 3 questionnaire that closed on 13 October 2017."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from omnibus.fieldwork.models import Wave


@pytest.fixture
def wave(make_wave) -> Wave:  # noqa: ANN001
    """Wave w3 over the 152 local authorities, open for 40 days until 13 October 2017, with no answers.

    A test module with a `wave` fixture of its own uses that one instead.
    """
    closes = timezone.make_aware(datetime(2017, 10, 13, 17, 0))
    return make_wave("w3", closes - timedelta(days=40), closes)
