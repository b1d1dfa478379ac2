"""`sum()` of the expression language: a number, or a numeric set's items, added up over live answers."""

from __future__ import annotations

from collections.abc import Mapping

from omnibus.questionnaire.model import Questionnaire
from omnibus.questionnaire.unavailable import box_of


def total(questionnaire: Questionnaire, live: Mapping[str, object], name: str) -> float | None:
    """The number at `name`, or the sum of a set's answered items; None when there is none or one is a box.

    A "Don't know" box has no value, so a sum over it has none either (a check over it is not made).
    """
    owner = questionnaire.owner(name)
    if owner is None:
        return None
    names = [i.id for i in owner.items if i.id in live] if owner.id == name and owner.items else [name]
    values = [live.get(n) for n in names]
    if not values or any(_no_number(v) or box_of(owner, v) is not None for v in values):
        return None
    return sum(values)  # type: ignore[arg-type]


def _no_number(value: object) -> bool:
    return isinstance(value, bool) or not isinstance(value, int | float)
