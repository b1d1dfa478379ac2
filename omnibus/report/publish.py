"""`omnibus publish`: a wave's tables in the formats UK official statistics are released in.

- `ees`: Explore Education Statistics data sets, a tidy CSV and `.meta.csv` per table and
  `dataset_names.csv` (`ees.py`), checked against the EES data standards (`ees_standards.py`)
  before they are kept;
- `ods`, `xlsx`: the accessible workbook of the Analysis Function's spreadsheet guidance
  (`accessible.py`, written by `write_sheets.py`).

Everything is written to a scratch folder inside the output folder and moved into place only
when it is whole and has passed its checks, so a refused release leaves nothing behind.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from omnibus.analysis.dataset import Dataset
from omnibus.analysis.spec import AnalysisSpec, with_banner
from omnibus.analysis.tables import wave_tables
from omnibus.analysis.weighting import rake_spec
from omnibus.report.accessible import accessible_book
from omnibus.report.ees import ENGLAND, Country, ees_files, write_ees
from omnibus.report.ees_standards import check_ees_folder
from omnibus.report.published import WaveRelease
from omnibus.report.write_sheets import write_book

PUBLISH_FORMATS = ("ees", "ods", "xlsx")


class PublishError(ValueError):
    """A release that cannot be written as asked; the message names each problem."""


def wave_release(wave) -> WaveRelease:  # noqa: ANN001 - a fieldwork Wave
    """What a release says about a stored wave."""
    return WaveRelease(wave.slug, wave.title, wave.opens_at.date(), wave.closes_at.date(), wave.units.count())


def publish(
    datasets: Sequence[Dataset],
    spec: AnalysisSpec,
    waves: Sequence[WaveRelease],
    fmt: str,
    out_dir: Path,
    country: Country = ENGLAND,
) -> list[Path]:
    """Write the tables of `datasets[0]` (earlier waves after it) in `fmt` into `out_dir`; returns the files."""
    if fmt not in PUBLISH_FORMATS:
        raise PublishError(f"--format: {fmt!r} is not one of {', '.join(PUBLISH_FORMATS)}")
    main, earlier = datasets[0], list(datasets[1:])
    spec = with_banner(spec, main.breakdowns)
    weights = {d.wave: w for d in datasets if (w := rake_spec(d, spec)) is not None}
    tables = wave_tables(main, spec, earlier, weights)
    releases = {w.slug: w for w in waves}
    decimals = spec.conventions.decimals
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".publish-") as scratch:
        folder = Path(scratch)
        if fmt == "ees":
            write_ees(ees_files(tables, releases, decimals, country), folder)
            problems = check_ees_folder(folder)
            if problems:
                shown = [p.replace(f"{folder}/", "") for p in problems[:20]]
                more = f"\n… and {len(problems) - 20} more" if len(problems) > 20 else ""
                raise PublishError("the EES files break the data standards:\n" + "\n".join(shown) + more)
        else:
            write_book(accessible_book(tables, releases, main.wave, decimals), folder / f"{main.wave}-tables.{fmt}")
        written = []
        for path in sorted(folder.iterdir()):
            target = out_dir / path.name
            shutil.move(str(path), target)
            written.append(target)
    return written
