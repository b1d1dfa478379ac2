"""The routing expression language: a small grammar of our own, parsed here and never `eval`ed.

    expr       := or
    or         := and ("or" and)*
    and        := not ("and" not)*
    not        := "not" not | comparison
    comparison := operand [(= | == | != | <> | < | <= | > | >=) operand
                           | ["not"] "in" "(" literal ("," literal)* ")"]
    operand    := NUMBER | STRING | NAME | NAME "(" [expr ("," expr)*] ")" | "(" expr ")"

Functions: count(Q), answered(Q), chosen(Q, code, …), sum(Q, …) (the numbers, a set's items
added up; no value unless every one has a value, for checks such as `sum(Pct) = 100`). An
unanswered question makes every comparison with it false (as SQL's NULL does), so routing never asks a question on the
strength of an answer that was not given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

FUNCTIONS = {"count": (1, 1), "answered": (1, 1), "chosen": (2, None), "sum": (1, None)}
COMPARISONS = {"=": "=", "==": "=", "!=": "!=", "<>": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
KEYWORDS = {"and", "or", "not", "in"}
MAX_NESTING = 50  # brackets, calls and `not`s inside one another: real routing needs a handful

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<number>\d+(?:\.\d+)?)
      | (?P<string>'[^']*'|"[^"]*")
      | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
      | (?P<op>==|!=|<>|<=|>=|=|<|>|\(|\)|,)
    )""",
    re.VERBOSE,
)


class ExpressionError(ValueError):
    """A routing expression that does not parse; `column` is 1-based within the expression."""

    def __init__(self, message: str, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.column = column


@dataclass(frozen=True)
class Ref:
    """A reference to an earlier answer (question or item id)."""

    name: str


@dataclass(frozen=True)
class Literal:
    """A number or a quoted text."""

    value: int | float | str


@dataclass(frozen=True)
class Compare:
    """`left op right`, op one of = != < <= > >=."""

    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True)
class In:
    """`left in (v, …)`, or `not in` when negated."""

    left: Expr
    values: tuple[int | float | str, ...]
    negated: bool = False


@dataclass(frozen=True)
class Call:
    """count(Q), answered(Q) or chosen(Q, code, …)."""

    function: str
    args: tuple[Expr, ...]


@dataclass(frozen=True)
class Not:
    """`not operand`."""

    operand: Expr


@dataclass(frozen=True)
class BoolOp:
    """`a and b and …` or `a or b or …`."""

    op: str
    operands: tuple[Expr, ...]


Expr = Ref | Literal | Compare | In | Call | Not | BoolOp


@dataclass(frozen=True)
class _Token:
    kind: str  # number, string, name, keyword, op, end
    text: str
    column: int


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if not match:
            column = pos + len(text[pos:]) - len(text[pos:].lstrip()) + 1
            raise ExpressionError(f"unexpected character {text[column - 1]!r}", column)
        kind = match.lastgroup or "op"
        value = match.group(kind)
        column = match.start(kind) + 1
        if kind == "name" and value in KEYWORDS:
            kind = "keyword"
        tokens.append(_Token(kind, value, column))
        pos = match.end()
    tokens.append(_Token("end", "", len(text) + 1))
    return tokens


class _Parser:
    """Recursive descent over the token list; one method per grammar rule."""

    def __init__(self, text: str) -> None:
        self.tokens = _tokenize(text)
        self.pos = 0
        self.depth = 0  # brackets, calls and `not`s open around the current token

    def deeper(self, token: _Token) -> None:
        """Enter one more level of nesting; refuse past MAX_NESTING, before Python's own recursion limit."""
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise ExpressionError(f"nested more than {MAX_NESTING} levels deep", token.column)

    def peek(self) -> _Token:
        return self.tokens[self.pos]

    def take(self) -> _Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def accept(self, kind: str, text: str | None = None) -> _Token | None:
        token = self.peek()
        if token.kind == kind and (text is None or token.text == text):
            return self.take()
        return None

    def expect(self, kind: str, text: str, what: str) -> _Token:
        token = self.accept(kind, text)
        if token is None:
            raise ExpressionError(f"expected {what}, found {_describe(self.peek())}", self.peek().column)
        return token

    def parse(self) -> Expr:
        if self.peek().kind == "end":
            raise ExpressionError("empty expression", 1)
        expr = self.or_()
        if self.peek().kind != "end":
            raise ExpressionError(f"unexpected {_describe(self.peek())}", self.peek().column)
        return expr

    def or_(self) -> Expr:
        operands = [self.and_()]
        while self.accept("keyword", "or"):
            operands.append(self.and_())
        return operands[0] if len(operands) == 1 else BoolOp("or", tuple(operands))

    def and_(self) -> Expr:
        operands = [self.not_()]
        while self.accept("keyword", "and"):
            operands.append(self.not_())
        return operands[0] if len(operands) == 1 else BoolOp("and", tuple(operands))

    def not_(self) -> Expr:
        token = self.accept("keyword", "not")
        if token is None:
            return self.comparison()
        self.deeper(token)
        inner = self.not_()
        self.depth -= 1
        return Not(inner)

    def comparison(self) -> Expr:
        left = self.operand()
        token = self.peek()
        if token.kind == "op" and token.text in COMPARISONS:
            self.take()
            return Compare(COMPARISONS[token.text], left, self.operand())
        negated = False
        if token.kind == "keyword" and token.text == "not" and self._next_is_in():
            self.take()
            negated = True
        if self.accept("keyword", "in"):
            return In(left, self.literal_list(), negated)
        return left

    def _next_is_in(self) -> bool:
        following = self.tokens[self.pos + 1]
        return following.kind == "keyword" and following.text == "in"

    def literal_list(self) -> tuple[int | float | str, ...]:
        self.expect("op", "(", "'(' after 'in'")
        values = [self.literal()]
        while self.accept("op", ","):
            values.append(self.literal())
        self.expect("op", ")", "')' to close the list")
        return tuple(values)

    def literal(self) -> int | float | str:
        token = self.take()
        if token.kind == "number":
            return _number(token.text)
        if token.kind == "string":
            return token.text[1:-1]
        raise ExpressionError(f"expected a number or a quoted text, found {_describe(token)}", token.column)

    def operand(self) -> Expr:
        token = self.take()
        if token.kind == "number":
            return Literal(_number(token.text))
        if token.kind == "string":
            return Literal(token.text[1:-1])
        if token.kind == "name":
            if self.accept("op", "("):
                self.deeper(token)
                called = self.call(token)
                self.depth -= 1
                return called
            return Ref(token.text)
        if token.kind == "op" and token.text == "(":
            self.deeper(token)
            inner = self.or_()
            self.expect("op", ")", "')'")
            self.depth -= 1
            return inner
        raise ExpressionError(f"expected a question, a value or '(', found {_describe(token)}", token.column)

    def call(self, name: _Token) -> Expr:
        if name.text not in FUNCTIONS:
            known = ", ".join(f"{f}()" for f in FUNCTIONS)
            raise ExpressionError(f"unknown function {name.text}(); known: {known}", name.column)
        args: list[Expr] = []
        if not self.accept("op", ")"):
            args.append(self.or_())
            while self.accept("op", ","):
                args.append(self.or_())
            self.expect("op", ")", "')' to close the call")
        least, most = FUNCTIONS[name.text]
        if len(args) < least or (most is not None and len(args) > most):
            wanted = f"{least}" if least == most else f"at least {least}"
            raise ExpressionError(f"{name.text}() takes {wanted} argument(s), not {len(args)}", name.column)
        if not isinstance(args[0], Ref):
            raise ExpressionError(f"the first argument of {name.text}() must be a question", name.column)
        return Call(name.text, tuple(args))


def _number(text: str) -> int | float:
    return float(text) if "." in text else int(text)


def _describe(token: _Token) -> str:
    return "the end" if token.kind == "end" else repr(token.text)


def parse(text: str) -> Expr:
    """Parse a routing expression, raising ExpressionError with the column of the mistake."""
    return _Parser(text).parse()


def references(expr: Expr) -> list[str]:
    """The question and item ids an expression reads, in order of appearance, without repeats."""
    names: list[str] = []

    def visit(node: Expr) -> None:
        if isinstance(node, Ref) and node.name not in names:
            names.append(node.name)
        for child in children(node):
            visit(child)

    visit(expr)
    return names


def children(node: Expr) -> tuple[Expr, ...]:
    """The sub-expressions directly under a node."""
    if isinstance(node, Compare):
        return (node.left, node.right)
    if isinstance(node, In):
        return (node.left,)
    if isinstance(node, Call):
        return node.args
    if isinstance(node, Not):
        return (node.operand,)
    if isinstance(node, BoolOp):
        return node.operands
    return ()


class Context(Protocol):
    """What evaluation needs to know about the answers; the routing engine provides it."""

    def value(self, name: str) -> object:
        """The live answer to a question or item, None when there is none."""

    def count(self, name: str) -> int:
        """Codes chosen (multiple choice) or items answered (grid, numeric set)."""

    def answered(self, name: str) -> bool:
        """Whether the question (any of its items) has a live answer."""

    def total(self, name: str) -> float | None:
        """A number, or a numeric set's items added up; None unless each has a value."""


def evaluate(expr: Expr, context: Context) -> bool:
    """Whether the expression holds for these answers."""
    return bool(_value(expr, context))


def _value(node: Expr, context: Context) -> object:
    if isinstance(node, Literal):
        return node.value
    if isinstance(node, Ref):
        return context.value(node.name)
    if isinstance(node, Compare):
        return _compare(node.op, _value(node.left, context), _value(node.right, context))
    if isinstance(node, In):
        value = _value(node.left, context)
        if value is None or isinstance(value, list):
            return False
        return (value in node.values) != node.negated
    if isinstance(node, Not):
        return not _value(node.operand, context)
    if isinstance(node, BoolOp):
        results = (_value(operand, context) for operand in node.operands)
        return all(results) if node.op == "and" else any(results)
    return _call(node, context)


def _call(node: Call, context: Context) -> object:
    name = node.args[0].name  # type: ignore[union-attr]  # the parser guarantees a Ref
    if node.function == "count":
        return context.count(name)
    if node.function == "answered":
        return context.answered(name)
    if node.function == "sum":
        parts = [context.total(a.name) if isinstance(a, Ref) else _value(a, context) for a in node.args]
        numbers = [p for p in parts if isinstance(p, int | float) and not isinstance(p, bool)]
        return sum(numbers) if len(numbers) == len(parts) else None
    value = context.value(name)
    chosen = set(value) if isinstance(value, list) else {value}
    codes = {_value(arg, context) for arg in node.args[1:]}
    return bool(chosen & codes)


def _compare(op: str, left: object, right: object) -> bool:
    if left is None or right is None or isinstance(left, list) or isinstance(right, list):
        return False
    numeric = isinstance(left, int | float) and isinstance(right, int | float)
    if not numeric and type(left) is not type(right):
        return False
    if op == "=":
        return left == right
    if op == "!=":
        return left != right
    if op == "<":
        return left < right  # type: ignore[operator]
    if op == "<=":
        return left <= right  # type: ignore[operator]
    if op == ">":
        return left > right  # type: ignore[operator]
    return left >= right  # type: ignore[operator]
