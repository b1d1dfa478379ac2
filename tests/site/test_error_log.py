"""A server error is logged with its traceback when DEBUG is off (as `omnibus serve` runs)."""

from __future__ import annotations

import io
import logging
from types import ModuleType

from django.http import HttpRequest
from django.test import Client, override_settings
from django.urls import path


def _fails(request: HttpRequest) -> None:
    raise ZeroDivisionError("a fault of ours")


URLS = ModuleType("failing_urls")  # a URL conf of one view that fails
URLS.urlpatterns = [path("fails/", _fails)]


def _speaking_handlers(name: str) -> list[logging.Handler]:
    """The handlers the settings give a record of logger `name`, following propagation as logging does.

    The root logger's are left out: under pytest they are its own capturing handlers.
    """
    found, logger = [], logging.getLogger(name)
    while logger is not None and logger is not logging.getLogger():
        found.extend(logger.handlers)
        logger = logger.parent if logger.propagate else None
    return found


@override_settings(DEBUG=False, ROOT_URLCONF=URLS)
def test_a_500_is_logged_with_its_traceback(db: None) -> None:
    streams = [h for h in _speaking_handlers("django.request") if isinstance(h, logging.StreamHandler)]
    written = io.StringIO()
    old = [h.setStream(written) for h in streams]
    try:
        response = Client(raise_request_exception=False).get("/fails/")
    finally:
        for handler, stream in zip(streams, old, strict=True):
            handler.setStream(stream)
    assert response.status_code == 500
    text = written.getvalue()
    assert "Internal Server Error: /fails/" in text
    assert "Traceback (most recent call last)" in text and "ZeroDivisionError: a fault of ours" in text
