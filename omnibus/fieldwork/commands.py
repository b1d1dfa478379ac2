"""Fieldwork commands. `omnibus questionnaire load` lives here because it writes to the database."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True, help="Replace a version of the same label loaded with different content.")
def load_questionnaire(file: Path, replace: bool) -> None:
    """Check FILE and store it as a questionnaire version that waves can use."""
    from omnibus.site.setup import setup_django

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
