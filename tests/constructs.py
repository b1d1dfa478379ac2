"""Waves over the small questionnaires of tests/questionnaire/constructs/: three LAs of the 2017 frame, open now."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from tests.waves import AS_OF, POPULATION

HERE = Path(__file__).parent / "questionnaire" / "constructs"
UNITS = ("840", "841", "390")


def small_questionnaire_wave(name: str, slug: str | None = None):  # noqa: ANN201 - a Wave
    """A wave of `tests/questionnaire/constructs/NAME.yaml` over three LAs, opened yesterday for 30 days."""
    from django.utils import timezone

    from omnibus.fieldwork.questionnaires import store_questionnaire
    from omnibus.fieldwork.waves import create_wave

    stored, _ = store_questionnaire(HERE / f"{name}.yaml")
    opens = timezone.now() - timedelta(days=1)
    closes = opens + timedelta(days=31)
    return create_wave(slug or name, stored.title, stored, POPULATION, AS_OF, opens, closes, units=UNITS)
