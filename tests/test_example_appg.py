"""The APPG survey of directors of children's services, end to end from its example files.

The inquiry published figures, not data: `examples/answers/` holds answers built to reproduce
them. Loaded through the commands a researcher runs, they must give the published figures
again in the tab book and the report: 79 of 152 directors; average vacancy and agency rates of
16 per cent (agency above 40 per cent in five authorities, 100 per cent in one); 80, 54 and 89
per cent answering Yes, Yes and "more challenging".

The fieldwork side runs on a copy of the wave open today: invitations through a real SMTP server
on loopback, and a director answering the linear survey in the web survey (Q1 to Q5, a rate with
the date it relates to), whose answers reach the dataset.
"""

import csv
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.test import Client
from django.utils import timezone

from omnibus.collect.answers import live_answers
from omnibus.fieldwork.codes import unseal
from omnibus.fieldwork.contacts import add_contact
from omnibus.fieldwork.models import Wave
from omnibus.fieldwork.outbox import work_until_idle
from omnibus.site.cli import main
from tests.collect.conftest import answer
from tests.fieldwork.test_outbox import Keeper, smtp  # noqa: F401 - a fixture

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


def test_invitations_and_a_linear_web_answer(smtp: Keeper, settings, tmp_path) -> None:  # noqa: ANN001, F811
    settings.BASE_URL = "https://appg-survey.example.org"
    omnibus("frame", "load", EXAMPLES / "frame/england-la-by-year/england-la-2016.csv", "--as-of", "2016-09-01")
    opens, closes = timezone.localdate() - timedelta(days=1), timezone.localdate() + timedelta(days=30)
    omnibus(
        "wave", "create", "appg-open",
        "--questionnaire", EXAMPLES / "questionnaires/appg-dcs-2016.yaml",
        "--frame-as-of", "2016-09-01", "--opens", opens, "--closes", closes,
    )  # fmt: skip
    wave = Wave.objects.get(slug="appg-open")
    directors = list(wave.units.select_related("unit").order_by("unit__key")[:3])
    for unit in directors:
        add_contact(unit, "test", f"Director of {unit.name}", f"dcs{unit.unit.key}@example.com")
    omnibus("messages", "send", "appg-open", EXAMPLES / "messages/appg-dcs-invitation.md", "--to", "everyone")
    assert work_until_idle(batch=10).sent == 3 and len(smtp.received) == 3
    first = next(
        m for m in smtp.received if m["To"].addresses[0].addr_spec == f"dcs{directors[0].unit.key}@example.com"
    )
    body = first.get_body().get_content()
    code = unseal(directors[0].code_sealed)
    assert f"https://appg-survey.example.org/s/{code}" in body and directors[0].name in body

    client = Client()
    client.get(f"/s/{code}")
    started = client.post("/survey/", {"name": "Ada Example", "role": "Director of Children's Services"})
    assert started.status_code == 302
    first_page = client.get("/survey/sections/", follow=True).content.decode()
    assert "Q1" in first_page and "vacancy rate" in first_page  # straight to the first question: no menu
    pages = [
        ("workforce", "Vacancy", {"Vacancy": "14.5", "Vacancy_date-day": "30", "Vacancy_date-month": "11",
                                  "Vacancy_date-year": "2016"}),
        ("workforce", "Agency", {"Agency": "12"}),
        ("workforce", "MoU", {"MoU": "1"}),
        ("workforce", "PracLead", {"PracLead": "2"}),
        ("duties", "S17change", {"S17change": "1"}),
    ]  # fmt: skip
    for section, question, data in pages:
        moved = answer(client, section, question, data)
        assert moved.status_code == 302, (question, moved.content.decode()[:300])
    assert moved.url.endswith("/survey/answers/")  # the last page leads to Check your answers
    assert client.post("/survey/answers/").status_code == 302
    given = live_answers(directors[0])
    assert given["Vacancy"] == 14.5 and given["Vacancy_date"] == "2016-11-30"
    assert given["Agency_date"] == "2016-12-31"  # left blank: the date asked for
    assert {k: given[k] for k in ("MoU", "PracLead", "S17change")} == {"MoU": 1, "PracLead": 2, "S17change": 1}
