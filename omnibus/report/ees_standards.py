"""Check a folder of EES data sets against the published EES data standards, before anyone uploads it.

DfE's screener (eesyscreener) runs these checks when a file is uploaded to Explore Education
Statistics; running them here means a bad release is stopped when it is written, with each
problem named by file and line. What is checked, from the standards:

- file names: lower case letters, digits, underscores and hyphens; each data file `NAME.csv`
  has its metadata `NAME.meta.csv`, and `dataset_names.csv` names every pair;
- data: the observational units `time_period`, `time_identifier` and `geographic_level` (with
  `country_code` and `country_name` at National level); a time identifier from EES's list, one
  group of them a file, with a four-digit year or a six-digit pair of consecutive years as it
  needs; column names in snake case, at most 50 characters; no blank or duplicated rows; no
  "Total" in an observational unit;
- metadata: its columns; a `col_type` of Filter or Indicator for every column that is not an
  observational unit, and for no other; labels present, unique, at most 100 characters;
  indicator units from EES's list and whole-number decimal places, neither on a filter;
- filters: no blank items, no spaces at either end, at most 120 characters, a default item
  ("Total" or `filter_default`) present;
- indicators: every value a number or a GSS symbol (`c`, `low`, `u`, `x`, `z`), never blank,
  never the legacy `:` or `~`.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

REQUIRED_META = (
    "col_name",
    "col_type",
    "label",
    "indicator_grouping",
    "indicator_unit",
    "indicator_dp",
    "filter_hint",
    "filter_grouping_column",
)
OPTIONAL_META = ("filter_default",)
TERMS = ("Autumn term", "Spring term", "Summer term")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
WEEKS = tuple(f"Week {i}" for i in range(1, 53))
QUARTERS = tuple(f"Financial year Q{i}" for i in range(1, 5))
HALVES = ("Part 1 (April to September)", "Part 2 (October to March)")
# EES's time identifiers in their groups: a file may mix identifiers of one group only.
TIME_GROUPS: tuple[tuple[str, ...], ...] = (
    ("Autumn and spring term",),
    ("Calendar year",),
    ("Financial year",),
    ("Academic year",),
    ("Tax year",),
    ("Reporting year",),
    TERMS,
    WEEKS,
    MONTHS,
    QUARTERS,
    HALVES,
)
FOUR_DIGIT = {"Calendar year", "Reporting year", *WEEKS, *MONTHS}
GEOGRAPHIC_LEVELS = {
    "National": ("country_code", "country_name"),
    "Regional": ("region_code", "region_name"),
    "Local authority": ("old_la_code", "new_la_code", "la_name"),
}
OBSERVATIONAL = {"time_period", "time_identifier", "geographic_level"} | {
    column for columns in GEOGRAPHIC_LEVELS.values() for column in columns
}
INDICATOR_UNITS = {"", "%", "pp", "£", "£m", "numberstring"}
GSS_SYMBOLS = {"c", "low", "u", "x", "z"}
LEGACY_SYMBOLS = {":", "~"}
COLUMN_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
FILE_NAME = re.compile(r"^[a-z0-9_-]+$")
COUNTRY_CODE = re.compile(r"^[EKNSW]9[0-9]{7}$")
NAME_LIMIT, LABEL_LIMIT, ITEM_LIMIT = 50, 100, 120


def check_ees_folder(folder: Path) -> list[str]:
    """Every way the folder's data sets break the EES data standards, as `FILE:LINE: problem`; [] if none."""
    problems: list[str] = []
    data_files = sorted(p for p in folder.glob("*.csv") if not p.name.endswith(".meta.csv"))
    data_files = [p for p in data_files if p.name != "dataset_names.csv"]
    names = folder / "dataset_names.csv"
    listed = _dataset_names(names, problems) if names.exists() else None
    if listed is None:
        problems.append(f"{names}: missing: the bulk upload names each data set there (file_name, dataset_name)")
    for data in data_files:
        stem = data.name.removesuffix(".csv")
        if not FILE_NAME.match(stem):
            problems.append(f"{data}: the file name may hold only lower case letters, digits, _ and -")
        meta = folder / f"{stem}.meta.csv"
        if not meta.exists():
            problems.append(f"{data}: no metadata file {meta.name}")
            continue
        if listed is not None and stem not in listed:
            problems.append(f"{names}: does not name the data set {stem}")
        problems += check_ees_pair(data, meta)
    for stem in sorted(set(listed or ()) - {p.name.removesuffix(".csv") for p in data_files}):
        problems.append(f"{names}: names {stem}, which has no data file")
    return problems


def _dataset_names(path: Path, problems: list[str]) -> set[str]:
    header, rows = _read(path)
    if header != ["file_name", "dataset_name"]:
        problems.append(f"{path}:1: the columns must be file_name,dataset_name")
        return set()
    for line, row in rows:
        if not row.get("dataset_name", "").strip():
            problems.append(f"{path}:{line}: the data set {row.get('file_name', '')} has no name")
    return {row["file_name"] for _, row in rows}


def check_ees_pair(data: Path, meta: Path) -> list[str]:
    """Every way one data file and its metadata break the standards, as `FILE:LINE: problem`."""
    problems: list[str] = []
    header, rows = _read(data)
    meta_header, meta_rows = _read(meta)
    problems += _check_meta_header(meta, meta_header)
    if problems:
        return problems
    problems += _check_columns(data, header, rows)
    problems += _check_time(data, rows)
    problems += _check_geography(data, header, rows)
    described = {row["col_name"]: (line, row) for line, row in meta_rows}
    problems += _check_meta(meta, meta_rows, set(header))
    for column in header:
        if column not in OBSERVATIONAL and column not in described:
            problems.append(f"{meta}: no row describes the data's column {column}")
    filters = [row for _, row in meta_rows if row["col_type"] == "Filter" and row["col_name"] in header]
    indicators = [row["col_name"] for _, row in meta_rows if row["col_type"] == "Indicator"]
    problems += _check_filters(data, rows, filters)
    problems += _check_indicators(data, rows, [c for c in indicators if c in header])
    keys = [c for c in header if c not in indicators]
    seen = Counter(tuple(row.get(c, "") for c in keys) for _, row in rows)
    for line, row in rows:
        if seen[tuple(row.get(c, "") for c in keys)] > 1:
            problems.append(f"{data}:{line}: another row has the same time, geography and filters")
    return problems


def _read(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header and the rows (with their line numbers) of a CSV file."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        rows = [(i, dict(zip(header, row, strict=False))) for i, row in enumerate(reader, start=2)]
    return header, rows


def _check_meta_header(meta: Path, header: list[str]) -> list[str]:
    missing = [c for c in REQUIRED_META if c not in header]
    extra = [c for c in header if c not in REQUIRED_META and c not in OPTIONAL_META]
    problems = [f"{meta}:1: missing the column {c}" for c in missing]
    return problems + [f"{meta}:1: {c} is not a metadata column" for c in extra]


def _check_columns(data: Path, header: list[str], rows) -> list[str]:
    problems = []
    for column, count in Counter(header).items():
        if count > 1:
            problems.append(f"{data}:1: the column {column} appears {count} times")
        if not COLUMN_NAME.match(column):
            problems.append(f"{data}:1: {column!r} is not in snake case (lower case letters, digits, _)")
        if len(column) > NAME_LIMIT:
            problems.append(f"{data}:1: {column} is longer than {NAME_LIMIT} characters")
    for required in ("time_period", "time_identifier", "geographic_level"):
        if required not in header:
            problems.append(f"{data}:1: missing the column {required}")
    if not rows:
        problems.append(f"{data}: has no rows of data")
    for line, row in rows:
        if not any(value.strip() for value in row.values()):
            problems.append(f"{data}:{line}: a blank row")
    for column in header:
        if rows and not any(row.get(column, "").strip() for _, row in rows):
            problems.append(f"{data}: the column {column} is empty")
    return problems


def _check_time(data: Path, rows) -> list[str]:
    problems = []
    groups = set()
    for line, row in rows:
        identifier, period = row.get("time_identifier", ""), row.get("time_period", "")
        group = next((g for g in TIME_GROUPS if identifier in g), None)
        if group is None:
            problems.append(f"{data}:{line}: {identifier!r} is not an EES time identifier")
            continue
        groups.add(group)
        if identifier in FOUR_DIGIT:
            if not re.fullmatch(r"\d{4}", period):
                problems.append(f"{data}:{line}: time_period {period!r} should be a year (2017) for {identifier}")
        elif not re.fullmatch(r"\d{6}", period) or (int(period[:4]) + 1) % 100 != int(period[4:]):
            problems.append(f"{data}:{line}: time_period {period!r} should be two consecutive years (201718)")
        for column in ("time_period", "time_identifier"):
            if row.get(column, "").strip().lower() in ("total", "all"):
                problems.append(f"{data}:{line}: {column} holds {row[column]!r}: an observational unit has no total")
    if len(groups) > 1:
        problems.append(f"{data}: time identifiers of different kinds in one file ({len(groups)} groups)")
    return problems


def _check_geography(data: Path, header: list[str], rows) -> list[str]:
    problems = []
    for line, row in rows:
        level = row.get("geographic_level", "")
        if level not in GEOGRAPHIC_LEVELS:
            problems.append(f"{data}:{line}: {level!r} is not a geographic level ({', '.join(GEOGRAPHIC_LEVELS)})")
            continue
        for column in GEOGRAPHIC_LEVELS[level]:
            if column not in header or not row.get(column, "").strip():
                problems.append(f"{data}:{line}: {level} rows need {column}")
        if level == "National" and not COUNTRY_CODE.match(row.get("country_code", "")):
            problems.append(f"{data}:{line}: country_code {row.get('country_code', '')!r} is not a GSS country code")
    return problems


def _check_meta(meta: Path, rows, data_columns: set[str]) -> list[str]:
    problems = []
    labels = Counter(row["label"] for _, row in rows)
    names = Counter(row["col_name"] for _, row in rows)
    for line, row in rows:
        name, kind, label = row["col_name"], row["col_type"], row["label"]
        where = f"{meta}:{line}: {name}"
        if names[name] > 1:
            problems.append(f"{where}: described more than once")
        if name in OBSERVATIONAL:
            problems.append(f"{where}: an observational unit is not described in the metadata")
        if name not in data_columns:
            problems.append(f"{where}: not a column of the data file")
        if kind not in ("Filter", "Indicator"):
            problems.append(f"{where}: col_type {kind!r} is neither Filter nor Indicator")
        if not label.strip():
            problems.append(f"{where}: no label")
        elif labels[label] > 1:
            problems.append(f"{where}: the label {label!r} is used twice")
        if len(label) > LABEL_LIMIT:
            problems.append(f"{where}: the label is longer than {LABEL_LIMIT} characters")
        problems += _check_meta_kind(where, row, data_columns)
    return problems


def _check_meta_kind(where: str, row: dict[str, str], data_columns: set[str]) -> list[str]:
    problems = []
    unit, dp = row["indicator_unit"], row["indicator_dp"]
    if row["col_type"] == "Filter":
        for column in ("indicator_unit", "indicator_dp", "indicator_grouping"):
            if row[column].strip():
                problems.append(f"{where}: a filter has no {column}")
        group = row["filter_grouping_column"]
        if group and group not in data_columns:
            problems.append(f"{where}: filter_grouping_column {group} is not a column of the data")
    elif row["col_type"] == "Indicator":
        for column in ("filter_hint", "filter_grouping_column", "filter_default"):
            if row.get(column, "").strip():
                problems.append(f"{where}: an indicator has no {column}")
        if unit not in INDICATOR_UNITS:
            problems.append(f"{where}: indicator_unit {unit!r} is not one of {sorted(INDICATOR_UNITS)}")
        if not re.fullmatch(r"\d+", dp):
            problems.append(f"{where}: indicator_dp {dp!r} should be a whole number of decimal places")
    return problems


def _check_filters(data: Path, rows, filters: list[dict[str, str]]) -> list[str]:
    problems = []
    for spec in filters:
        column = spec["col_name"]
        items = {row.get(column, "") for _, row in rows}
        default = spec.get("filter_default", "").strip() or "Total"
        if default not in items:
            problems.append(f"{data}: the filter {column} has no default item {default!r}")
        for line, row in rows:
            value = row.get(column, "")
            if not value.strip():
                problems.append(f"{data}:{line}: the filter {column} is blank")
            elif value != value.strip():
                problems.append(f"{data}:{line}: the filter {column} has spaces at an end: {value!r}")
            if len(value) > ITEM_LIMIT:
                problems.append(f"{data}:{line}: the {column} item is longer than {ITEM_LIMIT} characters")
    return problems


def _check_indicators(data: Path, rows, indicators: list[str]) -> list[str]:
    problems = []
    for line, row in rows:
        for column in indicators:
            value = row.get(column, "")
            if value in GSS_SYMBOLS:
                continue
            if value in LEGACY_SYMBOLS:
                problems.append(f"{data}:{line}: {column} holds the legacy symbol {value!r}; use a GSS symbol")
            elif not value.strip():
                problems.append(f"{data}:{line}: {column} is blank; give a number or a GSS symbol")
            elif not _is_number(value):
                problems.append(f"{data}:{line}: {column} holds {value!r}, neither a number nor a GSS symbol")
    return problems


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return text.strip() == text and text.lower() not in ("nan", "inf", "-inf", "infinity")
