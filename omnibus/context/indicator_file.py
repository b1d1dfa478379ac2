"""Read a file of official statistics about areas into plain rows, or every reason it cannot be read.

Two layouts are read:

- DfE's tidy open-data layout: `time_period`, `geographic_level` (national, regional and its
  own unit level), its two code columns (`old_la_code`, `new_la_code`), `la_name`, and one
  column per indicator. Rows of other levels (district, ward …) are skipped. The population
  matches DfE's codes to its join codes by their patterns (`omnibus.context.store`).
- a plain CSV keyed by any of the population's join codes (a column named as the code, e.g.
  `urn`), one row per unit; a code of E92… is England and E12…/E13… a region (ONS GSS codes),
  so national and regional values can sit beside the units.

DfE marks values it does not publish with symbols: `c` (confidential, suppressed), `x` (not
available), `z` (not applicable) and `low` (rounds to zero). Each is read as a missing value
that keeps its symbol, never as zero. Pure Python: no Django import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from omnibus.frame.csvfile import csv_records
from omnibus.questionnaire import textfile

MAX_BYTES = 100 * textfile.MB  # DfE's tidy files hold every year and breakdown: tens of MB
SYMBOLS = {
    "c": "suppressed (confidential)",
    "x": "not available",
    "z": "not applicable",
    "low": "rounds to zero",
}
NATIONAL, REGIONAL, LOCAL = "national", "regional", "la"  # LOCAL: a unit of the population
# DfE's geographic levels, and its columns holding a unit's codes (matched to join codes by pattern).
TIDY_LEVELS = {"national": NATIONAL, "regional": REGIONAL, "local authority": LOCAL}
TIDY_CODES = ("old_la_code", "new_la_code")
NUMBER_RE = re.compile(r"^-?\d+(\.\d+)?$")
GSS_RE = re.compile(r"^E\d{8}$")
ENGLAND_GSS = "E92000001"
NAME_COLUMNS = ("la_name", "name", "area_name", "region_name")
SOURCE_COLUMNS = ("source", "source_note")


class IndicatorFileError(Exception):
    """An indicator file cannot be loaded; `errors` holds one `FILE:LINE: ...` message per problem."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class IndicatorRow:
    """One area's value as read; `value` is None when `symbol` says why.

    A unit's row (level `la`) keeps every code the file gives, by column, in the order the
    population's join codes are tried (a tidy file: DfE's order); `code` is the first of them.
    """

    line: int
    level: str  # national, regional or la (a unit of the population)
    code: str  # the area's code as given: the first code of a unit's row, the GSS code of England or a region
    codes: tuple[tuple[str, str], ...]  # (column, value) of each code the row gives
    name: str
    value: float | None
    symbol: str = ""  # c, x, z, low or "" (blank cell)
    text: str = ""  # a category's value ("Good"); `value` is then None

    def code_in(self, column: str) -> str:
        """The row's code in `column` ("" when the file gives none there)."""
        return next((value for name, value in self.codes if name == column), "")


@dataclass
class IndicatorFile:
    """What was read from a file: the layout, its rows, source notes, and every error."""

    name: str
    layout: str = ""  # "tidy" or "plain"
    rows: list[IndicatorRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # distinct source notes, in order of first use
    skipped: int = 0  # rows of another period or geographic level
    errors: list[str] = field(default_factory=list)

    def error(self, line: int, message: str, column: str | None = None) -> None:
        """Record an error at a line, naming the column when there is one."""
        where = f"column {column}: " if column else ""
        self.errors.append(f"{self.name}:{line}: {where}{message}")


def read_indicator_file(
    path: Path,
    column: str,
    period: str | None = None,
    categorical: bool = False,
    where: dict[str, str] | None = None,
    join_codes: tuple[str, ...] = (),
) -> IndicatorFile:
    """Read `column` of an indicator file (tidy or plain); for tidy files keep only `period`'s rows.

    A plain file is keyed by the population's `join_codes`: it needs a column named as one of them.
    A `categorical` column holds text (Ofsted judgements) rather than numbers. `where` keeps only
    rows whose filter columns hold the given values (DfE files break figures down by, say,
    `characteristic`; {"characteristic": "Total"} picks the total).

    Raises IndicatorFileError listing every problem: the file is loaded whole or not at all.
    """
    name = str(path)
    try:
        text = textfile.read_text(path, MAX_BYTES)
    except OSError as exc:
        raise IndicatorFileError([f"{name}:1: cannot read the file: {exc.strerror or exc}"]) from None
    except textfile.TextFileError as error:
        raise IndicatorFileError([f"{name}:{error.line or 1}: {error.message}"]) from None
    result = read_indicator_text(text, column, period, name, categorical, where, join_codes)
    if result.errors:
        raise IndicatorFileError(result.errors)
    return result


def read_indicator_text(
    text: str,
    column: str,
    period: str | None = None,
    name: str = "<text>",
    categorical: bool = False,
    where: dict[str, str] | None = None,
    join_codes: tuple[str, ...] = (),
) -> IndicatorFile:
    """Read indicator CSV from text; errors are collected in the result rather than raised."""
    result = IndicatorFile(name=name)
    records = csv_records(text, result)
    if not records:
        if not result.errors:
            result.error(1, "the file is empty")
        return result
    header_line, header = records[0]
    columns = [h.strip() for h in header]
    result.layout = "tidy" if {"time_period", "geographic_level"} <= set(columns) else "plain"
    if column not in columns:
        result.error(header_line, f"no column {column!r} (the file has: {', '.join(c for c in columns if c)})")
        return result
    if result.layout == "tidy" and period is None:
        result.error(header_line, "a DfE tidy file holds many periods: say which with --period")
        return result
    where = where or {}
    if unknown := [c for c in where if c not in columns]:
        result.error(
            header_line, f"no filter column {', '.join(map(repr, unknown))} (the file has: {', '.join(columns)})"
        )
        return result
    code_columns = TIDY_CODES if result.layout == "tidy" else tuple(c for c in join_codes if c in columns)
    if not code_columns:
        wanted = " or ".join(join_codes) or "named as one of the population's join codes"
        result.error(header_line, f"a plain file needs a column {wanted} to say which unit a row is")
        return result
    for line, cells in records[1:]:
        if len(cells) != len(columns):
            result.error(line, f"this row has {len(cells)} values but the header has {len(columns)}")
            continue
        cells_by_name = dict(zip(columns, (c.strip() for c in cells), strict=True))
        if any(cells_by_name[c] != v for c, v in where.items()):
            result.skipped += 1
            continue
        _read_row(result, line, cells_by_name, column, period, categorical, code_columns)
    if not result.rows and not result.errors:
        wanted = f" for period {period}" if period and result.layout == "tidy" else ""
        wanted += "".join(f" with {c} = {v!r}" for c, v in where.items())
        result.error(header_line, f"no rows{wanted}")
    _check_unique(result)
    return result


def _read_row(
    result: IndicatorFile,
    line: int,
    row: dict[str, str],
    column: str,
    period: str | None,
    categorical: bool,
    code_columns: tuple[str, ...],
) -> None:
    if result.layout == "tidy":
        if row["time_period"] != period:
            result.skipped += 1
            return
        level = TIDY_LEVELS.get(row["geographic_level"].casefold())
        if level is None:
            result.skipped += 1  # a level below or beside the units (district, ward): not ours
            return
        found = _tidy_area(result, line, row, level)
    else:
        found = _plain_area(row, code_columns)
    if found is None:
        return
    level, code = found
    codes = tuple((c, row[c]) for c in code_columns if row.get(c)) if level == LOCAL else ()
    if level == LOCAL and not codes:
        result.error(line, f"no code in {' or '.join(code_columns)}: which unit is this?")
        return
    code = codes[0][1] if level == LOCAL else code
    cell = row[column]
    text = cell if categorical and cell and cell.casefold() not in SYMBOLS else ""
    value, symbol = (None, "") if text else _value(result, line, cell, column)
    if value is None and symbol is None:
        return
    name = next((row[c] for c in NAME_COLUMNS if row.get(c)), "England" if level == NATIONAL else "")
    result.rows.append(IndicatorRow(line, level, code, codes, name, value, symbol or "", text))
    note = next((row[c] for c in SOURCE_COLUMNS if row.get(c)), "")
    if note and note not in result.notes:
        result.notes.append(note)


def _tidy_area(result: IndicatorFile, line: int, row: dict[str, str], level: str) -> tuple[str, str] | None:
    """(level, code): England's or the region's GSS code; a unit's codes are read by the caller."""
    if level == NATIONAL:
        return level, row.get("country_code") or ENGLAND_GSS
    if level == REGIONAL:
        code = row.get("region_code", "")
        if not GSS_RE.match(code):
            result.error(line, f"a regional row needs a region code, not {code!r}", "region_code")
            return None
        return level, code
    return level, ""


def _plain_area(row: dict[str, str], code_columns: tuple[str, ...]) -> tuple[str, str]:
    """(level, code): England or a region by its ONS GSS code in a code column, else a unit."""
    given = [row[c] for c in code_columns]
    code = next((v for v in given if v == ENGLAND_GSS or (GSS_RE.match(v) and v.startswith(("E12", "E13")))), "")
    if code == ENGLAND_GSS:
        return NATIONAL, code
    return (REGIONAL, code) if code else (LOCAL, "")


def _value(result: IndicatorFile, line: int, text: str, column: str) -> tuple[float | None, str | None]:
    """(value, None) for a number; (None, symbol) for a DfE symbol or a blank; (None, None) for an error."""
    folded = text.casefold()
    if folded in SYMBOLS:
        return None, folded
    if text == "":
        return None, ""
    if NUMBER_RE.match(text):
        return float(text), None
    known = ", ".join(SYMBOLS)
    result.error(line, f"{text!r} is not a number nor one of the DfE symbols ({known})", column)
    return None, None


def _check_unique(result: IndicatorFile) -> None:
    seen: dict[tuple[str, str], int] = {}
    for row in result.rows:
        key = (row.level, row.code)
        if key in seen:
            result.error(row.line, f"a second value for {row.name or row.code} (also on line {seen[key]})")
        else:
            seen[key] = row.line
