"""XLSForm constraints that become the newer constructs: a number's "Don't know" codes.

ODK forms often let a number take a special value for "Don't know": a constraint such as
`(. >= 0 and . <= 100) or . = -99`. Each `. = N` alternative becomes one of our boxes
(`unavailable:`; the first "Don't know", then "Not available", then "Prefer not to say"), stored
with our missing code rather than N; the rest of the constraint is read as before. Used by
`xlsform.py`, which reports the notes as it reports every other conversion.
"""

from __future__ import annotations

from omnibus.questionnaire.model import UNAVAILABLE_CODES, UNAVAILABLE_LABELS
from omnibus.questionnaire.xpath import XCmp, XDot, XLogic, XNode, XNum, xpath_text

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
