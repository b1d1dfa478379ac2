"""A number's "Don't know" boxes in the dataset, codebook, .sav, tables and imports of answers."""

from __future__ import annotations

from pathlib import Path

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
    return small_questionnaire_wave("unavailable")


def give(wave: Wave, key: str, answers: dict[str, object]) -> WaveUnit:
    unit = WaveUnit.objects.select_related("wave").get(wave=wave, unit__key=key)
    save_page(unit, questionnaire_of(wave.questionnaire), "money", list(answers), answers, None, None)
    return unit


@pytest.fixture
def answered(wave: Wave) -> Wave:
    give(wave, "840", {"Staff": -8, "StaffWhy": "Agency staff", "Spend1718": 1000, "Spend1617": -9})
    give(wave, "841", {"Staff": 40, "Spend1718": 3000, "Spend1617": 2000})
    give(wave, "390", {"Staff": 60, "Spend1718": -8, "Spend1617": 4000})
    return wave


def test_the_dataset_keeps_the_code_and_the_codebook_labels_it_missing(answered: Wave) -> None:
    dataset = build_dataset(answered)
    by_unit = {row["unit"]: row for row in dataset.data.iter_rows(named=True)}
    assert by_unit["840"]["Staff"] == -8 and by_unit["840"]["Spend1617"] == -9
    assert by_unit["390"]["Spend1718"] == -8 and by_unit["841"]["Staff"] == 40
    entries = {e.variable: e for e in codebook(dataset)}
    assert entries["Staff"].value_labels == "-8 = Don't know; -1 = Not asked; -2 = Not answered"
    assert entries["Staff"].missing_values == "-1 = Not asked; -2 = Not answered; -8 = Don't know"
    assert "-9 = Not available – not recorded" in entries["Spend1617"].missing_values


def test_the_sav_declares_the_boxes_user_missing(answered: Wave, tmp_path: Path) -> None:
    path = tmp_path / "boxes.sav"
    export_dataset(build_dataset(answered), "sav", path)
    data, meta = pyreadstat.read_sav(str(path), user_missing=True)
    assert meta.variable_value_labels["Spend1617"] == {
        -8.0: "Don't know",
        -9.0: "Not available – not recorded",
        -1.0: "Not asked",
        -2.0: "Not answered",
    }
    assert meta.missing_ranges["Spend1617"] == [{"lo": -9.0, "hi": -1.0}]  # every box and system code
    assert sorted(r["lo"] for r in meta.missing_ranges["Staff"]) == [-8.0, -2.0, -1.0]  # three: as discrete values
    plain, _ = pyreadstat.read_sav(str(path))  # without user_missing, SPSS's missing values read as empty
    staff = dict(zip(plain["unit"], plain["Staff"], strict=True))
    assert staff["841"] == 40 and staff["840"] != staff["840"]  # NaN


def test_tables_leave_the_boxes_out_of_the_base(answered: Wave) -> None:
    tables = {t.name: t for t in wave_tables(build_dataset(answered), parse_spec({}))}
    staff = tables["Staff"]
    rows = {r.label: r for r in staff.rows}
    assert rows["Mean"].cells[0].value == pytest.approx(50.0)  # 40 and 60: the -8 is no value
    assert rows["Minimum"].cells[0].value == 40
    assert rows["Don't know (not in base)"].cells[0].value == 1
    assert staff.bases[0].n == 2
    assert "excluding 'Don't know'" in staff.base_description
    spend = {r.label: r for r in tables["Spend1617"].rows}
    assert spend["Not available – not recorded (not in base)"].cells[0].value == 1
    assert spend["Mean"].cells[0].value == pytest.approx(3000.0)


def write_csv(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join(["unit,Staff,Spend1718,Spend1617", *rows]) + "\n", encoding="utf-8")
    return path


def test_an_import_takes_a_box_by_its_label_or_its_code(wave: Wave, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "returns.csv", ["840,Don’t know,-9,1200", "841,12,NOT AVAILABLE – NOT RECORDED,-8"])
    import_responses(wave, path)
    assert live_answers(wave.units.get(unit__key="840")) == {"Staff": -8, "Spend1718": -9, "Spend1617": 1200}
    assert live_answers(wave.units.get(unit__key="841")) == {"Staff": 12, "Spend1718": -9, "Spend1617": -8}


def test_a_bad_import_names_the_cell_and_writes_nothing(wave: Wave, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "returns.csv", ["840,Don't know,100,200", "841,-9,5,6"])  # Staff has no -9 box
    assert refused(wave, path) == [f"{path}:3: unit 841: Staff: Enter a number between 0 and 5,000"]


def test_a_returned_excel_copy_with_a_box(wave: Wave, tmp_path: Path) -> None:
    path = tmp_path / "copy.xlsx"
    book, sheet, rows = copy_to_fill(wave, path, "Money and staff")
    sheet.cell(rows["Staff"], 4).value = "Don't know"
    sheet.cell(rows["Spend1718"], 4).value = 2500
    sheet.cell(rows["Spend1617"], 4).value = "Not available – not recorded"
    book.save(path)
    import_responses(wave, path, unit="390")
    assert live_answers(wave.units.get(unit__key="390")) == {"Staff": -8, "Spend1718": 2500, "Spend1617": -9}


def test_the_report_table_says_how_many_gave_no_figure(answered: Wave) -> None:
    from omnibus.analysis.conventions import SEED
    from omnibus.report.figures import numeric_summary
    from omnibus.report.spec import FigureSpec

    dataset = build_dataset(answered)
    tables = [t for t in wave_tables(dataset, parse_spec({})) if t.question == "Spend"]
    spend = dataset.questionnaire.question("Spend")
    drawn = numeric_summary(tables, spend, FigureSpec("Spend", "Spend on short breaks", "table"), SEED)
    assert (
        "Answers with no figure, not in the base (over the items): 'Don't know': 1; 'Not available – not recorded': 1."
    ) in drawn.notes
    assert [row[-1] for row in drawn.rows] == ["2", "2"]  # each item's base leaves its box out


@pytest.mark.parametrize("fmt", ["sav", "csv", "xlsx"])
def test_an_export_imports_back_with_its_boxes(answered: Wave, tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"boxes.{fmt}"
    export_dataset(build_dataset(answered), fmt, path)
    fresh = small_questionnaire_wave("unavailable", slug="unavailable-again")
    import_responses(fresh, path)
    for key in ("840", "841", "390"):
        assert live_answers(fresh.units.get(unit__key=key)) == live_answers(answered.units.get(unit__key=key))
