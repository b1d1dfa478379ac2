"""`omnibus frame`: load the population frame from CSV and list it as it stood on a date."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import click
from django.db import Error as DatabaseError

from omnibus.core.spreadsheet import csv_writer
from omnibus.frame.csvfile import FrameFileError
from omnibus.frame.store import FrameError, frame_as_of, load_frame


class DateParam(click.ParamType):
    """A calendar date written YYYY-MM-DD."""

    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        """Parse the date, or fail with a usage error naming the expected form."""
        if isinstance(value, date):
            return value
        try:
            if len(value) != 10:
                raise ValueError
            return date.fromisoformat(value)
        except ValueError:
            self.fail(f"{value!r} is not a date in the form YYYY-MM-DD", param, ctx)


DATE = DateParam()
POPULATION_OPTION = click.option(
    "--population",
    metavar="SLUG|FILE.yaml",
    help="The population: a slug (shipped in omnibus/frame/populations, or loaded) or a schema YAML file "
    "(default: the only population loaded, or the one whose columns the file has).",
)


@click.group()
def frame() -> None:
    """The population frame: the units surveyed, with codes and dated attributes."""


@frame.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--as-of", required=True, type=DATE, help="The date the file describes the frame.")
@POPULATION_OPTION
def load_frame_command(file: Path, as_of: date, population: str | None) -> None:
    """Load FILE (CSV, one row per unit) as the frame from --as-of.

    The file is checked first; if anything is wrong every problem is listed as
    FILE:LINE: column COL: message and nothing is loaded. Loading again for the
    same date replaces that day's frame.
    """
    with _user_errors():
        try:
            version = load_frame(file, as_of, population)
        except FrameFileError as exc:
            for line in exc.errors:
                click.echo(line, err=True)
            click.echo(f"Nothing loaded: {_count(len(exc.errors), 'error')} in {file}.", err=True)
            sys.exit(1)
    click.echo(
        f"Loaded {_count(version.row_count, 'unit')} into {version.population.slug} "
        f"as of {version.as_of.isoformat()} ({version.new_units} new, "
        + (f"{version.left_units} left, " if version.left_units else "")
        + f"{version.changed_values} changed attribute values)"
    )


@frame.command()
@click.option("--as-of", type=DATE, help="Show the frame as it stood on this date (default: latest).")
@POPULATION_OPTION
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv"]),
    default="table",
    show_default=True,
    help="table for reading; csv gives a file that `frame load` accepts.",
)
def show(as_of: date | None, population: str | None, fmt: str) -> None:
    """List the units of the frame with their codes and attributes."""
    with _user_errors():
        current = frame_as_of(population, as_of)
    rows = [unit.cells(current.columns) for unit in current.units]
    if fmt == "csv":
        # Derived attributes (bands of an indicator) are not frame-file columns: left out, `frame load` reads it.
        kept = [c for c in current.columns if c not in current.derived]
        buffer = io.StringIO()
        writer = csv_writer(buffer, lineterminator="\n")
        writer.writerow(kept)
        writer.writerows(unit.cells(kept) for unit in current.units)
        click.echo(buffer.getvalue(), nl=False)
        return
    click.echo(
        f"{current.population}: {current.title}, as of {current.as_of.isoformat()} "
        f"(frame version of {current.version_as_of.isoformat()}), "
        f"{_count(len(current.units), 'unit')}"
    )
    click.echo()
    for line in _table(current.columns, rows):
        click.echo(line.rstrip())


@contextmanager
def _user_errors() -> Iterator[None]:
    """Turn the errors a user can cause into one line, not a traceback."""
    try:
        yield
    except FrameError as exc:
        raise click.ClickException(str(exc)) from exc
    except DatabaseError as exc:
        message = f"the database is not ready ({exc}); run `omnibus django migrate` first"
        raise click.ClickException(message) from exc


def _table(columns: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max([len(c)] + [len(r[i]) for r in rows]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) for r in rows]
    return lines


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")
