"""Make a wave's report files: read the wave and its specs, build the Report once, write each format.

Files are written to a temporary name in the output folder and moved into place only when
every format asked for has been written, so a failure leaves no half-written report.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from omnibus.analysis.spec import AnalysisSpec, SpecError, load_spec, with_banner
from omnibus.dataset.build import build_dataset
from omnibus.fieldwork.questionnaires import questionnaire_of
from omnibus.fieldwork.waves import unit_noun
from omnibus.report import write_docx, write_html, write_pdf
from omnibus.report.build import ReportInputs, build_report
from omnibus.report.chapters import open_responses
from omnibus.report.chapters.context import context_chapter
from omnibus.report.document import Chapter, Report
from omnibus.report.methodology import fieldwork_of
from omnibus.report.spec import ReportSpec, load_report_spec, parse_report_spec

FORMATS = ("html", "pdf", "docx")
Say = Callable[[str], None]


class ReportError(ValueError):
    """A report that cannot be made as asked (bad format, unreadable spec); the message says why."""


def parse_formats(text: str) -> list[str]:
    """ "html,pdf,docx" as a list, each checked."""
    formats = [f.strip().lower() for f in text.split(",") if f.strip()]
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise ReportError(f"--format: {', '.join(unknown) or 'nothing'} is not one of {', '.join(FORMATS)}")
    return list(dict.fromkeys(formats))


def read_specs(wave, spec_path: Path | None) -> tuple[ReportSpec, AnalysisSpec]:  # noqa: ANN001 - a Wave
    """The report spec (checked against the wave's questionnaire; defaults without a file) and its analysis spec."""
    questionnaire = questionnaire_of(wave.questionnaire)
    units = population_units(wave)
    spec = (
        load_report_spec(spec_path, questionnaire, units=units)
        if spec_path
        else parse_report_spec({}, questionnaire, units=units)
    )
    try:
        analysis = load_spec(spec.analysis, questionnaire) if spec.analysis else AnalysisSpec()
    except (OSError, SpecError) as error:
        raise ReportError(f"{spec.path}: analysis: {error}") from None
    return spec, analysis


def population_units(wave) -> str:  # noqa: ANN001 - a Wave
    """What the wave's units are called in the report's sentences: the plural of `fieldwork.waves.unit_noun`."""
    return unit_noun(wave).plural


def report_inputs(wave, earlier: Sequence, spec: ReportSpec, analysis: AnalysisSpec, say: Say) -> ReportInputs:  # noqa: ANN001
    """Datasets of the wave and the waves it is compared with (newest first, by opening date), and the fieldwork facts.

    A trend is tested between consecutive waves, so the order is the waves' own, not the order they were named in.
    """
    slugs = [w.slug for w in earlier]
    repeated = sorted({s for s in slugs if slugs.count(s) > 1 or s == wave.slug})
    if repeated:
        raise ReportError(f"--compare: {', '.join(repeated)} named twice, or the wave itself")
    say(f"Reading the answers of {wave.slug}")
    dataset = build_dataset(wave)
    others = []
    for other in sorted(earlier, key=lambda w: w.opens_at, reverse=True):
        say(f"Reading the answers of {other.slug}")
        others.append(build_dataset(other))
    return ReportInputs(dataset, others, with_banner(analysis, dataset.breakdowns), spec, fieldwork_of(wave))


def context_chapters(raw: dict | None, wave, dataset) -> list[Chapter]:  # noqa: ANN001 - Wave, Dataset
    """The context chapter (official statistics beside the answers) when the spec has a `context:` key."""
    if not raw:
        return []
    return [context_chapter(raw, wave, dataset)]


def make_report(
    wave,  # noqa: ANN001 - a Wave
    spec_path: Path | None,
    formats: list[str],
    out_dir: Path,
    earlier: Sequence = (),  # the Waves compared with, in any order
    client: bool = False,
    say: Say = lambda line: None,
) -> dict[str, Path]:
    """Build the report of `wave` and write it in each format to `out_dir`; returns format -> file."""
    spec, analysis = read_specs(wave, spec_path)
    inputs = report_inputs(wave, earlier, spec, analysis, say)

    def extra() -> list[Chapter]:
        chapters = (
            open_responses.open_response_chapters(
                wave, inputs.dataset, client, units=inputs.spec.units, spec=inputs.analysis
            )
            if spec.open_responses
            else []
        )
        return chapters + context_chapters(spec.context, wave, inputs.dataset)

    report = build_report(inputs, extra, say)
    if spec.open_responses:
        open_responses.state_coding_method(report, wave)
    return write_formats(report, formats, out_dir, wave.slug, say)


def write_formats(report: Report, formats: list[str], out_dir: Path, stem: str, say: Say) -> dict[str, Path]:
    """Each format to a temporary folder, then all moved into `out_dir` together."""
    # Looked up on their modules when called, so a test can stand in for one writer.
    writers = {"html": write_html.write_html, "pdf": write_pdf.write_pdf, "docx": write_docx.write_docx}
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".report-") as scratch:
        for fmt in formats:
            started = time.perf_counter()
            say(f"Writing {fmt.upper()}")
            writers[fmt](report, Path(scratch) / f"{stem}-report.{fmt}", say)
            say(f"Wrote {fmt.upper()} in {time.perf_counter() - started:.1f} s")
        for fmt in formats:
            target = out_dir / f"{stem}-report.{fmt}"
            shutil.move(str(Path(scratch) / target.name), target)
            written[fmt] = target
    return written
