"""The PDF of a respondent's copy of their answers.

The copy is collect's page; the PDF is laid out by the report's renderer (WeasyPrint, tagged
PDF/UA-1), which sits in a higher layer than collect, so this view lives in the site, which may
use both.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from omnibus.collect.views import copy_context, survey_page
from omnibus.collect.visit import Visit
from omnibus.report.write_pdf import pdf_of_html


@survey_page
@require_GET
def answers_pdf(request: HttpRequest, visit: Visit) -> HttpResponse:
    """The unit's answers as a PDF to keep (the same sections and wording as the copy page)."""
    html = render_to_string("collect/copy_print.html", copy_context(visit), request=request)
    pdf = pdf_of_html(html, base_url=str(settings.BASE_DIR))  # the page is self-contained: nothing is fetched
    name = slugify(f"{visit.wave.slug} {visit.wave_unit.name} answers")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    response["Cache-Control"] = "no-store"  # one LA's answers: not for shared caches
    return response
