"""`omnibus context`: official statistics about each unit of the population, beside the survey."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from django.db import Error as DatabaseError

from omnibus.analysis.spec import AnalysisSpec, Breakdown, SpecError, load_spec
from omnibus.analysis.tables import Table
from omnibus.context.answers import AnswersError, band_tables, correlate_answer
from omnibus.context.bands import apply_bands
from omnibus.context.comparison import compare_with_neighbours
from omnibus.context.indicator_file import IndicatorFileError
from omnibus.context.neighbours import statistical_neighbours
from omnibus.context.store import (
    ContextError,
    chosen_population,
    indicator_values,
    load_indicator,
    loaded_series,
    measure_of,
    numeric_values,
    summary_of,
    unit_noun,
)
from omnibus.context.variation import ExclusionRule, counted
from omnibus.dataset.build import build_dataset
from omnibus.fieldwork.models import Wave
from omnibus.fieldwork.questionnaires import questionnaire_of
from omnibus.frame.store import FrameError, stored_schema
from omnibus.report.chapters.context import (
    ContextSpecError,
    context_tables,
    figure_text,
    indicator_period,
    read_context_spec,
)
from omnibus.report.chapters.context_charts import write_chart
from omnibus.report.chapters.context_figures import scatter_figure, variation_figure
from omnibus.report.document import Figure
from omnibus.report.tabbook import write_tabbook
from omnibus.site.cli.arguments import date_given, wave_named

POPULATION = click.option("--population", metavar="SLUG", help="The frame's population (default: the only one loaded).")
SERIES_HELP = "an indicator and its period as CODE:PERIOD, e.g. cla_rate:2016"


@click.group("context")
def context() -> None:
    """Load indicators, band them into frame attributes, and summarise how units vary."""


@context.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--indicator", "code", required=True, help="The indicator's code, e.g. cla_rate.")
@click.option("--period", required=True, help="The period the figures are for (a DfE time_period, e.g. 2016).")
@click.option("--column", help="The file's column holding the figures (default: the indicator's code).")
@click.option("--label", help="What the indicator measures, for tables and charts.")
@click.option("--unit", help="The unit of its figures, e.g. 'per 10,000 children'.")
@click.option(
    "--source",
    help="The publication a report cites, e.g. 'DfE, Children looked after in England: year ending 31 March 2016'. "
    "Needed unless the file's `source` column is a clean citation (no tag, sheet, file name or '--' aside).",
)
@click.option("--category", is_flag=True, help="The column holds categories (Ofsted judgements), not numbers.")
@click.option("--where", multiple=True, metavar="COLUMN=VALUE", help="Keep only rows with this value; repeatable.")
@POPULATION
def load_command(
    file: Path,
    code: str,
    period: str,
    column: str | None,
    label: str | None,
    unit: str | None,
    source: str | None,
    category: bool,
    where: tuple[str, ...],
    population: str | None,
) -> None:
    """Load an indicator from FILE: DfE tidy open data, or CSV keyed by any of the population's join codes.

    A plain file's column header names the code it is keyed by (one of the population's
    `join_codes`, tried in order); DfE's tidy codes are matched to them by pattern.

    DfE's symbols c, x, z and low are kept as missing values, never zero. A file with any bad
    row loads nothing; every bad row is listed as FILE:LINE: message.
    """
    filters = _filters(where)
    with _user_errors():
        try:
            done = load_indicator(file, code, period, column, label, unit, source, population, category, filters)
        except IndicatorFileError as exc:
            for line in exc.errors:
                click.echo(line, err=True)
            click.echo(f"Nothing loaded: {len(exc.errors)} error(s) in {file}.", err=True)
            raise SystemExit(1) from None
    parts = [f"{done.las} {unit_noun(population).singular}"] + [
        f"{n} {what}" for n, what in ((done.national, "national"), (done.regional, "regional")) if n
    ]
    click.echo(f"Loaded {code} {period} from {file} ({done.layout}): {', '.join(parts)} value(s)")
    if done.missing:
        click.echo(f"  {done.missing} area(s) with no figure (suppressed, not available or blank), kept as missing")
    if done.skipped:
        click.echo(f"  {done.skipped} row(s) of other periods or geographic levels skipped")
    for note in done.notes:
        click.echo(f"  Source: {note}")


@context.command("list")
def list_command() -> None:
    """List the indicators and periods loaded."""
    with _user_errors():
        found = loaded_series()
        units = unit_noun()
    if not found:
        click.echo("No indicators loaded yet: see `omnibus context load --help`.")
    for series in found:
        national = "with England" if series.national else "no England value"
        click.echo(
            f"{series.indicator.code}:{series.period}  {series.indicator.label} [{series.indicator.kind}] "
            f"{series.las} {units.singular} values, {series.missing} missing, {national}"
        )
        for note in series.source_note.splitlines():
            click.echo(f"    Source: {note}")


@context.command("bands")
@click.argument("series", metavar="CODE:PERIOD")
@click.option("--attribute", required=True, help="The frame attribute to set, e.g. cla_band.")
@click.option("--as-of", "as_of", required=True, help="The frame date from which the bands hold (YYYY-MM-DD).")
@click.option("--cuts", help="Ascending cut points, e.g. 100,300,400,500 (bands 100-300 … 500+).")
@click.option("--groups", type=click.IntRange(2, 20), help="Equal-count groups instead, e.g. 5 for quintiles.")
@click.option("--label", help="The attribute's label.")
@POPULATION
def bands_command(
    series: str,
    attribute: str,
    as_of: str,
    cuts: str | None,
    groups: int | None,
    label: str | None,
    population: str | None,
) -> None:
    """Band an indicator and make the bands a frame attribute from --as-of (categories are used as they are)."""
    code, period = _series(series)
    day = date_given(as_of, "--as-of")
    limits = _cuts(cuts) if cuts else None
    with _user_errors():
        done = apply_bands(code, period, attribute, day, limits, groups, label, population)
    click.echo(f"Frame attribute {done.attribute} from {done.as_of.isoformat()} ({done.written} value(s) written):")
    for band, count in done.counts.items():
        click.echo(f"  {band}: {counted(count, unit_noun(population))}")
    if done.no_band:
        click.echo(f"  no band ({len(done.no_band)}): {', '.join(done.no_band)}")


@context.command("variation")
@click.argument("series", metavar="CODE:PERIOD")
@click.option("--keep-zero", is_flag=True, help="Keep units with a value of 0 (left out by default).")
@click.option("--base", metavar="CODE:PERIOD", help="An indicator of each unit's base (e.g. pupils), for --min-base.")
@click.option("--min-base", type=float, help="Leave out units whose --base is below this.")
@click.option("--base-label", default="", help="What the base counts, for the footnote (e.g. pupils).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the chart (.png/.svg).")
@POPULATION
def variation_command(
    series: str,
    keep_zero: bool,
    base: str | None,
    min_base: float | None,
    base_label: str,
    output: Path | None,
    population: str | None,
) -> None:
    """How units vary on an indicator: England, the range, half/double counts, deciles, and a chart."""
    code, period = _series(series)
    if (base is None) != (min_base is None):
        raise click.UsageError("--base and --min-base go together")
    with _user_errors():
        bases = {}
        if base:
            bases = {k: a.value for k, a in indicator_values(*_series(base)).las.items()}
        rule = ExclusionRule(zero=not keep_zero, base=bases, min_base=min_base, base_label=base_label)
        summary = summary_of(code, period, rule, unit_noun(chosen_population(population)))
        values = indicator_values(code, period)
        figure = variation_figure(summary, values.unit, values.source_note.replace("\n", "; "))
    _print_rows(figure.data.caption, figure.data.rows)
    for note in figure.notes:
        click.echo(f"Note: {note}")
    if output:
        _write(figure, output)


@context.command("scatter")
@click.argument("x_series", metavar="X_CODE:PERIOD")
@click.argument("y_series", metavar="Y_CODE:PERIOD")
@click.option("--label-points", is_flag=True, help="Name the units on the chart (those of --highlight, else all).")
@click.option("--highlight", multiple=True, metavar="KEY", help="A unit (its key) to mark; repeat for more.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the chart (.png/.svg).")
def scatter_command(
    x_series: str, y_series: str, label_points: bool, highlight: tuple[str, ...], output: Path | None
) -> None:
    """One indicator against another across units: the correlation, R² and a scatter chart."""
    with _user_errors():
        x, y = measure_of(*_series(x_series)), measure_of(*_series(y_series))
        try:
            figure = scatter_figure(x, y, label_points, set(highlight), units=unit_noun())
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(figure.title)
    click.echo(figure.base)
    for note in figure.notes:
        click.echo(f"Note: {note}")
    if output:
        _write(figure, output)


@context.command("neighbours")
@click.argument("la", metavar="KEY")
@click.option("--by", "by", required=True, help=f"Comma-separated indicators, each {SERIES_HELP}.")
@click.option("--count", type=click.IntRange(1, 50), default=10, show_default=True)
def neighbours_command(la: str, by: str, count: int) -> None:
    """The statistical neighbours of the unit KEY: the nearest units on the z-scored indicators given --by."""
    chosen = [_series(s.strip()) for s in by.split(",") if s.strip()]
    with _user_errors():
        names, table = _indicator_table(chosen)
        try:
            found = statistical_neighbours(la, table, names, [f"{c}:{p}" for c, p in chosen], count)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"Statistical neighbours of {found.name} ({la}) by {', '.join(found.indicators)}:")
    for rank, n in enumerate(found.neighbours, start=1):
        click.echo(f"  {rank:2}. {n.name} ({n.key})  distance {n.distance:.2f}")
    if found.left_out:
        click.echo(f"Not compared (a value missing): {', '.join(found.left_out)}")


@context.command("breakdown")
@click.argument("wave_slug", metavar="WAVE")
@click.argument("question")
@click.option("--by", "attribute", required=True, help="The frame attribute to break down by, e.g. cin_band.")
@click.option("--spec", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="The analysis spec.")
def breakdown_command(wave_slug: str, question: str, attribute: str, spec: Path | None) -> None:
    """QUESTION of WAVE broken down by a frame attribute (bands of an indicator), with bases and tests."""
    wave = wave_named(wave_slug)
    with _user_errors():
        analysis = _spec(spec, wave)
        tables = band_tables(build_dataset(wave), question, Breakdown(attribute, attribute, attribute), analysis)
    for table in tables:
        for line in table_lines(table):
            click.echo(line)
        click.echo()


@context.command("correlate")
@click.argument("wave_slug", metavar="WAVE")
@click.argument("variable")
@click.argument("series", metavar="CODE[:PERIOD]")
@click.option("--spec", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="The analysis spec.")
def correlate_command(wave_slug: str, variable: str, series: str, spec: Path | None) -> None:
    """A numeric answer (or a ratio of the spec) of WAVE against an indicator: r, R², the base and the test.

    CODE without a period takes the loaded period nearest the wave's fieldwork.
    """
    wave = wave_named(wave_slug)
    with _user_errors():
        values = numeric_values(*_near(series, wave))
        found = correlate_answer(
            build_dataset(wave), variable, values.las, f"{values.label} ({values.period})", _spec(spec, wave)
        )
    click.echo(f"{found.label} against {found.indicator}")
    click.echo(found.base)
    for note in found.notes:
        click.echo(f"Note: {note}")


@context.command("compare")
@click.argument("wave_slug", metavar="WAVE")
@click.argument("la", metavar="KEY")
@click.option(
    "--by",
    "by",
    required=True,
    help=f"Comma-separated indicators for the neighbours, each {SERIES_HELP} (CODE alone: nearest the fieldwork).",
)
@click.option("--variables", required=True, help="Comma-separated variables to show.")
@click.option("--count", type=click.IntRange(1, 50), default=10, show_default=True)
@click.option("--audience", type=click.Choice(["researcher", "client"]), default="researcher", show_default=True)
def compare_command(wave_slug: str, la: str, by: str, variables: str, count: int, audience: str) -> None:
    """The answers of the unit KEY beside its statistical neighbours'; for a client, only units that consented
    are named."""
    wave = wave_named(wave_slug)
    with _user_errors():
        chosen = [_near(s.strip(), wave) for s in by.split(",") if s.strip()]
        names, table = _indicator_table(chosen)
        try:
            hood = statistical_neighbours(la, table, names, [f"{c}:{p}" for c, p in chosen], count)
            units = stored_schema(wave.population).unit if wave.population else None
            shown = compare_with_neighbours(
                build_dataset(wave), hood, [v.strip() for v in variables.split(",")], audience, units
            )
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
    _print_rows(f"{hood.name} and its neighbours, {wave_slug}", [[r.label, *r.answers] for r in shown.rows],
                ["", *shown.variables])  # fmt: skip
    for note in shown.notes:
        click.echo(f"Note: {note}")


@context.command("tables")
@click.argument("wave_slug", metavar="WAVE")
@click.option(
    "--context",
    "context_spec",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A report specification with a `context:` key (or a YAML file of those keys).",
)
@click.option("--spec", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="The analysis spec.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The .xlsx.")
def tables_command(wave_slug: str, context_spec: Path, spec: Path | None, output: Path) -> None:
    """WAVE's tab book with a Context sheet: the context chapter's tables (variation, scatter, breakdowns)."""
    wave = wave_named(wave_slug)
    with _user_errors():
        dataset = build_dataset(wave)
        found = context_tables(read_context_spec(context_spec), wave, dataset)
        try:
            write_tabbook([dataset], _spec(spec, wave), output, context=found)
        except OSError as exc:
            raise click.ClickException(f"{output}: cannot write: {exc.strerror or exc}") from None
    click.echo(f"Wrote {output}: the tab book of {wave_slug} with {len(found)} context table(s)")


def table_lines(table: Table) -> list[str]:
    """A table as text: its title, base, banner with letters, bases, and each row's figures and letters."""
    header = ["", *[f"{c.label} ({c.letter})" for c in table.columns]]
    rows = [["Base (n)", *[f"{b.n}{'†' if b.low else ''}" for b in table.bases]]]
    for row in table.rows:
        cells = [figure_text(c, row.kind, b.low) for c, b in zip(row.cells, table.bases, strict=True)]
        rows.append([row.label + (" %" if row.kind in ("percent", "net") else ""), *cells])
    lines = [f"{table.name}: {table.title}", f"Base: {table.base_description}"]
    lines += _grid([header, *rows])
    lines += [f"Note: {note}" for note in table.notes]
    lines.append("Letters: the figure is significantly higher than the column with that letter (independent groups).")
    if any(b.low for b in table.bases):
        lines.append("†: a base under the low-base threshold; the count is given beside each percentage.")
    return lines


def _near(text: str, wave: Wave) -> tuple[str, str]:
    """CODE:PERIOD as given, or CODE alone with the loaded period nearest the wave's fieldwork (said so)."""
    if not text.partition(":")[0]:
        raise click.BadParameter(f"{text!r}: give {SERIES_HELP}")
    code, period, chosen = indicator_period(text, wave)
    if chosen:
        click.echo(f"{code}: period {period}, the loaded one nearest the fieldwork of {wave.slug}")
    return code, period


def _series(text: str) -> tuple[str, str]:
    code, sep, period = text.partition(":")
    if not sep or not code or not period:
        raise click.BadParameter(f"{text!r}: give {SERIES_HELP}")
    return code, period


def _filters(where: tuple[str, ...]) -> dict[str, str]:
    found = {}
    for given in where:
        name, sep, value = given.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"{given!r}: give COLUMN=VALUE, e.g. characteristic=Total", param_hint="--where")
        found[name.strip()] = value.strip()
    return found


def _cuts(text: str) -> list[float]:
    try:
        return [float(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise click.BadParameter(f"{text!r}: give numbers separated by commas, e.g. 100,300,400,500") from None


def _spec(path: Path | None, wave) -> AnalysisSpec:  # noqa: ANN001 - a Wave
    """The analysis spec, every name checked against the wave's questionnaire (the default spec without one)."""
    try:
        return load_spec(path, questionnaire_of(wave.questionnaire)) if path else AnalysisSpec()
    except SpecError as exc:
        raise click.ClickException(str(exc)) from None


def _indicator_table(chosen: list[tuple[str, str]]) -> tuple[dict[str, str], dict[str, dict[str, float | None]]]:
    """Names of units and each unit's value of each chosen indicator ("code:period" -> value)."""
    names: dict[str, str] = {}
    table: dict[str, dict[str, float | None]] = {}
    for code, period in chosen:
        values = numeric_values(code, period)
        for key, value in values.by_key().items():
            table.setdefault(key, {})[f"{code}:{period}"] = value
            names[key] = values.las[key].name if key in values.las else values.no_value[key][0]
    return names, table


def _write(figure: Figure, output: Path) -> None:
    try:
        write_chart(figure.chart, output, figure.title, [figure.base, *figure.notes])
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"{output}: cannot write: {exc.strerror or exc}") from None
    click.echo(f"Wrote {output}")


def _print_rows(caption: str, rows: list[list[str]], header: list[str] | None = None) -> None:
    click.echo(caption)
    for line in _grid([header, *rows] if header else rows):
        click.echo(line)


def _grid(rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]


@contextmanager
def _user_errors() -> Iterator[None]:
    """Turn the errors a user can cause into one line and exit 1, not a traceback."""
    try:
        yield
    except (ContextError, FrameError, AnswersError, SpecError, ContextSpecError) as exc:
        raise click.ClickException(str(exc)) from None
    except DatabaseError as exc:
        raise click.ClickException(f"the database is not ready ({exc}); run `omnibus django migrate` first") from None
