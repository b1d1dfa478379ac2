"""`omnibus wave open|close|reopen SLUG`: the command-line form of the back office's buttons.

The commands are attached to the `wave` group in `commands.py` (`wave.add_command(...)`).
"""

from __future__ import annotations

import click

from omnibus.fieldwork.command_line import moment_given, wave_named


def _change(slug: str, what: str, until: str | None = None) -> None:
    """Find the wave, make the change as the CLI user, and say what the wave's times now are."""
    chosen = wave_named(slug)
    from django.utils import timezone

    from omnibus.fieldwork.audit import cli_actor
    from omnibus.fieldwork.wave_state import WaveStateError, close_wave, open_wave, reopen_wave

    try:
        if what == "open":
            open_wave(chosen, cli_actor())
        elif what == "close":
            close_wave(chosen, cli_actor())
        else:
            reopen_wave(chosen, cli_actor(), moment_given(until or "", "--until"))
    except WaveStateError as error:
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
