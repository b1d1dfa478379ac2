"""The APPG survey of directors of children's services, end to end from its example files.

The inquiry published figures, not data: `examples/answers/` holds answers built to reproduce
them. Loaded through the commands a researcher runs, they must give the published figures
again in the tab book and the report: 79 of 152 directors; average vacancy and agency rates of
16 per cent (agency above 40 per cent in five authorities, 100 per cent in one); 80, 54 and 89
per cent answering Yes, Yes and "more challenging".
"""

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from omnibus.site.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
WAVE = "appg-dcs-2016"

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("empty_database")]


def omnibus(*args: object) -> str:
    """Run one command as a researcher would; fail the test with its output if it fails."""
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def appg_wave():
    omnibus("frame", "load", EXAMPLES / "frame/england-la-by-year/england-la-2016.csv", "--as-of", "2016-09-01")
    omnibus(
        "wave", "create", WAVE,
        "--questionnaire", EXAMPLES / "questionnaires/appg-dcs-2016.yaml",
        "--frame-as-of", "2016-09-01", "--opens", "2016-12-08T09:00", "--closes", "2017-01-26T17:00",
    )  # fmt: skip
    output = omnibus("responses", "import", WAVE, EXAMPLES / "answers/appg-dcs-2016-answers.csv")
    assert "Imported 79 unit(s)" in output
    return WAVE


def test_the_tab_book_gives_the_published_figures(appg_wave, tmp_path):
    out = tmp_path / "tables.csv"
    omnibus("tables", appg_wave, "--spec", EXAMPLES / "analysis/appg-dcs-2016.yaml", "-o", out)
    with out.open(newline="", encoding="utf-8") as handle:
        total = {(r["table"], r["row"]): r for r in csv.DictReader(handle) if r["column"] == "Total"}

    assert {total[(t, "Mean")]["figure"] for t in ("Vacancy", "Agency")} == {"16"}
    assert total[("Agency", "Maximum")]["figure"] == "100"
    assert total[("MoU", "Yes")]["figure"] == "80"
    assert total[("PracLead", "Yes")]["figure"] == "54"
    assert total[("S17change", "It has become more challenging")]["figure"] == "89"
    assert {r["base"] for r in total.values()} == {"79"}


def test_the_answers_file_has_five_agency_rates_above_40_per_cent():
    with (EXAMPLES / "answers/appg-dcs-2016-answers.csv").open(newline="", encoding="utf-8") as handle:
        agency = [float(row["Agency"]) for row in csv.DictReader(handle)]
    assert len(agency) == 79
    assert sum(rate > 40 for rate in agency) == 5 and max(agency) == 100


def test_the_report_says_what_the_inquiry_published(appg_wave, tmp_path):
    omnibus("report", appg_wave, "--spec", EXAMPLES / "reports/appg-dcs-2016.yaml", "--format", "html", "-o", tmp_path)
    html = (tmp_path / f"{appg_wave}-report.html").read_text(encoding="utf-8")
    for published in ("80%", "54%", "89%", "79 directors"):
        assert published in html
    with (EXAMPLES / "answers/appg-dcs-2016-answers.csv").open(newline="", encoding="utf-8") as handle:
        answers = list(csv.DictReader(handle))
    for rate in ("Vacancy", "Agency"):  # a snapshot of another date than the one asked for is counted under it
        other = sum(1 for row in answers if row[f"{rate}_date"])
        assert 0 < other < 79
        assert f"{other} of the 79 figures relate to another date than 31 December 2016" in html
