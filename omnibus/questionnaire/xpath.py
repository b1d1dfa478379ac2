"""XLSForm's expression language (a subset of XPath), parsed into plain data for translation.

Only parsed, never evaluated: `xlsform.py` translates what our routing grammar can say and
reports the rest. `Unmappable` carries the reason a part cannot be translated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


class Unmappable(Exception):
    """An expression (or part of one) with no equivalent in our language; the message says why."""


@dataclass(frozen=True)
class XRef:
    name: str  # ${name}


@dataclass(frozen=True)
class XDot:
    """`.`: the current question's answer."""


@dataclass(frozen=True)
class XNum:
    value: int | float


@dataclass(frozen=True)
class XStr:
    value: str


@dataclass(frozen=True)
class XName:
    name: str  # a bare path such as `name` in a choice filter


@dataclass(frozen=True)
class XCall:
    function: str
    args: tuple[XNode, ...]


@dataclass(frozen=True)
class XCmp:
    op: str
    left: XNode
    right: XNode


@dataclass(frozen=True)
class XLogic:
    op: str  # and, or
    operands: tuple[XNode, ...]


XNode = XRef | XDot | XNum | XStr | XName | XCall | XCmp | XLogic

_XTOKEN = re.compile(
    r"""\s*(?:
        (?P<ref>\$\{[^}]*\})
      | (?P<number>\d+(?:\.\d+)?|\.\d+)
      | (?P<string>'[^']*'|"[^"]*")
      | (?P<op>!=|<=|>=|=|<|>|\(|\)|,|\+|-|\*|\||\.\.|\.|/|\[|\]|@)
      | (?P<name>[A-Za-z_][A-Za-z0-9_:.\-]*)
    )""",
    re.VERBOSE,
)
COMPARE_OPS = ("=", "!=", "<", "<=", ">", ">=")
FLIP = {"=": "=", "!=": "!=", "<": ">", ">": "<", "<=": ">=", ">=": "<="}
ARITHMETIC = {"+", "-", "*", "/", "|", "div", "mod"}


def _x_tokens(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos = 0
    while text[pos:].strip():
        match = _XTOKEN.match(text, pos)
        if not match:
            raise Unmappable(f"cannot read {text[pos:].strip()[:1]!r}")
        kind = match.lastgroup or "op"
        tokens.append((kind, match.group(kind)))
        pos = match.end()
    tokens.append(("end", ""))
    return tokens


class _XParser:
    """Recursive descent over XPath's boolean core: or, and, comparisons, calls, literals."""

    def __init__(self, text: str) -> None:
        self.tokens = _x_tokens(text)
        self.pos = 0

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.pos]

    def take(self) -> tuple[str, str]:
        self.pos += 1
        return self.tokens[self.pos - 1]

    def accept(self, kind: str, text: str) -> bool:
        if self.peek() == (kind, text):
            self.pos += 1
            return True
        return False

    def parse(self) -> XNode:
        node = self.or_()
        if self.peek()[0] != "end":
            raise Unmappable(f"cannot read from {self.peek()[1]!r}")
        return node

    def or_(self) -> XNode:
        operands = [self.and_()]
        while self.accept("name", "or"):
            operands.append(self.and_())
        return operands[0] if len(operands) == 1 else XLogic("or", tuple(operands))

    def and_(self) -> XNode:
        operands = [self.comparison()]
        while self.accept("name", "and"):
            operands.append(self.comparison())
        return operands[0] if len(operands) == 1 else XLogic("and", tuple(operands))

    def comparison(self) -> XNode:
        left = self.value()
        kind, text = self.peek()
        if kind != "op" or text not in COMPARE_OPS:
            return left
        self.take()
        node = XCmp(text, left, self.value())
        if self.peek()[0] == "op" and self.peek()[1] in COMPARE_OPS:
            raise Unmappable("a chained comparison")
        return node

    def value(self) -> XNode:
        node = self.primary()
        if self.peek()[1] in ARITHMETIC:
            raise Unmappable(f"arithmetic ('{self.peek()[1]}')")
        return node

    def primary(self) -> XNode:
        kind, text = self.take()
        if kind == "op" and text == "-" and self.peek()[0] == "number":
            return XNum(-number_value(self.take()[1]))
        if kind == "op" and text == "(":
            inner = self.or_()
            if not self.accept("op", ")"):
                raise Unmappable("a missing ')'")
            return inner
        if kind == "ref":
            return XRef(text[2:-1].strip())
        if kind == "number":
            return XNum(number_value(text))
        if kind == "string":
            return XStr(text[1:-1])
        if (kind, text) == ("op", "."):
            return XDot()
        if kind == "name" and self.accept("op", "("):
            return XCall(text, self.arguments())
        if kind == "name":
            return XName(text)
        raise Unmappable(f"cannot read {text!r}" if text else "it ends too early")

    def arguments(self) -> tuple[XNode, ...]:
        args: list[XNode] = []
        if self.accept("op", ")"):
            return ()
        args.append(self.or_())
        while self.accept("op", ","):
            args.append(self.or_())
        if not self.accept("op", ")"):
            raise Unmappable("a missing ')'")
        return tuple(args)


def number_value(text: str) -> int | float:
    """A number written in an expression, as an int when it is whole."""
    value = float(text)
    return int(value) if value.is_integer() else value


def parse_xpath(text: str) -> XNode:
    """Parse an XLSForm expression; raises Unmappable for what the parser does not understand."""
    return _XParser(text).parse()


def xpath_text(node: XNode) -> str:
    """An XPath node written back as text, for report lines."""
    if isinstance(node, XRef):
        return f"${{{node.name}}}"
    if isinstance(node, XDot):
        return "."
    if isinstance(node, XNum):
        return f"{node.value:g}"
    if isinstance(node, XStr):
        return f"'{node.value}'"
    if isinstance(node, XName):
        return node.name
    if isinstance(node, XCall):
        return f"{node.function}({', '.join(xpath_text(a) for a in node.args)})"
    if isinstance(node, XCmp):
        return f"{xpath_text(node.left)} {node.op} {xpath_text(node.right)}"
    return f" {node.op} ".join(xpath_text(o) for o in node.operands)


def normalised(node: XCmp) -> XCmp:
    """A comparison with the literal on the right (`5 < ${x}` becomes `${x} > 5`)."""
    if isinstance(node.left, XNum | XStr) and not isinstance(node.right, XNum | XStr):
        return XCmp(FLIP[node.op], node.right, node.left)
    return node
