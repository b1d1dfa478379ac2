"""Who may use the back office, and as what: researchers do everything, clients read.

Roles are Django groups, so they are managed with Django's own users (`omnibus user add`).
A client reads tracking figures and outputs, never contact details or the identities of units
that did not consent; views say which role they need with the decorators below.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

RESEARCHER = "researcher"
CLIENT = "client"
ROLES = (RESEARCHER, CLIENT)

View = Callable[..., HttpResponse]


def role_of(user: object) -> str | None:
    """The user's back-office role: researcher, client, or None (no access)."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return None
    if getattr(user, "is_superuser", False):
        return RESEARCHER
    names = set(user.groups.values_list("name", flat=True))  # type: ignore[attr-defined]
    return RESEARCHER if RESEARCHER in names else CLIENT if CLIENT in names else None


def _needs(allowed: tuple[str, ...]) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if role_of(request.user) not in allowed:
                return render(request, "core/error.html", {"title": "You do not have access to this page"}, status=403)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


researcher_required = _needs((RESEARCHER,))
"""For pages that show or change contact details, codes or answers: researchers only."""

office_required = _needs(ROLES)
"""For pages both researchers and clients may read (tracking figures, outputs)."""
