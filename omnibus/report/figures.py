"""Figures and tables of the report from the tab book's tables: the same numbers, laid out for reading.

Every figure reads `omnibus.analysis.tables.Table` objects made by `wave_tables`, as the tab
book does: the total column's percentages, its base, and (for paired bars) the earlier wave's
column and the wave test between them. Nothing is recomputed; cells become text through the
analysis spec's `Conventions` (`*`, `0`, `-`), and a base under the low-base threshold puts
counts beside the percentages.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass, field

from omnibus.analysis.conventions import Conventions, non_substantive, number_text
from omnibus.analysis.nets import net_in_words
from omnibus.analysis.tables import Table, TableRow
from omnibus.questionnaire.kinds import kind_of
from omnibus.questionnaire.model import Question
from omnibus.questionnaire.printed import choice_instruction
from omnibus.report.document import BarSeries, Chart, DataTable, Figure
from omnibus.report.spec import FigureSpec

NOT_IN_BASE = " (units that did not answer are not in the base)"
SIGNIFICANT_MARK = "◆"
SIGNIFICANT_WORDS = {True: "Yes", False: "No", None: "Not tested"}


@dataclass
class Reading:
    """An answer's figure in one earlier wave, and whether it differs significantly from the wave after it."""

    value: float | None
    count: float | None
    significant: bool | None = None  # None: not tested


@dataclass
class Bar:
    """One category of a figure: its label, this wave's figure and, for paired bars, the earlier wave's.

    `earlier`, `earlier_count` and `significant` are the wave before this one and the test between
    them; a trend's `readings` are every earlier wave's, newest first (the first is that wave again).
    """

    label: str
    value: float | None
    count: float | None
    earlier: float | None = None
    earlier_count: float | None = None
    significant: bool | None = None  # None: not tested (no earlier figure, or too small a base)
    net: bool = False
    last: bool = False  # "None of these", "Other", "Don't know": after the ranked bars, in their own order
    readings: list[Reading] = field(default_factory=list)


@dataclass
class Bars:
    """What a bar or paired figure shows, kept as numbers for the draft findings."""

    question: str
    title: str
    bars: list[Bar]
    base: int
    base_text: str
    earlier_base: int | None = None
    wave: str = ""
    earlier_wave: str = ""
    multi: bool = False
    earlier_waves: list[str] = field(default_factory=list)  # every earlier wave, newest first
    earlier_bases: list[int] = field(default_factory=list)


@dataclass
class Stack:
    """A stacked figure: an item (a grid row) per bar, a code per segment."""

    question: str
    title: str
    items: list[str]
    headings: list[str]
    values: list[list[float | None]]  # [item][heading]
    counts: list[list[float | None]]
    bases: list[int]
    base_text: str
    nets: list[tuple[str, list[float | None]]] = field(default_factory=list)  # (label, per item)
    compared: list[Bar] = field(default_factory=list)  # per item: the compared answer in both waves
    compared_answer: str = ""  # the first net, else the first answer: what the waves are compared on
    wave: str = ""
    earlier_wave: str = ""


def base_text(table: Table) -> str:
    """The table's base description without the tab book's note on non-response (the base line says n)."""
    return table.base_description.removesuffix(NOT_IN_BASE)


def question_line(question: Question) -> str:
    """ "Q. … Please select up to three.": the question with its answering instruction."""
    text = " ".join(question.text.split())
    hint = " ".join((question.hint or "").split())
    if kind_of(question).multiple and not hint:
        hint = choice_instruction(question)
    return f"Q. {text}" + (f" {hint}" if hint else "")


def with_number(drawn: Figure | DataTable, number: str | None) -> None:
    """Name the question a figure or table shows by its number as printed: "Q9a. …" and "(Q9a)" after its title."""
    if not number:
        return
    if isinstance(drawn, Figure):
        drawn.question = f"{number}. {drawn.question.removeprefix('Q. ')}"
        drawn.title = f"{drawn.title} ({number})"
    else:
        drawn.caption = f"{drawn.caption} ({number})"


def _percent_rows(table: Table, spec: FigureSpec) -> list[TableRow]:
    rows = [r for r in table.rows if r.kind == "percent" and r.code not in spec.exclude]
    if spec.nets:
        rows += [r for r in table.rows if r.kind == "net"]
    return rows


def bars_of(table: Table, spec: FigureSpec, earlier_columns: list[int]) -> Bars:
    """The bars of a single or multiple choice question, sorted as the spec asks.

    `earlier_columns` are the earlier waves' columns, newest first; each is read with its test
    against the wave after it (the tab book's tests between adjacent waves, `wave_tables(adjacent=True)`).
    """
    later = [0, *earlier_columns]
    tests = {
        (t.row, t.a): t
        for t in table.tests
        if t.kind == "wave" and t.a in earlier_columns and t.b == later[later.index(t.a) - 1]
    }
    bars = []
    for row in _percent_rows(table, spec):
        index = table.rows.index(row)
        last = row.last or non_substantive(row.label)  # a theme row ("Not yet coded") has no option behind it
        bar = Bar(row.label, row.cells[0].value, row.cells[0].count, net=row.kind == "net", last=last)
        for column in earlier_columns:
            test = tests.get((index, column))
            cell = row.cells[column]
            bar.readings.append(
                Reading(cell.value, cell.count, None if test is None else bool(test.difference.significant))
            )
        if bar.readings:
            bar.earlier, bar.earlier_count, bar.significant = astuple(bar.readings[0])
        bars.append(bar)
    bars = sort_bars(bars, spec.sort)
    waves = [table.columns[c].wave for c in earlier_columns]
    bases = [table.bases[c].n for c in earlier_columns]
    return Bars(
        table.question,
        spec.title,
        bars,
        table.bases[0].n,
        base_text(table),
        bases[0] if bases else None,
        table.columns[0].wave,
        waves[0] if waves else "",
        table.multi_response,
        waves,
        bases,
    )


def sort_bars(bars: list[Bar], sort: str) -> list[Bar]:
    """Largest first (descending), smallest first, or the questionnaire's order.

    Non-substantive answers ("None of these", "Other", "Don't know") follow the ranked ones in the
    questionnaire's order, and nets come last.
    """
    if sort == "questionnaire":
        return bars
    ranked = [b for b in bars if not b.net and not b.last]
    kept = [b for b in bars if not b.net and b.last]
    nets = [b for b in bars if b.net]
    key = lambda b: -1.0 if b.value is None else b.value  # noqa: E731 - a sort key
    return sorted(ranked, key=key, reverse=sort == "descending") + kept + nets


def stack_of(tables: list[Table], question: Question, spec: FigureSpec, earlier_column: int | None = None) -> Stack:
    """A grid's items (or one single choice) as stacked bars of their codes, total column only.

    With an earlier wave's column, each item's first net (else its first answer) is compared across
    the waves, with the tab book's wave test.
    """
    first = tables[0]
    rows = [r for r in first.rows if r.kind == "percent" and r.code not in spec.exclude]
    codes = [r.code for r in rows]
    values, counts = [], []
    for table in tables:
        by_code = {r.code: r.cells[0] for r in table.rows if r.kind == "percent"}
        values.append([by_code[c].value if c in by_code else None for c in codes])
        counts.append([by_code[c].count if c in by_code else None for c in codes])
    nets = []
    for index, row in enumerate(r for r in first.rows if r.kind == "net"):
        per_item = [[r for r in t.rows if r.kind == "net"][index].cells[0].value for t in tables]
        nets.append((row.label, per_item))
    items = [t.title.removeprefix(question.text).strip() or spec.title for t in tables]
    stack = Stack(
        question.id,
        spec.title,
        items,
        [r.label for r in rows],
        values,
        counts,
        [t.bases[0].n for t in tables],
        base_text(first),
        nets,
    )
    if earlier_column is not None:
        _compare_items(stack, tables, earlier_column, spec)
    return stack


def _compare_items(stack: Stack, tables: list[Table], earlier_column: int, spec: FigureSpec) -> None:
    """Each item's first net (else first answer drawn) in both waves, with the wave test of that row."""
    first = tables[0]
    shown = [r for r in first.rows if r.kind == "net"] or [
        r for r in first.rows if r.kind == "percent" and r.code not in spec.exclude
    ]
    if not shown:
        return
    stack.compared_answer = shown[0].label
    stack.wave, stack.earlier_wave = first.columns[0].wave, first.columns[earlier_column].wave
    for item, table in zip(stack.items, tables, strict=True):
        index = next(i for i, r in enumerate(table.rows) if r.label == stack.compared_answer)
        row = table.rows[index]
        test = next(
            (t for t in table.tests if t.kind == "wave" and t.row == index and t.a == earlier_column and t.b == 0),
            None,
        )
        bar = Bar(item, row.cells[0].value, row.cells[0].count, row.cells[earlier_column].value)
        bar.earlier_count = row.cells[earlier_column].count
        bar.significant = None if test is None else bool(test.difference.significant)
        stack.compared.append(bar)


# ---------------------------------------------------------------------------------------------
# From numbers to a Figure


def percent_text(value: float | None, count: float | None, c: Conventions, base: int | None = None) -> str:
    """A percentage as the tables show it: the house style's symbols, rounded, no % sign.

    With its `base`, a percentage of a base under the spec's minimum is the suppressed symbol.
    """
    if value is not None and base is not None and not c.shown(base):
        return c.suppressed
    return c.show_percent(value, count)


def spoken_percent(value: float | None, count: float | None, c: Conventions, base: int | None = None) -> str:
    """A percentage for a sentence or alt text: "85%", "less than 0.5%", "0%", "no figure"."""
    text = percent_text(value, count, c, base)
    if value is None or text == c.suppressed:
        return "no figure"
    if text == c.rounds_to_zero:
        return "less than 0.5%"
    return f"{text}%"


def count_text(count: float | None, c: Conventions) -> str:
    """A count as the tables show it."""
    if count is None:
        return c.not_applicable
    return number_text(count, 0 if float(count).is_integer() else 1, grouped=True)


def bar_figure(bars: Bars, question: Question, c: Conventions) -> Figure:
    """A horizontal bar chart of one wave, largest first, with its data as a table."""
    low = bars.base < c.low_base
    chart = Chart("bar", [b.label for b in bars.bars], [BarSeries(bars.wave, [b.value for b in bars.bars])])
    header = ["Answer", "%"] + (["Count"] if low else [])
    rows = [
        [b.label, percent_text(b.value, b.count, c, bars.base)] + ([count_text(b.count, c)] if low else [])
        for b in bars.bars
    ]
    rows.append(["Base (n)", str(bars.base)] + ([""] if low else []))
    notes = _notes(bars.multi, low, c)
    alt = "Bar chart. " + _alt_list([(b.label, spoken_percent(b.value, b.count, c, bars.base)) for b in bars.bars])
    return _bars_figure(bars, question, chart, [header, *rows], notes, alt, f"n={bars.base}")


def _bars_figure(
    bars: Bars, question: Question, chart: Chart, table: list[list[str]], notes: list[str], alt: str, n: str
) -> Figure:
    """A figure of bars with its data table (`table`: the header, then the rows) and its base line ending in `n`."""
    data = DataTable(
        f"Data of the figure: {bars.title}", table[0], table[1:], notes, numbered=False, source=bars.question
    )
    return Figure(
        bars.title,
        chart,
        data,
        alt,
        question_line(question),
        f"Base: {bars.base_text} ({n})",
        notes,
        source=bars.question,
    )


def paired_figure(bars: Bars, question: Question, c: Conventions, confidence: float) -> Figure:
    """Paired bars: this wave and the earlier one per category, significant differences marked."""
    low = bars.base < c.low_base or (bars.earlier_base or 0) < c.low_base
    marks = [bool(b.significant) for b in bars.bars]
    chart = Chart(
        "paired",
        [b.label for b in bars.bars],
        [
            BarSeries(bars.wave, [b.value for b in bars.bars], marks),
            BarSeries(bars.earlier_wave, [b.earlier for b in bars.bars]),
        ],
    )
    header = ["Answer", f"{bars.wave} %", f"{bars.earlier_wave} %", "Significant difference"]
    if low:
        header[3:3] = [f"{bars.wave} count", f"{bars.earlier_wave} count"]
    rows = []
    for b in bars.bars:
        row = [
            b.label,
            percent_text(b.value, b.count, c, bars.base),
            percent_text(b.earlier, b.earlier_count, c, bars.earlier_base),
        ]
        if low:
            row += [count_text(b.count, c), count_text(b.earlier_count, c)]
        row.append(SIGNIFICANT_WORDS[b.significant])
        rows.append(row)
    earlier_n = "" if bars.earlier_base is None else str(bars.earlier_base)
    rows.append(["Base (n)", str(bars.base), earlier_n] + (["", ""] if low else []) + [""])
    level = round(confidence * 100)
    notes = [
        f"{SIGNIFICANT_MARK} beside an answer: the difference between {bars.wave} and {bars.earlier_wave} "
        f"is significant at the {level}% level."
    ] + _notes(bars.multi, low, c)
    pairs = [
        (
            b.label,
            f"{spoken_percent(b.value, b.count, c, bars.base)} in {bars.wave}, "
            f"{spoken_percent(b.earlier, b.earlier_count, c, bars.earlier_base)} in "
            f"{bars.earlier_wave}" + (", a significant difference" if b.significant else ""),
        )
        for b in bars.bars
    ]
    alt = f"Paired bar chart of {bars.wave} against {bars.earlier_wave}. " + _alt_list(pairs)
    n = f"{bars.wave} n={bars.base}; {bars.earlier_wave} n={earlier_n or 0}"
    return _bars_figure(bars, question, chart, [header, *rows], notes, alt, n)


def trend_figure(bars: Bars, question: Question, c: Conventions, confidence: float) -> Figure:
    """Grouped bars of three or more waves, oldest first in each group; a change marked where its wave differs
    significantly from the wave before it (changes are tested between consecutive waves)."""
    waves = [*reversed(bars.earlier_waves), bars.wave]  # in time order
    bases = [*reversed(bars.earlier_bases), bars.base]
    low = min(bases) < c.low_base
    series = []
    for k, wave in enumerate(waves):
        readings = [_in_time_order(b)[k] for b in bars.bars]
        changed = [bool(k and _in_time_order(b)[k - 1].significant) for b in bars.bars]
        series.append(BarSeries(wave, [r.value for r in readings], changed))
    chart = Chart("trend", [b.label for b in bars.bars], series)
    pairs = list(zip(waves, waves[1:], strict=False))
    header = ["Answer", *(f"{w} %" for w in waves)]
    header += [f"{w} count" for w in waves] if low else []
    header += [f"Significant change, {a} to {b}" for a, b in pairs]
    rows = []
    for b in bars.bars:
        readings = _in_time_order(b)
        row = [b.label, *(percent_text(r.value, r.count, c, n) for r, n in zip(readings, bases, strict=True))]
        row += [count_text(r.count, c) for r in readings] if low else []
        row += [SIGNIFICANT_WORDS[r.significant] for r in readings[:-1]]
        rows.append(row)
    rows.append(["Base (n)", *(str(n) for n in bases)] + [""] * (len(header) - 1 - len(bases)))
    notes = [
        f"Changes are tested between consecutive waves. {SIGNIFICANT_MARK} beside a figure: it differs from the "
        f"wave before it at the {round(confidence * 100)}% level."
    ] + _notes(bars.multi, low, c)
    described = [(b.label, _trend_words(_in_time_order(b), waves, bases, c)) for b in bars.bars]
    alt = f"Grouped bar chart of {listed(waves)}, in time order. " + _alt_list(described)
    n = "; ".join(f"{w} n={n}" for w, n in zip(waves, bases, strict=True))
    return _bars_figure(bars, question, chart, [header, *rows], notes, alt, n)


def _in_time_order(bar: Bar) -> list[Reading]:
    """An answer's figure in every wave, oldest first, this wave's last (each earlier one with its test)."""
    return [*reversed(bar.readings), Reading(bar.value, bar.count)]


def _trend_words(readings: list[Reading], waves: list[str], bases: list[int], c: Conventions) -> str:
    words = []
    for k, (reading, wave) in enumerate(zip(readings, waves, strict=True)):
        text = f"{spoken_percent(reading.value, reading.count, c, bases[k])} in {wave}"
        if k and readings[k - 1].significant:
            text += f" (a significant change from {waves[k - 1]})"
        words.append(text)
    return ", ".join(words)


def listed(names: list[str]) -> str:
    """Names in a sentence: "A", "A and B", "A, B and C"."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def stacked_figure(stack: Stack, question: Question, c: Conventions) -> Figure:
    """Stacked bars: each item's answers along one bar of 100%. A grid of multiple choices, whose rows can
    sum past 100%, has grouped bars instead: a bar per answer in each row."""
    outside = {o.label for o in question.options if o.missing}
    series = [
        BarSeries(h, [values[j] for values in stack.values], outside_scale=h in outside)
        for j, h in enumerate(stack.headings)
    ]
    multiple = kind_of(question).multiple_rows
    chart = Chart("grouped", stack.items, series) if multiple else Chart("stacked", stack.items, series, ordered=True)
    low = min(stack.bases, default=0) < c.low_base
    header = ["Item", *stack.headings, *(net_in_words(label) for label, _ in stack.nets), "Base (n)"]
    rows = []
    for i, item in enumerate(stack.items):
        cells = []
        for value, count in zip(stack.values[i], stack.counts[i], strict=True):
            text = percent_text(value, count, c)
            cells.append(f"{text} ({count_text(count, c)})" if low and value is not None else text)
        nets = [percent_text(values[i], None, c) for _, values in stack.nets]
        rows.append([item, *cells, *nets, str(stack.bases[i])])
    notes = [c.rounding_note()] + (
        [f"Bases under {c.low_base}: each percentage has its count beside it in brackets."] if low else []
    )
    notes += _notes(multiple, False, c)
    if stack.compared:
        compared = net_in_words(stack.compared_answer)
        header[-1:-1] = [f"{compared}: {stack.earlier_wave}", "Significant difference"]
        for row, bar in zip(rows, stack.compared, strict=True):
            row[-1:-1] = [percent_text(bar.earlier, bar.earlier_count, c), SIGNIFICANT_WORDS[bar.significant]]
        notes.append(f"{compared}: {stack.earlier_wave} against {stack.wave}, tested at the 95% level.")
    data = DataTable(f"Data of the figure: {stack.title}", header, rows, notes, numbered=False, source=stack.question)
    parts = [
        (item, ", ".join(f"{h} {spoken_percent(v, n, c)}" for h, v, n in zip(stack.headings, vs, ns, strict=True)))
        for item, vs, ns in zip(stack.items, stack.values, stack.counts, strict=True)
    ]
    return Figure(
        stack.title,
        chart,
        data,
        (
            "Grouped bar chart, the percentage of each row choosing each answer. "
            if multiple
            else "Stacked bar chart, percentages of each row. "
        )
        + _alt_list(parts),
        question_line(question),
        f"Base: {stack.base_text} ({base_range(stack.bases)})",
        notes[1:],
        source=stack.question,
    )


def base_range(bases: list[int]) -> str:
    """ "n=70", or "n=65–70" when a grid's items have bases of their own."""
    low, high = min(bases, default=0), max(bases, default=0)
    return f"n={low}" if low == high else f"n={low}–{high}"


def numeric_summary(tables: list[Table], question: Question, spec: FigureSpec, c: Conventions) -> DataTable:
    """A numeric question's items: mean, median, minimum, maximum and base (a table, not a chart)."""
    unit = question.prefix or ""
    kinds = ["mean", "median", "minimum", "maximum"]
    rows = []
    for table in tables:
        by_kind = {r.kind: r.cells[0].value for r in table.rows}
        item = table.title.removeprefix(question.text).strip() or spec.title
        rows.append([item, *(_number(by_kind.get(k), unit, c) for k in kinds), str(table.bases[0].n)])
    # The outlier rule, and how many figures relate to another date than the one asked for (`as_at`).
    notes = [n for n in tables[0].notes if n.startswith("Mean") or "relate to another date" in n] if tables else []
    notes += _boxes_note(tables)
    caption = f"{spec.title}. Base: {base_text(tables[0])} ({base_range([t.bases[0].n for t in tables])})"
    return DataTable(
        caption, ["Item", "Mean", "Median", "Minimum", "Maximum", "Base (n)"], rows, notes, source=spec.question
    )


def _boxes_note(tables: list[Table]) -> list[str]:
    """How many answered "Don't know" (or another box of the number) rather than a figure, over the items."""
    counts: dict[str, int] = {}
    for table in tables:
        for row in (r for r in table.rows if r.kind == "excluded" and r.cells[0].value):
            label = row.label.removesuffix(" (not in base)")
            counts[label] = counts.get(label, 0) + int(row.cells[0].value or 0)
    if not counts:
        return []
    listed = "; ".join(f"'{label}': {n}" for label, n in counts.items())
    return [f"Answers with no figure, not in the base (over the items): {listed}."]


def _number(value: float | None, unit: str, c: Conventions) -> str:
    if value is None:
        return c.not_available
    text = number_text(value, 0 if abs(value) >= 100 or float(value).is_integer() else 1, grouped=True)
    return f"{unit}{text}"


def _notes(multi: bool, low: bool, c: Conventions) -> list[str]:
    notes = []
    if multi:
        notes.append("More than one answer could be given, so percentages can sum to more than 100.")
    if low:
        notes.append(f"Base under {c.low_base}: read the percentages with care, beside their counts.")
    return notes


def _alt_list(pairs: list[tuple[str, str]]) -> str:
    """Every category with its figure: the alt text carries the data, not a description of shapes."""
    return "; ".join(f"{label}: {value}" for label, value in pairs) + "."
