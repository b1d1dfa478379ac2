"""Coding outside the system: a wave's answers to one open variable as CSV, and the coded file read back.

The file has a row per answer: `unit`, `name`, `answer`, `codes` (theme codes separated by
`;`) and `themes` (their labels, for the coder to read; ignored on import). A file read back
replaces the codes of the answers it lists. Every row is checked before anything is written: a
bad file changes nothing and each problem names its row.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.db import transaction

from omnibus.coding.codings import acting_user, code_frame_of, open_responses
from omnibus.coding.models import Coding, Suggestion
from omnibus.core.ids import as_id
from omnibus.core.spreadsheet import csv_writer
from omnibus.fieldwork.models import Wave
from omnibus.questionnaire import textfile

HEADER = ["unit", "name", "answer", "codes", "themes"]
REQUIRED = ("unit", "codes")
MAX_BYTES = 20 * textfile.MB  # a coded file: one row per answer, a few hundred


@dataclass
class CodingFileError(Exception):
    """A coding file that was refused, with every problem found (`row N: …`)."""

    problems: list[str]

    def __str__(self) -> str:
        return "\n".join(self.problems)


def export_csv(wave: Wave, variable: str) -> str:
    """The answers with their current codes, as CSV text."""
    code_frame = code_frame_of(wave, variable)
    labels = {t.code: t.label for t in code_frame.themes.all()}
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(HEADER)
    for r in open_responses(wave, variable):
        codes = sorted(r.codes)
        writer.writerow([r.unit, r.name, r.text, ";".join(map(str, codes)), "; ".join(labels[c] for c in codes)])
    return out.getvalue()


def import_csv(wave: Wave, variable: str, text: str, user=None) -> int:  # noqa: ANN001
    """Replace the codes of the answers the file lists; returns the number of answers coded.

    Raises CodingFileError (and changes nothing) if any row is wrong.
    """
    code_frame = code_frame_of(wave, variable)
    themes = {t.code: t for t in code_frame.themes.all()}
    answered = {r.unit: r for r in open_responses(wave, variable)}
    rows = _rows(text)
    problems: list[str] = []
    wanted: dict[int, set[int]] = {}
    seen: dict[str, int] = {}
    for number, row in rows:
        unit = (row.get("unit") or "").strip()
        if unit in seen:
            problems.append(f"row {number}: unit {unit} is listed again (first on row {seen[unit]})")
            continue
        seen[unit] = number
        if unit not in answered:
            problems.append(f"row {number}: unit {unit!r} has no answer to {variable} in wave {wave.slug}")
            continue
        codes = _codes(row.get("codes") or "", number, themes, variable, problems)
        if codes is not None:
            wanted[answered[unit].wave_unit] = codes
    if problems:
        raise CodingFileError(problems)
    with transaction.atomic():
        for unit_id, codes in wanted.items():
            Coding.objects.filter(wave_unit_id=unit_id, variable=variable).exclude(theme__code__in=codes).delete()
            for code in codes:
                Coding.objects.get_or_create(
                    wave_unit_id=unit_id,
                    variable=variable,
                    theme=themes[code],
                    defaults={"source": Coding.IMPORT, "coded_by": acting_user(user)},
                )
            Suggestion.objects.filter(wave_unit_id=unit_id, variable=variable, state=Suggestion.OPEN).delete()
    return sum(1 for codes in wanted.values() if codes)


def _rows(text: str) -> list[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = reader.fieldnames or []
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise CodingFileError([f"row 1: the header needs the column(s) {', '.join(missing)}; it has {header}"])
    try:
        return [(index + 2, row) for index, row in enumerate(reader)]
    except csv.Error as error:
        raise CodingFileError([f"row {reader.line_num}: not readable as CSV ({error})"]) from None


def _codes(cell: str, number: int, themes: dict, variable: str, problems: list[str]) -> set[int] | None:
    codes: set[int] = set()
    for part in filter(None, (p.strip() for p in cell.replace(",", ";").split(";"))):
        code = as_id(part)
        if code is None:
            problems.append(f"row {number}: codes: {part[:40]!r} is not a theme code (write codes such as 1;3)")
            return None
        if code not in themes:
            known = ", ".join(map(str, sorted(themes))) or "none yet"
            problems.append(f"row {number}: codes: {part} is not a theme of {variable}'s frame (codes: {known})")
            return None
        codes.add(code)
    return codes
