"""Back-office accounts: `omnibus user add` holds passwords to Django's rules and adds nobody on a refusal."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from django.contrib.auth.models import User

from omnibus.site.cli import main

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("x", "too short"),
        ("password123", "too common"),
        ("4815162342", "entirely numeric"),
        ("avery-jones!", "similar"),
    ],
)
def test_a_weak_password_is_refused_and_adds_nobody(password: str, why: str) -> None:
    result = CliRunner().invoke(main, ["user", "add", "avery-jones", "--role", "researcher", "--password", password])
    assert result.exit_code == 1
    assert "the password is refused" in result.output and why in result.output
    assert "Traceback" not in result.output
    assert not User.objects.filter(username="avery-jones").exists()


def test_a_strong_password_adds_the_user_and_a_weak_one_leaves_it_unchanged() -> None:
    args = ["user", "add", "avery", "--role", "client", "--password"]
    assert CliRunner().invoke(main, [*args, "tawny-heron-83-quay"]).exit_code == 0
    assert CliRunner().invoke(main, [*args, "short"]).exit_code == 1
    account = User.objects.get(username="avery")
    assert account.check_password("tawny-heron-83-quay") and list(account.groups.values_list("name", flat=True)) == [
        "client"
    ]


def test_signing_out_leads_to_the_overview(researcher) -> None:  # noqa: ANN001
    response = researcher.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert researcher.get("/office/").status_code == 302  # signed out: sent to sign in
