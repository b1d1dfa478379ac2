"""`omnibus tables`, `omnibus report` and `omnibus publish`: a wave's tab book, report and released tables."""

from __future__ import annotations

from pathlib import Path

import click

from omnibus.analysis.spec import AnalysisSpec, SpecError, load_spec
from omnibus.analysis.tables import wave_tables
from omnibus.fieldwork.questionnaires import questionnaire_of
from omnibus.report.ees import Country
from omnibus.report.libreoffice import ConversionError
from omnibus.report.making import ReportError, make_report, parse_formats, population_units
from omnibus.report.publish import PUBLISH_FORMATS, PublishError, publish, wave_release
from omnibus.report.spec import ReportSpecError, default_spec_text
from omnibus.report.tabbook import book_weights, write_tabbook
from omnibus.report.tables_csv import write_tables_csv
from omnibus.report.tabulating import tabulation_inputs
from omnibus.site.cli.arguments import wave_named


@click.command("tables")
@click.argument("wave_slug", metavar="WAVE")
@click.option("--compare", "earlier", multiple=True, metavar="WAVE", help="An earlier wave to show and test against.")
@click.option("--spec", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="The analysis spec (YAML).")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The .xlsx (tab book), .ods (the tab book through LibreOffice) or .csv (every figure as published).",
)
def tables(wave_slug: str, earlier: tuple[str, ...], spec: Path | None, output: Path) -> None:
    """Write WAVE's tab book (or its figures as CSV): every question's base, breakdowns, nets, means and changes."""
    if output.suffix.lower() not in (".xlsx", ".ods", ".csv"):
        raise click.BadParameter(f"{output} should end in .xlsx, .ods or .csv", param_hint="-o")
    _, analysis, datasets = _read_waves((wave_slug, *earlier), spec)
    output.parent.mkdir(parents=True, exist_ok=True)
    try:
        if output.suffix.lower() == ".csv":
            main, *others = datasets
            found = wave_tables(main, analysis, others, book_weights(datasets, analysis))
            write_tables_csv(found, analysis.conventions, output)
        else:
            write_tabbook(datasets, analysis, output)
    except ConversionError as error:
        raise click.ClickException(str(error)) from None
    except OSError as error:
        raise click.ClickException(f"{output}: cannot write: {error.strerror or error}") from None
    click.echo(
        f"Wrote {output}: the tab book of {wave_slug}" + (f" compared with {', '.join(earlier)}" if earlier else "")
    )


def _read_waves(slugs: tuple[str, ...], spec: Path | None) -> tuple[list, AnalysisSpec, list]:
    """The waves named (the first the one tabulated), the analysis spec, and each wave's dataset."""
    waves = [wave_named(slug) for slug in slugs]
    if not spec:
        click.echo("No --spec given: using the default analysis spec (docs/statistics.md).", err=True)
    try:
        analysis, datasets = tabulation_inputs(waves, spec)
    except SpecError as error:
        raise click.ClickException(str(error)) from None
    return waves, analysis, datasets


class _ReportGroup(click.Group):
    """`omnibus report WAVE …` builds a report; `omnibus report init WAVE` writes a first specification.

    A group whose first argument is either the `init` command or a wave's name: anything that is not
    a command name (or --help) is handed to the hidden `build` command.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["build", *args]
        return super().parse_args(ctx, args)

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_usage("omnibus report", "WAVE [--compare WAVE ...] [--spec FILE] --format html,pdf,docx -o DIR")
        formatter.write_usage("omnibus report", "init WAVE [-o FILE]")


@click.group("report", cls=_ReportGroup)
def report() -> None:
    """The research report of a wave in HTML, PDF and Word, driven by a report specification (docs/report.md)."""


@report.command("build", hidden=True)
@click.argument("wave_slug", metavar="WAVE")
@click.option(
    "--compare",
    "earlier_slugs",
    multiple=True,
    metavar="WAVE",
    help="An earlier wave: paired bars and tested changes; give it again for a trend across several waves.",
)
@click.option("--spec", type=click.Path(dir_okay=False, path_type=Path), help="The report specification (YAML).")
@click.option("--format", "formats", default="html,pdf,docx", show_default=True, help="Formats, comma-separated.")
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False, path_type=Path), help="Folder.")
@click.option("--client", is_flag=True, help="The client's copy: quotes attributed only as consent allows.")
def build_report_command(
    wave_slug: str, earlier_slugs: tuple[str, ...], spec: Path | None, formats: str, output: Path, client: bool
) -> None:
    """Build WAVE's report in each format into the output folder."""
    try:
        chosen = parse_formats(formats)
    except ReportError as error:
        raise click.UsageError(str(error)) from None
    wave = wave_named(wave_slug)
    earlier = [wave_named(slug) for slug in earlier_slugs]
    if spec is not None and not spec.exists():
        raise click.ClickException(f"{spec}: no such report specification")

    def say(line: str) -> None:
        click.echo(f"  {line}", err=True)

    try:
        written = make_report(wave, spec, chosen, output, earlier, client, say)
    except (ReportSpecError, ReportError) as error:
        raise click.ClickException(str(error)) from None
    except OSError as error:
        raise click.ClickException(f"{output}: cannot write: {error.strerror or error}") from None
    for fmt, path in written.items():
        click.echo(f"Wrote {path} ({fmt.upper()})")


@report.command("init")
@click.argument("wave_slug", metavar="WAVE")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the specification [default: WAVE-report.yaml in the current folder].",
)
@click.option("--analysis", help="The analysis spec the report uses, as a path relative to the specification.")
@click.option("--units", help="What the units are called in sentences [default: the population's plural unit noun].")
@click.option("--force", is_flag=True, help="Replace an existing file.")
def init(wave_slug: str, output: Path | None, analysis: str | None, units: str | None, force: bool) -> None:
    """Write a first report specification for WAVE: a figure for every question, drafts for all the text."""
    wave = wave_named(wave_slug)
    path = output or Path(f"{wave.slug}-report.yaml")
    if path.exists() and not force:
        raise click.ClickException(f"{path} exists: give --force to replace it, or another -o")
    questionnaire = questionnaire_of(wave.questionnaire)
    if analysis:
        try:  # the report reads it relative to the specification: check it there, names and all
            load_spec(path.parent / analysis, questionnaire)
        except SpecError as error:
            raise click.ClickException(str(error)) from None
    else:
        click.echo(
            "No --analysis given: the report will use the default analysis spec (docs/statistics.md); "
            "add `analysis: FILE` to the specification to choose bases, nets, breakdowns and tests.",
            err=True,
        )
    text = default_spec_text(questionnaire, analysis, units or population_units(wave))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise click.ClickException(f"{path}: cannot write: {error.strerror or error}") from None
    click.echo(
        f"Wrote {path}: the report specification of {wave.slug}; build with omnibus report {wave.slug} --spec {path}"
    )


@click.command("publish")
@click.argument("wave_slug", metavar="WAVE")
@click.option("--format", "fmt", required=True, type=click.Choice(PUBLISH_FORMATS), help="What to write.")
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False, path_type=Path), help="Folder.")
@click.option("--compare", "earlier", multiple=True, metavar="WAVE", help="An earlier wave, as rows of its own period.")
@click.option("--spec", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="The analysis spec (YAML).")
@click.option(
    "--country", default="E92000001:England", show_default=True, metavar="CODE:NAME", help="The National geography."
)
def publish_command(
    wave_slug: str, fmt: str, output: Path, earlier: tuple[str, ...], spec: Path | None, country: str
) -> None:
    """Write WAVE's tables as official statistics: EES data files, or an accessible ODS or XLSX workbook."""
    code, _, name = country.partition(":")
    if not code or not name:
        raise click.BadParameter(f"{country!r} is not CODE:NAME, like E92000001:England", param_hint="--country")
    waves, analysis, datasets = _read_waves((wave_slug, *earlier), spec)
    try:
        written = publish(datasets, analysis, [wave_release(w) for w in waves], fmt, output, Country(code, name))
    except PublishError as error:
        raise click.ClickException(str(error)) from None
    except OSError as error:
        raise click.ClickException(f"{output}: cannot write: {error.strerror or error}") from None
    click.echo(f"Wrote {len(written)} file{'s' if len(written) != 1 else ''} to {output} ({fmt.upper()})")
