"""Fieldwork commands: waves, access codes, and `omnibus questionnaire load` (it writes to the database)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from omnibus.fieldwork.command_line import moment_given, wave_named
from omnibus.fieldwork.wave_state_commands import wave_close, wave_open, wave_reopen


@click.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True, help="Replace a version of the same label loaded with different content.")
def load_questionnaire(file: Path, replace: bool) -> None:
    """Check FILE and store it as a questionnaire version that waves can use."""
    from omnibus.core.setup import setup_django

    setup_django()
    from omnibus.fieldwork.questionnaires import VersionConflict, store_questionnaire
    from omnibus.questionnaire.loader import QuestionnaireError

    try:
        stored, changed = store_questionnaire(file, replace=replace)
    except QuestionnaireError as error:
        for line in error.lines():
            click.echo(line, err=True)
        raise SystemExit(1) from None
    except VersionConflict as error:
        click.echo(str(error), err=True)
        raise SystemExit(1) from None
    state = "Loaded" if changed else "Already loaded, unchanged:"
    click.echo(f"{state} {stored.survey} {stored.version} ({stored.title})")


@click.group()
def wave() -> None:
    """Create and list waves (a questionnaire version, the frame as of a date, opening and closing times)."""


@wave.command("create")
@click.argument("slug")
@click.option(
    "--questionnaire",
    "questionnaire_ref",
    required=True,
    help="A questionnaire file, or SURVEY:VERSION already loaded.",
)
@click.option("--frame-as-of", "as_of", required=True, help="The frame's date, YYYY-MM-DD.")
@click.option("--opens", required=True, help="When the survey opens: YYYY-MM-DD or YYYY-MM-DDTHH:MM.")
@click.option("--closes", required=True, help="When it closes.")
@click.option("--title", default=None, help="The wave's title (default: the questionnaire's).")
@click.option("--kind", type=click.Choice(["main", "pilot"]), default="main", show_default=True)
@click.option("--population", default="england-la", show_default=True)
def wave_create(
    slug: str,
    questionnaire_ref: str,
    as_of: str,
    opens: str,
    closes: str,
    title: str | None,
    kind: str,
    population: str,
) -> None:
    """Create wave SLUG and an access code for every unit of the frame as of --frame-as-of."""
    from omnibus.core.setup import setup_django

    setup_django()
    from omnibus.fieldwork.waves import WaveError, create_wave
    from omnibus.frame.store import FrameError

    try:
        frame_date = date.fromisoformat(as_of)
    except ValueError:
        raise click.BadParameter(f"{as_of!r} is not a date like 2017-09-01", param_hint="--frame-as-of") from None
    stored = _questionnaire(questionnaire_ref)
    try:
        made = create_wave(
            slug,
            title or stored.title,
            stored,
            population,
            frame_date,
            moment_given(opens, "--opens"),
            moment_given(closes, "--closes"),
            kind,
        )
    except (WaveError, FrameError) as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Created wave {made.slug}: {made.units.count()} units, {made.questionnaire}, open {opens} to {closes}")


def _questionnaire(ref: str):  # noqa: ANN202 - a QuestionnaireVersion
    from omnibus.fieldwork.models import QuestionnaireVersion
    from omnibus.fieldwork.questionnaires import VersionConflict, store_questionnaire
    from omnibus.questionnaire.loader import QuestionnaireError

    path = Path(ref)
    if path.suffix in (".yaml", ".yml"):
        try:
            return store_questionnaire(path)[0]
        except QuestionnaireError as error:
            for line in error.lines():
                click.echo(line, err=True)
            raise SystemExit(1) from None
        except VersionConflict as error:
            raise click.ClickException(str(error)) from None
    survey, _, version = ref.partition(":")
    stored = QuestionnaireVersion.objects.filter(survey=survey, version=version).first()
    if stored is None:
        raise click.ClickException(
            f"no questionnaire {ref!r} is loaded; give a file, or SURVEY:VERSION of a loaded one"
        )
    return stored


@wave.command("list")
def wave_list() -> None:
    """List the waves with their questionnaire, dates and number of units."""
    from omnibus.core.setup import setup_django

    setup_django()
    from omnibus.fieldwork.models import Wave

    for item in Wave.objects.exclude(kind=Wave.PREVIEW).select_related("questionnaire"):
        click.echo(
            f"{item.slug}\t{item.kind}\t{item.questionnaire}\t{item.opens_at:%Y-%m-%d %H:%M} to "
            f"{item.closes_at:%Y-%m-%d %H:%M}\t{item.units.count()} units"
        )


@click.group()
def codes() -> None:
    """Access codes for mail merges."""


@codes.command("export")
@click.argument("wave_slug", metavar="WAVE")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="CSV file (default: standard output)."
)
def codes_export(wave_slug: str, output: Path | None) -> None:
    """Write WAVE's units with their access codes and links, as CSV for a mail merge."""
    from omnibus.core.setup import setup_django

    setup_django()
    from django.conf import settings

    from omnibus.fieldwork.audit import cli_actor, record
    from omnibus.fieldwork.waves import codes_csv

    chosen = wave_named(wave_slug)
    try:
        text = codes_csv(chosen, settings.BASE_URL)
    except ValueError as error:  # the codes were sealed with another key
        raise click.ClickException(str(error)) from None
    record(cli_actor(), "exported", wave=chosen, detail="access codes for a mail merge")
    if output is None:
        click.echo(text, nl=False)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    click.echo(f"Wrote {output}")


wave.add_command(wave_open)
wave.add_command(wave_close)
wave.add_command(wave_reopen)
