"""Read a frame file (CSV) against a population schema into plain rows and a list of errors.

Every problem is reported, not just the first, as `FILE:LINE: column COL: message`, where LINE
is the line number in the file (the header is line 1), so a researcher can fix a whole file
in one pass. Pure Python: no Django import.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Protocol

from omnibus.frame.schema import FrameColumn, PopulationSchema
from omnibus.questionnaire import textfile

MAX_BYTES = 25 * textfile.MB  # a frame of tens of thousands of units (every school) is a few MB


class FrameFileError(Exception):
    """A frame file has errors; `errors` holds one `FILE:LINE: ...` message per problem."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class FrameRow:
    """One unit as read from the file: canonical text per value column ("" when blank)."""

    line: int
    key: str
    values: dict[str, str]


@dataclass
class FrameFile:
    """The outcome of reading a frame file: the rows, and every error found."""

    name: str
    columns: list[str] = field(default_factory=list)
    rows: list[FrameRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def error(self, line: int, message: str, column: str | None = None) -> None:
        """Record an error at a line, naming the column when there is one."""
        where = f"column {column}: " if column else ""
        self.errors.append(f"{self.name}:{line}: {where}{message}")


def check_frame_csv(path: Path, schema: PopulationSchema) -> list[FrameRow]:
    """Read a frame file and return its rows, or raise FrameFileError listing every error."""
    result = read_frame_csv(path, schema)
    if result.errors:
        raise FrameFileError(result.errors)
    return result.rows


def read_frame_csv(path: Path, schema: PopulationSchema) -> FrameFile:
    """Read a frame file from disk; decoding problems are reported like any other error."""
    result = FrameFile(name=str(path))
    try:
        text = textfile.read_text(path, MAX_BYTES)  # Excel's byte-order mark is dropped: it is not data
    except OSError as exc:
        result.error(1, f"cannot read the file: {exc.strerror or exc}")
        return result
    except textfile.TextFileError as error:
        result.error(error.line or 1, error.message)
        return result
    return read_frame_text(text, schema, str(path))


def frame_header(path: Path) -> list[str]:
    """The column names of a frame file's header row ([] when it cannot be read: the full check says why)."""
    try:
        text = textfile.read_text(path, MAX_BYTES)
    except (OSError, textfile.TextFileError):
        return []
    first = next(csv.reader(io.StringIO(text)), [])
    return [name.strip() for name in first]


def read_frame_text(text: str, schema: PopulationSchema, name: str = "<text>") -> FrameFile:
    """Read frame CSV from decoded text; `name` is the file name used in messages."""
    result = FrameFile(name=name)
    if not text.strip():
        expected = ", ".join(schema.column_names)
        result.error(1, f"the file is empty; expected a header row with columns: {expected}")
        return result
    records = csv_records(text, result)
    if not records:
        return result
    header_line, header = records[0]
    columns = _check_header(header, schema, result, header_line)
    result.columns = [c for c in columns if c is not None]
    seen: dict[str, dict[str, int]] = {c: {} for c in schema.code_names}
    for line, cells in records[1:]:
        row = _read_row(line, cells, columns, schema, result)
        if row is not None:
            _check_unique(row, seen, result)
            result.rows.append(row)
    if len(records) == 1 and not result.errors:
        result.error(header_line, "the file has a header but no units")
    return result


class LineErrors(Protocol):
    """Where a reader of a file reports problems by line (a frame file, an indicator file)."""

    def error(self, line: int, message: str) -> None:
        """Record a problem found at a line of the file."""


def csv_records(text: str, result: LineErrors) -> list[tuple[int, list[str]]]:
    """Split CSV text into (first line number, cells) pairs, skipping blank lines.

    A row that is not CSV is reported through `result.error(line, message)` and ends the reading.
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[tuple[int, list[str]]] = []
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return records
        except csv.Error as exc:
            result.error(start, f"cannot read this row as CSV: {exc}")
            return records
        # Spreadsheets leave rows of bare commas at the end; they hold nothing.
        if any(cell.strip() for cell in cells):
            records.append((start, cells))


def _check_header(header: list[str], schema: PopulationSchema, result: FrameFile, line: int) -> list[str | None]:
    """Check the header row; return the schema column for each position (None if unusable)."""
    known = set(schema.column_names)
    columns: list[str | None] = []
    for position, raw in enumerate(header, start=1):
        name = raw.strip()
        if not name:
            result.error(line, "has no name in the header row", column=str(position))
            name = None
        elif name not in known:
            expected = ", ".join(schema.column_names)
            result.error(line, f"unknown column (expected some of: {expected})", column=name)
            name = None
        elif name in columns:
            result.error(line, "appears twice in the header row", column=name)
            name = None
        columns.append(name)
    for column in schema.columns:
        # A required column must be in the file; an optional or banded one may be left out.
        if column.name not in columns and not column.optional and column.kind != "band":
            result.error(line, f"missing: the {column.role} column is required", column=column.name)
    return columns


def _read_row(
    line: int,
    cells: list[str],
    columns: list[str | None],
    schema: PopulationSchema,
    result: FrameFile,
) -> FrameRow | None:
    """Check one data row; record its errors and return it (None if it has no usable key)."""
    extra = cells[len(columns) :]
    if len(cells) < len(columns) or any(cell.strip() for cell in extra):
        result.error(line, f"this row has {len(cells)} values but the header has {len(columns)}")
    given = {name: cell.strip() for name, cell in zip(columns, cells, strict=False) if name}
    values: dict[str, str] = {}
    for column in schema.columns:
        values[column.name] = _read_cell(line, column, given, result)
    _fill_bands(line, schema, values, result)
    key = values.pop(schema.key)
    return FrameRow(line=line, key=key, values=values) if key else None


def _read_cell(line: int, column: FrameColumn, given: dict[str, str], result: FrameFile) -> str:
    """Return the canonical text of one cell ("" when blank or unusable), recording errors."""
    if column.name not in given:
        return ""  # a column missing from the header was reported once, not on every row
    text = given[column.name]
    if not text:
        if not column.optional and column.kind != "band":
            result.error(line, f"missing {column.name}: a value is required", column=column.name)
        return ""
    try:
        return column.clean(text)
    except ValueError as exc:
        result.error(line, str(exc), column=column.name)
        return ""


def _fill_bands(line: int, schema: PopulationSchema, values: dict[str, str], result: FrameFile) -> None:
    """Derive a blank band from its number, and check a given band agrees with it."""
    for column in schema.columns:
        if column.kind != "band" or not column.of or not values.get(column.of):
            continue
        number = values[column.of]
        expected = column.band_for(Decimal(number)) or ""
        if not values[column.name]:
            values[column.name] = expected
        elif values[column.name] != expected:
            shown = expected or "no band"
            message = f"{values[column.name]!r} does not match {column.of} {number} ({shown})"
            result.error(line, message, column=column.name)


def _check_unique(row: FrameRow, seen: dict[str, dict[str, int]], result: FrameFile) -> None:
    """Report a key or code value already used by an earlier row."""
    for name, first_lines in seen.items():
        value = row.values.get(name, row.key)
        if not value:
            continue
        if value in first_lines:
            message = f"duplicate {name} {value!r} (also on line {first_lines[value]})"
            result.error(row.line, message, column=name)
        else:
            first_lines[value] = row.line
