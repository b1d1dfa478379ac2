"""The worker's periodic work: run at start, then on its timer; a failure is logged, not fatal."""

from __future__ import annotations

import pytest
from django.db import OperationalError

from omnibus.fieldwork import worker


@pytest.fixture
def ran(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A registry of its own with two pieces of work that note each run; the notes."""
    monkeypatch.setattr(worker, "_PERIODIC", {})
    notes: list[str] = []
    worker.add_periodic("often", lambda: notes.append("often"), every=10)
    worker.add_periodic("rarely", lambda: notes.append("rarely"), every=100)
    return notes


def test_periodic_work_runs_at_start_and_then_when_due(ran: list[str]) -> None:
    due: dict[str, float] = {}
    worker.run_periodic(due, 1000.0)
    assert ran == ["often", "rarely"]
    worker.run_periodic(due, 1009.0)
    assert ran == ["often", "rarely"]
    worker.run_periodic(due, 1010.0)
    assert ran == ["often", "rarely", "often"]
    worker.run_periodic(due, 1100.0)
    assert ran == ["often", "rarely", "often", "often", "rarely"]


def test_registering_a_name_again_replaces_it(ran: list[str]) -> None:
    worker.add_periodic("often", lambda: ran.append("replaced"), every=10)
    worker.run_periodic({}, 0.0)
    assert sorted(ran) == ["rarely", "replaced"]
    assert [p.name for p in worker.periodic()] == ["often", "rarely"]


def test_a_failure_is_logged_and_the_rest_still_run(ran: list[str], caplog: pytest.LogCaptureFixture) -> None:
    def broken() -> None:
        raise ValueError("no code frame")

    worker.add_periodic("broken", broken, every=10)
    worker.run_periodic({}, 0.0)
    assert ran == ["often", "rarely"]
    assert "broken failed; trying again in 10 s" in caplog.text and "no code frame" in caplog.text


def test_a_database_error_is_left_to_the_loop_that_waits_for_the_database(ran: list[str]) -> None:
    def unreachable() -> None:
        raise OperationalError("the database system is starting up")

    worker.add_periodic("unreachable", unreachable, every=10)
    with pytest.raises(OperationalError):
        worker.run_periodic({}, 0.0)
