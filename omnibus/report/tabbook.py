"""The tab book: every table of a wave in one workbook, readable without Omnibus.

`write_tabbook([wave3, wave2], spec, "tabbook.xlsx")` writes a contents sheet, a legend, a
response sheet (Table 1 and the profile) and a sheet per questionnaire section. Each table
gives the question, its base and base description, then the banner (total, the breakdowns,
earlier waves), each banner column lettered and followed by a narrow column of significance
letters. Every figure is a number with a cell format, never text: the house style's symbols
("*" below 0.5 per cent, "0" for none) are number formats, so a reader's formulas still work.

Every sheet prints on A4 landscape, fitted to the page's width, with the book's title and the
sheet in the header and the page number in the footer; a section sheet repeats its banner
(the same columns for every table on it) at the top of each page. Given a `.ods` path, the
book is written as XLSX and converted by LibreOffice headless, so both say the same thing.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import xlsxwriter

from omnibus.analysis.conventions import Conventions, published
from omnibus.analysis.dataset import Dataset
from omnibus.analysis.inference import inference_statement
from omnibus.analysis.profile import (
    PROFILE_DECIMALS,
    PROFILE_HEADINGS,
    profile_cells,
    profile_notes,
    response_by_section,
    response_tables,
)
from omnibus.analysis.spec import AnalysisSpec, with_banner
from omnibus.analysis.tables import GRID_TABLES, Table, grid_summary, wave_tables
from omnibus.analysis.weighting import rake_spec
from omnibus.core.spreadsheet import workbook
from omnibus.questionnaire.numbering import number_of, numbered
from omnibus.report.document import DataTable
from omnibus.report.libreoffice import convert

LABEL_WIDTH = 48


def write_tabbook(
    datasets: Sequence[Dataset],
    spec: AnalysisSpec,
    path: str | Path,
    weights: dict[str, np.ndarray] | None = None,
    context: Sequence[DataTable] = (),
) -> Path:
    """Write the tab book of `datasets[0]`, with `datasets[1:]` (earlier waves) as columns.

    Weights: as given per wave name, else raked as the spec's `weighting` asks, else none.
    `context` tables (official statistics about the units: variation summaries, answers by an
    indicator's bands) go on a "Context" sheet. Returns the path written.
    """
    if not datasets:
        raise ValueError("write_tabbook needs at least the wave to tabulate")
    main, earlier = datasets[0], list(datasets[1:])
    spec = with_banner(spec, main.breakdowns)
    weights = book_weights(datasets, spec) if weights is None else weights
    tables = wave_tables(main, spec, earlier, weights)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".ods":
        with tempfile.TemporaryDirectory(dir=path.parent, prefix=".tabbook-") as scratch:
            xlsx = Path(scratch) / path.with_suffix(".xlsx").name
            _write_xlsx(tables, main, earlier, spec, weights, context, xlsx)
            return convert(xlsx, "ods", path)
    return _write_xlsx(tables, main, earlier, spec, weights, context, path)


def _write_xlsx(tables, main: Dataset, earlier, spec: AnalysisSpec, weights, context, path: Path) -> Path:  # noqa: ANN001
    book = workbook(path, nan_inf_to_errors=True)
    book.set_properties(
        {
            "title": f"{main.questionnaire.title}: tables of {main.display_name}",
            "subject": f"Tab book of {main.display_name}",
            "author": "Omnibus",
            "comments": "Every question with its base, breakdowns, nets and tests; see the Legend sheet.",
        }
    )
    formats = _Formats(book, spec.conventions)
    contents = book.add_worksheet("Contents")
    legend = book.add_worksheet("Legend")
    _legend(legend, formats, spec, main, earlier, bool(weights.get(main.wave) is not None))
    response = book.add_worksheet("Response")
    _response(response, formats, main, spec)
    entries: list[tuple[str, str, str, int]] = []
    used: set[str] = {"Contents", "Legend", "Response"}
    for section in main.questionnaire.sections:
        section_tables = [t for t in tables if t.section == section.id]
        if not section_tables:
            continue
        name = _sheet_name(section.title, used)
        sheet = book.add_worksheet(name)
        entries.extend(_section_sheet(sheet, name, section_tables, formats, main, spec))
    if context:
        entries.extend(_context_sheet(book.add_worksheet(_sheet_name("Context", used)), context, formats))
    _contents(contents, formats, main, earlier, entries)
    for sheet in book.worksheets():
        _print_setup(sheet, main.questionnaire.title)
    book.close()
    return path


def book_weights(datasets: Sequence[Dataset], spec: AnalysisSpec) -> dict[str, np.ndarray]:
    """Each wave's weights as the spec's `weighting` asks (none for an unweighted spec)."""
    return {d.wave: w for d in datasets if (w := rake_spec(d, spec)) is not None}


def _print_setup(sheet, title: str) -> None:  # noqa: ANN001 - an XlsxWriter worksheet
    """A4 landscape, one page wide, the title and sheet above and the page number below."""
    sheet.set_paper(9)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(left=0.5, right=0.5, top=0.75, bottom=0.75)
    # "&&" is a literal ampersand in a header; "&A" the sheet's name, "&P" and "&N" its pages.
    sheet.set_header(f"&L{title.replace('&', '&&')}&R&A")
    sheet.set_footer("&LTab book&RPage &P of &N")


class _Formats:
    """The workbook's cell formats, built once."""

    def __init__(self, book: xlsxwriter.Workbook, conventions: Conventions) -> None:
        c = conventions
        decimals = "0" if c.decimals == 0 else "0." + "0" * c.decimals
        small = 0.5 / 10**c.decimals
        # A number format, not text: "0" where nobody gave the answer, the symbol where a share
        # above zero rounds to zero, else the rounded percentage.
        percent = f'[=0]0;[<{small:g}]"{c.rounds_to_zero}";{decimals}'
        self.title = book.add_format({"bold": True, "font_size": 12})
        self.bold = book.add_format({"bold": True})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})
        self.italic = book.add_format({"italic": True, "text_wrap": True, "valign": "top"})
        self.head = book.add_format({"bold": True, "text_wrap": True, "align": "center", "valign": "top", "bottom": 1})
        self.group = book.add_format({"bold": True, "align": "center", "bg_color": "#DDEBF7"})
        self.letter = book.add_format({"align": "center", "font_color": "#555555"})
        self.sig = book.add_format({"bold": True, "font_color": "#C00000", "align": "left"})
        self.count = book.add_format({"num_format": "#,##0", "font_color": "#555555"})
        self.base = book.add_format({"num_format": "#,##0", "bold": True})
        self.low_base = book.add_format({"num_format": '#,##0"†"', "bold": True, "bg_color": "#FFF2CC"})
        self.decimal = book.add_format({"num_format": "#,##0.0", "font_color": "#555555"})
        self.profile = book.add_format({"num_format": "0." + "0" * PROFILE_DECIMALS})
        self.percent = book.add_format({"num_format": percent})
        self.net = book.add_format({"num_format": percent, "bold": True})
        self.number = book.add_format({"num_format": "#,##0"})
        self.number2 = book.add_format({"num_format": "#,##0.00"})
        self.symbol = book.add_format({"align": "right"})
        self.link = book.add_format({"font_color": "blue", "underline": 1})
        self.conventions = c


def _sheet_name(title: str, used: set[str]) -> str:
    name = re.sub(r"[\[\]:*?/\\']", "", title)[:31].strip() or "Section"
    base, i = name, 2
    while name in used:
        name = f"{base[:28]} {i}"
        i += 1
    used.add(name)
    return name


def _section_sheet(
    sheet, name: str, tables: list[Table], f: _Formats, main: Dataset, spec: AnalysisSpec
) -> list[tuple[str, str, str, int]]:
    """Write a section's tables one under another; return contents entries (sheet, name, title, row)."""
    sheet.set_column(0, 0, LABEL_WIDTH)
    ncols = len(tables[0].columns)
    for j in range(ncols):
        sheet.set_column(1 + 2 * j, 1 + 2 * j, 10)
        sheet.set_column(2 + 2 * j, 2 + 2 * j, 4)
    sheet.freeze_panes(0, 1)
    sheet.repeat_rows(2, 4)  # the first table's banner: every table of a section has the same columns
    row = 0
    entries = []
    done_grids: set[str] = set()
    for index, table in enumerate(tables):
        # The title as printed in the questionnaire: "Q9a How many …" when the question is numbered.
        shown = replace(table, title=numbered(number_of(main.questionnaire, table.name), table.title))
        entries.append((name, shown.name, shown.title, row))
        row = _table(sheet, row, shown, f, main.notes.get(table.question, ()))
        question = main.questionnaire.question(table.question)
        last_item = index + 1 == len(tables) or tables[index + 1].question != table.question
        if table.kind in GRID_TABLES and last_item and question is not None and question.id not in done_grids:
            done_grids.add(question.id)
            entries.append((name, f"{question.id} (summary)", question.text, row))
            row = _grid_summary(sheet, row, grid_summary(tables, question), f)
    return entries


def _table(sheet, row: int, table: Table, f: _Formats, data_notes: Sequence[str] = ()) -> int:
    """One table from `row`; returns the first row after it (and a blank line).

    `data_notes` come with the data rather than the table (how a themes question's codes were given).
    """
    c = f.conventions
    sheet.write(row, 0, f"{table.name}: {table.title}", f.title)
    sheet.write(row + 1, 0, f"Base: {table.base_description}", f.italic)
    row += 2
    # Banner: group headings over the columns, then column labels, then letters.
    start = 0
    while start < len(table.columns):
        group = table.columns[start].group
        end = start
        while end + 1 < len(table.columns) and table.columns[end + 1].group == group:
            end += 1
        first, last = 1 + 2 * start, 2 + 2 * end
        if last > first:
            sheet.merge_range(row, first, row, last, group, f.group)
        else:
            sheet.write(row, first, group, f.group)
        start = end + 1
    for j, column in enumerate(table.columns):
        sheet.write(row + 1, 1 + 2 * j, column.label, f.head)
        sheet.write(row + 2, 1 + 2 * j, f"({column.letter})", f.letter)
    row += 3
    sheet.write(row, 0, "Base (unweighted n)", f.bold)
    for j, base in enumerate(table.bases):
        sheet.write_number(row, 1 + 2 * j, base.n, f.low_base if base.low else f.base)
    row += 1
    if any(abs(b.weighted - b.n) > 1e-9 for b in table.bases if b.n):
        sheet.write(row, 0, "Weighted base")
        sheet.write(row + 1, 0, "Effective base (Kish)")
        for j, base in enumerate(table.bases):
            sheet.write_number(row, 1 + 2 * j, base.weighted, f.decimal)
            sheet.write_number(row + 1, 1 + 2 * j, base.effective, f.decimal)
        row += 2
    for table_row in table.rows:
        row = _row(sheet, row, table_row, table, f, c)
    for note in [*table.notes, *data_notes]:
        sheet.write(row, 0, f"Note: {note}", f.italic)
        row += 1
    return row + 2


def _row(sheet, row: int, table_row, table: Table, f: _Formats, c: Conventions) -> int:
    kind = table_row.kind
    if kind in ("percent", "net"):
        # A count line, then the percentage line with its significance letters beside it.
        sheet.write(row, 0, table_row.label, f.bold if kind == "net" else None)
        for j, cell in enumerate(table_row.cells):
            if cell.count is None:
                sheet.write(row, 1 + 2 * j, c.not_applicable, f.symbol)
            else:
                sheet.write_number(row, 1 + 2 * j, cell.count, f.count if _whole(cell.count) else f.decimal)
        sheet.write(row + 1, 0, "  %")
        for j, cell in enumerate(table_row.cells):
            if cell.value is not None and not c.shown(table.bases[j].n):
                sheet.write(row + 1, 1 + 2 * j, c.suppressed, f.symbol)
                continue
            value = None if cell.value is None else published(cell.value)
            _value(sheet, row + 1, 1 + 2 * j, value, f.net if kind == "net" else f.percent, c)
            if cell.letters:
                sheet.write(row + 1, 2 + 2 * j, cell.letters, f.sig)
        return row + 2
    sheet.write(row, 0, table_row.label, f.bold if kind in ("mean", "ratio") else None)
    fmt = f.count if kind in ("excluded", "not_answered", "outliers", "n") else f.number
    if kind == "ratio":
        fmt = f.number2
    for j, cell in enumerate(table_row.cells):
        _value(sheet, row, 1 + 2 * j, cell.value, fmt, c)
        if cell.letters:
            sheet.write(row, 2 + 2 * j, cell.letters, f.sig)
    return row + 1


def _whole(value: float) -> bool:
    return float(value).is_integer()


def _value(sheet, row: int, col: int, value: float | None, fmt, c: Conventions) -> None:
    if value is None or value != value:
        sheet.write(row, col, c.not_applicable, fmt)
    else:
        sheet.write_number(row, col, value, fmt)


def _grid_summary(sheet, row: int, summary, f: _Formats) -> int:
    sheet.write(row, 0, f"{summary.question} (summary): {summary.title}", f.title)
    sheet.write(row + 1, 0, f"Base: {summary.base_description}. Total column; each item has its own base.", f.italic)
    row += 2
    for j, heading in enumerate([*summary.headings, "Base (n)"]):
        sheet.write(row, 1 + 2 * j, heading, f.head)
    row += 1
    for item, percents, base in zip(summary.items, summary.percents, summary.bases, strict=True):
        sheet.write(row, 0, item, f.wrap)
        for j, value in enumerate(percents):
            _value(sheet, row, 1 + 2 * j, value, f.percent, f.conventions)
        sheet.write_number(row, 1 + 2 * len(percents), base, f.base)
        row += 1
    return row + 2


def _context_sheet(sheet, tables: Sequence[DataTable], f: _Formats) -> list[tuple[str, str, str, int]]:
    """Context tables one under another: caption, header, rows (numbers as numbers), notes."""
    sheet.set_column(0, 0, LABEL_WIDTH)
    sheet.set_column(1, 12, 16)
    row, entries = 0, []
    for index, table in enumerate(tables, start=1):
        entries.append((sheet.get_name(), f"Context {index}", table.caption, row))
        sheet.write(row, 0, table.caption, f.title)
        for j, head in enumerate(table.header):
            sheet.write(row + 1, j, head, f.head)
        row += 2
        for cells in table.rows:
            for j, cell in enumerate(cells):
                number = _number(cell) if j else None  # the first column holds labels, even "2016"
                if number is None:
                    sheet.write(row, j, cell)
                else:
                    sheet.write_number(row, j, number)
            row += 1
        for note in table.notes:
            sheet.write(row, 0, f"Note: {note}", f.italic)
            row += 1
        row += 2
    return entries


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _contents(sheet, f: _Formats, main: Dataset, earlier: list[Dataset], entries) -> None:
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 1, 110)
    sheet.write(0, 0, f"{main.questionnaire.title}: tables", f.title)
    waves = ", ".join(d.wave for d in earlier) or "none"
    sheet.write(1, 0, f"Wave {main.wave} (N = {main.population_size}); earlier waves compared: {waves}. See Legend.")
    sheet.write(3, 0, "Table", f.bold)
    sheet.write(3, 1, "Question", f.bold)
    sheet.write_url(4, 0, "internal:'Response'!A1", f.link, string="Response")
    sheet.write(4, 1, "Response by section (Table 1) and response profile (Table 3)")
    for i, (sheet_name, name, title, row) in enumerate(entries, start=5):
        sheet.write_url(i, 0, f"internal:'{sheet_name}'!A{row + 1}", f.link, string=name)
        sheet.write(i, 1, title)


def _legend(sheet, f: _Formats, spec: AnalysisSpec, main: Dataset, earlier: list[Dataset], weighted: bool) -> None:
    c = spec.conventions
    level = round(spec.confidence * 100)
    lines: list[tuple[str, str]] = [
        ("Cell contents", "Each answer has two lines: the count (weighted when weighted), then the percentage."),
        ("", "Percentages are of the column's base (units asked and answering, less codes the base excludes)."),
        ("", "Rows marked '(not in base)' are counts of units left out of the base, shown for completeness."),
        ("", "Means, medians, minima, maxima and ratios are figures in the question's own unit."),
        ("Base", "Base (unweighted n): units in the column's base. A base marked † is under "
                 f"{c.low_base}: read its percentages with care, beside their counts."),
        ("Columns", "(A), (B)…: each banner column's letter. Breakdowns use the frame's attributes; "
                    "units with no value for an attribute are in none of its columns."),
        ("Significance", f"A letter beside a figure: it is significantly higher ({level}% level, two-sided) "
                         "than the figure in the column with that letter."),
        ("", "Compared: the groups of each breakdown with one another, and the total with each earlier wave."),
        ("Tests", "Normal (z) test of the difference of two estimates. Each estimate's variance treats the "
                  "units answering as a simple random sample of what it describes"
                  + (", without replacement, with the finite population correction (1 − n/N)." if spec.finite
                     else ", without the finite population correction (inference about the process).")),
        *(("", line) for line in inference_statement(spec)),
        ("", "Groups of one breakdown are disjoint: their estimates are treated as independent."),
        (
            "",
            "Percentages are compared with the pooled proportion under the null hypothesis; a wave at 0% or 100% "
            "likewise.",
        ),
        ("", "Waves: the covariance of the two estimates through units answering in both waves is "
             "subtracted: Var(d) = V1 + V2 − 2·Cov, Cov = s12·(m/(n1·n2) − N12/(N1·N2)), the N12 term only "
             "for the finite population."),
        ("", "A question whose wording or answers changed between the waves compared is not tested against "
             "that wave (a note under the table says so)."),
        ("", "Ratios (e.g. spend per child reached) are ratios of sums with linearised variances."),
        ("Intervals", "Confidence intervals (kept with the tables' data): percentages, Wilson's on the effective "
                      "base; means and ratios of amounts, on the log scale; medians, from the order statistics."),
        ("Rounding", c.rounding_note()),
        ("Weighting", "Raked to the frame's margins: " + ", ".join(spec.rake) if weighted else "Unweighted."),
        ("Population", f"N = {main.population_size} units in wave {main.wave}"
                       + "".join(f"; N = {d.population_size} in {d.wave}" for d in earlier) + "."),
    ]  # fmt: skip
    sheet.set_column(0, 0, 16)
    sheet.set_column(1, 1, 120)
    sheet.write(0, 0, "Legend", f.title)
    row = 2
    for key, text in lines:
        sheet.write(row, 0, key, f.bold)
        sheet.write(row, 1, text)
        row += 1
    row += 1
    sheet.write(row, 0, "Symbols", f.bold)
    row += 1
    for symbol, meaning in c.symbols():
        sheet.write_string(row, 0, symbol)
        sheet.write(row, 1, meaning)
        row += 1


def _response(sheet, f: _Formats, main: Dataset, spec: AnalysisSpec) -> None:
    sheet.set_column(0, 0, 40)
    sheet.set_column(1, 6, 14)
    sheet.write(0, 0, "Table 1: response by questionnaire section", f.title)
    for j, head in enumerate(["Section", "Complete responses (n)", "Partial responses (n)", "Response rate (%)"]):
        sheet.write(1, j, head, f.head)
    row = 2
    for r in response_by_section(main):
        sheet.write(row, 0, r.title)
        sheet.write_number(row, 1, r.complete, f.number)
        sheet.write_number(row, 2, r.partial, f.number)
        sheet.write_number(row, 3, published(r.rate), f.decimal)
        row += 1
    sheet.write(row, 0, f"Response rate: (complete + partial) / N, N = {main.population_size}.", f.italic)
    row += 2
    # The population's declared profile, as the live page and Appendix 1 show it; the spec's breakdowns
    # serve a dataset whose population declares none.
    breakdowns = list(main.profile) or spec.breakdowns
    if main.data.height != main.population_size or not breakdowns:
        sheet.write(row, 0, "Response profile: needs every frame unit in the dataset and a profile of the population.")
        return
    sheet.write(row, 0, "Table 3: response profile (population and those who took part)", f.title)
    for j, head in enumerate(["Attribute / value", *PROFILE_HEADINGS]):
        sheet.write(row + 1, j, head, f.head)
    row += 2
    tables = response_tables(main, breakdowns)
    for block in tables.profile:
        sheet.write(row, 0, block.label, f.bold)
        row += 1
        for cells in profile_cells(block):
            sheet.write(row, 0, f"  {cells[0]}", f.bold if cells[0] == "Total" else None)
            for j, text in enumerate(cells[1:], start=1):
                # The published text's number: Table 3 reads the same here as on the page and in Appendix 1.
                _value(sheet, row, j, _number(text), f.number if j in (1, 3) else f.profile, f.conventions)
            row += 1
        for note in profile_notes(block):
            sheet.write(row, 0, note, f.italic)
            row += 1
        row += 1
    for line in tables.model.describe() if tables.model else []:
        sheet.write(row, 0, line, f.italic)
        row += 1
