"""The tables of a wave as one long CSV: a line per table, row and banner column, figures as published.

`omnibus tables WAVE -o tables.csv` writes it (an `.xlsx` output is the tab book). Each line gives
the table, the row, the column, the column's base, the count and the published figure: the
percentage as the tab book and the report show it (rounded half up by
`omnibus.analysis.conventions`, the house style's symbols), and the significance letters.
Labels that a spreadsheet would read as a formula get a leading apostrophe (`core.spreadsheet`);
the figures are written as they are, so a negative figure stays a number.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from omnibus.analysis.conventions import Conventions, number_text
from omnibus.analysis.tables import Table, TableRow
from omnibus.core.spreadsheet import neutralise
from omnibus.report.figures import percent_text

HEADER = ["table", "question", "row", "kind", "column", "wave", "base", "count", "figure", "letters"]


def tables_csv(tables: list[Table], conventions: Conventions) -> str:
    """The CSV text of `tables` (from `wave_tables`), figures rounded and shown as the tab book shows them."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for table in tables:
        for row in table.rows:
            for j, (column, cell) in enumerate(zip(table.columns, row.cells, strict=True)):
                base = table.bases[j].n
                count = (
                    "" if cell.count is None else number_text(cell.count, 0 if float(cell.count).is_integer() else 1)
                )
                writer.writerow(
                    [
                        table.name,
                        table.question,
                        neutralise(row.label),
                        row.kind,
                        neutralise(column.label),
                        column.wave,
                        base,
                        count,
                        figure_text(row, j, base, conventions),
                        cell.letters,
                    ]
                )
    return out.getvalue()


def figure_text(row: TableRow, j: int, base: int, c: Conventions) -> str:
    """A cell's published figure: a percentage in the house style, else the figure rounded half up."""
    cell = row.cells[j]
    if row.kind in ("percent", "net"):
        return percent_text(cell.value, cell.count, c, base)
    if cell.value is None:
        return c.not_available
    return number_text(cell.value, 2 if row.kind == "ratio" else 0)


def write_tables_csv(tables: list[Table], conventions: Conventions, path: str | Path) -> Path:
    """Write `tables_csv` to `path`; returns it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(tables_csv(tables, conventions), encoding="utf-8")
    return path
