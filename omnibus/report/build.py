"""Build a wave's `Report` (plain data) from its dataset, the tab book's tables and the report specification.

Order of the report, after the seed: executive summary, introduction (background, methodology
with Table 1, presentation of data), a chapter per questionnaire section with its figures and
draft findings, the open-response chapters and the context chapter when there are any, then
Appendix 1 (response profile) and Appendix 2 (questionnaire). Writers only lay this out.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from omnibus.analysis.conventions import number_text
from omnibus.analysis.dataset import Dataset
from omnibus.analysis.profile import response_by_section
from omnibus.analysis.spec import AnalysisSpec
from omnibus.analysis.tables import Table, wave_tables
from omnibus.questionnaire.kinds import kind_of
from omnibus.questionnaire.model import Questionnaire
from omnibus.questionnaire.numbering import number_of
from omnibus.report.appendices import profile_appendix, questionnaire_appendix
from omnibus.report.document import Chapter, DataTable, Figure, Paragraph, Report
from omnibus.report.figures import (
    Bars,
    Stack,
    bar_figure,
    bars_of,
    numeric_summary,
    paired_figure,
    stack_of,
    stacked_figure,
    trend_figure,
    with_number,
)
from omnibus.report.findings import (
    bar_findings,
    comparison_findings,
    lower_first,
    stack_comparison_findings,
    stack_findings,
    summary_findings,
)
from omnibus.report.methodology import Fieldwork, day, introduction_chapter, response_of
from omnibus.report.spec import FigureSpec, ReportSpec, SectionSpec
from omnibus.report.tabbook import book_weights

Say = Callable[[str], None]
SUMMARY_FINDINGS = 6  # findings per chapter in a draft executive summary: its nets and significant changes


@dataclass
class ReportInputs:
    """What a report is built from: the wave's dataset, earlier waves' (newest first), the specs and the fieldwork."""

    dataset: Dataset
    earlier: list[Dataset]
    analysis: AnalysisSpec
    spec: ReportSpec
    fieldwork: Fieldwork


def report_tables(inputs: ReportInputs) -> list[Table]:
    """The tab book's tables of the wave (earlier waves as columns), weighted as the tab book weights them.

    Changes are tested between consecutive waves, as a trend is read: with one earlier wave that is
    the tab book's test; with more, each wave against the one before it (the tab book tests each
    against the current wave).
    """
    datasets = [inputs.dataset, *inputs.earlier]
    weights = book_weights(datasets, inputs.analysis)
    return wave_tables(inputs.dataset, inputs.analysis, inputs.earlier, weights, adjacent=True)


def build_report(
    inputs: ReportInputs,
    extra_chapters: Callable[[], list[Chapter]] = list,
    say: Say = lambda line: None,
) -> Report:
    """The whole report; `extra_chapters` gives the open-response and context chapters (placed after the sections)."""
    spec, dataset = inputs.spec, inputs.dataset
    say(
        f"Tabulating {dataset.wave}"
        + (f" against {', '.join(d.wave for d in inputs.earlier)}" if inputs.earlier else "")
    )
    tables = report_tables(inputs)
    by_question: dict[str, list[Table]] = {}
    for table in tables:
        by_question.setdefault(table.question, []).append(table)
    earlier_waves = [d.wave for d in inputs.earlier]
    sections, headlines = [], []
    for section_spec in spec.sections:
        say(f"Chapter: {_section_title(dataset, section_spec)}")
        chapter, first_findings = section_chapter(section_spec, by_question, inputs, earlier_waves)
        sections.append(chapter)
        headlines.append((chapter, first_findings))
    extra = extra_chapters()
    intro = introduction_chapter(
        inputs.fieldwork,
        dataset,
        spec.units,
        spec.introduction,
        spec.methodology,
        [d.display_name for d in inputs.earlier],
        inputs.analysis,
    )
    say("Appendices: response profile and questionnaire")
    appendices = [
        profile_appendix(dataset, list(dataset.profile), spec.units),
        questionnaire_appendix(dataset),
    ]
    report = Report(
        spec.title,
        spec.subtitle or f"{inputs.fieldwork.title}: research report",
        spec.date or f"{inputs.fieldwork.closes:%B %Y}",
        [intro, *sections, *extra, *appendices],
        summary_paragraphs(inputs, headlines),
        publication=spec.publication,
    )
    number_blocks(report)
    return report


def sub_headings(questionnaire: Questionnaire, section_id: str) -> dict[str, str]:
    """The sub-heading each question of a section falls under: the last `heading:` at or before it.

    The questionnaire's headings carry the printed questionnaire's numbers (the CSO's "2.1 LA improvement");
    the report's chapters are not numbered, so the number is left off.
    """
    section = questionnaire.section(section_id)
    out, current = {}, None
    for question in section.questions if section else []:
        if question.heading:
            current = re.sub(r"^\d+(\.\d+)*\.?\s+", "", question.heading.strip())
        if current:
            out[question.id] = current
    return out


def _section_title(dataset: Dataset, spec: SectionSpec) -> str:
    section = dataset.questionnaire.section(spec.id)
    return spec.title or (section.title if section else spec.id)


def section_chapter(
    spec: SectionSpec, by_question: dict[str, list[Table]], inputs: ReportInputs, earlier_waves: list[str]
) -> tuple[Chapter, list[Paragraph]]:
    """A section's chapter (its intro, then each figure with its findings), and each figure's first finding."""
    dataset = inputs.dataset
    chapter = Chapter(_section_title(dataset, spec), key=f"section-{spec.id}")
    found: list[Paragraph] = []  # nets and significant changes
    firsts: list[Paragraph] = []  # else each figure's first finding
    answered = next((r for r in response_by_section(dataset) if r.section == spec.id), None)
    if spec.intro:
        chapter.blocks.extend(Paragraph(" ".join(p.split())) for p in spec.intro.split("\n\n") if p.strip())
    if answered is not None:
        chapter.blocks.append(
            Paragraph(
                f"A total of {answered.complete + answered.partial} {inputs.spec.units} answered questions on "
                f"{chapter.title} ({answered.complete} completed the section, {answered.partial} in part).",
                draft=True,
            )
        )
    headings = sub_headings(dataset.questionnaire, spec.id)
    current, into = None, chapter
    for figure_spec in spec.figures:
        heading = headings.get(figure_spec.question)
        if heading is not None and heading != current:
            current = heading
            into = Chapter(heading, key=f"section-{spec.id}-{len(chapter.blocks)}")
            chapter.blocks.append(into)
        tables = by_question.get(figure_spec.question, [])
        if not tables:
            into.blocks.append(
                Paragraph(f"{figure_spec.question}: no table in this wave's tab book.", draft=True, style="note")
            )
            continue
        blocks, headline, first = figure_blocks(figure_spec, tables, inputs, earlier_waves)
        found.extend(headline)
        firsts.extend([] if headline else first)
        into.blocks.extend(blocks)
    headlines = found[:SUMMARY_FINDINGS] + firsts[: max(0, SUMMARY_FINDINGS - len(found))]
    return chapter, headlines


def figure_blocks(
    spec: FigureSpec, tables: list[Table], inputs: ReportInputs, earlier_waves: list[str]
) -> tuple[list[Paragraph | Figure | DataTable], list[Paragraph], list[Paragraph]]:
    """A figure (or table) of one question with the researcher's text or draft findings before it; what it
    adds to the executive summary (its nets and significant changes); and its first finding, named by its
    title, for a summary short of those.

    Compared with one earlier wave a figure pairs its bars; with several it groups every wave's bars in
    time order (a grid's stacked bars are compared with the wave before this one)."""
    question = inputs.dataset.questionnaire.question(spec.question)
    assert question is not None  # the spec was checked against the questionnaire
    c = inputs.analysis.conventions
    units = inputs.spec.units
    headline: list[Paragraph] = []
    if spec.kind == "table":
        drawn: Figure | DataTable = numeric_summary(tables, question, spec, c)
        drafts: list[Paragraph] = []
    elif spec.kind == "stacked" or kind_of(question).scale:
        columns = _earlier_columns(tables[0], earlier_waves) if spec.compare else []
        stack = _titled(stack_of(tables, question, spec, columns[0] if columns else None), inputs)
        drawn = stacked_figure(stack, question, c)
        drafts = stack_findings(stack, units, c) + stack_comparison_findings(stack, units, c)
        headline = summary_findings(stack, units, c)
    else:
        table = tables[0]
        columns = _earlier_columns(table, earlier_waves) if spec.compare or spec.kind == "paired" else []
        bars = _titled(bars_of(table, spec, columns), inputs)
        if columns:
            show = trend_figure if len(columns) > 1 else paired_figure
            drawn = show(bars, question, c, inputs.analysis.confidence)
            drafts = comparison_findings(bars, units, c)
        else:
            drawn, drafts = bar_figure(bars, question, c), bar_findings(bars, units, c)
        headline = summary_findings(bars, units, c)
    with_number(drawn, number_of(inputs.dataset.questionnaire, question.id))
    # A question reworded since the earlier wave: its difference was not tested, and the figure says why.
    for note in dict.fromkeys(n for t in tables for n in t.wording_notes):
        drawn.notes.append(note)
    text = [Paragraph(t) for t in spec.text] if spec.text else drafts
    first = [Paragraph(f"{spec.title}: {lower_first(d.text)}", draft=True) for d in drafts[:1]]
    return [*text, drawn], headline, first


def _titled(shown: Bars | Stack, inputs: ReportInputs) -> Bars | Stack:
    """The figure with its waves called by their titles, as captions and findings name them."""
    titles = {d.wave: d.display_name for d in [inputs.dataset, *inputs.earlier]}
    shown.wave = titles.get(shown.wave, shown.wave)
    shown.earlier_wave = titles.get(shown.earlier_wave, shown.earlier_wave)
    if isinstance(shown, Bars):
        shown.earlier_waves = [titles.get(w, w) for w in shown.earlier_waves]
    return shown


def _earlier_columns(table: Table, earlier_waves: list[str]) -> list[int]:
    """The columns of the earlier waves, in the order given (newest first)."""
    at = {column.key: index for index, column in enumerate(table.columns)}
    return [at[f"wave:{w}"] for w in earlier_waves if f"wave:{w}" in at]


def response_summary(inputs: ReportInputs) -> Paragraph:
    """The summary's opening: who was asked, who took part, when (a draft, as the seed report opens)."""
    response = response_of(inputs.dataset)
    fieldwork = inputs.fieldwork
    return Paragraph(
        f"The survey was sent to all {fieldwork.units} {inputs.spec.units} between {day(fieldwork.opens)} and "
        f"{day(fieldwork.closes)}. In total, {response.took_part} {inputs.spec.units} took part, an overall response "
        f"rate of {number_text(response.rate)}%; not all of them answered every question, so each figure gives "
        "its base.",
        draft=True,
    )


def summary_paragraphs(inputs: ReportInputs, headlines: list[tuple[Chapter, list[Paragraph]]]) -> list[Paragraph]:
    """The researcher's summary, or a draft: who took part, then per chapter who answered and its first findings."""
    if inputs.spec.summary:
        return [Paragraph(p) for p in inputs.spec.summary]
    out = [response_summary(inputs)]
    for chapter, firsts in headlines:
        out.append(Paragraph(chapter.title, style="subheading"))  # grouped by topic, as the chapters are
        answered = next((b for b in chapter.blocks if isinstance(b, Paragraph) and b.text.startswith("A total")), None)
        if answered is not None:
            out.append(Paragraph(answered.text, draft=True))
        out.extend(Paragraph(p.text, draft=p.draft) for p in firsts[:SUMMARY_FINDINGS])
    return out


def number_blocks(report: Report) -> None:
    """Number figures and tables in reading order (tables inside the questionnaire stay unnumbered)."""
    figures = tables = 0

    def walk(blocks: list) -> None:
        nonlocal figures, tables
        for index, block in enumerate(blocks):
            if isinstance(block, Figure):
                figures += 1
                block.number = figures
                _point_to(blocks, index, f"Figure {figures}")
            elif isinstance(block, DataTable) and block.numbered:
                tables += 1
                block.number = tables
                if block.source != "response":  # Table 1 is introduced by the methodology's own text
                    _point_to(blocks, index, f"Table {tables}")
            elif isinstance(block, Chapter):
                walk(block.blocks)

    for chapter in report.chapters:
        walk(chapter.blocks)


def _point_to(blocks: list, index: int, name: str) -> None:
    """Start the draft findings before a figure or table with "As Figure 3 shows, …", as the seed report does."""
    start = index
    while start > 0 and isinstance(blocks[start - 1], Paragraph) and blocks[start - 1].draft:
        start -= 1
    first = blocks[start] if start < index else None
    if first is None or first.text.startswith("A total of"):
        first = blocks[start + 1] if start + 1 < index else None
    if first is not None and not first.text.startswith("As "):
        first.text = f"As {name} shows, {lower_first(first.text)}"


def walk_blocks(blocks: list) -> list:
    """Every block of a list of blocks, chapters opened, in reading order."""
    out = []
    for block in blocks:
        out.append(block)
        if isinstance(block, Chapter):
            out.extend(walk_blocks(block.blocks))
    return out
