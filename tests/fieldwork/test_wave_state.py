"""Opening, closing and reopening a wave, audited, and `omnibus wave open|close|reopen`."""

from __future__ import annotations

from datetime import timedelta

import pytest
from click.testing import CliRunner
from django.utils import timezone

from omnibus.fieldwork.models import AuditEvent, Wave
from omnibus.fieldwork.wave_state import WaveStateError, close_wave, open_wave, reopen_wave
from omnibus.site.cli.fieldwork import wave_close, wave_open, wave_reopen

from .test_office_waves import make_wave

# The checks read every wave there is (`Wave.objects.get()`, the wave list): the simulated wave would be one.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_simulated_wave")]


def test_open_brings_the_opening_forward_and_is_audited() -> None:
    wave = make_wave(opens_in=timedelta(days=2))
    now = timezone.now()
    open_wave(wave, "cli:ada", now=now)
    assert Wave.objects.get().opens_at == now and wave.state(now + timedelta(seconds=1)) == "open"
    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.wave, event.object_id) == ("cli:ada", "changed", wave, str(wave.pk))
    assert "opened wave" in event.detail


def test_close_then_reopen() -> None:
    wave = make_wave()
    now = timezone.now()
    close_wave(wave, "system", now=now)
    assert Wave.objects.get().state(now) == "closed"
    reopen_wave(wave, "system", now + timedelta(days=5), now=now)
    assert Wave.objects.get().state(now) == "open"
    assert [e.detail.split(" (")[0].split(" at")[0].split(" until")[0] for e in AuditEvent.objects.all()] == [
        "closed wave",
        "reopened wave",
    ]


@pytest.mark.parametrize(
    ("opens_in", "change", "message"),
    [
        (timedelta(days=-1), lambda w, now: open_wave(w, "x", now=now), "already open"),
        (timedelta(days=1), lambda w, now: close_wave(w, "x", now=now), "has not opened yet"),
        (timedelta(days=-1), lambda w, now: reopen_wave(w, "x", now + timedelta(days=1), now=now), "is not closed"),
        (timedelta(days=-20), lambda w, now: reopen_wave(w, "x", now - timedelta(hours=1), now=now), "in the future"),
        (timedelta(days=-20), lambda w, now: close_wave(w, "x", now=now), "already closed"),
    ],
)
def test_changes_that_make_no_sense_are_refused(opens_in: timedelta, change, message: str) -> None:  # noqa: ANN001
    wave = make_wave(opens_in=opens_in)
    before = (wave.opens_at, wave.closes_at)
    with pytest.raises(WaveStateError, match=message):
        change(wave, timezone.now())
    stored = Wave.objects.get()
    assert (stored.opens_at, stored.closes_at) == before and not AuditEvent.objects.exists()


def test_commands_open_close_and_reopen() -> None:
    make_wave(opens_in=timedelta(days=1))
    result = CliRunner().invoke(wave_open, ["w3"])
    assert result.exit_code == 0 and "Wave w3 is open" in result.output, result.output
    result = CliRunner().invoke(wave_close, ["w3"])
    assert result.exit_code == 0 and "Wave w3 is closed" in result.output, result.output
    until = timezone.localtime(timezone.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    result = CliRunner().invoke(wave_reopen, ["w3", "--until", until])
    assert result.exit_code == 0 and "Wave w3 is open" in result.output, result.output
    assert [e.actor.startswith("cli:") for e in AuditEvent.objects.all()] == [True, True, True]


@pytest.mark.parametrize(
    ("command", "args", "message"),
    [
        (wave_open, ["nope"], "no wave called 'nope'"),
        (wave_open, ["w3"], "already open"),
        (wave_reopen, ["w3", "--until", "tomorrow"], "is not a date-time"),
        (wave_reopen, ["w3"], "Missing option '--until'"),
    ],
)
def test_command_errors_are_clear(command, args: list[str], message: str) -> None:  # noqa: ANN001
    make_wave()
    result = CliRunner().invoke(command, args)
    assert result.exit_code != 0 and message in result.output, result.output


def test_a_wave_of_chosen_units_has_only_those_and_refuses_a_unit_not_in_the_frame(stored_questionnaire) -> None:
    from omnibus.fieldwork.waves import WaveError, create_wave
    from tests.waves import AS_OF, HANDFUL, POPULATION

    opens = timezone.now()
    made = create_wave(
        "few", "Few", stored_questionnaire, POPULATION, AS_OF, opens, opens + timedelta(days=1), units=HANDFUL
    )
    assert sorted(made.units.values_list("unit__key", flat=True)) == sorted(HANDFUL)
    assert len(set(made.units.values_list("code_digest", flat=True))) == len(HANDFUL)
    with pytest.raises(WaveError, match="not units of the england-la frame as of 2017-09-01: 999"):
        create_wave(
            "more",
            "More",
            stored_questionnaire,
            POPULATION,
            AS_OF,
            opens,
            opens + timedelta(days=1),
            units=["840", "999"],
        )
