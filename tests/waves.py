"""The Wave 3 set-up every test starts from, and waves over it (the fixtures are in tests/conftest.py).

The test database holds the Wave 3 questionnaire, the 2017 frame of the 152 LAs and a wave over
them with simulated answers (`SIMULATED`); `new_wave` makes further waves over the same
questionnaire and frame, of every LA or of a handful.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUESTIONNAIRE = ROOT / "examples" / "questionnaires" / "cso-wave3.yaml"
FRAME = ROOT / "examples" / "frame" / "england-la-2017.csv"
POPULATION = "england-la"
AS_OF = date(2017, 9, 1)
SIMULATED = "cso-w3-simulated"  # the slug of the simulated wave
CSO_SECTION_SHARES = (0.47, 0.39, 0.36)  # the Wave 3 seed's take-up of the CSC, EY and SEND sections
OPENS = datetime(2017, 10, 4, 9, tzinfo=UTC)
CLOSES = datetime(2017, 11, 17, 17, tzinfo=UTC)
# A handful of LAs for tests that need units but not the population: the units of the example
# contacts (County Durham, Darlington, Gateshead, Hartlepool) and two without contacts.
HANDFUL = ("840", "841", "390", "805", "929", "370")


def make_wave3() -> None:
    """Store the Wave 3 questionnaire, load the 2017 frame, and simulate a wave over it (seed 7, half respond)."""
    from omnibus.dataset.simulate import simulate
    from omnibus.fieldwork.questionnaires import store_questionnaire
    from omnibus.fieldwork.waves import create_wave
    from omnibus.frame.store import load_frame

    stored, _ = store_questionnaire(QUESTIONNAIRE)
    load_frame(FRAME, AS_OF)
    made = create_wave(SIMULATED, "CSO Wave 3", stored, POPULATION, AS_OF, OPENS, CLOSES)
    simulate(made, seed=7, response_rate=0.5, section_shares=CSO_SECTION_SHARES)


def ensure_wave3() -> None:
    """Make the Wave 3 set-up unless the database has it (a kept database, or after a flush)."""
    from omnibus.fieldwork.models import Wave

    if not Wave.objects.filter(slug=SIMULATED).exists():
        make_wave3()


def stored_wave3():  # noqa: ANN201 - a QuestionnaireVersion
    """The stored version of the Wave 3 questionnaire file."""
    from omnibus.fieldwork.models import QuestionnaireVersion

    return QuestionnaireVersion.objects.get(sha256=hashlib.sha256(QUESTIONNAIRE.read_bytes()).hexdigest())


def new_wave(
    slug: str = "w3",
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
    *,
    title: str | None = None,
    kind: str = "main",
    units: Iterable[str] | None = None,
):  # noqa: ANN201 - a Wave
    """A wave of the Wave 3 questionnaire over the 2017 frame: every LA, or only the LAs `units` (keys).

    By default it opened yesterday and closes in 30 days, and is titled as the questionnaire.
    """
    from django.utils import timezone

    from omnibus.fieldwork.waves import create_wave

    stored = stored_wave3()
    opens_at = opens_at or timezone.now() - timedelta(days=1)
    closes_at = closes_at or timezone.now() + timedelta(days=30)
    title = title or stored.title
    chosen = None if units is None else set(units)
    return create_wave(slug, title, stored, POPULATION, AS_OF, opens_at, closes_at, kind=kind, units=chosen)


def open_wave_of(questionnaire: Path, slug: str):  # noqa: ANN201 - a Wave
    """A wave of another questionnaire file over the 2017 frame, open since yesterday for nine days."""
    from django.utils import timezone

    from omnibus.fieldwork.questionnaires import store_questionnaire
    from omnibus.fieldwork.waves import create_wave

    stored, _ = store_questionnaire(questionnaire)
    now = timezone.now()
    return create_wave(slug, stored.title, stored, POPULATION, AS_OF, now - timedelta(days=1), now + timedelta(days=9))
