"""A table's figures as a release publishes them: rounded half up, or a GSS shorthand letter.

Explore Education Statistics and the Analysis Function's accessible spreadsheets both take a
figure as a number or as one of the GSS shorthand symbols, written `z` in EES files and `[z]`
in spreadsheets. Both outputs read their figures here, so a cell cannot say one thing in the
CSV and another in the workbook. A table's rows are read in the analysis tables' order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from omnibus.analysis.conventions import round_half_up
from omnibus.analysis.nets import net_in_words
from omnibus.analysis.tables import Base, Cell, Table, TableRow

# The GSS shorthand letters (the GSS harmonised symbols), as EES files write them.
NOT_APPLICABLE = "z"  # no one in the base: there is nothing to estimate
NOT_AVAILABLE = "x"  # there is a base, but the figure cannot be given (a mean of no values)
ROUNDS_TO_ZERO = "low"  # above zero, but rounds to zero at the shown precision
SHORTHAND = {
    NOT_APPLICABLE: "not applicable: no one in the base",
    NOT_AVAILABLE: "not available",
    ROUNDS_TO_ZERO: "more than zero, but rounds to zero",
}
PERCENT_ROWS = ("percent", "net")
# The statistics of a numeric or ratio table that a release shows, in order.
STATISTICS = {"mean": "Mean", "median": "Median", "minimum": "Minimum", "maximum": "Maximum", "ratio": "Ratio"}


def published(cell: Cell, base: Base, kind: str, decimals: int) -> float | str:
    """A cell's figure for a release: the number rounded half up, or its shorthand letter."""
    if base.n == 0:
        return NOT_APPLICABLE
    if cell.value is None or cell.value != cell.value:
        return NOT_AVAILABLE
    shown = float(round_half_up(cell.value, decimals))
    if kind in PERCENT_ROWS and shown == 0 and cell.value > 0:
        return ROUNDS_TO_ZERO
    return shown


def published_count(cell: Cell, base: Base) -> float | str:
    """The (weighted) count beside a percentage: a whole number of units, or its shorthand letter."""
    if base.n == 0:
        return NOT_APPLICABLE
    if cell.count is None:
        return NOT_AVAILABLE
    return float(round_half_up(cell.count, 0))


def answer_rows(table: Table) -> list[TableRow]:
    """The rows a release shows of a coded table: its answers, then its nets (rows not in the base stay out)."""
    return [row for row in table.rows if row.kind in PERCENT_ROWS]


def statistic_rows(table: Table) -> list[TableRow]:
    """The rows a release shows of a numeric or ratio table: mean, median, minimum, maximum or ratio."""
    return [row for row in table.rows if row.kind in STATISTICS]


def is_coded(table: Table) -> bool:
    """Whether a table's figures are percentages of answers (else statistics of a number)."""
    return any(row.kind in PERCENT_ROWS for row in table.rows)


def answer_label(row: TableRow) -> str:
    """A row's label for a release: a net reads "Very or fairly confident (net)"."""
    return net_in_words(row.label) if row.kind == "net" else row.label.strip()


@dataclass(frozen=True)
class Period:
    """When a wave's figures are for, in the words of EES: `time_period` 201718, "Autumn term"."""

    time_period: str
    time_identifier: str

    @property
    def label(self) -> str:
        """ "Autumn term 2017/18"."""
        year = self.time_period
        return f"{self.time_identifier} {year[:4]}/{year[4:]}"


def period_of(opens: date) -> Period:
    """The academic year's term in which fieldwork opened: October 2017 is the autumn term of 2017/18.

    Two waves a year fall in different terms, so each wave has its own period in a time series.
    Terms by month: September to December autumn, January to March spring, April to August summer.
    """
    start = opens.year if opens.month >= 9 else opens.year - 1
    term = "Autumn term" if opens.month >= 9 else "Spring term" if opens.month <= 3 else "Summer term"
    return Period(f"{start}{(start + 1) % 100:02d}", term)


@dataclass(frozen=True)
class WaveRelease:
    """What a release says about one wave: its name, title, period and how many units it asked."""

    slug: str
    title: str
    opens: date
    closes: date
    population: int

    @property
    def period(self) -> Period:
        """The wave's period (the term its fieldwork opened in)."""
        return period_of(self.opens)
