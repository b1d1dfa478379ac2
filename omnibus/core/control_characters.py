"""Control characters stopped at the edge: no NUL or other control character reaches a view.

PostgreSQL cannot store a NUL in text, and no person types one: they come from pasted binary,
broken clients and fuzzers. So a request's path with one is refused (400, saying why), and
they are taken out of every query-string and form value and name and of uploaded files' names
before any view sees them; tab, line feed and carriage return stay (a text box has lines).
The rule (`CONTROL`) is the one by which the file readers refuse a file (`questionnaire.textfile`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render

from omnibus.questionnaire.textfile import CONTROL

log = logging.getLogger("omnibus.requests")


def without_control(text: str) -> str:
    """`text` without control characters other than tab, line feed and carriage return."""
    return CONTROL.sub("", text)


class StripControlCharacters:
    """Middleware: refuse a path with a control character; strip them from every value and name sent."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        """Answer 400 for a bad path, else pass the request on with its values cleaned."""
        if CONTROL.search(request.path):
            return render(
                request,
                "core/error.html",
                {
                    "title": "Sorry, there is a problem with that address",
                    "detail": "The address has a control character (such as NUL) in it, which no page's address has.",
                },
                status=400,
            )
        request.GET = _cleaned(request.GET, request, "query string")
        if request.method == "POST":
            request.POST = _cleaned(request.POST, request, "form")
            for upload in request.FILES.values():
                upload.name = without_control(upload.name or "")
        return self.get_response(request)


def _cleaned(data: QueryDict, request: HttpRequest, where: str) -> QueryDict:
    if not any(CONTROL.search(key) or any(CONTROL.search(v) for v in data.getlist(key)) for key in data):
        return data
    cleaned = QueryDict(mutable=True)
    for key in data:
        cleaned.setlist(without_control(key), [without_control(v) for v in data.getlist(key)])
    # The path's first part only: a path can be long, and an invitation's path holds a code.
    log.warning("control characters taken out of the %s of %s /%s/…", where, request.method, _first_part(request.path))
    cleaned._mutable = False
    return cleaned


def _first_part(path: str) -> str:
    return path.strip("/").split("/")[0][:40]
