"""Back-office sign-in: failed sign-ins from one address are slowed, then refused, apart from access codes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from omnibus.core import throttle
from omnibus.core.models import AccessAttempt
from omnibus.core.throttle import REFUSE_AFTER, SLOW_AFTER

pytestmark = pytest.mark.django_db

PASSWORD = "a long demo passphrase"
HOME = "198.51.100.7"
ELSEWHERE = "198.51.100.99"


@pytest.fixture(autouse=True)
def researcher() -> None:
    """A user to sign in as."""
    get_user_model().objects.create_user("ada", password=PASSWORD)


def sign_in(password: str, address: str = HOME) -> tuple[int, str]:
    """Status and page of one sign-in from `address`."""
    response = Client(REMOTE_ADDR=address).post("/accounts/login/", {"username": "ada", "password": password})
    return response.status_code, response.content.decode()


def fail(times: int) -> None:
    """Fail `times` sign-ins, moving the clock past each wait so that every one counts."""
    for _ in range(times):
        AccessAttempt.objects.update(at=timezone.now() - timedelta(minutes=1))
        assert sign_in("wrong")[0] in (200, 429)


def test_a_right_password_signs_in_and_is_recorded() -> None:
    assert sign_in(PASSWORD)[0] == 302
    attempt = AccessAttempt.objects.get()
    assert (attempt.kind, attempt.succeeded, attempt.address) == ("login", True, HOME)


def test_five_failures_slow_the_address_with_a_clear_message() -> None:
    for _ in range(SLOW_AFTER):
        status, page = sign_in("wrong")
        assert status == 200 and "Enter a correct username and password" in page
    status, page = sign_in(PASSWORD)
    assert status == 429
    assert "govuk-error-summary" in page and "Wait" in page and "before you try to sign in again" in page
    assert "Error: Sign in" in page


def test_ten_failures_refuse_even_the_right_password() -> None:
    fail(REFUSE_AFTER)
    assert AccessAttempt.objects.filter(kind="login", succeeded=False).count() == REFUSE_AFTER
    AccessAttempt.objects.update(at=timezone.now() - timedelta(minutes=1))
    status, page = sign_in(PASSWORD)
    assert status == 429 and "Too many failed sign-ins" in page
    assert not AccessAttempt.objects.filter(succeeded=True).exists()


def test_another_address_is_not_affected() -> None:
    fail(REFUSE_AFTER)
    assert sign_in(PASSWORD, ELSEWHERE)[0] == 302


def test_sign_ins_and_access_codes_are_counted_apart() -> None:
    fail(REFUSE_AFTER)
    assert throttle.may_try(throttle.Source.direct(HOME)).allowed
    assert not throttle.may_try(throttle.Source.direct(HOME), "login").allowed
    for _ in range(REFUSE_AFTER):
        throttle.record_attempt(throttle.Source.direct(ELSEWHERE), False)
    assert sign_in(PASSWORD, ELSEWHERE)[0] == 302
