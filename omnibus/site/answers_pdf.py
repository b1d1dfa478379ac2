"""The PDF of a respondent's copy of their answers, to download or to have emailed.

The copy is collect's page; the PDF is laid out by the report's renderer (WeasyPrint, tagged
PDF/UA-1), which sits in a higher layer than collect, so this view lives in the site, which may
use both.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_POST

from omnibus.collect.views import complete_context, copy_context, survey_page
from omnibus.collect.visit import Visit
from omnibus.fieldwork.confirmation import TooManyCopies, check_allowed, queue_confirmation
from omnibus.fieldwork.mail import Attachment
from omnibus.fieldwork.messages import Recipient
from omnibus.report.write_pdf import pdf_of_html

EMAIL_MAX = 254


@survey_page
@require_GET
def answers_pdf(request: HttpRequest, visit: Visit) -> HttpResponse:
    """The unit's answers as a PDF to keep (the same sections and wording as the copy page)."""
    copy = _pdf_copy(request, visit)
    response = HttpResponse(copy.content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{copy.filename}"'
    response["Cache-Control"] = "no-store"  # one LA's answers: not for shared caches
    return response


@survey_page
@require_POST
def answers_email(request: HttpRequest, visit: Visit) -> HttpResponse:
    """Email the PDF copy to the address the respondent gives, through the outbox; the thank-you page says so."""
    email = request.POST.get("email", "").strip()[:EMAIL_MAX]
    error = _email_error(email)
    if error is None:
        name = visit.respondent.name if visit.respondent else ""
        try:
            check_allowed(visit.wave_unit)  # before the PDF is made: refusing costs nothing
            queue_confirmation(visit.wave_unit, Recipient(name, email), _pdf_copy(request, visit))
        except TooManyCopies as refused:
            error = f"{refused}. Try again later, or download the PDF"
    if error is not None:
        context = {**complete_context(visit), "email": email, "email_error": error}
        return render(request, "collect/complete.html", context)
    return redirect(reverse("collect:complete") + "?sent=1")


def _email_error(email: str) -> str | None:
    if not email:
        return "Enter an email address to send the copy to"
    try:
        validate_email(email)
    except ValidationError:
        return "Enter an email address in the correct format, like name@example.com"
    return None


def _pdf_copy(request: HttpRequest, visit: Visit) -> Attachment:
    """The unit's answers as a PDF file (the same sections and wording as the copy page)."""
    html = render_to_string("collect/copy_print.html", copy_context(visit), request=request)
    pdf = pdf_of_html(html, base_url=str(settings.BASE_DIR))  # the page is self-contained: nothing is fetched
    name = slugify(f"{visit.wave.slug} {visit.wave_unit.name} answers")
    return Attachment(f"{name}.pdf", pdf, "application", "pdf")
