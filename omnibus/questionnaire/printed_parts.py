"""The parts of the printed questionnaire that each kind fills in: the question record and answer formats.

`printed` works out the whole printed questionnaire and asks each question's kind (`kinds`)
to fill in its answering part (options, scale, item answers, answer line) with these.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from omnibus.questionnaire.model import Item, Option, Question, Questionnaire


@dataclass
class ItemLine:
    """One row of a grid or numeric set as printed: "(a) under 5 years?"."""

    letter: str  # "(a)"
    text: str  # piped
    variable: str
    routing: str | None = None  # "Ask if …" when the item is routed on its own
    answer: str | None = None  # numeric sets: "Numeric <range 0-10,000,000> £"


@dataclass
class PrintedQuestion:
    """Everything printed for one question, in reading order."""

    id: str
    type: str
    heading: str | None
    routing: str  # "Ask all" / "Ask if …"
    preamble: str | None
    text: str
    instructions: list[str] = field(default_factory=list)  # the hint, or the multi-choice instruction
    feed: str | None = None  # "<Feed through a list of options they said they used from SuppSou>"
    options: list[str] = field(default_factory=list)  # "1. Very confident"
    scale: list[str] = field(default_factory=list)  # a grid's column labels
    items: list[ItemLine] = field(default_factory=list)  # grid and numeric-set rows
    answer: str | None = None  # "Open <150 characters>", "Numeric <range 0-10> £"
    note: str | None = None
    base: str | None = None  # "Base: …" only when it differs from the questionnaire's base_all


def option_label(option: Option) -> str:
    """An option's printed label, marking exclusive and specify codes unless the label says so."""
    label = option.label
    lowered = label.lower()
    if option.specify and "specify" not in lowered:
        label += " (please specify)"
    if option.exclusive and "exclusive" not in lowered and "single code" not in lowered:
        label += " [exclusive]"
    return label


def option_words(option: Option) -> str:
    """An option as a respondent reads it (the Excel copy): its label, "(please specify)" added, no notation."""
    if option.specify and "specify" not in option.label.lower():
        return f"{option.label} (please specify)"
    return option.label


def feed_line(question: Question, questionnaire: Questionnaire) -> str | None:
    """The feed-through line: "<Feed through a list of options they said they used from SuppSou>"."""
    feed = question.options_from
    if feed is None:
        return None
    which = "used" if feed.chosen else "hadn't used"
    return f"<Feed through a list of options they said they {which} from {feed.question}>"


def numeric_format(question: Question, item: Item | None = None) -> str:
    """A numeric answer line, "Numeric <range 0-10,000,000> £": the range (an item's own if set), prefix, suffix."""
    low, high = value_range(question, item)
    if low is not None and high is not None:
        words = f"range {number_text(low)}-{number_text(high)}"
    elif low is not None:
        words = f"at least {number_text(low)}"
    elif high is not None:
        words = f"at most {number_text(high)}"
    else:
        words = ""
    if not question.integer:
        words = f"{words}, decimals allowed" if words else "decimals allowed"
    parts = ["Numeric" + (f" <{words}>" if words else ""), question.prefix, question.suffix]
    if question.unavailable:  # a number's "Don't know" boxes, with the codes they store
        parts.append("or: " + " / ".join(f"{o.label} ({o.code})" for o in question.unavailable))
    return " ".join(part for part in parts if part)


def value_range(question: Question, item: Item | None = None) -> tuple[float | None, float | None]:
    """The allowed range of a number: an item's own bounds override the question's."""
    low = item.min if item is not None and item.min is not None else question.min
    high = item.max if item is not None and item.max is not None else question.max
    return low, high


def number_text(value: float) -> str:
    """A bound as printed: 10,000,000 (no ".0" on whole numbers)."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"
