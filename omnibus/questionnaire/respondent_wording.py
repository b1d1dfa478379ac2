"""Routing and options in a respondent's words, for the Excel copy sent with every invitation.

The printed questionnaire (text, Word) is the researcher's: "Ask if SBcosteff is 1 (Very
cost-effective)", "[exclusive]", "<Feed through …>". The respondent's copy says the same in
plain words about the questions themselves: "Answer only if you answered ‘Very cost-effective’
or ‘Fairly cost-effective’ above". A question is named by its short label, or "above" when it
is the question being answered or the one just before it.
"""

from __future__ import annotations

from dataclasses import dataclass

from omnibus.questionnaire import expressions as ex
from omnibus.questionnaire.kinds import kind_of
from omnibus.questionnaire.labels import short_label
from omnibus.questionnaire.model import Option, Question, Questionnaire, Section
from omnibus.questionnaire.printed_parts import option_words
from omnibus.questionnaire.routing import parsed

MORE_OR_LESS = {"<": "less than", "<=": "at most", ">": "more than", ">=": "at least"}


@dataclass
class RespondentWording:
    """Words for the rows of one questionnaire's Excel copy; `current` is the question being laid out."""

    questionnaire: Questionnaire
    current: Question | None = None

    def condition(self, conditions: list[str | None]) -> str:
        """ "Answer only if …" for all the conditions together, or "" when the row applies to everyone."""
        present = [c for c in conditions if c]
        if not present:
            return ""
        return "Answer only if " + " and ".join(self._words(parsed(c)) for c in present)

    def section(self, section: Section) -> str | None:
        """A section's own routing in words (being on the menu is not a condition: colleagues pick sections)."""
        return f"Answer this section only if {self._words(parsed(section.ask_if))}" if section.ask_if else None

    def option(self, option: Option) -> str:
        """An option as the respondent reads it (see `option_words`)."""
        return option_words(option)

    def feed(self, question: Question) -> str | None:
        """Which of a fed-through question's options apply, in words."""
        feed = question.options_from
        if feed is None:
            return None
        which = "you chose" if feed.chosen else "you did not choose"
        return f"Only the options {which} {self._at(feed.question)}"

    # -- expressions ------------------------------------------------------------------------

    def _words(self, node: ex.Expr) -> str:
        if isinstance(node, ex.BoolOp):
            parts = [self._grouped(operand, node.op) for operand in node.operands]
            return f" {node.op} ".join(parts)
        if isinstance(node, ex.Not):
            return self._negated(node.operand)
        if isinstance(node, ex.In) and isinstance(node.left, ex.Ref):
            return self._answered(node.left.name, node.values, negated=node.negated)
        if isinstance(node, ex.Compare):
            return self._compare(node)
        if isinstance(node, ex.Call):
            return self._call(node, negated=False)
        return "it applies to you"

    def _grouped(self, node: ex.Expr, parent_op: str) -> str:
        text = self._words(node)
        return f"({text})" if isinstance(node, ex.BoolOp) and node.op != parent_op else text

    def _negated(self, node: ex.Expr) -> str:
        if isinstance(node, ex.Call):
            return self._call(node, negated=True)
        if isinstance(node, ex.Compare) and node.op == "=":
            return self._compare(ex.Compare("!=", node.left, node.right))
        if isinstance(node, ex.In):
            return self._words(ex.In(node.left, node.values, not node.negated))
        return f"it is not the case that {self._words(node)}"

    def _compare(self, node: ex.Compare) -> str:
        left, right = node.left, node.right
        if isinstance(left, ex.Call) and left.function == "count" and isinstance(right, ex.Literal):
            return self._count(left, node.op, right.value)
        if isinstance(left, ex.Ref) and isinstance(right, ex.Literal) and node.op in ("=", "!="):
            return self._answered(left.name, (right.value,), negated=node.op == "!=")
        if isinstance(left, ex.Ref) and isinstance(right, ex.Literal) and node.op in MORE_OR_LESS:
            return f"your answer {self._at(left.name)} is {MORE_OR_LESS[node.op]} {_number(right.value)}"
        return "it applies to you"

    def _count(self, call: ex.Call, op: str, n: object) -> str:
        at = self._at(call.args[0].name) if isinstance(call.args[0], ex.Ref) else "above"
        if (op, n) in ((">", 0), (">=", 1)):
            return f"you chose any option {at}"
        if (op, n) in (("=", 0), ("<", 1)):
            return f"you chose nothing {at}"
        amount = MORE_OR_LESS.get(op, "exactly" if op == "=" else "other than")
        return f"you chose {amount} {_number(n)} {'option' if n == 1 else 'options'} {at}"

    def _call(self, node: ex.Call, negated: bool) -> str:
        ref = node.args[0]
        name = ref.name if isinstance(ref, ex.Ref) else ""
        if node.function == "answered":
            return f"you {'did not answer' if negated else 'answered'} {self._name(name, 'the question above')}"
        if node.function == "count":
            return f"you chose {'nothing' if negated else 'any option'} {self._at(name)}"
        codes = tuple(a.value for a in node.args[1:] if isinstance(a, ex.Literal))
        verb = "did not choose" if negated else "chose"
        return f"you {verb} {self._labels(name, codes, 'nor' if negated else 'or')} {self._at(name)}"

    def _answered(self, name: str, values: tuple[object, ...], negated: bool) -> str:
        verb = "did not answer" if negated else "answered"
        return f"you {verb} {self._labels(name, values, 'nor' if negated else 'or')} {self._at(name)}"

    def _labels(self, name: str, values: tuple[object, ...], joiner: str) -> str:
        owner = self.questionnaire.owner(name)
        labels: dict[object, str] = {}
        if owner is not None and kind_of(owner).coded:
            labels = {o.code: o.label for o in self.questionnaire.options_of(owner)}
        shown = [f"‘{labels[v]}’" if v in labels else _number(v) for v in values]
        return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + f" {joiner} " + shown[-1]

    def _at(self, name: str) -> str:
        """Where an answer was given: "above", or "at ‘Sources of support used’"."""
        named = self._name(name, "above")
        return named if named == "above" else f"at {named}"

    def _name(self, name: str, above: str) -> str:
        """The question a name belongs to: `above` when it is this one or the one before, else its label."""
        owner = self.questionnaire.owner(name)
        if owner is None:
            return f"‘{name}’"
        current = self.current
        position = self.questionnaire.position
        if current is not None and (
            owner is current or (owner.section == current.section and position(owner.id) == position(current.id) - 1)
        ):
            return above
        return f"‘{short_label(owner)}’"


def _number(value: object) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)
