"""`omnibus questionnaire …`: check, render and import questionnaire files, without Django.

`omnibus questionnaire load` writes to the database: it lives in `fieldwork.py` and is imported
(with Django) only when it is run or listed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from omnibus.questionnaire.kinds import kind_of
from omnibus.questionnaire.loader import QuestionnaireError, load
from omnibus.questionnaire.model import Questionnaire
from omnibus.questionnaire.render_text import render_text
from omnibus.questionnaire.rendering import RENDER_FORMATS, write_rendered
from omnibus.questionnaire.variables import variables
from omnibus.questionnaire.xlsform import XLSFormError, convert
from omnibus.site.cli import LazyGroup

# `load` writes to the database: imported (with Django) only when it runs.
LOAD = (
    "omnibus.site.cli.fieldwork:load_questionnaire",
    "Check FILE and store it as a questionnaire version that waves can use.",
)


@click.group(cls=LazyGroup, lazy={"load": LOAD})
def questionnaire() -> None:
    """Check, render and import questionnaire files (YAML)."""


def _load_or_exit(path: str) -> Questionnaire:
    """Load a questionnaire, or print its located problems and exit 1."""
    try:
        return load(path)
    except QuestionnaireError as error:
        for line in error.lines():
            click.echo(line, err=True)
        count = len(error.problems)
        click.echo(f"{count} problem{'s' if count != 1 else ''} found", err=True)
        raise SystemExit(1) from None


def questionnaire_summary(q: Questionnaire) -> str:
    """One line saying what a valid questionnaire holds."""
    questions = [x for x in q.questions() if kind_of(x).answerable]
    return (
        f"{q.path}: {q.survey} {q.version} is valid: {len(q.sections)} sections, "
        f"{len(questions)} questions, {len(variables(q))} variables"
    )


@questionnaire.command("check")
@click.argument("file", type=click.Path(dir_okay=False))
def check_command(file: str) -> None:
    """Check FILE; print a summary (exit 0) or every problem as FILE:LINE: message (exit 1)."""
    click.echo(questionnaire_summary(_load_or_exit(file)))


@questionnaire.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(RENDER_FORMATS), default="text", show_default=True)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Where to write (text: stdout when absent)."
)
def render(file: str, fmt: str, output: str | None) -> None:
    """Render FILE as the printed questionnaire (text, docx) or the Excel copy (xlsx)."""
    q = _load_or_exit(file)
    if fmt == "text" and not output:
        click.echo(render_text(q), nl=False)
        return
    if not output:
        raise click.UsageError(f"--format {fmt} writes a file: give -o OUT")
    with _writing(output) as path:
        write_rendered(q, fmt, path)
    click.echo(f"Wrote {output}")


@contextmanager
def _writing(output: str) -> Iterator[Path]:
    """A path to write to, its folder made; a file that cannot be written is a clear error, not a traceback."""
    path = Path(output)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        yield path
    except OSError as error:
        click.echo(f"{output}: cannot write: {error.strerror or error}", err=True)
        raise SystemExit(1) from None


@questionnaire.command("import-xlsform")
@click.argument("form", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "-o", "--output", required=True, type=click.Path(dir_okay=False, writable=True), help="The YAML file to write."
)
def import_xlsform(form: str, output: str) -> None:
    """Convert an XLSForm (ODK, KoboToolbox) to a questionnaire file, reporting what cannot be carried over."""
    try:
        result = convert(Path(form))
    except XLSFormError as error:
        for line in error.lines:
            click.echo(line, err=True)
        raise SystemExit(1) from None
    with _writing(output) as path:
        path.write_text(result.yaml_text, encoding="utf-8")
    for line in result.not_carried:
        click.echo(line, err=True)
    click.echo(f"Wrote {output}; {len(result.not_carried)} line(s) in the report above")
