"""A number's date in the dataset (a date variable), the codebook, the .sav, tables and imports."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pyreadstat
import pytest

from omnibus.analysis.spec import parse_spec
from omnibus.analysis.tables import wave_tables
from omnibus.collect.answers import live_answers, save_page
from omnibus.dataset.build import build_dataset
from omnibus.dataset.codebook import codebook
from omnibus.dataset.exporting import export_dataset
from omnibus.dataset.importing import import_responses
from omnibus.fieldwork.models import Wave, WaveUnit
from omnibus.fieldwork.questionnaires import questionnaire_of
from tests.constructs import copy_to_fill, refused, small_questionnaire_wave

pytestmark = pytest.mark.django_db


@pytest.fixture
def wave() -> Wave:
    return small_questionnaire_wave("as_at")


@pytest.fixture
def answered(wave: Wave) -> Wave:
    q = questionnaire_of(wave.questionnaire)
    for key, answers in {
        "840": {"CLA": 400, "CLA_date": "2018-03-31"},
        "841": {"CLA": 300, "CLA_date": "2018-01-31"},
        "390": {"CLA": -8},
    }.items():
        unit = WaveUnit.objects.select_related("wave").get(wave=wave, unit__key=key)
        save_page(unit, q, "care", list(answers), answers, None, None)
    return wave


def test_the_dataset_has_a_date_variable(answered: Wave, tmp_path: Path) -> None:
    dataset = build_dataset(answered)
    dates = dict(zip(dataset.data["unit"], dataset.data["CLA_date"], strict=True))
    assert dates == {"840": date(2018, 3, 31), "841": date(2018, 1, 31), "390": None}
    entry = next(e for e in codebook(dataset) if e.variable == "CLA_date")
    assert (entry.type, entry.label) == (
        "date",
        "How many children were looked after on 31 March 2018? (date the figure relates to)",
    )
    path = tmp_path / "dates.sav"
    export_dataset(dataset, "sav", path)
    data, meta = pyreadstat.read_sav(str(path))
    assert meta.original_variable_types["CLA_date"].startswith("DATE")
    assert sorted(str(d)[:10] for d in data["CLA_date"].dropna()) == ["2018-01-31", "2018-03-31"]


def test_tables_say_how_many_relate_to_another_date(answered: Wave) -> None:
    table = next(t for t in wave_tables(build_dataset(answered), parse_spec({})) if t.name == "CLA")
    assert "1 of the 2 figures relate to another date than 31 March 2018" in " ".join(table.notes)


def test_an_import_reads_the_date(wave: Wave, tmp_path: Path) -> None:
    path = tmp_path / "returns.csv"
    path.write_text("unit,CLA,CLA_date\n840,400,\n841,300,2018-01-31\n390,Don't know,\n", encoding="utf-8")
    import_responses(wave, path)
    answers = {u.unit.key: live_answers(u) for u in wave.units.select_related("unit")}
    assert answers == {
        "840": {"CLA": 400, "CLA_date": "2018-03-31"},
        "841": {"CLA": 300, "CLA_date": "2018-01-31"},
        "390": {"CLA": -8},
    }


def test_a_bad_date_in_an_import_is_located(wave: Wave, tmp_path: Path) -> None:
    path = tmp_path / "returns.csv"
    path.write_text("unit,CLA,CLA_date\n840,400,2016-01-31\n841,300,soon\n", encoding="utf-8")
    assert refused(wave, path) == [
        f"{path}:2: unit 840: CLA_date: The date the figures relate to must be the same as or after 1 April 2017",
        f"{path}:3: unit 841: CLA_date: 'soon' is not a date: write it as 2018-03-31",
    ]


def test_a_returned_excel_copy_with_a_date(wave: Wave, tmp_path: Path) -> None:
    path = tmp_path / "copy.xlsx"
    book, sheet, rows = copy_to_fill(wave, path, "Children in care")
    sheet.cell(rows["CLA"], 4).value = 410
    sheet.cell(rows["CLA_date"], 4).value = date(2018, 2, 28)
    book.save(path)
    import_responses(wave, path, unit="840")
    assert live_answers(wave.units.get(unit__key="840")) == {"CLA": 410, "CLA_date": "2018-02-28"}


def test_every_export_format_writes_the_date(answered: Wave, tmp_path: Path) -> None:
    import polars as pl

    dataset = build_dataset(answered)
    for fmt in ("csv", "xlsx", "parquet"):
        export_dataset(dataset, fmt, tmp_path / f"out.{fmt}")
    assert "2018-01-31" in (tmp_path / "out.csv").read_text(encoding="utf-8")
    assert pl.read_parquet(tmp_path / "out.parquet")["CLA_date"].dtype == pl.Date
    sheet = openpyxl.load_workbook(tmp_path / "out.xlsx").worksheets[0]
    header = [c.value for c in sheet[1]]
    column = header.index("CLA_date") + 1
    assert {str(sheet.cell(r, column).value)[:10] for r in range(2, sheet.max_row + 1)} >= {"2018-01-31", "2018-03-31"}


def test_the_report_table_notes_the_other_dates(answered: Wave) -> None:
    from omnibus.analysis.conventions import SEED
    from omnibus.report.figures import numeric_summary
    from omnibus.report.spec import FigureSpec

    dataset = build_dataset(answered)
    tables = [t for t in wave_tables(dataset, parse_spec({})) if t.question == "CLA"]
    cla = dataset.questionnaire.question("CLA")
    drawn = numeric_summary(tables, cla, FigureSpec("CLA", "Children looked after", "table"), SEED)
    assert any(n.startswith("1 of the 2 figures relate to another date than 31 March 2018") for n in drawn.notes)
