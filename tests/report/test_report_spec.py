"""The report specification and `omnibus report`: mistakes named by file and line, exit 1, nothing written."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from omnibus.questionnaire.loader import load
from omnibus.report.spec import ReportSpecError, default_sections, load_report_spec, parse_report_spec
from omnibus.site.cli.report import report

ROOT = Path(__file__).resolve().parents[2]
QUESTIONNAIRE = ROOT / "examples" / "questionnaires" / "cso-wave3.yaml"
FRAME = ROOT / "examples" / "frame" / "england-la-2017.csv"
REPORT_SPEC = ROOT / "examples" / "reports" / "cso-wave3.yaml"


@pytest.fixture(scope="module")
def questionnaire():  # noqa: ANN201
    return load(QUESTIONNAIRE)


def _spec(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "report.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_demo_spec_loads_with_its_analysis_spec(questionnaire) -> None:  # noqa: ANN001
    spec = load_report_spec(REPORT_SPEC, questionnaire)
    assert spec.analysis == REPORT_SPEC.parent / "../analysis/cso-wave3.yaml" and spec.analysis.exists()
    assert [s.id for s in spec.sections] == ["csc", "eyc", "send"]
    first = spec.sections[0].figures[0]
    assert (first.question, first.kind, first.sort) == ("SuppSou", "bar", "descending")
    assert first.title.startswith("Most commonly used sources of support")
    assert spec.units == "LAs"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("title: T\ncolours: red\n", "report.yaml:2: unknown key colours"),
        ("sections:\n  nope: {}\n", "report.yaml:2: sections: no section 'nope' in the questionnaire"),
        (
            "sections:\n  csc:\n    figures:\n      - question: Nope\n",
            "report.yaml:4: sections.csc.figures[0].question",
        ),
        (
            "sections:\n  csc:\n    figures:\n      - question: SuppSou\n        shade: blue\n",
            "report.yaml:5: unknown key sections.csc.figures[0].shade",
        ),
        (
            "sections:\n  csc:\n    figures:\n      - question: SuppSou\n        kind: pie\n",
            "report.yaml:5: sections.csc.figures[0].kind: 'pie' is not one of bar, stacked, paired, table",
        ),
        (
            "sections:\n  csc:\n    figures:\n      - question: SuppSou\n        exclude: [99]\n",
            "report.yaml:5: sections.csc.figures[0].exclude: expected codes of SuppSou",
        ),
        (
            "sections:\n  eyc:\n    figures:\n      - question: HLEspend\n        kind: bar\n",
            "numeric question HLEspend is shown as a table",
        ),
        ("title: [unclosed\n", "report.yaml:2: not valid YAML"),
        ("title: T\nsections: " + "[" * 3000 + "]" * 3000 + "\n", "report.yaml:2: nested more than 40 levels deep"),
        ("title: T\x00\n", "report.yaml:1: a control character (U+0000) that text cannot hold"),
    ],
)
def test_mistakes_are_named_by_file_and_line(tmp_path: Path, questionnaire, text: str, message: str) -> None:  # noqa: ANN001
    with pytest.raises(ReportSpecError) as raised:
        load_report_spec(_spec(tmp_path, text), questionnaire)
    assert message in str(raised.value)


def test_no_sections_means_every_topic_question(questionnaire) -> None:  # noqa: ANN001
    spec = parse_report_spec({"title": "T"}, questionnaire)
    assert [s.id for s in spec.sections] == ["csc", "eyc", "send"], "closing sections (consent) are not topics"
    kinds = {f.question: f.kind for s in default_sections(questionnaire) for f in s.figures}
    assert kinds["SuppSou"] == "bar" and kinds["SufCare"] == "stacked" and kinds["HLEspend"] == "table"


@pytest.fixture(scope="module")
def wave(django_db_setup, django_db_blocker):  # noqa: ANN001, ANN201
    """One simulated wave for the module's commands, inside a transaction rolled back after the last test."""
    from django.db import transaction

    from omnibus.dataset.simulate import simulate
    from omnibus.fieldwork.questionnaires import store_questionnaire
    from omnibus.fieldwork.waves import create_wave
    from omnibus.frame.store import load_frame

    with django_db_blocker.unblock(), transaction.atomic():
        stored, _ = store_questionnaire(QUESTIONNAIRE)
        load_frame(FRAME, date(2017, 9, 1))
        opens = datetime(2017, 10, 4, 9, tzinfo=UTC)
        made = create_wave("w3", "Wave 3", stored, "england-la", date(2017, 9, 1), opens, opens.replace(month=11))
        simulate(made, seed=3, response_rate=0.5)
        yield made
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_init_writes_a_spec_that_loads_back(wave, tmp_path: Path, questionnaire) -> None:  # noqa: ANN001
    path = tmp_path / "specs" / "w3.yaml"
    result = CliRunner().invoke(report, ["init", "w3", "-o", str(path), "--units", "LAs"])
    assert result.exit_code == 0, result.output
    assert f"Wrote {path}" in result.output
    spec = load_report_spec(path, questionnaire)
    written = [f.question for s in spec.sections for f in s.figures]
    assert written == [f.question for s in default_sections(questionnaire) for f in s.figures]
    assert yaml.safe_load(path.read_text())["units"] == "LAs"
    drawn = [f for s in spec.sections for f in s.figures if f.kind != "table"]
    assert drawn and all(f.nets for f in drawn), "a first draft shows the analysis spec's nets"
    again = CliRunner().invoke(report, ["init", "w3", "-o", str(path)])
    assert again.exit_code == 1 and "exists: give --force" in again.output
    assert "No --analysis given: the report will use the default analysis spec" in result.stderr
    assert "# No analysis spec: tables use the defaults" in path.read_text()


@pytest.mark.django_db
def test_init_checks_the_analysis_spec_it_names(wave, tmp_path: Path) -> None:  # noqa: ANN001
    (tmp_path / "analysis.yaml").write_text("decimals: 0\nnets:\n  ConfUndd: {Confident: [1, 2]}\n")
    path = tmp_path / "w3.yaml"
    result = CliRunner().invoke(report, ["init", "w3", "-o", str(path), "--analysis", "analysis.yaml"])
    assert result.exit_code == 1 and not path.exists()
    assert f"{tmp_path / 'analysis.yaml'}:3: nets: 'ConfUndd' is not a question or item" in result.output
    (tmp_path / "analysis.yaml").write_text("decimals: 0\nnets:\n  ConfUnd: {Confident: [1, 2]}\n")
    result = CliRunner().invoke(report, ["init", "w3", "-o", str(path), "--analysis", "analysis.yaml"])
    assert result.exit_code == 0, result.output
    assert 'analysis: "analysis.yaml"' in path.read_text() and "No --analysis" not in result.stderr


@pytest.mark.django_db
def test_report_command_builds_the_formats_asked_for(wave, tmp_path: Path) -> None:  # noqa: ANN001
    spec = _spec(
        tmp_path,
        "units: LAs\nanalysis: " + str(ROOT / "examples/analysis/cso-wave3.yaml") + "\nsections:\n  csc:\n"
        "    figures:\n      - {question: SuppSou, title: Sources of support}\n"
        "      - {question: SufCare, title: Sufficient care placements}\n",
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(report, ["w3", "--spec", str(spec), "--format", "html", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"Wrote {out / 'w3-report.html'} (HTML)"
    assert "Tabulating w3" in result.stderr and "Drawing figure 2 of 2" in result.stderr
    html = (out / "w3-report.html").read_text(encoding="utf-8")
    assert "Figure 1: Sources of support" in html and "Figure 2: Sufficient care placements" in html
    assert sorted(p.name for p in out.iterdir()) == ["w3-report.html"]


@pytest.mark.django_db
def test_report_command_mistakes_exit_1_and_write_nothing(wave, tmp_path: Path) -> None:  # noqa: ANN001
    out = tmp_path / "out"
    bad = _spec(tmp_path, "sections:\n  csc:\n    figures:\n      - question: SuppSou\n        kind: pie\n")
    result = CliRunner().invoke(report, ["w3", "--spec", str(bad), "--format", "html,pdf", "-o", str(out)])
    assert result.exit_code == 1 and f"{bad}:5: sections.csc.figures[0].kind" in result.output
    assert not out.exists() or not list(out.iterdir())
    result = CliRunner().invoke(report, ["nope", "--format", "html", "-o", str(out)])
    assert result.exit_code == 1 and "no wave called 'nope'" in result.output
    result = CliRunner().invoke(report, ["w3", "--format", "html,odt", "-o", str(out)])
    assert result.exit_code == 2 and "odt is not one of html, pdf, docx" in result.output
    result = CliRunner().invoke(report, ["w3", "--compare", "w0", "-o", str(out)])
    assert result.exit_code == 1 and "no wave called 'w0'" in result.output
    missing = CliRunner().invoke(report, ["w3", "--spec", str(tmp_path / "absent.yaml"), "-o", str(out)])
    assert missing.exit_code == 1 and "no such report specification" in missing.output
    assert "Traceback" not in result.output + missing.output


def test_help_shows_both_forms() -> None:
    result = CliRunner().invoke(report, ["--help"])
    assert result.exit_code == 0
    assert "WAVE [--compare WAVE ...]" in result.output and "init WAVE" in result.output


@pytest.mark.django_db
def test_open_responses_and_context_follow_the_sections(wave, tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    """The open-response chapters (`omnibus.report.chapters.open_responses`) and the context chapter, in place."""
    from omnibus.context.demo import load_demo_context
    from omnibus.report.chapters import open_responses as coding_report
    from omnibus.report.document import Chapter, Paragraph, Verbatim

    load_demo_context()
    asked = {}

    def chapters(wave, dataset, client, units, spec):  # noqa: ANN001, ANN202 - the coding room's signature
        asked.update(wave=wave.slug, client=client, units=units, rows=dataset.data.height)
        quote = Verbatim("We could not recruit experienced social workers.", "Unitary, South West")
        return [Chapter("Open responses", [Paragraph("Themes of the answers."), quote], key="open-responses")]

    monkeypatch.setattr(coding_report, "open_response_chapters", chapters)
    spec = _spec(
        tmp_path,
        "units: LAs\nsections:\n  csc:\n    figures:\n      - {question: ConfUnd}\n"
        "context:\n  title: Local context\n  variation:\n    - {indicator: cla_rate, period: '2016'}\n",
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(report, ["w3", "--spec", str(spec), "--format", "html", "--client", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert asked == {"wave": "w3", "client": True, "units": "LAs", "rows": 152}
    html = (out / "w3-report.html").read_text(encoding="utf-8")
    chapters_in_order = re.findall(r'<section class="chapter[^"]*" id="[^"]+">\s*<h2>([^<]+)</h2>', html)
    assert chapters_in_order == [
        "Executive summary",
        "Introduction",
        "Children&#x27;s Social Care",
        "Open responses",
        "Local context",
        "Appendix 1 – Response profile",
        "Appendix 2 – Questionnaire",
    ]
    assert (
        "<blockquote><p>We could not recruit experienced social workers.</p></blockquote>"
        "<figcaption>Unitary, South West</figcaption>"
    ) in html
    context = html[html.index("<h2>Local context</h2>") : html.index("<h2>Appendix 1 – Response profile</h2>")]
    assert '<img src="data:image/svg+xml;base64,' in context, "the context chart is drawn by the context room"


@pytest.mark.django_db
def test_a_format_that_fails_leaves_no_report_behind(wave, tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    from omnibus.report import write_pdf

    def full_disk(report, path, say):  # noqa: ANN001, ANN202 - the writer's signature
        path.write_bytes(b"%PDF-1.7 half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(write_pdf, "write_pdf", full_disk)
    spec = _spec(tmp_path, "sections:\n  csc:\n    figures:\n      - {question: ConfUnd}\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(report, ["w3", "--spec", str(spec), "--format", "html,pdf", "-o", str(out)])
    assert result.exit_code == 1 and "No space left on device" in result.output
    assert list(out.iterdir()) == [], "neither the HTML written first nor the half PDF is left"


def test_title_page_and_back_matter_are_read_and_the_isbn_checked() -> None:
    questionnaire = load(QUESTIONNAIRE)
    raw = {
        "sponsor": "Department for Education",
        "authors": ["A. Researcher", "B. Analyst"],
        "acknowledgements": "We thank the LAs.\n\nAnd the advisory group.",
        "abbreviations": {"LA": "Local authority", "SEND": "Special educational needs and disability"},
        "reference": "DFE-RR000",
        "isbn": "978-0-306-40615-7",
        "disclaimer": "The views are the authors'.",
    }
    publication = parse_report_spec(raw, questionnaire).publication
    assert publication.authors == ["A. Researcher", "B. Analyst"] and len(publication.acknowledgements) == 2
    assert publication.abbreviations[0] == ("LA", "Local authority") and publication.back_matter
    with pytest.raises(ReportSpecError, match="isbn: '978-0-306-40615-8' is not a valid ISBN"):
        parse_report_spec({**raw, "isbn": "978-0-306-40615-8"}, questionnaire)
    with pytest.raises(ReportSpecError, match="abbreviations: expected a mapping"):
        parse_report_spec({**raw, "abbreviations": ["LA"]}, questionnaire)
    assert not parse_report_spec({}, questionnaire).publication.back_matter


def test_default_titles_are_whole_sentences_not_cut_at_an_abbreviation() -> None:
    from dataclasses import replace

    from omnibus.report.spec import short_title

    questionnaire = load(QUESTIONNAIRE)
    barriers = questionnaire.question("BarDel")
    assert short_title(barriers).endswith("for any of its children’s social care services")
    assert "(e.g. operating with another local authority" in short_title(barriers)
    two = replace(barriers, text="How many? Include agency staff (i.e. not permanent). Give a number.")
    assert short_title(two) == "How many"
    assert short_title(replace(barriers, text="Agency staff (i.e. not permanent). Give a number.")) == (
        "Agency staff (i.e. not permanent)"
    )
