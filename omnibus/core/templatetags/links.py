"""The addresses every page links to, worked out once per process rather than on every render.

`{% link "collect:menu" %}` is `{% url "collect:menu" %}` for a URL without arguments, and
`{% asset "path" %}` is `{% static "path" %}`: their answers never change while the process
runs, yet Django's tags reverse the URL and ask the storage on each use (about a tenth of a
question page's render). Each is kept escaped, by script prefix, so a deployment under a
sub-path, and the test client, get their own addresses; changed URL or static settings
(as tests make) empty the cache.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.base import Parser, Token
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils.html import escape

register = template.Library()


@cache
def _reversed(name: str, prefix: str) -> str:
    return escape(reverse(name))


@cache
def _static(path: str, prefix: str) -> str:
    return escape(static(path))


class _CachedAddress(template.Node):
    def __init__(self, address: Callable[[str, str], str], argument: str) -> None:
        self.address, self.argument = address, argument

    def render(self, context: template.Context) -> str:
        return self.address(self.argument, get_script_prefix())


def _quoted(parser: Parser, token: Token) -> str:
    """The tag's one argument, a quoted string (the URL's name or the file's path)."""
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][0] not in "'\"" or bits[1][-1] != bits[1][0]:
        raise template.TemplateSyntaxError(f"{bits[0]} takes one quoted string")
    return bits[1][1:-1]


@register.tag
def link(parser: Parser, token: Token) -> template.Node:
    """`{% link "name" %}`: the address of the URL named `name` (one that takes no arguments)."""
    return _CachedAddress(_reversed, _quoted(parser, token))


@register.tag
def asset(parser: Parser, token: Token) -> template.Node:
    """`{% asset "path" %}`: the address the static file `path` is served at."""
    return _CachedAddress(_static, _quoted(parser, token))


@receiver(setting_changed)
def _forget(*, setting: str, **kwargs: object) -> None:
    # Tests change the URL conf or the storage; a running server never does.
    if setting in {"ROOT_URLCONF", "STATIC_URL", "STORAGES", "FORCE_SCRIPT_NAME"}:
        _reversed.cache_clear()
        _static.cache_clear()
