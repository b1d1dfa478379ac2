"""The loader's readers for the keys of the newer constructs: a number's `unavailable:` boxes.

Each reader takes the loader's `_Reader` (its node helpers and problem list) so that these
keys are reported at their lines like every other, while their code stays out of the loader.
"""

from __future__ import annotations

from typing import Protocol

import yaml

from omnibus.questionnaire.model import UNAVAILABLE_CODES, Option
from omnibus.questionnaire.unavailable import standard


class NodeReader(Protocol):
    """What these readers use of the loader's reader."""

    def problem(self, node: yaml.Node, message: str) -> None:
        """Report a problem at the node's line."""

    def text(self, node: yaml.Node | None, what: str) -> str | None:
        """A scalar's text, or a problem."""


def unavailable(reader: NodeReader, node: yaml.Node, where: str) -> list[Option]:
    """`unavailable: [dont_know, not_available]`, or a mapping of those kinds to labels."""
    known = ", ".join(UNAVAILABLE_CODES)
    pairs: list[tuple[yaml.Node, yaml.Node | None]]
    if isinstance(node, yaml.SequenceNode):
        pairs = [(kind, None) for kind in node.value]
    elif isinstance(node, yaml.MappingNode):
        pairs = list(node.value)
    else:
        reader.problem(node, f"{where}: unavailable should list boxes ({known}) or map them to labels")
        return []
    boxes: list[Option] = []
    for kind_node, label_node in pairs:
        kind = reader.text(kind_node, f"{where}: unavailable box")
        if kind is None:
            continue
        if kind not in UNAVAILABLE_CODES:
            reader.problem(kind_node, f"{where}: unknown unavailable box {kind!r}; known: {known}")
            continue
        if any(box.missing == kind for box in boxes):
            reader.problem(kind_node, f"{where}: unavailable box {kind!r} is given twice")
            continue
        label = reader.text(label_node, f"{where}: label of {kind}") if label_node is not None else None
        boxes.append(standard(kind, kind_node.start_mark.line + 1, label))
    if not boxes:
        reader.problem(node, f"{where}: unavailable names no box; give one or more of {known}")
    return boxes
