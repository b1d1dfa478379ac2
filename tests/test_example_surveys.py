"""The parent carer forums example, end to end on its own population (not local authorities).

Frame load, wave, invitations through a real SMTP server on loopback, web answers through the
Django test client, simulated answers, the dataset, the tab book and the report: every page,
email, table and the report are read for LA/CSO wording or attributes, and the wave's Table 3
must be made of the forums' own attributes.
"""

from __future__ import annotations

import html
import re
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from django.test import Client
from django.utils import timezone

from omnibus.coding.demo import code_demo
from omnibus.fieldwork.codes import unseal
from omnibus.fieldwork.contacts import add_contact
from omnibus.fieldwork.models import Wave, WaveUnit
from omnibus.fieldwork.outbox import work_until_idle
from omnibus.fieldwork.tracking import tracking_tables
from omnibus.frame.schema import load_population
from omnibus.site.cli import main
from tests.collect.conftest import answer, seen_of
from tests.fieldwork.test_outbox import Keeper, smtp  # noqa: F401 - a fixture

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SLUG = "pcf-2025"
POPULATION = "parent-carer-forums"
# LA and CSO wording and attributes that must not reach a survey of another population.
WORDS = ("local authorit", "authority", "authorities", "region_group", "dfe_la_code", "gss_code", "ofsted")
LA_ABBREVIATION = re.compile(r"\bLAs?\b")
OWN_ANSWER = "More say for parent carers in planning short breaks"

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_simulated_wave")]


def la_wording(text: str) -> list[str]:
    """Each LA/CSO word found in `text`, with the words around it (empty when the text is clean)."""
    folded = text.casefold()
    found = [m.start() for w in WORDS for m in re.finditer(re.escape(w), folded)]
    found += [m.start() for m in LA_ABBREVIATION.finditer(text)]
    return [" ".join(text[max(0, i - 60) : i + 40].split()) for i in sorted(found)]


def page_text(response) -> str:  # noqa: ANN001 - a test client's response
    """What a page says to its reader: its text without tags, scripts, styles or the population chooser
    (the frame page lists every population loaded, the LAs among them)."""
    page = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", response.content.decode(), flags=re.S)
    page = re.sub(r'<select[^>]*id="population".*?</select>', "", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def omnibus(*args: object) -> str:
    """Run an `omnibus` command; it must succeed. Its output."""
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def forums() -> Wave:
    """The example's frame and wave, loaded as a researcher would, beside the LA population already loaded."""
    loaded = omnibus("frame", "load", EXAMPLES / "frame" / "parent-carer-forums.csv", "--as-of", "2025-01-01")
    assert loaded.startswith("Loaded 40 units into parent-carer-forums as of 2025-01-01")  # the header chose it
    opens, closes = timezone.localdate() - timedelta(days=1), timezone.localdate() + timedelta(days=30)
    omnibus(
        "wave", "create", SLUG, "--questionnaire", EXAMPLES / "questionnaires" / "parent-carer-forums.yaml",
        "--frame-as-of", "2025-01-01", "--opens", opens, "--closes", closes, "--population", POPULATION,
    )  # fmt: skip
    wave = Wave.objects.get(slug=SLUG)
    for unit in wave.units.select_related("unit"):
        add_contact(unit, "test", f"Chair of {unit.name}", f"{unit.unit.key.lower()}@example.com")
    return wave


def web_answers(unit: WaveUnit) -> list[str]:
    """A forum answers every page in the browser, its start page first; the text of each page it saw."""
    client = Client()
    seen = [page_text(client.get(f"/s/{unseal(unit.code_sealed)}", follow=True))]
    assert client.post("/survey/", {"name": "Ada Example", "role": "Chair"}).status_code == 302
    seen.append(page_text(client.get("/survey/sections/")))
    pages = [
        ("services", "Coprod", {"Coprod": "2"}),
        ("services", "Partners", {"Partners": ["1", "5"]}),
        ("services", "Influence", {"Influence_a": "1", "Influence_b": "2", "Influence_c": "3"}),
        ("services", "Improve", {"Improve": OWN_ANSWER}),
        ("forum", "Members", {"Members": "240"}),
        ("forum", "Volunteers", {"Volunteers": "12"}),
        ("forum", "Funding", {"Funding": "3"}),
        ("forum", "FundCut", {"FundCut": ["1", "4"]}),
    ]
    for section, question, data in pages:
        seen.append(page_text(client.get(f"/survey/sections/{section}/{question}/")))
        moved = answer(client, section, question, data)
        assert moved.status_code == 302, (question, page_text(moved)[:500])
        if moved.url.endswith("/check/"):
            seen.append(page_text(client.get(moved.url)))
            assert client.post(moved.url).status_code == 302
    close = client.get("/survey/sections/close/ShareName/")
    seen.append(page_text(close))
    client.post("/survey/sections/close/ShareName/", {"ShareName": "1", "seen": seen_of(close.content.decode())})
    bye = client.get("/survey/sections/close/Bye/")
    seen.append(page_text(bye))
    done = client.post("/survey/sections/close/Bye/", {"seen": seen_of(bye.content.decode())})
    seen.append(page_text(client.get(done.url)))
    return seen


def test_the_forums_survey_end_to_end_says_nothing_of_local_authorities(
    forums: Wave,
    smtp: Keeper,  # noqa: F811 - the fixture imported above
    signed_in,  # noqa: ANN001
    tmp_path: Path,
    settings,  # noqa: ANN001
) -> None:
    settings.BASE_URL = "https://forums-survey.example.org"  # links in messages sent from the command line
    # Invitations, through the outbox and a real SMTP server.
    omnibus("messages", "check", "parent-carer-forums-invitation", "--population", POPULATION)
    assert "Queued campaign" in omnibus("messages", "send", SLUG, "parent-carer-forums-invitation", "--to", "everyone")
    assert work_until_idle(batch=100).sent == 40
    assert len(smtp.received) == 40
    northshire = next(m for m in smtp.received if m["To"].addresses[0].addr_spec == "pcf001@example.com")
    body = " ".join(northshire.get_body(("plain",)).get_content().split())
    assert (
        northshire["Subject"].strip() == "Parent Carer Forum Survey 2025: invitation for Northshire Parent Carer Forum"
    )
    assert "services in Northshire work with your forum" in body and "other forums in London" in body
    for message in smtp.received:
        assert la_wording(message["Subject"] + message.get_body(("plain",)).get_content()) == [], message["To"]

    # Two forums answer on the web; the rest are simulated.
    units = list(forums.units.select_related("unit").order_by("unit__key"))
    for unit in units[:2]:
        for text in web_answers(unit):
            assert la_wording(text) == [], text[:300]
    start = page_text(Client().get(f"/s/{unseal(units[2].code_sealed)}", follow=True))
    assert "your parent carer forum’s access code" in start
    simulated = omnibus("simulate", SLUG, "--seed", "2025", "--response-rate", "0.75")
    assert "(2 already had answers)" in simulated

    # The back office: the wave's Table 3 is the forums' own profile.
    tables = tracking_tables(forums)
    declared = [b.name for b in load_population(POPULATION).profile]
    assert [block.name for block in tables.profile] == declared == ["size_band", "charity", "region", "years_band"]
    researcher = signed_in("researcher")
    for address in (
        f"/office/waves/{SLUG}/",
        f"/office/waves/{SLUG}/messages/",
        f"/frame/?population={POPULATION}",
    ):
        response = researcher.get(address)
        assert response.status_code == 200, address
        assert la_wording(page_text(response)) == [], address
    choice = {"template": "parent-carer-forums-reminder", "unit": "PCF003", "audience": "everyone"}
    preview = researcher.post(f"/office/waves/{SLUG}/messages/preview/", choice)  # a preview is a POST
    assert preview.status_code == 200 and la_wording(page_text(preview)) == []
    offered = researcher.get(f"/office/waves/{SLUG}/messages/").content.decode()
    assert 'value="parent-carer-forums-invitation"' in offered and 'value="parent-carer-forums-reminder"' in offered
    wave_page = page_text(researcher.get(f"/office/waves/{SLUG}/"))
    assert "Forum size (members)" in wave_page and "Years running" in wave_page
    assert re.search(r"\d+ of 40 parent carer forums have responded", wave_page)

    # The dataset, the tab book (xlsx and every figure as CSV) and the report.
    omnibus("export", SLUG, "--format", "csv", "-o", tmp_path / "pcf.csv")
    spec = EXAMPLES / "analysis" / "parent-carer-forums.yaml"
    omnibus("tables", SLUG, "--spec", spec, "-o", tmp_path / "tabbook.xlsx")
    omnibus("tables", SLUG, "--spec", spec, "-o", tmp_path / "tables.csv")
    figures = (tmp_path / "tables.csv").read_text(encoding="utf-8")
    assert ",Under 100," in figures and ",Yes," in figures  # the banner: the forums' own breakdowns
    assert la_wording(figures) == []
    assert la_wording((tmp_path / "pcf.csv").read_text(encoding="utf-8").splitlines()[0]) == []
    book = openpyxl.load_workbook(tmp_path / "tabbook.xlsx", read_only=True)
    cells = " ".join(str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row if v)
    assert "Forum size (members)" in cells and la_wording(cells) == []
    omnibus("report", SLUG, "--spec", EXAMPLES / "reports" / "parent-carer-forums.yaml", "--format", "html",
            "-o", tmp_path / "report")  # fmt: skip
    report = (tmp_path / "report" / f"{SLUG}-report.html").read_text(encoding="utf-8")
    text = html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)[^>]*>.*?</\1>", "", report, flags=re.S)))
    assert "Response profile: Forum size (members)" in text and "Response profile: Years running" in text
    assert la_wording(text) == []


def test_the_forums_quotes_are_attributed_by_the_forums_own_attributes(forums: Wave, tmp_path: Path) -> None:
    units = list(forums.units.order_by("unit__key"))
    web_answers(units[0])
    omnibus("simulate", SLUG, "--seed", "2025", "--response-rate", "0.75")
    code_demo(forums, "Improve")
    omnibus("report", SLUG, "--spec", EXAMPLES / "reports" / "parent-carer-forums.yaml", "--format", "html",
            "-o", tmp_path / "report")  # fmt: skip
    report = (tmp_path / "report" / f"{SLUG}-report.html").read_text(encoding="utf-8")
    text = html.unescape(re.sub(r"<[^>]+>", " ", report))
    assert "What one change would most improve" in text  # the open question's chapter, with its quotes
    assert la_wording(text) == []
