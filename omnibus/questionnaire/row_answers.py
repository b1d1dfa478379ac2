"""A question with rows (grid, set of numbers) answered, in words: a line per answered row.

Check your answers shows these; a row marked "Other (please specify)" reads with its text
("Other service (Youth justice): Timeliness and Capacity"), and a two-way grid's row gives
each column group's answer ("Early help: This year: Good; Last year: Poor").
"""

from __future__ import annotations

from collections.abc import Mapping

from omnibus.questionnaire.kinds import kind_of
from omnibus.questionnaire.labels import cut_at_word
from omnibus.questionnaire.model import Question, Questionnaire, cell_name
from omnibus.questionnaire.naming import item_specify_key
from omnibus.questionnaire.piping import answer_text, pipe


def row_lines(
    question: Question, questionnaire: Questionnaire, live: Mapping[str, object], item_length: int | None = None
) -> list[str]:
    """A line per row of the question that has a live answer, in the questionnaire's order.

    A row is named by its piped text, cut at a word to `item_length` characters when given (Check
    your answers), whole otherwise (the copy kept for the records).
    """
    kind = kind_of(question)
    lines = []
    for item in question.items:
        if not kind.row_given(question, item, live):
            continue
        specified = live.get(item_specify_key(item.id))
        name = _row_name(pipe(item.text, questionnaire, live), item_length)
        label = f"{name} ({specified})" if specified else name
        if kind.column_groups:
            cells = [(c.text, cell_name(item.id, c.id)) for c in question.columns]
            answer = "; ".join(f"{text}: {answer_text(key, questionnaire, live)}" for text, key in cells if key in live)
        else:
            answer = answer_text(item.id, questionnaire, live)
        lines.append(f"{label}: {answer}")
    return lines


def _row_name(text: str, length: int | None) -> str:
    """A row's text before its answer: "under 5 years", not "under 5 years?:"."""
    name = text.strip().rstrip("?").rstrip()
    return cut_at_word(name, length) if length else name
