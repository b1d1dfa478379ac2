"""CSRF for the service's forms: each page's token, and the page for a form that failed the check.

Django masks the CSRF secret afresh for every page that shows a form, so that no two
responses carry the same token (the defence against BREACH). Its mask is drawn one
character at a time, each a read of the system's random source: about a tenth of
rendering a question page. `token` draws the same uniformly random mask from one read and
masks the secret exactly as Django does, so Django's middleware checks it unchanged.
"""

from __future__ import annotations

import secrets

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CSRF_ALLOWED_CHARS, get_token
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject

MASK_LENGTH = 32  # Django's CSRF secret length: a token is the mask, then the masked secret
_POSITION = {char: n for n, char in enumerate(CSRF_ALLOWED_CHARS)}
_FAIR = 256 - 256 % len(CSRF_ALLOWED_CHARS)  # bytes below this fall evenly on the characters


def random_characters(length: int) -> str:
    """`length` characters drawn uniformly and independently from Django's CSRF alphabet.

    Each random byte below `_FAIR` gives one character (byte modulo the alphabet's size);
    the few above it are dropped, so that no character is likelier than another.
    """
    drawn: list[str] = []
    while len(drawn) < length:
        drawn += [CSRF_ALLOWED_CHARS[b % len(CSRF_ALLOWED_CHARS)] for b in secrets.token_bytes(length + 8) if b < _FAIR]
    return "".join(drawn[:length])


def token(request: HttpRequest) -> str:
    """The request's CSRF secret under a fresh mask, as Django's `get_token` gives it."""
    secret = request.META.get("CSRF_COOKIE")
    if secret is None:  # no secret yet: Django makes one and sets its cookie
        return get_token(request)
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True  # renew the cookie, as get_token does
    mask = random_characters(MASK_LENGTH)
    size = len(CSRF_ALLOWED_CHARS)
    return mask + "".join(
        CSRF_ALLOWED_CHARS[(_POSITION[s] + _POSITION[m]) % size] for s, m in zip(secret, mask, strict=True)
    )


def csrf_token(request: HttpRequest) -> dict[str, object]:
    """Context processor: `{% csrf_token %}` takes its token from `token`, made only if the page has a form."""
    return {"csrf_token": SimpleLazyObject(lambda: token(request))}


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A 403 saying what to do: the form was old or came from elsewhere; go back, reload and send it again."""
    context = {
        "title": "Sorry, that form could not be sent",
        "detail": "It may have been open for a long time or come from another site. "
        "Go back, reload the page and send the form again.",
    }
    return render(request, "core/error.html", context, status=403)
