"""The page for a form that failed Django's CSRF check: the service's error page, not Django's."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A 403 saying what to do: the form was old or came from elsewhere; go back, reload and send it again."""
    context = {
        "title": "Sorry, that form could not be sent",
        "detail": "It may have been open for a long time or come from another site. "
        "Go back, reload the page and send the form again.",
    }
    return render(request, "core/error.html", context, status=403)
