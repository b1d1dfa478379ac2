"""`omnibus publish WAVE --format ees|ods|xlsx -o DIR`: a wave's tables as UK official statistics release them.

The EES files must pass the EES data standards' checks; the ODS is opened by LibreOffice headless
and read back, and both workbooks must follow the Analysis Function's spreadsheet guidance.
"""

from __future__ import annotations

import csv
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from omnibus.analysis.conventions import round_half_up
from omnibus.report.ees_standards import check_ees_folder

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "examples" / "analysis" / "cso-wave3.yaml"
SOFFICE = Path("/usr/bin/soffice")
SIMULATED = "cso-w3-simulated"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def earlier_wave(make_wave):  # noqa: ANN001, ANN201 - a Wave
    """A spring-term wave before the set-up's autumn wave, with answers of its own."""
    from omnibus.dataset.simulate import simulate

    wave = make_wave(
        "cso-w2", opens_at=datetime(2017, 2, 6, 9, tzinfo=UTC), closes_at=datetime(2017, 3, 10, 17, tzinfo=UTC)
    )
    wave.title = "CSO Wave 2"
    wave.save()
    simulate(wave, seed=2, response_rate=0.5)
    return wave


def _publish(*args: str):  # noqa: ANN202 - a click Result
    from omnibus.site.cli.report import publish_command

    return CliRunner().invoke(publish_command, list(args))


@pytest.mark.django_db
def test_ees_files_pass_the_standards_and_hold_the_tab_books_figures(earlier_wave, tmp_path: Path) -> None:  # noqa: ANN001
    from omnibus.analysis.spec import load_spec
    from omnibus.analysis.tables import wave_tables
    from omnibus.dataset.build import build_dataset
    from omnibus.fieldwork.models import Wave

    out = tmp_path / "ees"
    result = _publish(SIMULATED, "--format", "ees", "--compare", "cso-w2", "--spec", str(SPEC), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert check_ees_folder(out) == []
    assert not list(out.glob(".publish-*")), "the scratch folder is gone"
    names = {row["file_name"]: row["dataset_name"] for row in _rows(out / "dataset_names.csv")}
    assert names["confund"].startswith("How confident")
    data = _rows(out / "confund.csv")
    assert list(data[0])[:5] == ["time_period", "time_identifier", "geographic_level", "country_code", "country_name"]
    periods = {(r["time_period"], r["time_identifier"]) for r in data}
    assert periods == {("201718", "Autumn term"), ("201617", "Spring term")}
    meta = {row["col_name"]: row for row in _rows(out / "confund.meta.csv")}
    assert meta["type"]["col_type"] == "Filter" and meta["type"]["label"] == "Authority type"
    assert meta["cin_band"]["label"] == "Children in need rate (per 10,000)"  # not cut at its comma
    assert meta["percentage"]["indicator_unit"] == "%"
    assert meta["response"]["filter_default"] in {r["response"] for r in data}

    # The total column of this wave, answer by answer, is the tab book's figure rounded half up.
    spec = load_spec(SPEC)
    main = build_dataset(Wave.objects.get(slug=SIMULATED))
    table = next(t for t in wave_tables(main, spec) if t.name == "ConfUnd")
    breakdowns = [name for name, row in meta.items() if row["col_type"] == "Filter" and name != "response"]
    assert breakdowns == ["type", "region_group", "cin_band", "ofsted"]
    totals = [r for r in data if r["time_identifier"] == "Autumn term" and all(r[f] == "Total" for f in breakdowns)]
    shown = [row for row in table.rows if row.kind in ("percent", "net")]
    assert len(totals) == len(shown)
    for tidy, row in zip(totals, shown, strict=True):
        assert float(tidy["percentage"]) == round_half_up(row.cells[0].value, 0)
        assert int(tidy["base"]) == table.bases[0].n
    assert any(r["response"] == "Very or fairly confident (net)" for r in totals)


@pytest.mark.django_db
def test_publish_refuses_what_it_cannot_do(tmp_path: Path) -> None:
    result = _publish(SIMULATED, "--format", "pdf", "-o", str(tmp_path))
    assert result.exit_code == 2 and "'pdf' is not one of" in result.output
    result = _publish("nope", "--format", "ees", "-o", str(tmp_path))
    assert result.exit_code == 1 and "no wave called 'nope'" in result.output
    result = _publish(SIMULATED, "--format", "ees", "--country", "England", "-o", str(tmp_path))
    assert result.exit_code == 2 and "CODE:NAME" in result.output
    assert not any(tmp_path.iterdir())


def _guidance_problems(path: Path) -> list[str]:
    """How a workbook breaks the Analysis Function's spreadsheet guidance, read back with openpyxl."""
    book = openpyxl.load_workbook(path)
    problems = []
    if book.sheetnames[:3] != ["Cover", "Contents", "Notes"]:
        problems.append(f"the first sheets are {book.sheetnames[:3]}")
    for sheet in book.worksheets:
        if not isinstance(sheet["A1"].value, str) or not sheet["A1"].value.strip():
            problems.append(f"{sheet.title}: no title in A1")
        if sheet.merged_cells.ranges:
            problems.append(f"{sheet.title}: merged cells")
        filled = [r for r in range(1, sheet.max_row + 1) if any(c.value is not None for c in sheet[r])]
        if filled != list(range(1, len(filled) + 1)):
            problems.append(f"{sheet.title}: a blank row")
        if sheet.title.startswith("Table_"):
            header = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "Wave")
            if len(set(header)) != len(header) or None in header:
                problems.append(f"{sheet.title}: header cells blank or repeated")
    contents = book["Contents"]
    links = [c.hyperlink for row in contents.iter_rows(min_row=3) for c in row if c.hyperlink]
    if len(links) != len(book.sheetnames) - 2:
        problems.append(f"Contents links to {len(links)} sheets of {len(book.sheetnames) - 2}")
    return problems


@pytest.mark.django_db
def test_xlsx_follows_the_spreadsheet_guidance(tmp_path: Path) -> None:
    result = _publish(SIMULATED, "--format", "xlsx", "--spec", str(SPEC), "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    path = tmp_path / f"{SIMULATED}-tables.xlsx"
    assert _guidance_problems(path) == []
    book = openpyxl.load_workbook(path)
    assert book.properties.title == "CSO Wave 3: tables"
    sheet = book["Table_1"]
    assert sheet.tables, "each table is marked up as a table"
    rows = list(sheet.iter_rows(values_only=True))
    header_at = next(i for i, r in enumerate(rows) if r[0] == "Wave")
    assert rows[header_at + 1][:3] == ("CSO Wave 3", "Total", "Total")
    assert isinstance(rows[header_at + 1][3], int), "figures are numbers"


@pytest.mark.django_db
@pytest.mark.skipif(not SOFFICE.exists(), reason="LibreOffice is not installed: make test installs it")
def test_ods_opens_in_libreoffice_and_follows_the_guidance(tmp_path: Path) -> None:
    result = _publish(SIMULATED, "--format", "ods", "--spec", str(SPEC), "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    ods = tmp_path / "out" / f"{SIMULATED}-tables.ods"
    converted = subprocess.run(
        [
            str(SOFFICE),
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(tmp_path),
            str(ods),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert converted.returncode == 0, converted.stderr
    read_back = tmp_path / f"{SIMULATED}-tables.xlsx"
    assert _guidance_problems(read_back) == []
    book = openpyxl.load_workbook(read_back)
    notes = [row for row in book["Notes"].iter_rows(values_only=True) if row[0] and str(row[0]).startswith("note ")]
    assert notes, "the notes sheet numbers the tables' notes"
    numbers = [v for row in book["Table_1"].iter_rows(values_only=True) for v in row if isinstance(v, int | float)]
    assert numbers, "LibreOffice reads the figures as numbers"
