"""`omnibus coding`: code open responses outside the system (CSV export and import)."""

from __future__ import annotations

from pathlib import Path

import click

from omnibus.coding.codings import open_variable, open_variables
from omnibus.coding.csvfile import MAX_BYTES, CodingFileError, export_csv, import_csv
from omnibus.fieldwork.models import Wave
from omnibus.fieldwork.questionnaires import questionnaire_of
from omnibus.questionnaire import textfile
from omnibus.site.cli.arguments import wave_named


@click.group("coding")
def coding() -> None:
    """Code frames and the coding of open responses."""


def _variable(wave: Wave, name: str) -> None:
    if open_variable(wave, name) is None:
        known = ", ".join(v.name for v in open_variables(questionnaire_of(wave.questionnaire)))
        raise click.ClickException(f"{name} is not an open variable of wave {wave.slug} (open variables: {known})")


@coding.command("export")
@click.argument("wave_slug", metavar="WAVE")
@click.argument("variable")
@click.option(
    "-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The .csv to write."
)
def export_command(wave_slug: str, variable: str, output: Path) -> None:
    """Write WAVE's answers to the open VARIABLE with their theme codes, for coding in a spreadsheet."""
    wave = wave_named(wave_slug)
    _variable(wave, variable)
    text = export_csv(wave, variable)
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        raise click.ClickException(f"{output}: cannot write: {error.strerror or error}") from None
    click.echo(f"Wrote {output}: {text.count(chr(10)) - 1} answers to {variable} in {wave_slug}")


@coding.command("import")
@click.argument("wave_slug", metavar="WAVE")
@click.argument("variable")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_codes_command(wave_slug: str, variable: str, file: Path) -> None:
    """Read back a coded FILE: the codes of the answers it lists are replaced; a bad file changes nothing."""
    wave = wave_named(wave_slug)
    _variable(wave, variable)
    try:
        text = textfile.read_text(file, MAX_BYTES)
    except textfile.TextFileError as error:
        raise click.ClickException(error.located(file)) from None
    try:
        coded = import_csv(wave, variable, text)
    except CodingFileError as error:
        for problem in error.problems:
            click.echo(f"{file}: {problem}", err=True)
        raise click.ClickException(f"{file}: {len(error.problems)} problem(s); nothing was imported") from None
    click.echo(f"Imported {file}: {coded} answers to {variable} coded")
