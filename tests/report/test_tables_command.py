"""`omnibus tables WAVE [--compare WAVE] --spec FILE -o OUT`: the tab book from stored answers."""

from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from django.utils import timezone

from omnibus.dataset.simulate import simulate
from omnibus.fieldwork.questionnaires import store_questionnaire
from omnibus.fieldwork.waves import create_wave
from omnibus.frame.store import load_frame
from omnibus.site.cli.report import tables

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "examples" / "analysis" / "cso-wave3.yaml"

pytestmark = pytest.mark.django_db


@pytest.fixture
def waves() -> None:
    stored, _ = store_questionnaire(ROOT / "examples" / "questionnaires" / "cso-wave3.yaml")
    load_frame(ROOT / "examples" / "frame" / "england-la-2017.csv", date(2017, 9, 1))
    now = timezone.now()
    for slug, seed in (("w2", 2), ("w3", 3)):
        wave = create_wave(
            slug, slug, stored, "england-la", date(2017, 9, 1), now - timedelta(days=1), now + timedelta(days=9)
        )
        simulate(wave, seed=seed, response_rate=0.5)


def test_tab_book_with_a_comparison(waves: None, tmp_path: Path) -> None:
    out = tmp_path / "books" / "w3.xlsx"
    result = CliRunner().invoke(tables, ["w3", "--compare", "w2", "--spec", str(SPEC), "-o", str(out)])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[:3] == ["Contents", "Legend", "Response"]
    sheet = book["Childrens Social Care"]
    texts = [str(c.value) for row in sheet.iter_rows(max_row=12) for c in row if c.value is not None]
    assert any(t.startswith("SuppSou:") for t in texts)
    assert any(t.startswith("Base: All responding authorities") for t in texts)
    assert "w2" in texts  # the earlier wave is a banner column
    numbers = [c.value for row in sheet.iter_rows(max_row=40) for c in row if isinstance(c.value, int | float)]
    assert numbers, "figures are kept as numbers"


def test_unknown_wave_and_bad_spec(waves: None, tmp_path: Path) -> None:
    result = CliRunner().invoke(tables, ["nope", "-o", str(tmp_path / "x.xlsx")])
    assert result.exit_code == 1 and "no wave called 'nope'" in result.output
    bad = tmp_path / "spec.yaml"
    bad.write_text("nets: {}\ncolours: red\n")
    result = CliRunner().invoke(tables, ["w3", "--spec", str(bad), "-o", str(tmp_path / "x.xlsx")])
    assert result.exit_code == 1 and f"{bad}:2: unknown key colours" in result.output
    assert not (tmp_path / "x.xlsx").exists()


def test_a_misspelt_name_in_the_spec_is_named_by_file_and_line(waves: None, tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        "decimals: 0\n"
        "nets:\n"
        "  ConfUnd: {Confident: [1, 2]}\n"
        "  ConfUnf: {Confident: [1, 2]}\n"  # misspelt
        "keep_missing:\n"
        "  - SWoff\n"
        "  - SWof\n"  # misspelt
        "exclude: {SWavail: [77]}\n"  # no such code
        "cosmetic: [Nope]\n"
        "breakdowns: {region_grup: {label: Region}}\n"
    )
    out = tmp_path / "x.xlsx"
    result = CliRunner().invoke(tables, ["w3", "--spec", str(spec), "-o", str(out)])
    assert result.exit_code == 1
    assert f"{spec}:4: nets: 'ConfUnf' is not a question or item" in result.output
    assert f"{spec}:7: keep_missing: 'SWof' is not a question or item" in result.output
    assert f"{spec}:8: exclude.SWavail: SWavail has no code [77]" in result.output
    assert f"{spec}:9: cosmetic: 'Nope'" in result.output
    assert "Traceback" not in result.output and not out.exists()
    spec.write_text("breakdowns: {region_grup: {label: Region}}\n")
    result = CliRunner().invoke(tables, ["w3", "--spec", str(spec), "-o", str(out)])
    assert result.exit_code == 1 and f"{spec}:1: breakdowns.region_grup: the frame has no attribute" in result.output
    spec.write_text("decimals: 0\nweighting: {rake: [type, regoin]}\n")
    result = CliRunner().invoke(tables, ["w3", "--spec", str(spec), "-o", str(out)])
    assert result.exit_code == 1 and f"{spec}:2: weighting.rake: 'regoin' is neither" in result.output


def test_tables_as_csv_with_figures_as_published(waves: None, tmp_path: Path) -> None:
    out = tmp_path / "w3.csv"
    result = CliRunner().invoke(tables, ["w3", "--compare", "w2", "--spec", str(SPEC), "-o", str(out)])
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "table,question,row,kind,column,wave,base,count,figure,letters"
    assert any(line.startswith("ConfUnd,ConfUnd,") and ",w2,w2," in line for line in lines)


def test_a_tables_file_of_another_kind_is_refused(waves: None, tmp_path: Path) -> None:
    result = CliRunner().invoke(tables, ["w3", "-o", str(tmp_path / "x.txt")])
    assert result.exit_code == 2 and "should end in .xlsx, .ods or .csv" in result.output
