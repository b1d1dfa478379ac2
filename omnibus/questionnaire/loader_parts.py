"""The loader's readers for the keys of the newer constructs: a number's `unavailable:` boxes and `as_at:`, `checks:`.

Each reader takes the loader's `_Reader` (its node helpers and problem list) so that these
keys are reported at their lines like every other, while their code stays out of the loader.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol

import yaml

from omnibus.questionnaire.model import UNAVAILABLE_CODES, AsAt, Check, Option
from omnibus.questionnaire.unavailable import standard


class NodeReader(Protocol):
    """What these readers use of the loader's reader."""

    def problem(self, node: yaml.Node, message: str) -> None:
        """Report a problem at the node's line."""

    def text(self, node: yaml.Node | None, what: str) -> str | None:
        """A scalar's text, or a problem."""

    def sequence(self, node: yaml.Node, what: str) -> list[yaml.Node]:
        """A list's nodes, or a problem."""

    def mapping(self, node: yaml.Node, allowed: set[str], required: set[str], what: str) -> dict[str, yaml.Node]:
        """A mapping's values by key; unknown, repeated and missing keys are problems."""


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


CHECK_KEYS = {"rule", "message", "field"}


def checks(reader: NodeReader, node: yaml.Node, where: str) -> list[Check]:
    """`checks:` of a question or section: each a rule that must hold, its message and the field it names."""
    found = []
    for item in reader.sequence(node, f"{where}: checks"):
        fields = reader.mapping(item, CHECK_KEYS, {"rule", "message"}, f"{where}: check")
        rule = reader.text(fields.get("rule"), f"{where}: check rule")
        message = reader.text(fields.get("message"), f"{where}: check message")
        if rule is None or message is None:
            continue
        lines = {key: value.start_mark.line + 1 for key, value in fields.items()}
        field = reader.text(fields.get("field"), f"{where}: check field")
        found.append(Check(rule, message, item.start_mark.line + 1, lines, field))
    return found


AS_AT_KEYS = {"default", "ask", "earliest"}
ASK = ("when_different", "always")


def as_at(reader: NodeReader, node: yaml.Node, where: str) -> AsAt | None:
    """`as_at: {default: 2018-03-31, ask: when_different, earliest: 2017-04-01}`."""
    fields = reader.mapping(node, AS_AT_KEYS, {"default"}, f"{where} as_at")
    default = _date(reader, fields.get("default"), f"{where}: as_at default")
    earliest = _date(reader, fields.get("earliest"), f"{where}: as_at earliest")
    ask = reader.text(fields.get("ask"), f"{where}: as_at ask") or "when_different"
    if ask not in ASK:
        reader.problem(fields["ask"], f"{where}: as_at ask should be one of {', '.join(ASK)}, not {ask!r}")
    if default is not None and earliest is not None and earliest > default:
        reader.problem(fields["earliest"], f"{where}: as_at earliest ({earliest}) is after the default ({default})")
    if default is None:
        return None
    return AsAt(default, ask, earliest, node.start_mark.line + 1)


def _date(reader: NodeReader, node: yaml.Node | None, what: str) -> date | None:
    if node is None:
        return None
    text = node.value if isinstance(node, yaml.ScalarNode) else ""
    try:
        return date.fromisoformat(str(text))
    except ValueError:
        reader.problem(node, f"{what} should be a date like 2018-03-31, not {str(text)[:30]!r}")
        return None
