"""Cells for spreadsheets: no text written to a CSV file or a workbook can run as a formula.

Respondents, contacts and coders type text that ends up in files opened in Excel or
LibreOffice. A cell starting with `=`, `+`, `-` or `@` (or a tab or carriage return before
one) is read there as a formula, and `=HYPERLINK(...)` or `=cmd|...` can reach out of the
sheet. Every CSV writer goes through `csv_writer` (or `neutralise` for a column), which puts
a `'` before such text, as the spreadsheets themselves do to show text; every workbook is
opened by `workbook`, which makes XlsxWriter write text as text whatever it starts with.
No Django here: the dataset's exports use it too.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from typing import IO

import xlsxwriter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """`value`, with a `'` before it if it is text a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeWriter:
    """A `csv.writer` whose every text cell has been through `neutralise`."""

    def __init__(self, handle: IO[str], **options: object) -> None:
        self._writer = csv.writer(handle, **options)  # type: ignore[arg-type]

    def writerow(self, row: Iterable[object]) -> None:
        """Write one row."""
        self._writer.writerow([neutralise(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        """Write each row."""
        for row in rows:
            self.writerow(row)


def csv_writer(handle: IO[str], **options: object) -> SafeWriter:
    """A CSV writer (options as `csv.writer`'s) that never writes a live formula."""
    return SafeWriter(handle, **options)


def workbook(path: str | Path, **options: object) -> xlsxwriter.Workbook:
    """An XlsxWriter workbook in which `write()` of text always writes text, never a formula or a link."""
    return xlsxwriter.Workbook(str(path), {**options, "strings_to_formulas": False, "strings_to_urls": False})
