"""Whether a source note is a citation a reader may see, or a note for whoever keeps the data. Pure Python.

Reference files often carry a `source` column written for their keeper: "S7: MHCLG IoD2019
File 11, sheet IMD -- IMD 2019, NOT 2015". A report cites the publication, never the keeper's
tags, sheets, extract files or asides, so one rule decides: a note with any of the marks below
is internal. The rule is strict on purpose; a citation it refuses is given with `--source`.
"""

from __future__ import annotations

import re

INTERNAL_MARKS = [
    (re.compile(r"\s--(\s|$)"), "an aside after '--'"),
    (re.compile(r"\bsheets?\b", re.IGNORECASE), "a sheet name"),
    (re.compile(r"\.(csv|tsv|xlsx?|ods|parquet|json|ya?ml)\b", re.IGNORECASE), "a file name"),
    (re.compile(r"(^|[\s(])[A-Z]{1,2}\d{1,2}(:|\s\(|\)|$)"), "a reference tag such as S2"),
]


def internal_mark(note: str) -> str | None:
    """What makes a note internal ("a sheet name"), or None when it reads as a public citation."""
    return next((why for pattern, why in INTERNAL_MARKS if pattern.search(note)), None)


def public_lines(source_note: str) -> list[str]:
    """The lines of a stored source note that a report may cite (a database loaded before the rule may hold others)."""
    return [line for line in source_note.splitlines() if line.strip() and internal_mark(line) is None]
