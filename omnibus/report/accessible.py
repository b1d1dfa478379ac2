"""A wave's tables laid out as the Analysis Function's guidance for releasing statistics in spreadsheets asks.

The guidance: a cover sheet, a contents sheet, a notes sheet, then one table per sheet; each
sheet's title in cell A1 and anything said about a table in single cells of column A above
it; no merged cells, no blank rows or columns within a table, a header row with a unique,
plain heading for every column; numbers stored as numbers, and a figure that cannot be given
written as a shorthand (`[z]`, `[x]`, `[low]`) explained on the cover sheet. Notes are
numbered once on the notes sheet and referred to as `[note 1]`.

`accessible_book` makes that layout as plain data; `write_sheets` writes it as ODS (the
format the guidance prefers) or XLSX, so both say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from omnibus.analysis.tables import Table
from omnibus.report.ees import STATISTIC_DP
from omnibus.report.methodology import day
from omnibus.report.published import (
    SHORTHAND,
    STATISTICS,
    WaveRelease,
    answer_label,
    answer_rows,
    is_coded,
    published,
    statistic_rows,
)

Value = str | float | int


@dataclass(frozen=True)
class Link:
    """A cell that links to another sheet's cell A1 (the contents sheet's sheet names)."""

    text: str
    sheet: str


@dataclass
class Sheet:
    """One sheet: its tab name, the title in A1, lines about it in column A, then at most one table."""

    name: str
    title: str
    lines: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    rows: list[list[Value | Link]] = field(default_factory=list)
    widths: list[int] = field(default_factory=list)  # characters per column of the table


@dataclass
class Book:
    """The workbook: its title and author (document properties) and its sheets in order."""

    title: str
    author: str
    subject: str
    sheets: list[Sheet]


def text_cell(text: str) -> str:
    """Every text cell of an accessible workbook passes here, in both formats, on its way to the file."""
    return text


def shown(value: float | str) -> Value:
    """A published figure as a spreadsheet cell: the number, or its shorthand in brackets ("[z]")."""
    return f"[{value}]" if isinstance(value, str) else value


def accessible_book(tables: list[Table], waves: dict[str, WaveRelease], main: str, decimals: int) -> Book:
    """Cover, contents, notes and a sheet per table of the wave `main` (earlier waves as rows)."""
    wave = waves[main]
    notes: dict[str, int] = {}
    table_sheets = [_table_sheet(i, t, waves, decimals, notes) for i, t in enumerate(tables, start=1)]
    cover = _cover(wave, waves, main, decimals)
    contents = Sheet(
        "Contents",
        "Contents",
        ["This worksheet contains one table. Select a sheet name to go to that sheet."],
        ["Sheet name", "Table title"],
        [[Link("Notes", "Notes"), "Notes"], *[[Link(s.name, s.name), s.title] for s in table_sheets]],
        [14, 120],
    )
    notes_sheet = Sheet(
        "Notes",
        "Notes",
        ["This worksheet contains one table. Tables refer to these notes as [note 1] and so on."],
        ["Note number", "Note text"],
        [[f"note {number}", text] for text, number in notes.items()],
        [14, 120],
    )
    title = f"{wave.title}: tables"
    subject = f"Official statistics tables of {wave.title}"
    return Book(title, "Omnibus", subject, [cover, contents, notes_sheet, *table_sheets])


def _cover(wave: WaveRelease, waves: dict[str, WaveRelease], main: str, decimals: int) -> Sheet:
    earlier = [w for slug, w in waves.items() if slug != main]
    lines = [
        "About these tables",
        f"Fieldwork ran from {day(wave.opens)} to {day(wave.closes)} ({wave.period.label}); "
        f"all {wave.population} units of the population were invited to take part.",
        "Each table shows the answers of the units in its base, in total and by each breakdown.",
        f"Percentages are rounded half up to {decimals} decimal place{'s' if decimals != 1 else ''} "
        "and may not sum to 100.",
    ]
    if earlier:
        lines.append("Earlier waves shown for comparison: " + "; ".join(w.title for w in earlier) + ".")
    lines.append("Shorthand used in the tables")
    lines += [f"[{symbol}]: {meaning}" for symbol, meaning in SHORTHAND.items()]
    return Sheet("Cover", wave.title, lines)


def _table_sheet(number: int, table: Table, waves: dict[str, WaveRelease], decimals: int, notes: dict[str, int]):
    refs = [f"[note {notes.setdefault(text, len(notes) + 1)}]" for text in table.notes]
    lines = ["This worksheet contains one table.", f"Base: {table.base_description}", f"Variable: {table.name}"]
    if refs:
        lines.append("Notes for this table: " + ", ".join(refs))
    coded = is_coded(table)
    answers = answer_rows(table) if coded else statistic_rows(table)
    headings = _unique([f"{answer_label(r)} (%)" if coded else STATISTICS[r.kind] for r in answers])
    header = ["Wave", "Breakdown", "Group", "Base (number answering)", *headings]
    rows: list[list[Value | Link]] = []
    for j, column in enumerate(table.columns):
        base = table.bases[j]
        if base.population != base.population:
            continue  # that wave did not ask the question
        whole = column.key == "total" or column.key.startswith("wave:")
        group = ("Total", "Total") if whole else (column.group, column.label)
        figures = [published(r.cells[j], base, r.kind, decimals if coded else STATISTIC_DP[r.kind]) for r in answers]
        rows.append([waves[column.wave].title, *group, base.n, *map(shown, figures)])
    widths = [28, 22, 22, 12, *[max(12, min(30, len(h))) for h in headings]]
    return Sheet(f"Table_{number}", f"Table {number}: {table.title}", lines, header, rows, widths)


def _unique(headings: list[str]) -> list[str]:
    """Headings made unique (a header row names every column once)."""
    seen: dict[str, int] = {}
    out = []
    for heading in headings:
        seen[heading] = seen.get(heading, 0) + 1
        out.append(heading if seen[heading] == 1 else f"{heading} {seen[heading]}")
    return out
