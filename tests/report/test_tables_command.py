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
    assert result.exit_code == 1 and "unknown key(s) colours" in result.output
    assert not (tmp_path / "x.xlsx").exists()
    result = CliRunner().invoke(tables, ["w3", "-o", str(tmp_path / "x.csv")])
    assert result.exit_code == 2 and "should end in .xlsx or .ods" in result.output
