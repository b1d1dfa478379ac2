"""The report's open-response chapters: a chapter per coded question, its themes as a figure, then quotes.

The figure's numbers come from the same table code as the tab book (the themes are a multiple-
response question of the dataset); quotes are those that passed the disclosure check, attributed
by the population's attribution ladder, and for a client only those of units that agreed to be linked.
"""

from __future__ import annotations

from omnibus.analysis.banner import build_banner
from omnibus.analysis.dataset import Dataset
from omnibus.analysis.spec import AnalysisSpec
from omnibus.analysis.tables import Prepared, multi_table, prepare, shared_ids
from omnibus.coding.codings import theme_codings
from omnibus.coding.quotes import UsableQuote, attributed_by, report_quotes
from omnibus.coding.themes import NEW_MARK, CodeSources, themes_question_id
from omnibus.questionnaire.model import Question
from omnibus.questionnaire.variables import answer_key_owners
from omnibus.report.build import walk_blocks
from omnibus.report.document import Chapter, Paragraph, Report, Verbatim
from omnibus.report.figures import bar_figure, bars_of
from omnibus.report.findings import bar_findings
from omnibus.report.spec import FigureSpec, short_title

QUOTES_PER_THEME = 3


def open_response_chapters(  # noqa: ANN001 - a fieldwork Wave
    wave, dataset: Dataset, client: bool, units: str = "units", spec: AnalysisSpec | None = None
) -> list[Chapter]:
    """One chapter holding a sub-chapter per coded open variable of the wave (none if nothing is coded)."""
    spec = spec or AnalysisSpec()
    coded = [c for c in theme_codings(wave) if dataset.questionnaire.question(themes_question_id(c.variable))]
    if not coded:
        return []
    quotes = report_quotes(wave, dataset, client)
    owners = answer_key_owners(dataset.questionnaire)
    prepared = prepare(dataset, spec, breakdowns=False)  # read once for every coded variable
    shared_ids([prepared])
    parts = [
        _variable_chapter(prepared, owners[c.variable], c.variable, quotes, units, spec)
        for c in coded
        if c.variable in owners
    ]
    sources = sum((c.sources for c in coded), CodeSources())
    coded_by = "Researchers coded each answer" if sources.total == sources.person else "Each answer was coded"
    intro = Paragraph(
        f"Open questions let {units} answer in their own words. {coded_by} into themes "
        "(an answer can mention several); the figures give the share of answering "
        f"{units} mentioning each theme. Quotes are attributed {attributed_by(wave)} only."
    )
    return [Chapter("Open responses", [intro, *_coding_method(sources), *parts], key="open-responses")]


def state_coding_method(report: Report, wave) -> None:  # noqa: ANN001 - a fieldwork Wave
    """Add to the report's survey methodology how the open answers were coded, when some were machine-coded."""
    sources = sum((c.sources for c in theme_codings(wave)), CodeSources())
    blocks = walk_blocks(report.chapters)
    methodology = next((b for b in blocks if isinstance(b, Chapter) and b.key == "methodology"), None)
    if methodology is not None:
        methodology.blocks.extend(_coding_method(sources))


def _coding_method(sources: CodeSources) -> list[Paragraph]:
    """The sentence saying how the codes were given, when not all of them by a researcher (else nothing)."""
    if sources.total == sources.person:
        return []
    machine = (
        " Those accepted in bulk are machine-coded: a suggestion from the code frame and the answers already "
        "coded, accepted without a researcher reading the answer."
        if sources.bulk
        else ""
    )
    return [Paragraph(f"Open answers were coded into themes with suggestions. {sources.sentence()}{machine}")]


def _variable_chapter(
    main: Prepared, owner: Question, variable: str, quotes: list[UsableQuote], units: str, spec: AnalysisSpec
) -> Chapter:
    dataset = main.dataset
    derived = dataset.questionnaire.question(themes_question_id(variable))
    assert derived is not None  # the caller kept only coded variables with a themes question
    table = multi_table(main, [], derived, spec, build_banner(main.partitions, [], dataset.wave))
    title = short_title(owner) if variable == owner.id else f"{short_title(owner)} (other answers)"
    figure_spec = FigureSpec(question=derived.id, title=f"Themes: {title}", kind="bar", nets=True)
    bars = bars_of(table, figure_spec, [])
    figure = bar_figure(bars, owner, spec.conventions)
    blocks: list = [figure, *bar_findings(bars, units, spec.conventions)]
    mine = [q for q in quotes if q.variable == variable]
    for theme in [label.removesuffix(NEW_MARK) for _, label in _theme_order(bars)]:
        chosen = [q for q in mine if q.theme == theme][:QUOTES_PER_THEME]
        if chosen:
            blocks.append(Paragraph(f"{theme}:"))
            blocks.extend(Verbatim(q.text, q.attribution) for q in chosen)
    loose = [q for q in mine if not q.theme][:QUOTES_PER_THEME]
    blocks.extend(Verbatim(q.text, q.attribution) for q in loose)
    return Chapter(title, blocks, key=f"open-{variable.lower()}")


def _theme_order(bars) -> list[tuple[int, str]]:  # noqa: ANN001 - figures.Bars
    """Themes in the figure's order (most mentioned first), nets left out."""
    return [(index, b.label) for index, b in enumerate(bars.bars) if not b.net]
