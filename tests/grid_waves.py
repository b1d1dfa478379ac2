"""A wave of the grids test questionnaire (tests/fixtures/grids.yaml) over a handful of LAs of the set-up's frame."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

GRIDS = Path(__file__).resolve().parent / "fixtures" / "grids.yaml"


def grids_wave(slug: str = "grids"):  # noqa: ANN201 - a Wave
    """A wave of the grids questionnaire over the handful of LAs, open from yesterday for 30 days."""
    from django.utils import timezone

    from omnibus.fieldwork.questionnaires import store_questionnaire
    from omnibus.fieldwork.waves import create_wave
    from tests.waves import AS_OF, HANDFUL, POPULATION

    stored, _ = store_questionnaire(GRIDS)
    now = timezone.now()
    return create_wave(
        slug, stored.title, stored, POPULATION, AS_OF, now - timedelta(days=1), now + timedelta(days=30), units=HANDFUL
    )
