"""Where a page may send the browser next: only to this site, whatever a form or link asks for."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_target(request: HttpRequest, target: str, fallback: str) -> str:
    """`target` if it is a path on this site (Django's check: no other host, scheme or `//host`), else `fallback`.

    Only a path: `redirect("-1")` would look "-1" up as the name of a view.
    """
    here = {request.get_host()}
    allowed = url_has_allowed_host_and_scheme(target, allowed_hosts=here, require_https=request.is_secure())
    return target if target.startswith("/") and allowed else fallback
