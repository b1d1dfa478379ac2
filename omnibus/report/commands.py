"""`omnibus tables`: a wave's tab book, with earlier waves beside it."""

from __future__ import annotations

from pathlib import Path

import click

from omnibus.fieldwork.command_line import wave_named


@click.command("tables")
@click.argument("wave_slug", metavar="WAVE")
@click.option("--compare", "earlier", multiple=True, metavar="WAVE", help="An earlier wave to show and test against.")
@click.option("--spec", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="The analysis spec (YAML).")
@click.option(
    "-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The .xlsx to write."
)
def tables(wave_slug: str, earlier: tuple[str, ...], spec: Path | None, output: Path) -> None:
    """Write WAVE's tab book: every question with its base, breakdowns, nets, means and wave comparisons."""
    from omnibus.site.setup import setup_django

    setup_django()
    from omnibus.analysis.spec import AnalysisSpec, SpecError, load_spec
    from omnibus.dataset.build import build_dataset
    from omnibus.report.tabbook import write_tabbook

    waves = [wave_named(slug) for slug in (wave_slug, *earlier)]
    try:
        analysis = load_spec(spec) if spec else AnalysisSpec()
    except SpecError as error:
        raise click.ClickException(str(error)) from None
    datasets = [build_dataset(wave) for wave in waves]
    output.parent.mkdir(parents=True, exist_ok=True)
    try:
        write_tabbook(datasets, analysis, output)
    except OSError as error:
        raise click.ClickException(f"{output}: cannot write: {error.strerror or error}") from None
    click.echo(
        f"Wrote {output}: the tab book of {wave_slug}" + (f" compared with {', '.join(earlier)}" if earlier else "")
    )
