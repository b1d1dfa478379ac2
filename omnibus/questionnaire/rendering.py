"""Write a questionnaire to a file in one of its printed forms: text, Word, or the Excel copy.

What `omnibus questionnaire render -o` and the back office's printed questionnaire both call.
"""

from __future__ import annotations

from pathlib import Path

from omnibus.questionnaire.model import Questionnaire
from omnibus.questionnaire.render_docx import render_docx
from omnibus.questionnaire.render_text import render_text
from omnibus.questionnaire.render_xlsx import render_xlsx

RENDER_FORMATS = ("text", "xlsx", "docx")


def write_rendered(questionnaire: Questionnaire, fmt: str, path: Path) -> Path:
    """Write `questionnaire` as `fmt` (one of RENDER_FORMATS) to `path`; returns the path."""
    if fmt == "text":
        path.write_text(render_text(questionnaire), encoding="utf-8")
    elif fmt == "xlsx":
        render_xlsx(questionnaire, path)
    elif fmt == "docx":
        render_docx(questionnaire, path)
    else:
        raise ValueError(f"unknown format {fmt!r} (one of {', '.join(RENDER_FORMATS)})")
    return path
