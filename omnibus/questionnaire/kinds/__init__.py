"""Question kinds: what each `type` of question is, stores, reads, prints and draws.

A question's `type` is what the file says (`single`, `grid`, …); its *kind* is the object
that knows what that type means, so that the rest of the code asks the kind rather than
comparing type strings. `KINDS` maps each type to its kind; `kind_of(question)` looks it up.

Each kind has:

- predicates (`answerable`, `choice`, `multiple`, `has_items`, `coded`, `scale`, `numeric`,
  `open_text`) that the stages test instead of listing types;
- its answer keys and dataset variables;
- how it reads a posted page, fills in its printed answers and its rows of the Excel
  questionnaire, and draws a random answer.

The kinds live one family to a module (`choice`, `items`, `grids`, `open`, `statement`, with
what they share in `base`, and what every grid's rows share in `rows`) and hold all of that
logic themselves. They import only what sits below them: the model, and the small modules of
plain records and shared rules they fill in (`naming`, `reading`, `route`, `printed_parts`,
`xlsx_parts`). The stages that work through a whole questionnaire (`variables`, `routing`,
`validation`, `printed`, `render_xlsx`, and the rest) sit above the kinds and ask them, so
imports run one way only.

The missing codes of the dataset (`NOT_ASKED`, `NOT_ANSWERED`) and the one rule that turns
a live answer into a dataset value (`dataset_value`) are kept here too, for every kind.

Adding a kind: write a subclass of `QuestionKind` that sets its predicates and implements
every method the base class leaves raising `NotImplementedError`, add it to `KINDS` and to
`QUESTION_TYPES` in `model.py` (and the language guide and JSON Schema), then teach the
loader and checker the keys it reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from omnibus.questionnaire.kinds.base import QuestionKind
from omnibus.questionnaire.kinds.choice import Multi, Single
from omnibus.questionnaire.kinds.grids import MultiGrid, TwoWayGrid
from omnibus.questionnaire.kinds.items import Grid, Numbers
from omnibus.questionnaire.kinds.open import Number, Text
from omnibus.questionnaire.kinds.statement import Statement
from omnibus.questionnaire.model import Question
from omnibus.questionnaire.naming import Variable
from omnibus.questionnaire.printed_parts import PrintedQuestion

# The dataset's missing codes (see `omnibus.analysis.dataset` for the contract).
NOT_ASKED = -1  # routing did not ask it, or its section was not reached
NOT_ANSWERED = -2  # asked and left unanswered

KINDS: dict[str, QuestionKind] = {
    kind.type: kind
    for kind in (Single(), Multi(), Grid(), Text(), Number(), Numbers(), Statement(), MultiGrid(), TwoWayGrid())
}


def kind_of(question: Question | PrintedQuestion) -> QuestionKind:
    """What a question's type means: its predicates, variables, reading, printing (a printed one's too)."""
    return KINDS[question.type]


def flag_code(variable: Variable) -> int:
    """The option code of a multiple choice's 0/1 variable (`{id}_{code}`)."""
    return int(variable.name.rsplit("_", 1)[1])


def dataset_value(variable: Variable, asked: bool, live: Mapping[str, object]) -> object:
    """One variable's value in the dataset, with the missing codes: the one rule for every kind.

    A text not asked is empty (None), one asked is its text ("" when not given); anything else
    not asked is NOT_ASKED, asked but not given NOT_ANSWERED; a multiple choice's flag is 1 or 0.
    """
    if variable.kind == "date":  # the date a number's figure relates to: a date, or none
        value = live.get(variable.name) if asked else None
        return date.fromisoformat(value) if isinstance(value, str) else None
    if variable.kind == "text":
        if not asked:
            return None
        value = live.get(variable.name)
        return "" if value is None else str(value)
    if not asked:
        return NOT_ASKED
    if variable.kind == "flag":
        chosen = live.get(variable.item or variable.question)  # a multi_grid row's list, else the question's
        if not isinstance(chosen, list):
            return NOT_ANSWERED
        return 1 if flag_code(variable) in chosen else 0
    value = live.get(variable.name)
    if value is None:
        return NOT_ANSWERED
    return float(value) if variable.kind == "number" else int(value)  # type: ignore[arg-type]
