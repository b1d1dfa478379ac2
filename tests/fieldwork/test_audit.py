"""The audit trail: append-only, listed with filters, and `omnibus audit list`."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from click.testing import CliRunner
from django.contrib.auth import get_user_model
from django.utils import timezone

from omnibus.fieldwork.audit import events, record
from omnibus.fieldwork.models import AuditEvent
from omnibus.fieldwork.models.audit import AppendOnlyError
from omnibus.site.cli.fieldwork import audit as audit_group

pytestmark = pytest.mark.django_db


def at(day: int) -> datetime:
    return timezone.make_aware(datetime(2018, 3, day, 12, 0))


def test_events_are_append_only() -> None:
    event = record("system", "viewed", detail="x")
    event.detail = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.update(detail="gone")
    with pytest.raises(ValueError):
        record("system", "deleted")


def test_a_user_is_recorded_by_username_and_link() -> None:
    user = get_user_model().objects.create_user("ada")
    event = record(user, "exported", detail="codes")
    assert (event.actor, event.user) == ("ada", user)


def test_events_filter_by_wave_time_actor_and_action(small_wave) -> None:  # noqa: ANN001
    w3, w4 = small_wave("w3"), small_wave("w4")
    record("ada", "viewed", wave=w3, now=at(1))
    record("bea", "changed", obj=w3, wave=w3, now=at(2))
    record("ada", "exported", wave=w4, now=at(3))
    assert [e.action for e in events(wave=w3)] == ["viewed", "changed"]
    assert [e.action for e in events(since=at(2))] == ["changed", "exported"]
    assert [e.action for e in events(actor="ada")] == ["viewed", "exported"]
    assert [e.action for e in events(actor="ada", wave=w4)] == ["exported"]
    assert [e.object_type for e in events(action="changed")] == ["fieldwork.wave"]


def test_the_audit_list_command(small_wave) -> None:  # noqa: ANN001
    w3 = small_wave("w3")
    record("ada", "viewed", wave=w3, detail="contacts list", now=at(1))
    record("cli:bea", "erased", wave=w3, now=timezone.now() - timedelta(minutes=1))
    runner = CliRunner()
    everything = runner.invoke(audit_group, ["list"])
    assert everything.exit_code == 0 and len(everything.output.splitlines()) == 2
    assert everything.output.splitlines()[0] == "2018-03-01 12:00:00\tada\tviewed\tw3\t-\tcontacts list"
    only = runner.invoke(audit_group, ["list", "--wave", "w3", "--actor", "cli:bea", "--since", "2018-03-02"])
    assert only.exit_code == 0 and only.output.count("\n") == 1 and "\terased\t" in only.output
    none = runner.invoke(audit_group, ["list", "--action", "sent"])
    assert none.exit_code == 0 and "No audit events match" in none.output
    bad = runner.invoke(audit_group, ["list", "--since", "last week"])
    assert bad.exit_code == 2 and "not a date" in bad.output and "Traceback" not in bad.output
    unknown = runner.invoke(audit_group, ["list", "--wave", "w9"])
    assert unknown.exit_code == 1 and "no wave called 'w9'" in unknown.output
