"""Row ids as a request or a file gives them: ASCII digits that fit the database's integers, or nothing.

`str.isdigit()` accepts "²" and "٣", which `int()` then refuses or reads; and 20 digits are too
big for a 64-bit column (SQLite raises OverflowError, PostgreSQL a DataError). Every id read from
a form, a query string, a URL path (`<id:pk>`) or a file goes through here instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.urls import register_converter

DIGITS = "[0-9]{1,18}"  # 18 digits always fit a signed 64-bit integer
_ID = re.compile(DIGITS)


def as_id(text: str) -> int | None:
    """The id `text` spells (surrounding blanks allowed), or None if it is not one."""
    text = text.strip()
    return int(text) if _ID.fullmatch(text) else None


def as_ids(values: Iterable[str]) -> list[int]:
    """The ids among `values`, others left out."""
    return [found for found in map(as_id, values) if found is not None]


class IdConverter:
    """The `<id:name>` URL part: an id as `as_id` reads it (a longer number is simply no page)."""

    regex = DIGITS

    def to_python(self, value: str) -> int:
        """The id as a number."""
        return int(value)

    def to_url(self, value: int) -> str:
        """The id as written in a URL."""
        return str(value)


register_converter(IdConverter, "id")
