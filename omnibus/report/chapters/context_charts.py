"""Draw the context charts: a scatter of two measures and the distribution of one indicator.

`draw_chart(chart, ax)` draws a `Chart` of kind "scatter" or "distribution" on a matplotlib
axes, for the report's renderer; `write_chart` writes one as a PNG or SVG file for the
commands. Colours come from the one palette.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, never a window

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from omnibus.report.document import Chart  # noqa: E402
from omnibus.report.palette import FONTS, GRID, TEXT, colours  # noqa: E402

KINDS = ("scatter", "distribution")
BINS = 20
TITLE_WIDTH = 80  # characters a line of the title holds at this size
LABEL_WIDTH = 55
Y_LABEL_WIDTH = 40  # the y axis is shorter than the x axis
NOTE_WIDTH = 150


def draw_chart(chart: Chart, ax: Axes) -> None:
    """Draw a scatter or distribution chart on `ax`."""
    if chart.kind == "scatter":
        _scatter(chart, ax)
    elif chart.kind == "distribution":
        _distribution(chart, ax)
    else:
        raise ValueError(f"context charts draw {' and '.join(KINDS)}, not {chart.kind!r}")
    _style(ax, chart)


def write_chart(chart: Chart, path: Path, title: str = "", notes: list[str] | None = None) -> Path:
    """Write the chart to `path` (.png or .svg), with a title above and notes below; returns the path."""
    if path.suffix.lower() not in (".png", ".svg"):
        raise ValueError(f"{path}: a chart is written as .png or .svg")
    plt.rcParams["font.family"] = FONTS
    figure, ax = plt.subplots(figsize=(8, 6), dpi=120)
    try:
        draw_chart(chart, ax)
        if title:
            ax.set_title(textwrap.fill(title, TITLE_WIDTH), loc="left", fontsize=11, color=TEXT)
        if notes:
            lines = [line for note in notes for line in textwrap.wrap(note, NOTE_WIDTH)]
            figure.text(0.01, 0.01, "\n".join(lines), fontsize=7, color=TEXT, va="bottom")
            figure.subplots_adjust(bottom=0.12 + 0.022 * len(lines), top=0.88)
        path.parent.mkdir(parents=True, exist_ok=True)
        figure.savefig(path)
    finally:
        plt.close(figure)
    return path


def _scatter(chart: Chart, ax: Axes) -> None:
    main, accent = colours(2)
    xs = np.array([p.x for p in chart.points])
    ys = np.array([p.y for p in chart.points])
    marked = np.array([p.highlight for p in chart.points], dtype=bool)
    ax.scatter(xs[~marked], ys[~marked], s=22, color=main, alpha=0.75, edgecolors="white", linewidths=0.5, zorder=3)
    if marked.any():
        ax.scatter(xs[marked], ys[marked], s=40, color=accent, edgecolors=TEXT, linewidths=0.6, zorder=4)
    if chart.fit is not None and xs.size:
        intercept, slope = chart.fit
        line = np.array([xs.min(), xs.max()])
        ax.plot(
            line, intercept + slope * line, color=TEXT, linewidth=1.2, linestyle="--", zorder=2, label="Fitted line"
        )
    if chart.label_points:
        labelled = [p for p in chart.points if p.highlight] or chart.points
        for point in labelled:
            ax.annotate(point.label, (point.x, point.y), xytext=(3, 3), textcoords="offset points", fontsize=6.5,
                        color=TEXT)  # fmt: skip


def _distribution(chart: Chart, ax: Axes) -> None:
    values = np.array(chart.values, dtype=float)
    ax.hist(values, bins=_edges(values), color=colours(1)[0], edgecolor="white", zorder=3)
    line_colours = colours(len(chart.reference) + 1)[1:]
    for (name, where), colour in zip(chart.reference.items(), line_colours, strict=True):
        ax.axvline(where, color=colour, linewidth=1.5, linestyle="--", zorder=4, label=name)
    if chart.reference:
        ax.legend(frameon=False, fontsize=8, loc="upper right")
    if not chart.y_label:  # a figure names its units ("Number of schools"); `_style` writes that
        ax.set_ylabel("Number of units", color=TEXT)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # a count of units has no halves


def _edges(values: np.ndarray) -> np.ndarray:
    """Bin edges at a round width (1, 2, 2.5 or 5 times a power of ten), so a reader can read the bins."""
    low, high = float(values.min()), float(values.max())
    if high == low:
        return np.array([low - 0.5, high + 0.5])
    raw = (high - low) / BINS
    power = 10 ** np.floor(np.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    start = np.floor(low / step) * step
    return np.arange(start, high + step, step)


def _style(ax: Axes, chart: Chart) -> None:
    ax.set_xlabel(textwrap.fill(chart.x_label, LABEL_WIDTH), color=TEXT)
    if chart.y_label:
        ax.set_ylabel(textwrap.fill(chart.y_label, Y_LABEL_WIDTH), color=TEXT)
    ax.grid(True, color=GRID, linewidth=0.5, alpha=0.6, zorder=0)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(colors=TEXT, labelsize=8)
