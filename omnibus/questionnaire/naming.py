"""How answers and dataset variables are named: the `Variable` record and the key of a specify text.

Each question's kind (`kinds`) works out its own answer keys and variables from these;
`variables` is where the other stages ask for them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from omnibus.questionnaire.model import Option


@dataclass
class Variable:
    """One column of the dataset, with what it needs for labels."""

    name: str
    label: str
    question: str
    kind: str  # "code", "flag" (0/1 for a multi option), "number", "text", "date" (a number's `{id}_date`)
    value_labels: list[Option] = field(default_factory=list)
    item: str | None = None  # a grid row's flag, cell or specify text: the item whose routing asks it


def item_specify_key(item_id: str) -> str:
    """Where the text of a grid row marked "Other (please specify)" is kept: `{item}_text`."""
    return f"{item_id}_text"


def specify_key(question_id: str, code: int) -> str:
    """Where the text of an "Other (please specify)" answer is kept."""
    return f"{question_id}_{code}_text"
