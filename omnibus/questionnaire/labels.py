"""Short labels of questions, for lists of answers (Check your answers, the printable copy).

A question's `label:` is used when the questionnaire gives one; otherwise its first sentence,
cut at a word boundary, so a long question does not make a summary list thousands of pixels tall.
"""

from __future__ import annotations

import re

from omnibus.questionnaire.model import Question
from omnibus.questionnaire.printed import paragraphs, plain

LABEL_LENGTH = 70  # characters: about two lines of a summary list's key column
SENTENCE_END = re.compile(r"(?<=[.?!:])\s")


def short_label(question: Question, length: int = LABEL_LENGTH) -> str:
    """The question's `label:`, or its first sentence cut at a word boundary to about `length` characters."""
    if question.label:
        return question.label
    blocks = paragraphs(question.text)
    first = SENTENCE_END.split(plain(blocks[0]) if blocks else question.text, maxsplit=1)[0].strip()
    return cut_at_word(first, length)


def cut_at_word(text: str, length: int) -> str:
    """`text` cut to at most `length` characters at a word boundary, with "…" when cut."""
    if len(text) <= length:
        return text
    cut = text[: length - 1].rsplit(" ", 1)[0].rstrip(" ,;:–-")
    return f"{cut}…"
