"""Write an accessible workbook (`accessible.Book`) as ODS (odfpy) or XLSX (XlsxWriter).

Both writers lay a sheet out alike: the title in A1, each line about it in its own cell of
column A below, then the table's header row and rows, with nothing merged and no blank row
inside the table. Text goes through `accessible.text_cell`, numbers are written as numbers.
The XLSX marks the table up as an Excel table, so a screen reader announces its headings.
"""

from __future__ import annotations

from pathlib import Path

from odf.dc import Subject, Title
from odf.element import Element
from odf.meta import InitialCreator
from odf.opendocument import OpenDocumentSpreadsheet
from odf.style import ParagraphProperties, Style, TableCellProperties, TableColumnProperties, TextProperties
from odf.table import Table, TableCell, TableColumn, TableRow
from odf.text import A, P

from omnibus.core import spreadsheet
from omnibus.report.accessible import Book, Link, Sheet, text_cell

LINE_WIDTH = 100  # characters: column A of a sheet without a table


def write_book(book: Book, path: Path) -> Path:
    """Write `book` as the format its suffix names (.ods or .xlsx); returns the path."""
    if path.suffix == ".ods":
        write_ods(book, path)
    elif path.suffix == ".xlsx":
        write_xlsx(book, path)
    else:
        raise ValueError(f"{path}: an accessible workbook is .ods or .xlsx")
    return path


def _widths(sheet: Sheet) -> list[int]:
    return sheet.widths or [LINE_WIDTH]


# ---------------------------------------------------------------------------------------------
# XLSX


def write_xlsx(book: Book, path: Path) -> None:
    """The workbook as XLSX, each table an Excel table with its header row."""
    workbook = spreadsheet.workbook(path, strings_to_numbers=False)
    workbook.set_properties({"title": book.title, "author": book.author, "subject": book.subject})
    title = workbook.add_format({"bold": True, "font_size": 14})
    heading = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    link = workbook.add_format({"font_color": "#1D70B8", "underline": 1})
    for sheet in book.sheets:
        ws = workbook.add_worksheet(sheet.name)
        for col, width in enumerate(_widths(sheet)):
            ws.set_column(col, col, width)
        ws.write_string(0, 0, text_cell(sheet.title), title)
        for row, line in enumerate(sheet.lines, start=1):
            ws.write_string(row, 0, text_cell(line))
        if not sheet.header:
            continue
        top = len(sheet.lines) + 1
        for row_number, cells in enumerate(sheet.rows, start=top + 1):
            for col, value in enumerate(cells):
                if isinstance(value, Link):
                    ws.write_url(row_number, col, f"internal:'{value.sheet}'!A1", link, string=text_cell(value.text))
                elif isinstance(value, str):
                    ws.write_string(row_number, col, text_cell(value), wrap)
                else:
                    ws.write_number(row_number, col, value)
        columns = [{"header": text_cell(h), "header_format": heading} for h in sheet.header]
        last = top + max(len(sheet.rows), 1)
        name = sheet.name.replace(" ", "_")
        ws.add_table(top, 0, last, len(sheet.header) - 1, {"columns": columns, "autofilter": False, "name": name})
    workbook.close()


# ---------------------------------------------------------------------------------------------
# ODS


def write_ods(book: Book, path: Path) -> None:
    """The workbook as ODS (OpenDocument), the format the guidance prefers."""
    doc = OpenDocumentSpreadsheet()
    doc.meta.addElement(_meta(Title, book.title))
    doc.meta.addElement(_meta(Subject, book.subject))
    doc.meta.addElement(_meta(InitialCreator, book.author))
    styles = _OdsStyles(doc)
    for sheet in book.sheets:
        table = Table(name=sheet.name)
        for width in _widths(sheet):
            table.addElement(TableColumn(stylename=styles.column(width)))
        table.addElement(_row([_text(sheet.title, styles.title)]))
        for line in sheet.lines:
            table.addElement(_row([_text(line)]))
        if sheet.header:
            table.addElement(_row([_text(h, styles.heading) for h in sheet.header]))
            for cells in sheet.rows:
                table.addElement(_row([_ods_cell(value, styles) for value in cells]))
        doc.spreadsheet.addElement(table)
    doc.save(str(path))


def _meta(kind: type[Element], text: str) -> Element:
    element = kind()
    element.addText(text_cell(text))
    return element


class _OdsStyles:
    """The few cell and column styles of an ODS workbook, each made once."""

    def __init__(self, doc: OpenDocumentSpreadsheet) -> None:
        self.doc = doc
        self.title = self._cell("title", {"fontweight": "bold", "fontsize": "14pt"})
        self.heading = self._cell("heading", {"fontweight": "bold"}, wrap=True)
        self.wrap = self._cell("wrap", {}, wrap=True)
        self.columns: dict[int, Style] = {}

    def _cell(self, name: str, text: dict[str, str], wrap: bool = False) -> Style:
        style = Style(name=name, family="table-cell")
        if text:
            style.addElement(TextProperties(**text))
        if wrap:
            style.addElement(TableCellProperties(wrapoption="wrap", verticalalign="top"))
            style.addElement(ParagraphProperties())
        self.doc.automaticstyles.addElement(style)
        return style

    def column(self, width: int) -> Style:
        """A column style `width` characters wide (about 0.21 cm a character)."""
        if width not in self.columns:
            style = Style(name=f"col{width}", family="table-column")
            style.addElement(TableColumnProperties(columnwidth=f"{width * 0.21:.2f}cm"))
            self.doc.automaticstyles.addElement(style)
            self.columns[width] = style
        return self.columns[width]


def _row(cells: list[TableCell]) -> TableRow:
    row = TableRow()
    for cell in cells:
        row.addElement(cell)
    return row


def _text(text: str, style: Style | None = None) -> TableCell:
    text = text_cell(text)
    cell = TableCell(valuetype="string", stylename=style) if style else TableCell(valuetype="string")
    cell.addElement(P(text=text))
    return cell


def _ods_cell(value: str | float | int | Link, styles: _OdsStyles) -> TableCell:
    if isinstance(value, Link):
        cell = TableCell(valuetype="string")
        paragraph = P()
        paragraph.addElement(A(type="simple", href=f"#{value.sheet}.A1", text=text_cell(value.text)))
        cell.addElement(paragraph)
        return cell
    if isinstance(value, str):
        return _text(value, styles.wrap)
    cell = TableCell(valuetype="float", value=value)
    cell.addElement(P(text=f"{value:g}"))
    return cell
