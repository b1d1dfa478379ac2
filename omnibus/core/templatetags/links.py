"""The addresses every page links to, worked out once per process rather than on every render.

`{% link "collect:menu" %}` is `{% url "collect:menu" %}` for a URL without arguments, and
`{% asset "path" %}` is `{% static "path" %}`: their answers never change while the process
runs, yet Django's tags reverse the URL and ask the storage on each use (about a tenth of a
question page's render). The cache is keyed by the script prefix, so a deployment under a
sub-path, and the test client, get their own addresses; changed URL or static settings
(as tests make) empty it.
"""

from __future__ import annotations

from functools import cache

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse

register = template.Library()


@cache
def _reversed(name: str, prefix: str) -> str:
    return reverse(name)


@cache
def _static(path: str, prefix: str) -> str:
    return static(path)


@register.simple_tag
def link(name: str) -> str:
    """The address of the URL named `name` (one that takes no arguments)."""
    return _reversed(name, get_script_prefix())


@register.simple_tag
def asset(path: str) -> str:
    """The address a static file is served at."""
    return _static(path, get_script_prefix())


@receiver(setting_changed)
def _forget(*, setting: str, **kwargs: object) -> None:
    # Tests change the URL conf or the storage; a running server never does.
    if setting in {"ROOT_URLCONF", "STATIC_URL", "STORAGES", "FORCE_SCRIPT_NAME"}:
        _reversed.cache_clear()
        _static.cache_clear()
