"""Build the example frame files for `omnibus frame load` from the public reference data.

Writes, next to this script:
- england-la-2017.csv: the 152 upper-tier LAs with the attributes the CSO wave 3 report profiles
  (type, region, FSM %, children-in-need rate and band, looked-after rate, Ofsted judgement);
  load it with `--as-of 2017-09-01`.
- england-la-by-year/england-la-YYYY.csv: the LAs as at 1 September of each year 2016-2025
  (codes, name, type and region only), to show the frame changing (BCP in 2019, 151 units).

Run from anywhere: `python examples/frame/build_frame.py`. The output is committed; rerun it
only when the reference data changes.
"""

from __future__ import annotations

import csv
import sys
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
REFERENCE = HERE.parent / "reference"
sys.path.insert(0, str(HERE.parent.parent))  # the repository root, for omnibus.frame.schema

from omnibus.frame.schema import load_population  # noqa: E402

COLUMNS = [
    "gss_code",
    "dfe_la_code",
    "name",
    "type",
    "region",
    "region_code",
    "region_group",
    "fsm_pct",
    "cin_rate",
    "cin_band",
    "cla_rate",
    "ofsted",
]
BY_YEAR_COLUMNS = ["gss_code", "dfe_la_code", "name", "type", "region", "region_code", "region_group"]
# Where each attribute comes from: (reference file, its column). See ../reference/SOURCES.md.
ATTRIBUTES = {
    "fsm_pct": ("la_fsm_jan2016.csv", "pct_fsm_all"),
    "cin_rate": ("la_cin_rate_2016.csv", "cin_rate_per_10000_31mar2016"),
    "cla_rate": ("la_cla_rate_2016.csv", "cla_rate_per_10000_31mar2016"),
    "ofsted": ("la_ofsted_sif_2017.csv", "sif_overall_as_at_2017_12_31"),
}


def read(name: str) -> list[dict[str, str]]:
    """Rows of a reference file."""
    with open(REFERENCE / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def write(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    """Write rows as CSV with the given columns."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows({c: row.get(c, "") for c in columns} for row in rows)


def build_2017() -> list[dict[str, str]]:
    """The 2017 frame joined with its attributes on the DfE LA number."""
    band = load_population("england-la").column("cin_band")
    frame = read("la_frame_2017.csv")
    for attribute, (file, column) in ATTRIBUTES.items():
        # Join on the DfE number: it is the frame key and some sources use old GSS codes.
        by_dfe = {row["dfe_la_code"]: row[column] for row in read(file)}
        for row in frame:
            row[attribute] = by_dfe[row["dfe_la_code"]]
    for row in frame:
        row["cin_band"] = (band.band_for(Decimal(row["cin_rate"])) or "") if row["cin_rate"] else ""
    return frame


def build_by_year() -> dict[str, list[dict[str, str]]]:
    """One frame per year (as at 1 September) from la_frame_by_year.csv."""
    region_codes = {row["region"]: row["region_code"] for row in read("la_frame_2017.csv")}
    years: dict[str, list[dict[str, str]]] = {}
    for row in read("la_frame_by_year.csv"):
        row["region_code"] = region_codes[row["region"]]
        years.setdefault(row["year"], []).append(row)
    return years


def main() -> None:
    """Write the example frame files and print a count of each."""
    frame = build_2017()
    write(HERE / "england-la-2017.csv", COLUMNS, frame)
    print(f"england-la-2017.csv: {len(frame)} LAs")
    for year, rows in sorted(build_by_year().items()):
        write(HERE / "england-la-by-year" / f"england-la-{year}.csv", BY_YEAR_COLUMNS, rows)
        print(f"england-la-by-year/england-la-{year}.csv: {len(rows)} LAs (as of {year}-09-01)")


if __name__ == "__main__":
    main()
