"""The report's context chapter, from the `context:` key of the report specification.

```yaml
context:
  title: Local context                       # optional
  variation:                                 # how the units vary on an indicator
    - {indicator: cla_rate, period: "2016"}  # keep_zero: true keeps units with a value of 0
    - {indicator: cin_rate}                  # no period: the loaded one nearest the fieldwork
  scatter:                                   # one indicator against another
    - {x: "imd_score:2019", y: "cla_rate:2016", label_points: false, highlight: ["890"]}  # list_units: true
                                             # lists every unit's pair of values under the chart
    - {x: imd_score, y: cla_rate}            # CODE alone: the period nearest the fieldwork
  breakdowns:                                # a question by a banded frame attribute
    - {question: ConfUnd, by: cin_rate_band, label: Children in need rate band}
  correlations:                              # a numeric answer, or a ratio, against an indicator
    - {variable: HLEcost1718, indicator: "cin_rate:2016", label: HLE spend per child reached,
       numerator: HLEspend1718, denominator: HLEreach1718}
```

Every figure has its chart, the numbers as a table, alt text from the data, the base and the
notes (the exclusion rule, the test), worded with the population's unit noun. An indicator
named without a period is shown for the loaded period nearest the wave's fieldwork
(`periods.nearest_period`), and the figure's notes say which was chosen.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from omnibus.analysis.dataset import Dataset
from omnibus.analysis.spec import AnalysisSpec, Breakdown, Ratio
from omnibus.analysis.tables import Cell, Table
from omnibus.context.answers import AnswersError, band_tables, correlate_answer
from omnibus.context.measure import Measure
from omnibus.context.periods import after_fieldwork
from omnibus.context.store import ContextError, indicator_values, measure_of, nearest_loaded, summary_of, unit_noun
from omnibus.context.variation import AreaValue, ExclusionRule, describe_variation
from omnibus.frame.schema import UnitNoun
from omnibus.frame.store import stored_schema
from omnibus.questionnaire import textfile
from omnibus.report.chapters.context_figures import scatter_figure, variation_figure
from omnibus.report.document import Chapter, DataTable, Figure, Paragraph
from omnibus.report.spec import ReportSpecError

KEYS = {"title", "variation", "scatter", "breakdowns", "correlations"}
ENTRY_KEYS = {
    "variation": ({"indicator"}, {"period", "keep_zero"}),
    "scatter": ({"x", "y"}, {"label_points", "highlight", "list_units"}),
    "breakdowns": ({"question", "by"}, {"label"}),
    "correlations": ({"variable", "indicator"}, {"label", "numerator", "denominator"}),
}


class ContextSpecError(ReportSpecError):
    """A mistake in the `context:` part of a report specification, named by its key.

    A kind of report specification error, so `omnibus report` reports it in one line like the others.
    """


def context_chapter(raw: dict, wave: Any, dataset: Dataset | None) -> Chapter:  # noqa: ANN401 - a Wave
    """The context chapter the `context:` specification asks for."""
    spec = check_context_spec(raw)
    chapter = Chapter(str(spec.get("title", "Local context")), key="context")
    try:
        for entry in spec.get("variation", []):
            _variation(chapter, entry, wave)
        for entry in spec.get("scatter", []):
            (x, x_chosen), (y, y_chosen) = _measure(entry["x"], wave), _measure(entry["y"], wave)
            figure = scatter_figure(x, y, entry.get("label_points", False),
                                    {str(k) for k in entry.get("highlight", [])},
                                    list_units=bool(entry.get("list_units", False)), units=_units(wave))  # fmt: skip
            notes = (period_note(m.title, m.period, wave, chosen) for m, chosen in ((x, x_chosen), (y, y_chosen)))
            figure.notes += [note for note in notes if note]
            chapter.blocks.append(figure)
        for entry in spec.get("breakdowns", []):
            chapter.blocks += [_table(t, entry) for t in band_tables(_need(dataset, "breakdowns"), *_breakdown(entry))]
        for entry in spec.get("correlations", []):
            chapter.blocks.append(_correlation(_need(dataset, "correlations"), entry, wave))
    except (ContextError, AnswersError, ValueError) as exc:
        if isinstance(exc, ContextSpecError):
            raise
        raise ContextSpecError(f"context: {exc}") from exc
    return chapter


def check_context_spec(raw: Any) -> dict:  # noqa: ANN401 - parsed YAML
    """Check the keys and entries of a `context:` specification; raise ContextSpecError naming the key."""
    if not isinstance(raw, dict):
        raise ContextSpecError("context: expected a mapping with some of: " + ", ".join(sorted(KEYS)))
    unknown = set(raw) - KEYS
    if unknown:
        raise ContextSpecError(
            f"context: unknown key(s) {', '.join(sorted(unknown))}; known: {', '.join(sorted(KEYS))}"
        )
    for name, (required, optional) in ENTRY_KEYS.items():
        entries = raw.get(name, [])
        if not isinstance(entries, list):
            raise ContextSpecError(f"context.{name}: expected a list of entries")
        for i, entry in enumerate(entries):
            where = f"context.{name}[{i}]"
            if not isinstance(entry, dict):
                raise ContextSpecError(f"{where}: expected a mapping with {', '.join(sorted(required))}")
            if missing := required - set(entry):
                raise ContextSpecError(f"{where}: missing {', '.join(sorted(missing))}")
            if extra := set(entry) - required - optional:
                raise ContextSpecError(f"{where}: unknown key(s) {', '.join(sorted(extra))}")
            if name == "correlations" and ("numerator" in entry) != ("denominator" in entry):
                raise ContextSpecError(f"{where}: a ratio needs both numerator and denominator")
    return raw


def _variation(chapter: Chapter, entry: dict, wave: Any) -> None:  # noqa: ANN401 - a Wave
    code, period, chosen = _period(str(entry["indicator"]), str(entry.get("period", "")), wave)
    summary = summary_of(code, period, ExclusionRule(zero=not entry.get("keep_zero", False)), _units(wave))
    values = indicator_values(code, period)
    chapter.blocks.append(Paragraph(describe_variation(summary, values.unit), draft=True))
    figure = variation_figure(summary, values.unit, values.source_note.replace("\n", "; "))
    if note := period_note(values.label, period, wave, chosen):
        figure.notes.append(note)
    chapter.blocks.append(figure)


def _units(wave: Any) -> UnitNoun:  # noqa: ANN401 - a Wave, or a name
    """What the wave's units are called (the only population's, for a wave given by name)."""
    population = getattr(wave, "population", None)
    return stored_schema(population).unit if population is not None else unit_noun()


def period_note(what: str, period: str, wave: Any, chosen: bool = False) -> str | None:  # noqa: ANN401 - a Wave
    """What the reader should know of an indicator's period: that it was chosen, or is after the fieldwork.

    `chosen` says the specification named no period, so the one nearest the fieldwork was taken.
    """
    fieldwork = _fieldwork(wave)
    if after_fieldwork(period, fieldwork):
        why = "no earlier period is loaded" if chosen else "the nearest period published"
        return (
            f"{what} is for {period}, after this wave's fieldwork ({fieldwork.year}): {why}, "
            f"it describes the {_units(wave).plural} as they were later."
        )
    if not chosen:
        return None
    if fieldwork is None:
        return f"{what} is for {period}, the latest period loaded."
    return f"{what} is for {period}, the latest period loaded up to this wave's fieldwork ({fieldwork:%B %Y})."


def _fieldwork(wave: Any) -> date | None:  # noqa: ANN401 - a Wave, or only its name
    opens = getattr(wave, "opens_at", None)
    return opens.date() if opens is not None else None


def _period(code: str, period: str, wave: Any) -> tuple[str, str, bool]:  # noqa: ANN401 - a Wave
    """The indicator, its period and whether it was chosen: as named, else the loaded one nearest the fieldwork."""
    if period:
        return code, period, False
    return code, nearest_loaded(code, _fieldwork(wave)), True


def _measure(text: str, wave: Any) -> tuple[Measure, bool]:  # noqa: ANN401 - a Wave
    code, period, chosen = indicator_period(text, wave)
    return measure_of(code, period), chosen


def indicator_period(text: str, wave: Any) -> tuple[str, str, bool]:  # noqa: ANN401 - a Wave
    """The code and period of CODE:PERIOD, or of CODE alone with the period nearest the wave's fieldwork.

    The third item says whether the period was chosen, so the figure can say so.
    """
    code, _, period = str(text).partition(":")
    return _period(code, period, wave)


def _breakdown(entry: dict) -> tuple[str, Breakdown]:
    by = str(entry["by"])
    return str(entry["question"]), Breakdown(by, str(entry.get("label", by)), by)


def _need(dataset: Dataset | None, key: str) -> Dataset:
    if dataset is None:
        raise ContextSpecError(f"context.{key}: needs the wave's dataset, and none was given")
    return dataset


def _table(table: Table, entry: dict) -> DataTable:
    """An analysis table as the report shows it: bases, then each row's percentages with their letters."""
    header = ["", *[f"{c.label} ({c.letter})" for c in table.columns]]
    rows = [["Base (n)", *[f"{b.n}{'†' if b.low else ''}" for b in table.bases]]]
    for row in table.rows:
        cells = [figure_text(c, row.kind, b.low) for c, b in zip(row.cells, table.bases, strict=True)]
        rows.append([row.label + (" (%)" if row.kind in ("percent", "net") else ""), *cells])
    notes = [f"Base: {table.base_description}", *table.notes]
    notes.append("A letter marks a figure significantly higher than the column with that letter.")
    if any(b.low for b in table.bases):
        notes.append("† A base under the low-base threshold: the count is given beside each percentage.")
    return DataTable(f"{table.title}, by {entry.get('label', entry['by'])}", header, rows, notes)


def figure_text(cell: Cell, kind: str, low_base: bool) -> str:
    """A cell as the reports print it: "*" under 0.5%, "-" with no figure, the count beside it on a low base."""
    if cell.value is None:
        return "-"
    if kind in ("percent", "net"):
        text = "*" if 0 < cell.value < 0.5 else f"{cell.value:.0f}"
        if low_base and cell.count is not None:
            text += f" ({cell.count:g})"
    else:
        text = f"{cell.value:.0f}"
    return text + (f" {cell.letters}" if cell.letters else "")


def _correlation(dataset: Dataset, entry: dict, wave: Any) -> Any:  # noqa: ANN401 - a Wave; returns a Figure
    code, period, chosen = indicator_period(entry["indicator"], wave)
    values = indicator_values(code, period)
    variable = str(entry["variable"])
    label = str(entry.get("label", variable))
    spec = AnalysisSpec()
    if "numerator" in entry:
        spec.ratios = [Ratio(variable, label, str(entry["numerator"]), str(entry["denominator"]))]
    found = correlate_answer(dataset, variable, values.las, f"{values.label} ({period})", spec)
    # A report goes to clients: the points and the table name no unit (answers are not linked to names here).
    answers = {k: AreaValue(k, "", y) for k, _, y in found.pairs}
    x = Measure(values.label, values.unit, period, {k: AreaValue(k, "", v) for k, v, _ in found.pairs})
    y = Measure(label, "", wave.title if hasattr(wave, "opens_at") else str(wave), answers)  # a Wave, or a name
    units = _units(wave)
    figure = scatter_figure(x, y, rule=ExclusionRule(zero=False), units=units)
    c = found.correlation
    counted_units = f"{units.plural[:1].upper()}{units.plural[1:]} (n)"
    rows = [[counted_units, str(c.n)], ["Pearson's r", f"{c.r:.2f}"], ["R²", f"{c.r_squared:.2f}"],
            ["p (two-sided t-test)", f"{c.p:.3f}"], ["Spearman's rho", f"{c.rho:.2f}"],
            ["Fitted slope", f"{c.slope:.3g}"]]  # fmt: skip
    figure.data = DataTable(f"{label} against {x.title}", ["Measure", "Value"], rows)
    figure.base = found.base
    figure.notes = list(found.notes)
    if note := period_note(values.label, period, wave, chosen):
        figure.notes.append(note)
    return figure


def context_tables(raw: dict, wave: Any, dataset: Dataset | None) -> list[DataTable]:  # noqa: ANN401 - a Wave
    """The context chapter's numbers as tables for the tab book: each figure's data with its base and notes."""
    tables = []
    for block in context_chapter(raw, wave, dataset).blocks:
        if isinstance(block, Figure):
            notes = [block.base, *block.notes] if block.base else list(block.notes)
            tables.append(replace(block.data, caption=block.title, notes=notes))
        elif isinstance(block, DataTable):
            tables.append(block)
    return tables


def read_context_spec(path: Path) -> dict:
    """The `context:` part of a report specification file (or a file holding only those keys)."""
    try:
        raw = textfile.load_yaml(textfile.read_text(path, textfile.SPEC_BYTES)) or {}
    except OSError as exc:
        raise ContextSpecError(f"{path}: cannot read it: {exc.strerror or exc}") from None
    except textfile.TextFileError as error:
        raise ContextSpecError(error.located(path)) from None
    if isinstance(raw, dict) and "context" in raw:
        raw = raw["context"]
    return check_context_spec(raw)
