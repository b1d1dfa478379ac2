"""An indicator's period as a date, and the period nearest a wave's fieldwork. Pure Python.

Periods are stored as the publisher writes them: a calendar year ("2016"), a two-year span as
DfE's `time_period` gives it ("201617") or as tables print it ("2016-17", "2016/17",
"2016-2017"), or a month ("2016-03"). A span starts on 1 September of its first year (most of
DfE's spans are academic years); only the order of periods matters here, so the exact day of a
financial year does not.
"""

from __future__ import annotations

import re
from datetime import date

YEAR_RE = re.compile(r"^(\d{4})$")
SPAN_RE = re.compile(r"^(\d{4})[-/]?(\d{2}|\d{4})$")
MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
SPAN_MONTH = 9


def period_start(period: str) -> date | None:
    """The day a period starts ("2016" -> 2016-01-01, "201617" -> 2016-09-01); None if it is not a period."""
    text = period.strip()
    if match := YEAR_RE.match(text):
        return date(int(match[1]), 1, 1)
    if (match := MONTH_RE.match(text)) and 1 <= int(match[2]) <= 12:
        return date(int(match[1]), int(match[2]), 1)
    if match := SPAN_RE.match(text):
        first, second = int(match[1]), match[2]
        if int(second) in (first + 1, (first + 1) % 100):
            return date(first, SPAN_MONTH, 1)
    return None


def nearest_period(periods: list[str], fieldwork: date | None) -> str | None:
    """The period to show beside a wave: the latest starting on or before `fieldwork`, else the earliest after.

    Without a fieldwork date, the latest. Periods that cannot be read as dates are never chosen;
    None when no period can be.
    """
    dated = sorted((start, p) for p in periods if (start := period_start(p)) is not None)
    if not dated:
        return None
    if fieldwork is None:
        return dated[-1][1]
    before = [p for start, p in dated if start <= fieldwork]
    return before[-1] if before else dated[0][1]


def after_fieldwork(period: str, fieldwork: date | None) -> bool:
    """Whether a period starts after the wave's fieldwork began (it describes the units as they became)."""
    start = period_start(period)
    return start is not None and fieldwork is not None and start > fieldwork
