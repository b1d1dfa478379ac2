"""Fixtures for every test: the Wave 3 set-up made once per run, waves over it, and signed-in users.

The test database is made once with the Wave 3 questionnaire stored, the 2017 frame of the 152
LAs loaded and a wave over them simulated (tests/waves.py). Each test runs in a transaction rolled
back at its end, so it sees that set-up as it was made, whatever earlier tests did. A test that
commits for real (`transactional_db`, `live_server`) ends with a flush that empties the database:
the set-up is made again before the next such test, so every test starts from the same data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.waves import SIMULATED, ensure_wave3, new_wave, stored_wave3


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing() -> Iterator[None]:
    """Hash passwords with MD5 in tests: PBKDF2's many rounds cost most of a second a sign-in on a busy machine.

    The tests check who may sign in and how failures are counted, not the strength of the hash.
    """
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(scope="session", autouse=True)
def _paradata_written_at_once() -> Iterator[None]:
    """Write each page-shown event as it happens: a batch left waiting would be written into a later test.

    tests/collect/test_survey_speed.py checks the batches themselves.
    """
    from django.test import override_settings

    with override_settings(PARADATA_BATCH=1):
        yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # noqa: ANN001 - pytest-django's fixtures
    """The test database, with the Wave 3 set-up committed once for the whole run."""
    with django_db_blocker.unblock():
        ensure_wave3()


def _commits(item: pytest.Item) -> bool:
    """Whether a test runs outside a rolled-back transaction (pytest-django flushes the database after it)."""
    marker = item.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")):
        return True
    return bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))


@pytest.fixture(autouse=True)
def _wave3_after_a_flush(request: pytest.FixtureRequest, django_db_blocker) -> None:  # noqa: ANN001
    """Before a test that commits, make the Wave 3 set-up again if an earlier such test flushed it away.

    pytest-django runs the tests that commit after all the others, and `make test` hands tests to
    its workers in that order (`--dist load`), so a test in a rolled-back transaction never follows
    a flush on its worker.
    """
    if not _commits(request.node):
        return
    request.getfixturevalue("transactional_db")
    with django_db_blocker.unblock():
        ensure_wave3()


@pytest.fixture
def stored_questionnaire(db: None):  # noqa: ANN201 - a QuestionnaireVersion
    """The stored Wave 3 questionnaire version of the set-up."""
    return stored_wave3()


@pytest.fixture
def questionnaire(stored_questionnaire):  # noqa: ANN001, ANN201 - a Questionnaire
    """The Wave 3 questionnaire, parsed from its stored version."""
    from omnibus.fieldwork.questionnaires import questionnaire_of

    return questionnaire_of(stored_questionnaire)


@pytest.fixture
def wave(db: None):  # noqa: ANN201 - a Wave
    """The set-up's wave over the 152 LAs with simulated answers (seed 7, about half respond), closed in 2017."""
    from omnibus.fieldwork.models import Wave

    return Wave.objects.select_related("questionnaire").get(slug=SIMULATED)


@pytest.fixture
def no_simulated_wave(db: None) -> None:
    """The set-up without its simulated wave, for tests that count every answer, state or wave there is.

    The wave, its units and their answers are deleted inside the test's transaction, so for this
    test only; the questionnaire and the frame stay.
    """
    from omnibus.fieldwork.models import Wave

    Wave.objects.filter(slug=SIMULATED).delete()


@pytest.fixture
def empty_database(no_simulated_wave: None) -> None:
    """The database without the Wave 3 set-up, for tests of storing questionnaires and loading frames afresh.

    Deleted inside the test's transaction, so for this test only.
    """
    from omnibus.fieldwork.models import QuestionnaireVersion
    from omnibus.frame.models import Population

    QuestionnaireVersion.objects.all().delete()
    Population.objects.all().delete()


@pytest.fixture
def make_wave(db: None) -> Callable[..., object]:
    """A factory of waves over the set-up's questionnaire and frame: `new_wave` in tests/waves.py.

    `make_wave("w3")` is a wave of the 152 LAs open from yesterday for 30 days; `make_wave(..., units=keys)` a
    small one.
    """
    return new_wave


@pytest.fixture
def small_wave(db: None) -> Callable[..., object]:
    """A factory of waves over a handful of LAs (tests/waves.py `HANDFUL`), for tests of single units.

    Takes the arguments of `make_wave`: contact, message and call tests need units, not 152 of them.
    """
    from tests.waves import HANDFUL

    def make(*args: object, **options: object):  # noqa: ANN202 - a Wave
        options.setdefault("units", HANDFUL)
        return new_wave(*args, **options)

    return make


@pytest.fixture
def signed_in(db: None) -> Callable[[str], object]:
    """Sign in as a back-office role: `signed_in("researcher")` is a test client of a user in that group.

    The user is called `<role>-user`; signing in as the same role again gives another client of that user.
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


# pytest-django's fixtures that open the test database (as its own ordering reads them).
DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "live_server",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
}


def _needs_database(item: pytest.Item) -> bool:
    return item.get_closest_marker("django_db") is not None or bool(
        DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
    )


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that need no database first, then pytest-django's order (rolled back, then committing).

    The slowest test, the demo, sets up its own database, so it starts at once on one worker
    rather than last; the tests that commit still come after every test that reads the set-up.
    """
    items.sort(key=_needs_database)


@pytest.fixture
def schools(db: None, tmp_path):  # noqa: ANN001, ANN201 - a Wave
    """A wave over a small made-up population of schools (tests/schools.py), every school answering."""
    from tests.schools import schools_wave

    return schools_wave(tmp_path)
