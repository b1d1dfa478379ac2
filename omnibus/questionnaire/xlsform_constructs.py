"""XLSForm constraints that become the newer constructs: a number's "Don't know" codes, cross-item checks.

ODK forms often let a number take a special value for "Don't know": a constraint such as
`(. >= 0 and . <= 100) or . = -99`. Each `. = N` alternative becomes one of our boxes
(`unavailable:`; the first "Don't know", then "Not available", then "Prefer not to say"), stored
with our missing code rather than N; the rest of the constraint is read as before. Used by
`xlsform.py`, which reports the notes as it reports every other conversion.

A constraint comparing the answer with an earlier one (`. <= ${issued}`) becomes a check on the
question (`checks:`), with the form's constraint_message as its message.
"""

from __future__ import annotations

from collections.abc import Callable

from omnibus.questionnaire.model import UNAVAILABLE_CODES, UNAVAILABLE_LABELS
from omnibus.questionnaire.xpath import Unmappable, XCmp, XDot, XLogic, XNode, XNum, XRef, normalised, xpath_text

BOX_ORDER = ("dont_know", "not_available", "prefer_not_to_say")


def special_values(node: XNode, question: dict) -> tuple[XNode, list[str]]:
    """The constraint without its `. = N` alternatives, and notes on the boxes they became.

    Only a number's constraint with another alternative (its range) is split; anything else comes back as it is.
    """
    parts = node.operands if isinstance(node, XLogic) and node.op == "or" else (node,)
    special = [p for p in parts if isinstance(p, XCmp) and p.op == "=" and _dot_and_number(p)]
    if question.get("type") != "number" or not special or len(special) == len(parts):
        return node, []
    notes = []
    boxes = []
    for part, kind in zip(special, BOX_ORDER, strict=False):
        boxes.append(kind)
        value = part.right.value if isinstance(part.right, XNum) else part.left.value  # type: ignore[union-attr]
        notes.append(
            f"'{xpath_text(part)}' becomes a \"{UNAVAILABLE_LABELS[kind]}\" box (unavailable: {kind}): "
            f"an answer of {value:g} is stored as {UNAVAILABLE_CODES[kind]}"
        )
    notes += [f"'{xpath_text(p)}' not carried over: a number has at most three boxes" for p in special[3:]]
    question["unavailable"] = boxes
    rest = [p for p in parts if p not in special]
    return (rest[0] if len(rest) == 1 else XLogic("or", tuple(rest))), notes


def _dot_and_number(node: XCmp) -> bool:
    sides = {type(node.left), type(node.right)}
    return sides == {XDot, XNum}


def cross_checks(
    node: XNode, question: dict, lookup: Callable[[str], str], message: str
) -> tuple[XNode | None, list[str]]:
    """Parts of an `and` constraint comparing the answer with an earlier one (`. <= ${issued}`) as checks.

    `lookup` gives an earlier question's id (raising Unmappable); `message` is the form's
    constraint_message, else one is worded. Returns the rest of the constraint (None when nothing
    is left) and notes on what became checks or could not.
    """
    parts = node.operands if isinstance(node, XLogic) and node.op == "and" else (node,)
    rest, notes = [], []
    for part in parts:
        cmp = normalised(part) if isinstance(part, XCmp) else None
        if cmp is None or not isinstance(cmp.left, XDot) or not isinstance(cmp.right, XRef):
            rest.append(part)
            continue
        try:
            other = lookup(cmp.right.name)
        except Unmappable as error:
            notes.append(f"'{xpath_text(part)}' not carried over: {error}")
            continue
        rule = f"{question['id']} {cmp.op} {other}"
        said = message or f"The answer must be {OP_WORDS[cmp.op]} the answer to {other}"
        question.setdefault("checks", []).append({"rule": rule, "message": said})
        notes.append(f"'{xpath_text(part)}' becomes the check '{rule}'")
    if not rest:
        return None, notes
    return (rest[0] if len(rest) == 1 else XLogic("and", tuple(rest))), notes


OP_WORDS = {
    "=": "equal to",
    "!=": "different from",
    "<": "less than",
    "<=": "no more than",
    ">": "more than",
    ">=": "at least",
}
