"""The site's pages, through Django's test client, and the demo served for real."""

import subprocess
import time
import urllib.request
from datetime import date
from pathlib import Path

import pytest
from django.test import Client

from tests.site.conftest import Demo

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def loaded(stored_questionnaire) -> None:  # noqa: ANN001
    """The Wave 3 questionnaire and the 2017 frame: the test database's set-up holds them."""


@pytest.fixture
def client(signed_in) -> Client:  # noqa: ANN001
    """The overview's figures are for staff: a client analyst, signed in."""
    return signed_in("client")


def test_home_lists_questionnaire_and_frame(loaded: None, client: Client) -> None:
    page = client.get("/").content.decode()
    assert "Children&#x27;s Services Omnibus – Wave 3" in page
    assert "Special Educational Needs &amp; Disability" in page
    assert "152 units" in page


def test_home_lists_waves_with_their_response(loaded: None, client: Client) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from omnibus.collect.models import Answer
    from omnibus.fieldwork.models import QuestionnaireVersion
    from omnibus.fieldwork.waves import create_wave

    now = timezone.now()
    stored = QuestionnaireVersion.objects.get()
    wave = create_wave(
        "w3", "W3", stored, "england-la", date(2017, 9, 1), now - timedelta(days=1), now + timedelta(days=9)
    )
    for unit in wave.units.all()[:3]:
        Answer.objects.create(wave_unit=unit, key="ConfUnd", value=1, section="csc")
    page = client.get("/").content.decode()
    row = page.split(">w3<")[1].split("</tr>")[0]
    assert "Open" in row and ">152<" in row and ">3<" in row


def test_home_without_anything_loaded_says_how_to_load(empty_database: None, client: Client) -> None:
    page = client.get("/").content.decode()
    assert "omnibus questionnaire load FILE" in page
    assert "omnibus frame load FILE.csv --as-of DATE" in page


def test_an_anonymous_visitor_sees_a_landing_page_without_figures(loaded: None) -> None:
    from omnibus.collect.models import Answer
    from omnibus.fieldwork.models import Wave

    wave = Wave.objects.get(slug="cso-w3-simulated")
    answering = Answer.objects.filter(wave_unit__wave=wave).values("wave_unit").distinct().count()
    response = Client().get("/")
    page = response.content.decode()
    assert response.status_code == 200 and answering > 0
    assert "cso-w3-simulated" not in page and f">{answering}<" not in page and "152" not in page
    assert 'href="/survey/"' in page and "/accounts/login/" in page
    assert "<table" not in page


def test_questionnaire_page_shows_routing_in_words(loaded: None, client: Client) -> None:
    page = client.get("/questionnaires/cso/wave-3/").content.decode()
    assert "Ask if SBcosteff is 1 (Very cost-effective) or 2 (Fairly cost-effective)" in page
    assert client.get("/questionnaires/cso/wave-9/").status_code == 404


def test_frame_page_as_of_a_date(loaded: None, client: Client) -> None:
    response = client.get("/frame/", {"as_of": "2018-01-01"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "152 units as of 1 January 2018" in page
    assert "Kingston upon Hull, City of" in page


def test_frame_page_refuses_a_malformed_date_clearly(loaded: None, client: Client) -> None:
    response = client.get("/frame/", {"as_of": "2018-13-45"})
    assert response.status_code == 400
    assert "govuk-error-summary" in response.content.decode()
    assert "is not a date" in response.content.decode()


def test_frame_page_before_the_first_frame(loaded: None, client: Client) -> None:
    response = client.get("/frame/", {"as_of": "2001-01-01"})
    assert response.status_code == 404
    assert "the earliest is as of 2017-09-01" in response.content.decode()


def test_govuk_frontend_assets_are_served(db: None, client: Client) -> None:
    response = client.get("/static/govuk-frontend/govuk/govuk-frontend.min.css")
    assert response.status_code == 200


def test_demo_serves_the_overview_on_sqlite(demo: Demo) -> None:
    """`omnibus demo` on the embedded default: set up from nothing, then serve the page."""
    try:
        # Set-up codes the open answers and builds the report in three formats before serving.
        page = _fetch(demo.url, demo.process, demo.output, seconds=600)
        assert "Start the survey" in page and "152" not in page  # no figures before signing in
        page = _fetch(demo.url + "questionnaires/cso/wave-3/", demo.process, demo.output)
        assert "Children&#x27;s Services Omnibus – Wave 3" in page
        frames = _fetch(demo.url + "frame/", demo.process, demo.output)
        assert "Darlington" in frames
        assert (demo.data_dir / "omnibus.sqlite3").exists()
        for suffix in ("html", "pdf", "docx"):
            assert (demo.data_dir / "report" / f"cso-wave3-demo-report.{suffix}").stat().st_size > 10_000
        # The second survey, of parent carer forums, on its own population.
        assert "Parent carer forums (made-up example)" in frames
        assert (demo.data_dir / "report" / "pcf-2025-demo-report.html").stat().st_size > 10_000
        # The third, the APPG's linear survey, with the answers built to its published figures.
        assert "89%" in (demo.data_dir / "report" / "appg-dcs-2016-report.html").read_text(encoding="utf-8")
    finally:
        output = demo.stop()
    assert "Where to look:" in output
    assert "office/waves/pcf-2025-demo/   its wave: Table 3 on the forums' own attributes" in output
    assert "A third survey, run straight through" in output and "(79 of 152 directors" in output
    assert "answers coded" in output and "6 local authorities were at half or less" in output


def _fetch(url: str, server: subprocess.Popen, output: Path, seconds: float = 60) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the demo stopped: {output.read_text(encoding='utf-8', errors='replace')}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode()
        except OSError:
            time.sleep(0.5)
    pytest.fail("the demo did not answer in time")


def test_frame_page_chooses_among_the_populations_loaded(loaded: None, client: Client, tmp_path: Path) -> None:
    from omnibus.frame.store import load_frame
    from tests.populations import tiny_population

    schema, frame_file = tiny_population(tmp_path)
    load_frame(frame_file, date(2020, 1, 1), str(schema))
    first = client.get("/frame/").content.decode()
    assert '<select class="govuk-select" id="population" name="population">' in first
    assert "Kingston upon Hull, City of" in first  # the first in order, england-la, until another is chosen
    chosen = client.get("/frame/", {"population": "tiny-forums"}).content.decode()
    assert "Tiny made-up forums: 3 units" in chosen and "Southshire Forum 1" in chosen
    assert "Kingston upon Hull" not in chosen
    unknown = client.get("/frame/", {"population": "<schools>"})
    assert (
        unknown.status_code == 404
        and "There is no population called &#x27;&lt;schools&gt;&#x27;" in unknown.content.decode()
    )
    home = client.get("/").content.decode()
    assert "?population=tiny-forums" in home and "152 units" in home
