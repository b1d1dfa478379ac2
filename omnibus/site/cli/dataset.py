"""`omnibus dataset build`, `omnibus responses import`, `omnibus export` and `omnibus simulate`."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import click
import polars as pl

from omnibus.analysis.dataset import Dataset
from omnibus.dataset import EXPORT_FORMATS, IMPORT_MODES
from omnibus.dataset.build import build_dataset
from omnibus.dataset.importing import ImportRefused, import_responses
from omnibus.dataset.simulate import simulate
from omnibus.dataset.wave_export import export_wave
from omnibus.frame.schema import PopulationSchema
from omnibus.frame.store import stored_schema
from omnibus.site.cli.arguments import wave_named

WAVE = click.argument("wave", metavar="WAVE")


@click.group()
def dataset() -> None:
    """The analysis dataset: one row per unit of a wave, routing-aware missing codes."""


@dataset.command("build")
@WAVE
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write it as Parquet here.")
def build_dataset_command(wave: str, output: Path | None) -> None:
    """Build WAVE's dataset and summarise it (write it with -o FILE.parquet)."""
    found = wave_named(wave)

    data = build_dataset(found)
    click.echo(dataset_summary(data))
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        data.data.write_parquet(output)
        click.echo(f"Wrote {output} ({data.data.height} rows, {data.data.width} columns)")


def dataset_summary(data: Dataset) -> str:
    """A few lines about a dataset: units, responding units, each section's complete/partial counts."""
    frame = data.data
    sections = [c for c in frame.columns if c.startswith("section_")]
    responding = frame.filter(pl.any_horizontal([pl.col(c) != "none" for c in sections])).height if sections else 0
    lines = [
        f"{data.wave}: {frame.height} units ({data.population_size} in the frame), {responding} responding, "
        f"{len(data.variables)} variables"
    ]
    for column in sections:
        counts = Counter(frame[column].to_list())
        lines.append(
            f"  {column.removeprefix('section_')}: {counts['complete']} complete, {counts['partial']} partial, "
            f"{counts['none']} none"
        )
    return "\n".join(lines)


@click.group()
def responses() -> None:
    """Responses from outside the web survey: telephone, paper, returned Excel copies, files."""


@responses.command("import")
@WAVE
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--mode",
    type=click.Choice(IMPORT_MODES),
    help="How the answers were given (default: import; returned_copy for an Excel copy).",
)
@click.option("--unit", "unit", metavar="KEY", help="The unit an Excel copy of the questionnaire belongs to.")
def import_responses_command(wave: str, file: Path, mode: str | None, unit: str | None) -> None:
    """Import FILE (CSV, XLSX or .sav with a `unit` column, or a filled-in Excel copy) into WAVE.

    Every value is checked against the questionnaire and its routing; a file with any problem is
    refused whole, each problem printed as FILE:ROW: unit KEY: VARIABLE: message.
    """
    found = wave_named(wave)

    try:
        result = import_responses(found, file, mode=mode, unit=unit)
    except ImportRefused as refused:
        for line in refused.lines():
            click.echo(line, err=True)
        click.echo(f"{file}: {len(refused.problems)} problem(s); nothing imported", err=True)
        raise SystemExit(1) from None
    click.echo(f"Imported {result.units} unit(s) from {file} as {result.mode}: {result.changed} answer(s) changed")


@click.command("export")
@WAVE
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), required=True, help="The file format.")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="The file to write."
)
@click.option("--client", is_flag=True, help="The client's copy: pseudonyms for units that did not agree to be named.")
@click.option("--with-open-text", is_flag=True, help="With --client: keep open text answers.")
@click.option(
    "--keep-attribute",
    "keep",
    multiple=True,
    metavar="NAME",
    help="With --client: a frame attribute kept for every unit (default: the population's client_attributes).",
)
def export(wave: str, fmt: str, output: Path, client: bool, with_open_text: bool, keep: tuple[str, ...]) -> None:
    """Export WAVE's dataset as CSV, XLSX, SPSS .sav or Parquet, with its codebook."""
    found = wave_named(wave)

    _check_kept(stored_schema(found.population), keep)
    try:
        done = export_wave(found, fmt, output, client, with_open_text, keep or None)
    except OSError as error:
        raise click.ClickException(f"{output}: {error}") from None
    where = f", codebook in {done.codebook}" if done.codebook else ", codebook on its own sheet"
    click.echo(f"Wrote {done.data}: {done.rows} rows, {done.columns} columns{where}")
    if client:
        click.echo(f"{done.pseudonymised} unit(s) without consent to be named carry a pseudonym")


def _check_kept(schema: PopulationSchema, keep: tuple[str, ...]) -> None:
    """Refuse an attribute the population does not have; warn of one it does not declare safe for a client."""
    unknown = schema.unknown_attributes(keep)
    if unknown:
        raise click.ClickException(
            f"--keep-attribute: {', '.join(unknown)} is not an attribute of the {schema.slug} population "
            f"(its attributes: {', '.join(schema.attribute_names)})"
        )
    for name in keep:
        if name not in schema.client_attributes:
            declared = ", ".join(schema.client_attributes) or "none"
            click.echo(
                f"Warning: --keep-attribute {name}: the {schema.slug} population does not declare it safe for a "
                f"client copy (its client_attributes: {declared}); a rare value can name a unit",
                err=True,
            )


@click.command("simulate")
@WAVE
@click.option("--seed", type=int, help="Seed of the random choices, for the same answers again.")
@click.option(
    "--response-rate", type=click.FloatRange(0, 1), default=0.5, show_default=True, help="Share of units that respond."
)
@click.option(
    "--section-share",
    "section_shares",
    multiple=True,
    type=click.FloatRange(0, 1),
    metavar="SHARE",
    help="Share of all units answering a menu section, in menu order; repeat for each (the last holds for "
    "later sections). Default: each menu section equally likely.",
)
def simulate_command(wave: str, seed: int | None, response_rate: float, section_shares: tuple[float, ...]) -> None:
    """Fill WAVE with synthetic answers, walked through the questionnaire's routing (for demos and tests)."""
    found = wave_named(wave)

    done = simulate(found, seed=seed, response_rate=response_rate, section_shares=section_shares)
    click.echo(
        f"Simulated {done.responding} responding unit(s) of {done.units}"
        + (f" ({done.skipped} already had answers)" if done.skipped else "")
    )
    for section, counts in done.sections.items():
        click.echo(f"  {section}: {counts['completed']} completed, {counts['in_progress']} partial")
