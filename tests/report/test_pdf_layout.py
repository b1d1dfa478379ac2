"""The PDF layout check (tests/report/pdf_layout.py) finds what it is for: a figure split across pages, a label cut off.

The demo report passes it (test_report_formats.py); here it must fail on a report built from a
deliberately broken specification, and on a chart whose label runs past its edge.
"""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from tests.report.pdf_layout import PDFTOTEXT, layout_problems

pytestmark = pytest.mark.skipif(not PDFTOTEXT.exists(), reason="poppler-utils is not installed: make test installs it")


def test_a_label_running_past_the_charts_edge_is_found(tmp_path: Path) -> None:
    from weasyprint import HTML

    # A chart 16.5 cm wide (the text width) whose legend entry starts near its right edge: the SVG clips it.
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="468" height="60" viewBox="0 0 468 60">'
        '<text x="10" y="20" font-size="9">Very confident</text>'
        '<text x="400" y="20" font-size="9">Not at all confident</text></svg>'
    )
    source = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    html = (
        "<style>@page { size: A4; margin: 2cm } img { width: 16.5cm }</style>"
        f"<p>Figure 1: A chart</p><img src='{source}' alt='a chart'><p>Base: All (n=10)</p>"
    )
    pdf = tmp_path / "clipped.pdf"
    HTML(string=html).write_pdf(pdf)
    problems = layout_problems(pdf)
    assert any("'Not at all confident' runs past the text area" in p for p in problems), problems
    assert not any("Very confident" in p for p in problems)


@pytest.mark.django_db
def test_a_figure_whose_title_cannot_share_a_page_with_its_chart_is_found(wave, tmp_path: Path) -> None:  # noqa: ANN001
    from omnibus.report.making import make_report

    title = " ".join(["A title far too long for any page, written by mistake into the specification."] * 90)
    spec = tmp_path / "broken.yaml"
    spec.write_text(
        "units: LAs\nopen_responses: false\nsections:\n  csc:\n    figures:\n"
        f"      - {{question: SuppSou, title: '{title}'}}\n"
        "      - {question: ConfUnd, title: Confidence in understanding}\n",
        encoding="utf-8",
    )
    written = make_report(wave, spec, ["pdf"], tmp_path / "out")
    problems = layout_problems(written["pdf"])
    assert any(p.startswith("Figure 1: its title is on page") for p in problems), problems
    assert not any(p.startswith("Figure 2:") for p in problems), "a figure of a sensible size stays whole"
