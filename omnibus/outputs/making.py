"""Make one output of a wave into a folder, with the same library functions the commands call.

| output          | made by                                          | command                          |
| --------------- | ------------------------------------------------ | -------------------------------- |
| tabbook         | report.tabulating + report.tabbook.write_tabbook | `omnibus tables WAVE -o F.xlsx`  |
| report          | report.making.make_report                        | `omnibus report WAVE`            |
| client-report   | the same, client=True                            | `omnibus report WAVE --client`   |
| dataset         | dataset.wave_export.export_wave                  | `omnibus export WAVE`            |
| client-dataset  | the same, client=True                            | `omnibus export WAVE --client`   |
| coding          | coding.csvfile.export_csv, each open variable    | `omnibus coding export WAVE VAR` |
| questionnaire   | questionnaire.rendering.write_rendered           | `omnibus questionnaire render`   |

A dataset in CSV, SPSS or Parquet has its codebook in a file beside it: the two go out in one
zip, as do the coding files. The tab book and the reports may be compared with earlier waves
(`--compare`). Errors a person can act on are raised as `OutputError` (or the
library's own ValueError subclasses, whose messages name the problem).
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

from omnibus.coding.codings import open_variables
from omnibus.coding.csvfile import export_csv
from omnibus.dataset.wave_export import export_wave
from omnibus.fieldwork.models import Wave
from omnibus.fieldwork.questionnaires import questionnaire_of
from omnibus.questionnaire.rendering import write_rendered
from omnibus.report.making import make_report
from omnibus.report.tabbook import write_tabbook
from omnibus.report.tabulating import tabulation_inputs


class OutputError(ValueError):
    """An output that cannot be made; the message says why, for the person who asked."""


Maker = Callable[[Wave, str, Path, list[Wave]], Path]


def make_output(wave: Wave, key: str, fmt: str, folder: Path, earlier: list[Wave] | None = None) -> Path:
    """Write output `key` of `wave` in `fmt` into `folder` (which exists), compared with `earlier` waves.

    Returns the file made. Only the tab book and the reports are compared; the others ignore `earlier`.
    """
    return MAKERS[key](wave, fmt, folder, earlier or [])


def _tabbook(wave: Wave, fmt: str, folder: Path, earlier: list[Wave]) -> Path:
    analysis, datasets = tabulation_inputs([wave, *earlier], None)
    return write_tabbook(datasets, analysis, folder / f"{wave.slug}-tabbook.{fmt}")


def _report(client: bool) -> Maker:
    def make(wave: Wave, fmt: str, folder: Path, earlier: list[Wave]) -> Path:
        made = make_report(wave, None, [fmt], folder, earlier, client)[fmt]
        return made.rename(folder / f"{wave.slug}-client-report.{fmt}") if client else made

    return make


def _dataset(client: bool) -> Maker:
    def make(wave: Wave, fmt: str, folder: Path, earlier: list[Wave]) -> Path:
        stem = f"{wave.slug}-{'client-' if client else ''}data"
        scratch = folder / "parts"
        done = export_wave(wave, fmt, scratch / f"{stem}.{fmt}", client)
        if done.codebook is None:  # the workbook holds its codebook
            return done.data.rename(folder / done.data.name)
        return _zipped(folder / f"{stem}-{fmt}.zip", [done.data, done.codebook])

    return make


def _coding(wave: Wave, fmt: str, folder: Path, earlier: list[Wave]) -> Path:
    variables = open_variables(questionnaire_of(wave.questionnaire))
    if not variables:
        raise OutputError(f"The questionnaire of {wave.slug} has no open questions: there is nothing to code")
    scratch = folder / "parts"
    scratch.mkdir()
    files = []
    for variable in variables:
        path = scratch / f"{wave.slug}-{variable.name}-coding.csv"
        path.write_text(export_csv(wave, variable.name), encoding="utf-8")
        files.append(path)
    return _zipped(folder / f"{wave.slug}-coding.zip", files)


def _questionnaire(wave: Wave, fmt: str, folder: Path, earlier: list[Wave]) -> Path:
    path = folder / f"{wave.slug}-questionnaire.{fmt}"
    return write_rendered(questionnaire_of(wave.questionnaire), "text" if fmt == "txt" else fmt, path)


def _zipped(target: Path, files: list[Path]) -> Path:
    """`files` in one zip at `target`, each under its own name; the loose files are removed."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            archive.write(path, arcname=path.name)
    for path in files:
        path.unlink()
    return target


MAKERS: dict[str, Maker] = {
    "tabbook": _tabbook,
    "report": _report(client=False),
    "client-report": _report(client=True),
    "dataset": _dataset(client=False),
    "client-dataset": _dataset(client=True),
    "coding": _coding,
    "questionnaire": _questionnaire,
}
