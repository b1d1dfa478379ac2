"""The report as a tagged PDF: the HTML writer's document, with its print styles, through WeasyPrint.

WeasyPrint's PDF/UA-1 variant tags the PDF (headings, paragraphs, tables, figures with their
alt text) and sets its language and title, so screen readers can read it as they read the HTML.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from omnibus.report.document import Report
from omnibus.report.write_html import render_html

PDF_VARIANT = "pdf/ua-1"


def write_pdf(report: Report, path: Path, say: Callable[[str], None] = lambda line: None) -> Path:
    """Write the report as a tagged PDF (PDF/UA-1) with page-numbered contents."""
    from weasyprint import HTML  # slow to import: only when a PDF is asked for

    html = render_html(report, for_print=True, say=say)
    say("Laying out the PDF pages")
    HTML(string=html, base_url=str(path.parent)).write_pdf(str(path), pdf_variant=PDF_VARIANT)
    return path


def pdf_of_html(html: str, base_url: str) -> bytes:
    """Any self-contained HTML page as a tagged PDF (PDF/UA-1), laid out as the report is: a respondent's copy, say."""
    from weasyprint import HTML

    return HTML(string=html, base_url=base_url).write_pdf(pdf_variant=PDF_VARIANT)
