"""`omnibus wave open|close|reopen SLUG`: the command-line form of the back office's buttons.

The commands are attached to the `wave` group in `commands.py` (`wave.add_command(...)`).
"""

from __future__ import annotations

from datetime import datetime

import click


def _until(text: str) -> datetime:
    """A date-time typed on the command line, in the service's time zone."""
    from django.utils import timezone

    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(f"{text!r} is not a date-time like 2017-11-10T17:00", param_hint="--until") from None
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _change(slug: str, what: str, until: str | None = None) -> None:
    """Find the wave, make the change as the CLI user, and say what the wave's times now are."""
    from omnibus.site.setup import setup_django

    setup_django()
    from django.utils import timezone

    from omnibus.fieldwork.audit import cli_actor
    from omnibus.fieldwork.wave_state import WaveStateError, close_wave, open_wave, reopen_wave
    from omnibus.fieldwork.waves import WaveError, wave_by_slug

    try:
        chosen = wave_by_slug(slug)
        if what == "open":
            open_wave(chosen, cli_actor())
        elif what == "close":
            close_wave(chosen, cli_actor())
        else:
            reopen_wave(chosen, cli_actor(), _until(until or ""))
    except (WaveError, WaveStateError) as error:
        raise click.ClickException(str(error)) from None
    opens, closes = (timezone.localtime(t).strftime("%Y-%m-%d %H:%M") for t in (chosen.opens_at, chosen.closes_at))
    click.echo(f"Wave {chosen.slug} is {chosen.state(timezone.now()).replace('_', ' ')}: {opens} to {closes}")


@click.command("open")
@click.argument("slug")
def wave_open(slug: str) -> None:
    """Open wave SLUG now (it must not have opened yet)."""
    _change(slug, "open")


@click.command("close")
@click.argument("slug")
def wave_close(slug: str) -> None:
    """Close wave SLUG now (it must be open)."""
    _change(slug, "close")


@click.command("reopen")
@click.argument("slug")
@click.option("--until", required=True, help="The new closing time, YYYY-MM-DDTHH:MM (in the future).")
def wave_reopen(slug: str, until: str) -> None:
    """Reopen the closed wave SLUG until --until."""
    _change(slug, "reopen", until)
