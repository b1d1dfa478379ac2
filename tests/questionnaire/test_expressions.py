"""The routing grammar: parsing, errors with columns, and evaluation with missing answers."""

import pytest

from omnibus.questionnaire import expressions as ex


class Answers:
    """A plain evaluation context over a dict, as the routing engine gives one."""

    def __init__(self, values: dict[str, object]) -> None:
        self.values = values

    def value(self, name: str) -> object:
        return self.values.get(name)

    def count(self, name: str) -> int:
        value = self.values.get(name)
        return len(value) if isinstance(value, list) else int(value is not None)

    def answered(self, name: str) -> bool:
        return self.count(name) > 0


def holds(text: str, **answers: object) -> bool:
    return ex.evaluate(ex.parse(text), Answers(answers))


def test_precedence_not_then_and_then_or() -> None:
    tree = ex.parse("not A = 1 and B = 2 or C = 3")
    assert isinstance(tree, ex.BoolOp) and tree.op == "or"
    left = tree.operands[0]
    assert isinstance(left, ex.BoolOp) and left.op == "and"
    assert isinstance(left.operands[0], ex.Not)


@pytest.mark.parametrize(
    ("text", "answers", "expected"),
    [
        ("SBcosteff in (1, 2)", {"SBcosteff": 2}, True),
        ("SBcosteff in (1, 2)", {"SBcosteff": 3}, False),
        ("SBcosteff not in (1, 2)", {"SBcosteff": 3}, True),
        ("SBcosteff not in (1, 2)", {}, False),
        ("count(SuppSou) > 1", {"SuppSou": [1, 4]}, True),
        ("count(SuppSou) > 1", {"SuppSou": [4]}, False),
        ("chosen(HLEprog, 10)", {"HLEprog": [1, 10]}, True),
        ("chosen(HLEprog, 3, 10)", {"HLEprog": [3]}, True),
        ("not chosen(HLEprog, 10)", {"HLEprog": [1]}, True),
        ("answered(SWreturn)", {"SWreturn": "Mentoring"}, True),
        ("answered(SWreturn)", {}, False),
        ("Spend >= 1000.5", {"Spend": 2000}, True),
        ("Region = 'London'", {"Region": "London"}, True),
        ("Region <> 'London'", {"Region": "North"}, True),
        ("A = 1 and (B = 2 or C == 3)", {"A": 1, "C": 3}, True),
    ],
)
def test_evaluation(text: str, answers: dict[str, object], expected: bool) -> None:
    assert holds(text, **answers) is expected


def test_unanswered_makes_every_comparison_false() -> None:
    for op in ("=", "!=", "<", "<=", ">", ">="):
        assert holds(f"SWoff {op} 3") is False
    assert holds("not SWoff = 3") is True


def test_comparing_text_with_number_is_false_not_an_error() -> None:
    assert holds("A > 1", A="many") is False


@pytest.mark.parametrize(
    ("text", "column", "fragment"),
    [
        ("", 1, "empty"),
        ("A = ", 5, "expected a question"),
        ("A = 1 B", 7, "unexpected 'B'"),
        ("A in 1, 2", 6, "'(' after 'in'"),
        ("A in (1, 2", 11, "')' to close"),
        ("size(A) > 1", 1, "unknown function size()"),
        ("count(A, 2) > 1", 1, "takes 1 argument"),
        ("chosen(A)", 1, "at least 2"),
        ("A = 1 & B = 2", 7, "unexpected character '&'"),
        ("count(1) > 1", 1, "must be a question"),
    ],
)
def test_errors_name_the_column(text: str, column: int, fragment: str) -> None:
    with pytest.raises(ex.ExpressionError) as caught:
        ex.parse(text)
    assert fragment in caught.value.message
    assert caught.value.column == column


def test_references_in_order_without_repeats() -> None:
    tree = ex.parse("chosen(B, 1) and A = 2 or count(B) > 0 and answered(C)")
    assert ex.references(tree) == ["B", "A", "C"]


def test_nothing_is_evaluated_as_python() -> None:
    with pytest.raises(ex.ExpressionError):
        ex.parse("__import__('os').system('true')")
