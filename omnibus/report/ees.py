"""A wave's tables as Explore Education Statistics data: a tidy CSV and its `.meta.csv` per table.

DfE publishes official statistics through Explore Education Statistics (EES), which takes
each data set as a pair of files: the data, one row per observation, and its metadata, one
row per filter and indicator column. `ees_files` turns each table of the tab book into such a
pair:

- the observational units: `time_period` and `time_identifier` of the wave (the term its
  fieldwork opened in, so the waves of one survey make a time series), `geographic_level`
  National with `country_code` and `country_name`;
- the filters: one per breakdown of the banner (each with a "Total" row, the total column),
  and for a coded question `response` (its answers, then its nets);
- the indicators: for a coded question the number giving each answer, its percentage and the
  base; for a number its mean, median, minimum and maximum (or the ratio) and the base.

Figures are rounded half up, and a figure that cannot be given is a GSS shorthand letter
(`published.py`). `dataset_names.csv` names every pair, as EES's bulk upload asks.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from omnibus.analysis.tables import Table
from omnibus.core.spreadsheet import csv_writer
from omnibus.report.ees_standards import OPTIONAL_META, REQUIRED_META
from omnibus.report.published import (
    STATISTICS,
    WaveRelease,
    answer_label,
    answer_rows,
    is_coded,
    published,
    published_count,
    statistic_rows,
)

META_COLUMNS = (*REQUIRED_META, *OPTIONAL_META)  # the metadata file's columns, as the standards name them
TOTAL = "Total"
# Decimal places of each statistic of a number (percentages follow the analysis spec).
STATISTIC_DP = {"mean": 1, "median": 1, "minimum": 1, "maximum": 1, "ratio": 2}


@dataclass(frozen=True)
class Country:
    """The geography every figure of a census of a country's units is for (National level)."""

    code: str = "E92000001"
    name: str = "England"


ENGLAND = Country()


@dataclass
class EesFile:
    """One data set: its file name (without `.csv`), its title, data rows and metadata rows."""

    name: str
    title: str
    header: list[str]
    rows: list[list[str | int | float]] = field(default_factory=list)  # text, or a figure as a number
    meta: list[dict[str, str]] = field(default_factory=list)


def snake(text: str) -> str:
    """A name as EES wants a column or file name: lower case, letters, digits and underscores."""
    name = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    return name if name[:1].isalpha() else f"v_{name}"


def ees_files(
    tables: list[Table], waves: dict[str, WaveRelease], decimals: int, country: Country = ENGLAND
) -> list[EesFile]:
    """An EES data set per table; `waves` describes the wave of every banner column."""
    used: set[str] = set()
    files = []
    for table in tables:
        name = snake(table.name)
        while name in used:
            name += "_2"
        used.add(name)
        files.append(_table_file(name, table, waves, decimals, country))
    return files


def _breakdowns(table: Table) -> list[tuple[str, str]]:
    """The banner's breakdowns as filters: (column name, label), in banner order."""
    seen: dict[str, str] = {}
    for column in table.columns:
        if ":" in column.key and not column.key.startswith("wave:"):
            seen.setdefault(column.key.split(":", 1)[0], column.group)
    return [(snake(key), label) for key, label in seen.items()]


def _table_file(name: str, table: Table, waves: dict[str, WaveRelease], decimals: int, country: Country) -> EesFile:
    filters = _breakdowns(table)
    coded = is_coded(table)
    statistics = [row.kind for row in statistic_rows(table)]
    indicators = ["number", "percentage", "base"] if coded else [*statistics, "base"]
    fixed = ["time_period", "time_identifier", "geographic_level", "country_code", "country_name"]
    header = fixed + [f for f, _ in filters] + (["response"] if coded else []) + indicators
    out = EesFile(name, table.title, header)
    for j, column in enumerate(table.columns):
        base = table.bases[j]
        if math.isnan(base.population):
            continue  # the column's wave did not ask this question: no rows, rather than rows of "z"
        period = waves[column.wave].period
        place = [period.time_period, period.time_identifier, "National", country.code, country.name]
        breakdown = snake(column.key.split(":", 1)[0]) if ":" in column.key else None
        chosen = [column.label if key == breakdown else TOTAL for key, _ in filters]
        if coded:
            for row in answer_rows(table):
                cell = row.cells[j]
                figures = [published_count(cell, base), published(cell, base, row.kind, decimals), base.n]
                out.rows.append([*place, *chosen, answer_label(row), *map(_figure, figures)])
        else:
            figures = [published(row.cells[j], base, row.kind, STATISTIC_DP[row.kind]) for row in statistic_rows(table)]
            out.rows.append([*place, *chosen, *map(_figure, [*figures, base.n])])
    out.meta = _meta(table, filters, coded, statistics, decimals)
    return out


def _meta(table: Table, filters: list[tuple[str, str]], coded: bool, statistics: list[str], decimals: int):
    rows = [_meta_row(key, "Filter", label) for key, label in filters]
    if coded:
        first = answer_label(answer_rows(table)[0]) if answer_rows(table) else ""
        rows.append(_meta_row("response", "Filter", "Response", hint="The answer given", default=first))
        rows.append(_meta_row("number", "Indicator", "Number giving this answer", dp=0))
        rows.append(_meta_row("percentage", "Indicator", "Percentage of the base", unit="%", dp=decimals))
    else:
        for kind in statistics:
            rows.append(_meta_row(kind, "Indicator", STATISTICS[kind], dp=STATISTIC_DP[kind]))
    rows.append(_meta_row("base", "Indicator", "Base (number answering)", dp=0))
    return rows


def _meta_row(
    name: str, kind: str, label: str, unit: str = "", dp: int | None = None, hint: str = "", default: str = ""
) -> dict[str, str]:
    row = dict.fromkeys(META_COLUMNS, "")
    row.update(col_name=name, col_type=kind, label=label, indicator_unit=unit, filter_hint=hint)
    row.update(indicator_dp="" if dp is None else str(dp), filter_default=default)
    return row


def _figure(value: float | int | str) -> float | int | str:
    """A figure as the CSV writes it: whole numbers without ".0", a shorthand letter as it is."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def write_ees(files: list[EesFile], folder: Path) -> list[Path]:
    """Write each data set and its metadata, and `dataset_names.csv`; returns the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for file in files:
        data, meta = folder / f"{file.name}.csv", folder / f"{file.name}.meta.csv"
        _write_csv(data, file.header, file.rows)
        _write_csv(meta, list(META_COLUMNS), [[row[c] for c in META_COLUMNS] for row in file.meta])
        written += [data, meta]
    names = folder / "dataset_names.csv"
    _write_csv(names, ["file_name", "dataset_name"], [[f.name, f.title] for f in files])
    return [*written, names]


def _write_csv(path: Path, header: list[str], rows: list[list[str | int | float]]) -> None:
    """Text through the spreadsheet guard (a label is never a formula), figures as numbers."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv_writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
