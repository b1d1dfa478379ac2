"""Fixtures for every test: the Wave 3 set-up made once per run, waves over it, and signed-in users.

The test database is made once with the Wave 3 questionnaire stored, the 2017 frame of the 152
LAs loaded and a wave over them simulated (`SIMULATED`). Each test runs in a transaction rolled
back at its end, so it sees that set-up as it was made, whatever earlier tests did. A test that
commits for real (`transactional_db`, `live_server`) ends with a flush that empties the database:
the set-up is made again before the next such test, so every test starts from the same data.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
QUESTIONNAIRE = ROOT / "examples" / "questionnaires" / "cso-wave3.yaml"
FRAME = ROOT / "examples" / "frame" / "england-la-2017.csv"
POPULATION = "england-la"
AS_OF = date(2017, 9, 1)
SIMULATED = "cso-w3-simulated"  # the slug of the session's simulated wave
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
    simulate(made, seed=7, response_rate=0.5)


def ensure_wave3() -> None:
    """Make the Wave 3 set-up unless the database has it (a kept database, or before a flush)."""
    from omnibus.fieldwork.models import Wave

    if not Wave.objects.filter(slug=SIMULATED).exists():
        make_wave3()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # noqa: ANN001 - pytest-django's fixtures
    """The test database, with the Wave 3 set-up committed once for the whole run."""
    with django_db_blocker.unblock():
        ensure_wave3()


def _commits(item: pytest.Item) -> bool:
    """Whether a test runs outside a rolled-back transaction (pytest-django flushes after it)."""
    marker = item.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")):
        return True
    return bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))


@pytest.fixture(autouse=True)
def _wave3_after_a_flush(request: pytest.FixtureRequest, django_db_blocker) -> None:  # noqa: ANN001
    """Before a test that commits, make the Wave 3 set-up again if an earlier such test flushed it away."""
    if not _commits(request.node):
        return
    request.getfixturevalue("transactional_db")
    with django_db_blocker.unblock():
        ensure_wave3()


@pytest.fixture
def stored_questionnaire(db: None):  # noqa: ANN201 - a QuestionnaireVersion
    """The stored Wave 3 questionnaire version of the session's set-up."""
    from omnibus.fieldwork.models import QuestionnaireVersion

    return QuestionnaireVersion.objects.get(sha256=hashlib.sha256(QUESTIONNAIRE.read_bytes()).hexdigest())


@pytest.fixture
def questionnaire(stored_questionnaire):  # noqa: ANN001, ANN201 - a Questionnaire
    """The Wave 3 questionnaire, parsed from its stored version."""
    from omnibus.fieldwork.questionnaires import questionnaire_of

    return questionnaire_of(stored_questionnaire)


@pytest.fixture
def wave(db: None):  # noqa: ANN201 - a Wave
    """The session's wave over the 152 LAs with simulated answers (seed 7, about half respond), closed in 2017."""
    from omnibus.fieldwork.models import Wave

    return Wave.objects.select_related("questionnaire").get(slug=SIMULATED)


@pytest.fixture
def no_simulated_wave(db: None) -> None:
    """The set-up without its simulated wave, for tests that count every answer or section state there is.

    The wave, its units and their answers are deleted inside the test's transaction (so only for this
    test); the questionnaire and the frame stay.
    """
    from omnibus.fieldwork.models import Wave

    Wave.objects.filter(slug=SIMULATED).delete()


@pytest.fixture
def make_wave(stored_questionnaire) -> Callable[..., object]:  # noqa: ANN001
    """A factory of waves of the Wave 3 questionnaire over the 2017 frame: every LA, or only `units`.

    `make_wave(slug, opens_at, closes_at, title=..., kind=..., units=...)`: by default open since
    yesterday for 30 days and titled as the questionnaire; `units` (LA keys) makes a small wave.
    """

    def make(
        slug: str = "w3",
        opens_at: datetime | None = None,
        closes_at: datetime | None = None,
        *,
        title: str | None = None,
        kind: str = "main",
        units: Iterable[str] | None = None,
    ):
        from django.utils import timezone

        from omnibus.fieldwork.waves import create_wave

        opens_at = opens_at or timezone.now() - timedelta(days=1)
        closes_at = closes_at or opens_at + timedelta(days=30)
        title = title or stored_questionnaire.title
        if units is not None:
            return _small_wave(slug, title, stored_questionnaire, opens_at, closes_at, kind, units)
        return create_wave(slug, title, stored_questionnaire, POPULATION, AS_OF, opens_at, closes_at, kind=kind)

    return make


@pytest.fixture
def small_wave(make_wave) -> Callable[..., object]:  # noqa: ANN001
    """A factory of waves over a handful of LAs (`HANDFUL` unless `units` is given), for tests of single units.

    Takes the arguments of `make_wave`; contact, message and call tests need units, not 152 of them.
    """

    def make(slug: str = "w3", opens_at: datetime | None = None, closes_at: datetime | None = None, **options):
        options.setdefault("units", HANDFUL)
        return make_wave(slug, opens_at, closes_at, **options)

    return make


def _small_wave(slug, title, stored, opens_at, closes_at, kind, keys):  # noqa: ANN001, ANN202
    """A wave whose units are the frame's LAs `keys`, each with a fresh code, made as `create_wave` makes them."""
    from django.db import transaction

    from omnibus.fieldwork.codes import digest, new_code, seal
    from omnibus.fieldwork.models import Wave, WaveUnit
    from omnibus.frame.models import Population
    from omnibus.frame.store import frame_as_of

    population = Population.objects.get(slug=POPULATION)
    names = {u.key: u.name for u in frame_as_of(POPULATION, AS_OF).units if u.key in set(keys)}
    assert names.keys() == set(keys), f"not LAs of the 2017 frame: {sorted(set(keys) - names.keys())}"
    ids = dict(population.units.filter(key__in=names).values_list("key", "id"))
    with transaction.atomic():
        made = Wave.objects.create(
            slug=slug,
            title=title,
            questionnaire=stored,
            population=population,
            frame_as_of=AS_OF,
            opens_at=opens_at,
            closes_at=closes_at,
            kind=kind,
        )
        codes = {key: new_code() for key in sorted(names)}
        WaveUnit.objects.bulk_create(
            WaveUnit(wave=made, unit_id=ids[key], name=names[key], code_digest=digest(code), code_sealed=seal(code))
            for key, code in codes.items()
        )
    return made


@pytest.fixture
def signed_in(db: None) -> Callable[[str], object]:
    """Sign in as a back-office role: `signed_in("researcher")` is a test client of a user in that group.

    The user is called `<role>-user`; signing in as the same role twice gives two clients of one user.
    """
    from django.contrib.auth.models import Group, User
    from django.test import Client

    def sign_in(role: str) -> Client:
        name = f"{role}-user"
        user = User.objects.filter(username=name).first() or User.objects.create_user(name, password="x")
        user.groups.add(Group.objects.get_or_create(name=role)[0])
        client = Client()
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def researcher(signed_in) -> object:  # noqa: ANN001
    """A researcher, signed in (a test client)."""
    return signed_in("researcher")
