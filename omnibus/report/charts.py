"""Charts of the report drawn with matplotlib (Agg), in the one palette: SVG for the web and PDF, PNG for Word.

Bars are horizontal and labelled directly (no axis to read across), stacked bars run to 100%
with each segment labelled when it is wide enough, paired bars put this wave above the earlier
one and mark a significant difference beside the answer, and a trend groups every wave's bar
oldest first, marking a figure that differs significantly from the wave before it. Scatter and distribution charts are
drawn by the context module (`omnibus.report.chapters.context_charts.draw_chart`).

Nothing is clipped: labels and legends are measured with the font's own metrics, category
labels wrap, and a legend sits below the bars in as many rows as it needs, read across the
rows in the order of the scale. A chart is never taller than fits on a page beside its title,
question and base line, so the figure can be kept together.
"""

from __future__ import annotations

import functools
import io
import re
import textwrap
from dataclasses import dataclass, field

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402 - after choosing the backend
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure as MplFigure  # noqa: E402
from matplotlib.font_manager import FontProperties, findfont, get_font  # noqa: E402

from omnibus.analysis.conventions import number_text  # noqa: E402
from omnibus.report import palette  # noqa: E402
from omnibus.report.chapters.context_charts import draw_chart  # noqa: E402
from omnibus.report.document import Chart  # noqa: E402
from omnibus.report.figures import SIGNIFICANT_MARK  # noqa: E402

WIDTH = 6.3  # inches: the text width of an A4 page with 2 cm margins
LABEL_CHARS = 38  # category labels wrap at this many characters
MAX_HEIGHT = 7.2  # inches: with the title, question and base line, a figure still fits on an A4 page
CONTEXT_KINDS = ("scatter", "distribution")
MIN_LABELLED = 5.0  # stacked segments narrower than this (per cent) carry no label
LEGEND_SIZE = 8.0  # points
LEGEND_ROW = 0.22  # inches per row of the legend
# Inches per category for two bars: grouped charts and their room ("grouped": a grid of multiple choices).
GROUPED_ROW = {"paired": 0.6, "trend": 0.5, "grouped": 0.45}


@dataclass
class _Drawn:
    """A chart drawn once, kept with the files saved from it (the HTML, PDF and Word of one report share it)."""

    chart: Chart
    figure: MplFigure
    files: dict[str, bytes] = field(default_factory=dict)


_drawn: dict[int, _Drawn] = {}
KEEP = 200  # charts kept drawn; a long-running process making many reports forgets older ones


def render_chart(chart: Chart, fmt: str = "svg", dpi: int = 150) -> bytes:
    """The chart as an SVG or PNG file's bytes.

    SVG text stays text (in DejaVu Sans, which matplotlib ships): a quarter the size of text drawn
    as paths, selectable, and four times quicker for WeasyPrint to put into a PDF. Each chart is
    drawn once while it lives, whatever formats are saved from it.
    """
    kept = _drawn.get(id(chart))
    if kept is None or kept.chart is not chart:
        if len(_drawn) >= KEEP:
            _drawn.clear()
        kept = _drawn[id(chart)] = _Drawn(chart, draw(chart))
    if fmt not in kept.files:
        kept.files[fmt] = _save(kept.figure, chart, fmt, dpi)
    return kept.files[fmt]


def _save(figure: MplFigure, chart: Chart, fmt: str, dpi: int) -> bytes:
    buffer = io.BytesIO()
    with plt.rc_context({"svg.fonttype": "none", "svg.hashsalt": "omnibus"}):
        # Context charts size themselves; ours are laid out in `_margins`, which saves a second drawing pass.
        tight = "tight" if chart.kind in CONTEXT_KINDS else None
        figure.savefig(buffer, format=fmt, dpi=dpi, bbox_inches=tight, metadata=_metadata(fmt))
    if fmt == "svg":
        # The fonts matplotlib found, then Arial and any sans-serif for a browser that has neither.
        return re.sub(rb"font-family: [^;\"]*", b"font-family: " + palette.SVG_FONTS.encode(), buffer.getvalue())
    return buffer.getvalue()


def _metadata(fmt: str) -> dict:
    # No creation date: the same report builds to the same bytes.
    return {"Date": None} if fmt == "svg" else {}


def draw(chart: Chart) -> MplFigure:
    """A matplotlib figure of the chart, sized to its categories."""
    rows = max(len(chart.categories), 1)
    lines = max((len(textwrap.wrap(c, LABEL_CHARS)) for c in chart.categories), default=1)
    per_row = max(GROUPED_ROW.get(chart.kind, 0.32) * max(len(chart.series), 1) / 2, 0.17 * lines + 0.12)
    legend = _legend_layout(chart)
    if chart.kind in CONTEXT_KINDS:
        height = 2.6
    else:
        bars = min(per_row * rows, MAX_HEIGHT - 0.3 - legend.height)  # a long list packs its bars closer
        height = 0.3 + bars + legend.height
    with plt.rc_context(_style()):
        figure = MplFigure(figsize=(WIDTH, height))  # not pyplot's: kept figures are not registered there
        ax = figure.subplots()
        if chart.kind == "bar":
            _bar(chart, ax)
        elif chart.kind == "stacked":
            _stacked(chart, ax)
        elif chart.kind in GROUPED_ROW:
            _grouped(chart, ax)
        elif chart.kind in CONTEXT_KINDS:
            draw_chart(chart, ax)
        else:
            raise ValueError(f"unknown chart kind {chart.kind!r}")
        if chart.kind not in CONTEXT_KINDS:
            _margins(figure, chart, height, legend)
            _legend_below(figure, ax, legend)
    return figure


@functools.lru_cache(maxsize=4096)
def text_width(text: str, size: float) -> float:
    """Inches that `text` takes in the charts' font at `size` points, from the font's own metrics.

    Kept once measured: a report measures the same labels for the margins and again for the legend.
    """
    font = get_font(findfont(FontProperties(family=palette.FONTS)))
    font.set_size(size, 72)
    font.set_text(text, 0.0)
    return font.get_width_height()[0] / 64 / 72


@dataclass
class _Legend:
    """Where a chart's legend goes: its entries in drawing order, columns and rows."""

    labels: list[str]
    columns: int
    rows: int

    @property
    def height(self) -> float:
        return LEGEND_ROW * self.rows + 0.15 if self.rows else 0.0


def _legend_layout(chart: Chart) -> _Legend:
    """As many columns as fit the width at the widest entry; no legend for a single series."""
    if chart.kind not in ("stacked", *GROUPED_ROW) or not chart.series:
        return _Legend([], 0, 0)
    labels = [s.label for s in chart.series]
    widest = max(text_width(label, LEGEND_SIZE) for label in labels) + 0.45  # the swatch and the gap
    columns = max(1, min(len(labels), int((WIDTH - 0.2) // widest)))
    return _Legend(labels, columns, -(-len(labels) // columns))


def reading_order(entries: list, columns: int) -> list:
    """Entries arranged so that matplotlib, which fills a legend column by column, shows them row by row."""
    rows = -(-len(entries) // columns)
    return [entries[r * columns + c] for c in range(columns) for r in range(rows) if r * columns + c < len(entries)]


def _legend_below(figure: MplFigure, ax: Axes, legend: _Legend) -> None:
    if not legend.rows:
        return
    handles, labels = ax.get_legend_handles_labels()
    figure.legend(
        reading_order(handles, legend.columns),
        reading_order(labels, legend.columns),
        loc="lower center",
        bbox_to_anchor=(0.5, 0.0),
        ncol=legend.columns,
        frameon=False,
        fontsize=LEGEND_SIZE,
        handlelength=1.2,
        columnspacing=1.2,
    )


def _margins(figure: MplFigure, chart: Chart, height: float, legend: _Legend) -> None:
    """Room for the wrapped labels on the left and the legend below, measured in the charts' font."""
    widest = max((text_width(line, 9) for c in chart.categories for line in textwrap.wrap(c, LABEL_CHARS)), default=1)
    left = min(0.55, (widest + 0.2) / WIDTH)
    figure.subplots_adjust(left=left, right=0.97, top=1 - 0.1 / height, bottom=(0.1 + legend.height) / height)


def _style() -> dict:
    return {
        "font.family": palette.FONTS,
        "font.size": 9,
        "text.color": palette.TEXT,
        "axes.labelcolor": palette.TEXT,
        "xtick.color": palette.TEXT,
        "ytick.color": palette.TEXT,
        "axes.edgecolor": palette.GRID,
    }


def _labels(categories: list[str]) -> list[str]:
    return [textwrap.fill(c, LABEL_CHARS) for c in categories]


def _plain_axes(ax: Axes, limit: float) -> None:
    """No box, no x axis: the bars carry their own figures."""
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    ax.xaxis.set_visible(False)
    ax.set_xlim(0, limit)
    ax.tick_params(axis="y", length=0)
    ax.invert_yaxis()  # the first category at the top


def _value_text(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if 0 < value < 0.5:
        return "*"
    return f"{number_text(value)}{unit}"


def _bar(chart: Chart, ax: Axes) -> None:
    values = chart.series[0].values if chart.series else []
    shown = [v or 0.0 for v in values]
    positions = range(len(chart.categories))
    ax.barh(list(positions), shown, color=palette.colours(1)[0], height=0.65)
    top = max([*shown, 1.0])
    for y, value in zip(positions, values, strict=True):
        ax.text((value or 0) + top * 0.01, y, _value_text(value, chart.unit), va="center", fontsize=8.5)
    ax.set_yticks(list(positions), _labels(chart.categories))
    _plain_axes(ax, top * 1.12)


def _grouped(chart: Chart, ax: Axes) -> None:
    """A bar per series in each category: paired bars mark the answer, a trend marks each changed figure."""
    colours = palette.colours(len(chart.series))
    n = len(chart.categories)
    height = 0.76 / max(len(chart.series), 1)
    top = max([1.0, *(v or 0.0 for s in chart.series for v in s.values)])
    for k, series in enumerate(chart.series):
        ys = [i - 0.38 + (k + 0.5) * height for i in range(n)]
        values = [v or 0.0 for v in series.values]
        ax.barh(ys, values, height=height, color=colours[k], label=series.label)
        changed = series.significant if chart.kind == "trend" else []
        for i, (y, value) in enumerate(zip(ys, series.values, strict=True)):
            text = _value_text(value, chart.unit) + (f" {SIGNIFICANT_MARK}" if i < len(changed) and changed[i] else "")
            ax.text((value or 0) + top * 0.01, y, text, va="center", fontsize=8 if len(chart.series) < 3 else 7)
    marks = chart.series[0].significant if chart.series and chart.kind == "paired" else []
    labels = [
        f"{label} {SIGNIFICANT_MARK}" if i < len(marks) and marks[i] else label
        for i, label in enumerate(chart.categories)
    ]
    ax.set_yticks(list(range(n)), _labels(labels))
    _plain_axes(ax, top * 1.15)


def _stacked(chart: Chart, ax: Axes) -> None:
    n = len(chart.categories)
    left = [0.0] * n
    for series, colour in zip(chart.series, stack_colours(chart), strict=True):
        values = [v or 0.0 for v in series.values]
        ax.barh(
            list(range(n)), values, left=left, color=colour, label=series.label, height=0.6, edgecolor="white", lw=0.6
        )
        for i, value in enumerate(values):
            if value >= MIN_LABELLED:
                ax.text(
                    left[i] + value / 2,
                    i,
                    number_text(value),
                    ha="center",
                    va="center",
                    fontsize=7.5,
                    color=palette.text_on(colour),
                )
        left = [a + b for a, b in zip(left, values, strict=True)]
    ax.set_yticks(list(range(n)), _labels(chart.categories))
    _plain_axes(ax, 100.0)


def stack_colours(chart: Chart) -> list[str]:
    """A stacked chart's colours: an ordered scale dark to light, answers outside it grey; else categorical."""
    if not chart.ordered:
        return palette.colours(len(chart.series))
    ramp = iter(palette.sequential(sum(not s.outside_scale for s in chart.series)))
    return [palette.OUTSIDE_SCALE if s.outside_scale else next(ramp) for s in chart.series]
