"""The demo wave's report in HTML, PDF and Word: built once for the module, then each format read back.

The PDF's pages are rendered to PNG (pdftoppm) in test-artefacts/report/ to be looked at; the Word
file is read back with python-docx and converted by LibreOffice headless.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from tests.report.pdf_layout import PDFTOTEXT, layout_problems

ROOT = Path(__file__).resolve().parents[2]
ARTEFACTS = ROOT / "test-artefacts" / "report"
QUESTIONNAIRE = ROOT / "examples" / "questionnaires" / "cso-wave3.yaml"
FRAME = ROOT / "examples" / "frame" / "england-la-2017.csv"
PDFTOPPM = Path("/usr/bin/pdftoppm")
SOFFICE = Path("/usr/bin/soffice")

# The report is built once, in a module fixture inside a transaction rolled back at its end; the mark
# has pytest-django make the test database before it.
pytestmark = pytest.mark.django_db


def _sent_campaigns(wave) -> tuple[int, int]:  # noqa: ANN001 - a Wave
    """An invitation to every unit and one reminder round to ten, recorded as the outbox records them."""
    from django.utils import timezone

    from omnibus.fieldwork.models import Campaign, Message

    now = timezone.now()
    units = list(wave.units.order_by("pk"))
    for name, chosen in (("invitation", units), ("reminder", units[:10])):
        campaign = Campaign.objects.create(wave=wave, template_name=name, template_text="", audience="everyone")
        Message.objects.bulk_create(
            Message(
                campaign=campaign,
                wave_unit=u,
                recipient_email=f"contact{u.pk}@example.com",
                status=Message.SENT,
                next_attempt_at=now,
                message_id=f"{name}-{u.pk}@example.com",
            )
            for u in chosen
        )
    # A failed email is not counted as sent.
    Message.objects.create(
        campaign=campaign,
        wave_unit=units[-1],
        recipient_email="bounced@example.com",
        status=Message.FAILED,
        next_attempt_at=now,
        message_id="failed@example.com",
    )
    return len(units), 10


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker, tmp_path_factory):  # noqa: ANN001, ANN201 - pytest fixtures
    """The demo's report in the three formats, the Report itself, and what the wave sent."""
    from django.db import transaction

    from omnibus.context.demo import load_demo_context
    from omnibus.dataset.simulate import simulate
    from omnibus.fieldwork.questionnaires import store_questionnaire
    from omnibus.fieldwork.waves import create_wave
    from omnibus.frame.store import load_frame
    from omnibus.report import making
    from omnibus.report.demo import build_demo_report

    out = tmp_path_factory.mktemp("report")
    kept: dict = {}
    original = making.build_report

    def keep(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202 - passes through to build_report
        kept["report"] = original(*args, **kwargs)
        return kept["report"]

    progress: list[str] = []
    with django_db_blocker.unblock(), transaction.atomic(), pytest.MonkeyPatch.context() as patch:
        stored, _ = store_questionnaire(QUESTIONNAIRE)
        load_frame(FRAME, date(2017, 9, 1))
        wave = create_wave(
            "cso-w3-report",
            "Children's Services Omnibus – Wave 3",
            stored,
            "england-la",
            date(2017, 9, 1),
            datetime(2017, 10, 4, 9, tzinfo=UTC),
            datetime(2017, 11, 17, 17, tzinfo=UTC),
        )
        simulate(wave, seed=2017, response_rate=0.51)
        load_demo_context()  # the indicators of the report's context chapter
        invitations, reminders = _sent_campaigns(wave)
        patch.setattr(making, "build_report", keep)
        files = build_demo_report(wave, out, say=progress.append)
        transaction.set_rollback(True)  # nothing of this module stays in the test database
    return {"files": files, "report": kept["report"], "invitations": invitations, "reminders": reminders,
            "progress": progress}  # fmt: skip


def test_every_format_is_written_with_progress_shown(built) -> None:  # noqa: ANN001
    files = built["files"]
    assert set(files) == {"html", "pdf", "docx"}
    assert all(p.stat().st_size > 10_000 for p in files.values())
    assert not list(files["html"].parent.glob(".report-*")), "the scratch folder is gone"
    progress = "\n".join(built["progress"])
    assert "Tabulating cso-w3-report" in progress and "Drawing figure 1 of" in progress and "Writing PDF" in progress


def test_methodology_is_filled_from_the_wave(built) -> None:  # noqa: ANN001
    from omnibus.report.build import walk_blocks
    from omnibus.report.document import Chapter, DataTable, Paragraph

    report = built["report"]
    methodology = next(b for b in walk_blocks(report.chapters) if isinstance(b, Chapter) and b.key == "methodology")
    text = " ".join(b.text for b in methodology.blocks if isinstance(b, Paragraph))
    assert "from 4 October 2017 to 17 November 2017" in text
    assert f"{built['invitations']} invitation emails went to {built['invitations']} LAs" in text
    assert f"1 reminder round followed, {built['reminders']} reminder emails in all" in text
    pattern = r"(\d+) LAs took part.*?(\d+) LAs completed every section of the survey and (\d+) completed"
    took, complete, partial = (int(n) for n in re.search(pattern, text).groups())
    assert took == complete + partial and took > 0
    table1 = next(b for b in methodology.blocks if isinstance(b, DataTable))
    assert table1.number == 1 and [r[0] for r in table1.rows] == [
        "Children's Social Care",
        "Early Years and Child Care",
        "Special Educational Needs & Disability",
    ]
    appendix_1 = next(c for c in report.chapters if c.key == "appendix-1")
    captions = [b.caption for b in appendix_1.blocks if isinstance(b, DataTable)]
    assert "Response profile: Authority type" in captions and "Response profile: Region" in captions


class _Outline(HTMLParser):
    """The HTML's headings, figures, images, tables and the attributes accessibility rests on."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append((tag, dict(attrs)))


def test_html_is_self_contained_and_structured(built) -> None:  # noqa: ANN001
    html = built["files"]["html"].read_text(encoding="utf-8")
    outline = _Outline()
    outline.feed(html)
    tags = [t for t, _ in outline.tags]
    report = built["report"]
    figures = sum(1 for t, a in outline.tags if t == "figure" and "figure" in a.get("class", ""))
    assert figures == len([b for b in _blocks(report) if type(b).__name__ == "Figure"]) > 20
    assert tags.count("h1") == 1 and "h2" in tags and "h3" in tags
    assert ("a", {"class": "skip-link", "href": "#main"}) in outline.tags
    images = [a for t, a in outline.tags if t == "img"]
    assert images and all(a["src"].startswith("data:image/svg+xml;base64,") and len(a["alt"]) > 20 for a in images)
    assert tags.count("figcaption") >= figures and tags.count("caption") == tags.count("table")
    assert all(a.get("scope") in ("col", "row") for t, a in outline.tags if t == "th")
    assert "http://" not in html and "https://" not in html.replace("https://www.w3.org", ""), "nothing fetched"
    assert "Appendix 2 – Questionnaire" in html and "SuppSou" in html


def test_title_page_front_and_back_matter_come_from_the_spec(built) -> None:  # noqa: ANN001
    html = built["files"]["html"].read_text(encoding="utf-8")
    title_page = html[html.index('<header class="title-page">') : html.index("</header>")]
    assert "Department for Education" in title_page and "NatCen Social Research" in title_page
    assert html.index('id="acknowledgements"') < html.index('id="abbreviations"') < html.index('id="summary"')
    assert "<dt>LA</dt><dd>Local Authority</dd>" in html
    back = html[html.index('<footer class="back-matter">') :]
    assert "Reference: DFE-RR643" in back and "ISBN: 978-1-78105-889-3" in back and "views expressed" in back
    pdf_text = subprocess.run(["pdftotext", str(built["files"]["pdf"]), "-"], capture_output=True, text=True).stdout
    last_page = pdf_text.rstrip("\f").rsplit("\f", 1)[-1]
    assert "Reference: DFE-RR643" in last_page, "the back matter is the last page"
    words = "\n".join(p.text for p in Document(str(built["files"]["docx"])).paragraphs)
    assert "List of abbreviations" in words and "ISBN: 978-1-78105-889-3" in words


def test_context_cites_public_sources_and_lists_no_las_unasked(built) -> None:  # noqa: ANN001
    context = next(c for c in built["report"].chapters if c.key == "context")
    figures = [b for b in context.blocks if type(b).__name__ == "Figure"]
    sources = [n for f in figures for n in f.notes if n.startswith("Source: ")]
    imd = "MHCLG, English Indices of Deprivation 2019, File 11: upper-tier local authority summaries"
    assert f"Source: {imd}" in sources
    assert not any(word in s for s in sources for word in ("sheet", "NOT 2015", "S7:", "sha256")), sources
    assert all(len(f.data.rows) < 20 for f in figures), "per-LA listings only when the spec asks"
    # Each indicator's period is in the title, and one later than the fieldwork is said to be.
    scatter = next(f for f in figures if f.chart.kind == "scatter")
    assert scatter.title.startswith("Children looked after per 10,000 children under 18 (2016) against IMD 2019")
    later = "IMD 2019 average score is for 2019, after this wave's fieldwork (2017)"
    assert any(n.startswith(later) for n in scatter.notes)


def _blocks(report) -> list:  # noqa: ANN001
    from omnibus.report.build import walk_blocks

    return walk_blocks(report.chapters)


@pytest.mark.skipif(not PDFTOPPM.exists(), reason="pdftoppm (poppler-utils) is not installed: make test installs it")
def test_pdf_pages_render_to_png(built) -> None:  # noqa: ANN001
    pdf = built["files"]["pdf"]
    assert pdf.read_bytes().startswith(b"%PDF")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Tagged:\s+yes", info), "the PDF is tagged (PDF/UA)"
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages > 20
    if ARTEFACTS.exists():
        shutil.rmtree(ARTEFACTS)
    ARTEFACTS.mkdir(parents=True)
    subprocess.run([str(PDFTOPPM), "-r", "40", "-png", str(pdf), str(ARTEFACTS / "page")], check=True)
    rendered = sorted(ARTEFACTS.glob("page-*.png"))
    assert len(rendered) == pages
    text = subprocess.run(["pdftotext", "-f", "1", "-l", "4", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "Contents" in text and "List of figures" in text and "Figure 1:" in text


@pytest.mark.skipif(not PDFTOTEXT.exists(), reason="poppler-utils is not installed: make test installs it")
def test_pdf_layout_keeps_each_figure_on_one_page_and_cuts_no_label(built) -> None:  # noqa: ANN001
    assert layout_problems(built["files"]["pdf"]) == []


def test_docx_reads_back_with_headings_pictures_and_tables(built) -> None:  # noqa: ANN001
    path = built["files"]["docx"]
    document = Document(str(path))
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert ("Heading 1", "Children's Social Care") in headings
    assert ("Heading 1", "Appendix 2 – Questionnaire") in headings
    assert ("Heading 2", "Survey methodology") in headings
    report = built["report"]
    figures = [b for b in _blocks(report) if type(b).__name__ == "Figure"]
    pictures = document.inline_shapes
    assert len(pictures) == len(figures)
    described = [s._inline.docPr.get("descr") for s in pictures]
    assert described == [f.alt for f in figures]
    assert len(document.tables) >= len(figures) + 2
    header = document.tables[0].rows[0]._tr.trPr.find(qn("w:tblHeader"))
    assert header is not None, "header rows repeat and are read as headers"
    with zipfile.ZipFile(path) as archive:
        assert sum(n.startswith("word/media/") for n in archive.namelist()) == len(figures)


@pytest.mark.skipif(not SOFFICE.exists(), reason="LibreOffice is not installed: make test installs it")
def test_libreoffice_converts_the_docx(built, tmp_path: Path) -> None:  # noqa: ANN001
    profile = tmp_path / "profile"
    result = subprocess.run(
        [
            str(SOFFICE),
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(built["files"]["docx"]),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    converted = tmp_path / built["files"]["docx"].with_suffix(".pdf").name
    assert converted.exists() and converted.read_bytes().startswith(b"%PDF")


def test_chapters_follow_the_seed_report(built) -> None:  # noqa: ANN001
    from omnibus.report.build import walk_blocks

    report = built["report"]
    keys = [c.key for c in report.chapters]
    assert keys == [
        "introduction",
        "section-csc",
        "section-eyc",
        "section-send",
        "context",
        "appendix-1",
        "appendix-2",
    ], "no coded open responses in this wave: no open-response chapter"
    # The draft summary: grouped under the chapters' topics, every sentence marked as a draft, no tab-book jargon.
    topics = [p.text for p in report.summary if p.style == "subheading"]
    assert topics == ["Children's Social Care", "Early Years and Child Care", "Special Educational Needs & Disability"]
    assert all(p.draft for p in report.summary if p.style != "subheading")
    assert any("responding LAs answered ‘Very or fairly confident’" in p.text for p in report.summary)
    assert not any("NET:" in p.text for p in walk_blocks(report.summary + report.chapters) if hasattr(p, "text"))
    csc = walk_blocks(report.chapters[1].blocks)
    first = next(b for b in csc if type(b).__name__ == "Paragraph" and b.text.startswith("As "))
    assert first.text.startswith("As Figure 1 shows, ") and first.draft
    # Sub-headings come from the questionnaire's headings, as the seed's 2.1, 2.2 …, without their numbers.
    subs = [b.title for b in report.chapters[1].blocks if type(b).__name__ == "Chapter"]
    assert subs[:3] == ["LA improvement", "Social worker workforce", "Sufficiency of care/adoption placements"]


def test_appendix_2_is_the_printed_questionnaire(built) -> None:  # noqa: ANN001
    from omnibus.questionnaire.loader import load
    from omnibus.questionnaire.printed import printed_sections

    appendix = next(c for c in built["report"].chapters if c.key == "appendix-2")
    parts = [b for b in appendix.blocks if type(b).__name__ == "Chapter"]
    printed = printed_sections(load(QUESTIONNAIRE))
    assert [p.title for p in parts] == [s.title for s in printed]
    first = printed[0].questions[0]
    lines = [b.text for b in parts[0].blocks if type(b).__name__ == "Paragraph"]
    assert [first.routing, first.id] == lines[lines.index(first.id) - 1 : lines.index(first.id) + 1]
    assert all(option in lines for option in first.options)
