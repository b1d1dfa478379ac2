"""Routing in words: "Ask if SBcosteff is 1 (Very cost-effective) or 2 (Fairly cost-effective)".

The printed questionnaire, the Excel copy and the base descriptions of tables all describe
routing; they all use `describe` so that the words match wherever they appear.
"""

from __future__ import annotations

from omnibus.questionnaire import expressions as ex
from omnibus.questionnaire.kinds import kind_of
from omnibus.questionnaire.model import Question, Questionnaire, Section
from omnibus.questionnaire.routing import parsed

OP_WORDS = {
    "=": "is",
    "!=": "is not",
    "<": "is less than",
    "<=": "is at most",
    ">": "is more than",
    ">=": "is at least",
}
COUNT_WORDS = {
    "=": "exactly",
    "!=": "other than",
    "<": "fewer than",
    "<=": "at most",
    ">": "more than",
    ">=": "at least",
}


def describe(condition: str, questionnaire: Questionnaire) -> str:
    """An `ask_if` expression in words, with option labels beside codes."""
    return _words(parsed(condition), questionnaire)


def ask_line(question: Question, questionnaire: Questionnaire) -> str:
    """The printed routing line of a question: "Ask all" or "Ask if …"."""
    if not question.ask_if:
        return "Ask all"
    return f"Ask if {describe(question.ask_if, questionnaire)}"


def section_line(section: Section, questionnaire: Questionnaire) -> str | None:
    """The printed routing line of a section, if it has routing of its own or sits in the menu."""
    parts = []
    menu = questionnaire.menu
    if menu is not None:
        codes = [str(code) for code, offered in questionnaire.menu_sections if offered.id == section.id]
        if codes:
            parts.append(f"If {menu.id} = {' or '.join(codes)}")
    if section.ask_if:
        parts.append(f"Ask if {describe(section.ask_if, questionnaire)}")
    return "; ".join(parts) or None


def base_description(question: Question, questionnaire: Questionnaire) -> str:
    """Who was asked: the question's own `base`, else derived from its routing."""
    if question.base:
        return question.base
    section = questionnaire.section(question.section)
    conditions = [c for c in (section.ask_if if section else None, question.ask_if) if c]
    if not conditions:
        return questionnaire.base_all
    words = " and ".join(describe(c, questionnaire) for c in conditions)
    return f"{questionnaire.base_all} where {words}"


def _words(node: ex.Expr, q: Questionnaire) -> str:
    if isinstance(node, ex.BoolOp):
        parts = [_grouped(operand, node.op, q) for operand in node.operands]
        return f" {node.op} ".join(parts)
    if isinstance(node, ex.Not):
        return _negated(node.operand, q)
    if isinstance(node, ex.In):
        values = _codes(node.left, node.values, q, " nor " if node.negated else " or ")
        verb = "is neither" if node.negated and len(node.values) > 1 else "is not" if node.negated else "is"
        return f"{_operand(node.left, q)} {verb} {values}"
    if isinstance(node, ex.Compare):
        return _compare(node, q)
    if isinstance(node, ex.Call):
        return _call(node, q, negated=False)
    return _operand(node, q)


def _grouped(node: ex.Expr, parent_op: str, q: Questionnaire) -> str:
    text = _words(node, q)
    needs_brackets = isinstance(node, ex.BoolOp) and node.op != parent_op
    return f"({text})" if needs_brackets else text


def _negated(node: ex.Expr, q: Questionnaire) -> str:
    if isinstance(node, ex.Call):
        return _call(node, q, negated=True)
    if isinstance(node, ex.Compare) and node.op == "=":
        return _compare(ex.Compare("!=", node.left, node.right), q)
    return f"not ({_words(node, q)})"


def _compare(node: ex.Compare, q: Questionnaire) -> str:
    if isinstance(node.left, ex.Call) and node.left.function == "count" and isinstance(node.right, ex.Literal):
        name = _operand(node.left.args[0], q)
        n = node.right.value
        if (node.op, n) in ((">", 0), (">=", 1)):
            return f"any answer given at {name}"
        noun = "answer" if n == 1 else "answers"
        return f"{COUNT_WORDS[node.op]} {n} {noun} given at {name}"
    right = (
        _codes(node.left, (node.right.value,), q, "") if isinstance(node.right, ex.Literal) else _operand(node.right, q)
    )
    return f"{_operand(node.left, q)} {OP_WORDS[node.op]} {right}"


def _call(node: ex.Call, q: Questionnaire, negated: bool) -> str:
    name = _operand(node.args[0], q)
    if node.function == "answered":
        return f"{name} was {'not ' if negated else ''}answered"
    if node.function == "count":
        return f"{'no' if negated else 'any'} answer given at {name}"
    if node.function == "sum":
        added = " + ".join(_operand(a, q) for a in node.args)
        return f"not ({added})" if negated else f"({added})" if len(node.args) > 1 else f"the total of {added}"
    codes = tuple(a.value for a in node.args[1:] if isinstance(a, ex.Literal))
    if not negated:
        return f"{name} includes {_codes(node.args[0], codes, q, ' or ')}"
    if len(codes) == 1:
        return f"{name} does not include {_codes(node.args[0], codes, q, '')}"
    return f"{name} includes neither {_codes(node.args[0], codes, q, ' nor ')}"


def _codes(ref: ex.Expr, values: tuple[object, ...], q: Questionnaire, joiner: str) -> str:
    """Codes with their labels: "1 (Very cost-effective) or 2 (Fairly cost-effective)"."""
    labels: dict[object, str] = {}
    owner = q.owner(ref.name) if isinstance(ref, ex.Ref) else None
    if owner is not None and kind_of(owner).coded:
        labels = {o.code: o.label for o in q.options_of(owner)}
    shown = [f"{v} ({labels[v]})" if v in labels else _literal(v) for v in values]
    if len(shown) <= 1 or not joiner:
        return "".join(shown)
    return ", ".join(shown[:-1]) + joiner + shown[-1]


def _literal(value: object) -> str:
    return f"'{value}'" if isinstance(value, str) else f"{value:,}" if isinstance(value, int) else str(value)


def _operand(node: ex.Expr, q: Questionnaire) -> str:
    if isinstance(node, ex.Ref):
        return node.name
    if isinstance(node, ex.Literal):
        return _literal(node.value)
    return _words(node, q)
