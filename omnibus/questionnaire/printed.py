"""What the printed questionnaire says, worked out once for the text, Word and Excel copies.

`printed_sections` turns a questionnaire into plain records (sections, questions, their lines
and tables) in the printed form of Appendix 2 of the Wave 3 report: routing in words, the
variable name, the piped text ("[answer at Id]"), numbered options, grids as items against a
scale, numeric sets one line per item. Each question's kind (`kinds`) fills in its answering
part with the record and answer formats of `printed_parts`. The renderers only lay these
records out, so the three copies cannot drift apart in wording.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from omnibus.questionnaire.checks import check_lines
from omnibus.questionnaire.kinds import kind_of
from omnibus.questionnaire.model import Item, Question, Questionnaire
from omnibus.questionnaire.numbering import letters, number_of, numbered
from omnibus.questionnaire.piping import pipe
from omnibus.questionnaire.printed_parts import ItemLine, PrintedQuestion
from omnibus.questionnaire.wording import ask_line, base_description, describe, section_line

NUMBER_WORDS = {
    1: "one",
    2: "two",
    3: "three",
    4: "four",
    5: "five",
    6: "six",
    7: "seven",
    8: "eight",
    9: "nine",
    10: "ten",
}
BOLD = re.compile(r"\*\*(.+?)\*\*", re.DOTALL)


@dataclass
class PrintedSection:
    """A section as printed: "Section 2: Children's Social Care" and its questions."""

    id: str
    number: int
    title: str  # "Section 2: Children's Social Care"
    routing: str | None  # "If QSelect = 2"
    intro: str | None
    questions: list[PrintedQuestion] = field(default_factory=list)


@dataclass
class PrintedMenu:
    """The section menu (QSelect) as printed."""

    id: str
    text: str
    hint: str | None
    options: list[str]  # "1. Children's Social Care"


def printed_sections(questionnaire: Questionnaire) -> list[PrintedSection]:
    """Every section of the questionnaire in its printed form, in order."""
    numbers = section_numbers(questionnaire)
    return [
        PrintedSection(
            id=section.id,
            number=numbers[section.id],
            title=f"Section {numbers[section.id]}: {section.title}",
            routing=section_line(section, questionnaire),
            intro=section.intro,
            questions=[printed_question(q, questionnaire) for q in section.questions],
        )
        for section in questionnaire.sections
    ]


def section_numbers(questionnaire: Questionnaire) -> dict[str, int]:
    """Section numbers as printed: the menu, when there is one, is section 1 (as in Appendix 2)."""
    first = 2 if questionnaire.menu is not None else 1
    return {section.id: first + index for index, section in enumerate(questionnaire.sections)}


def printed_menu(questionnaire: Questionnaire) -> PrintedMenu | None:
    """The menu with its numbered sections, or None when the questionnaire has no menu."""
    menu = questionnaire.menu
    if menu is None:
        return None
    options = []
    for code, sid in menu.sections.items():
        section = questionnaire.section(sid)
        options.append(f"{code}. {section.title if section else sid}")
    return PrintedMenu(menu.id, menu.text, menu.hint, options)


def printed_question(question: Question, questionnaire: Questionnaire) -> PrintedQuestion:
    """One question in its printed form."""
    printed = PrintedQuestion(
        id=question.id,
        type=question.type,
        heading=question.heading,
        routing=ask_line(question, questionnaire),
        preamble=piped(question.preamble, questionnaire),
        text=numbered(number_of(questionnaire, question.id), piped(question.text, questionnaire) or ""),
        instructions=[line for line in [instruction(question, questionnaire)] if line],
        note="\n".join(filter(None, [question.note, *check_lines(question, questionnaire)])) or None,
        base=base_line(question, questionnaire),
    )
    kind = kind_of(question)
    # An item's line needs the questionnaire's wording (piping, routing in words), which sits above the
    # kinds: it is worked out here for every kind with items, and the kind adds its answers to the lines.
    if kind.has_items:
        printed.items = [item_line(i, item, questionnaire) for i, item in enumerate(question.items)]
    kind.print_answers(printed, question, questionnaire)
    return printed


def item_line(index: int, item: Item, questionnaire: Questionnaire) -> ItemLine:
    """An item of a grid or numeric set as printed: "a) Its text", its variable and its routing."""
    line = ItemLine(item_letter(index), piped(item.text, questionnaire) or "", item.id)
    if item.ask_if:
        line.routing = f"Ask if {describe(item.ask_if, questionnaire)}"
    return line


def piped(text: str | None, questionnaire: Questionnaire) -> str | None:
    """A text with each `{Id}` printed as "[answer at Id]" (None stays None)."""
    return None if text is None else pipe(text, questionnaire, {})


def instruction(question: Question, questionnaire: Questionnaire) -> str | None:
    """The hint, or for a multiple choice without one the instruction its limits imply."""
    if question.hint:
        return piped(question.hint, questionnaire)
    if kind_of(question).multiple:
        return choice_instruction(question)
    return None


def choice_instruction(question: Question) -> str:
    """The multi-choice instruction: "Please select all that apply.", or min_choices/max_choices in words."""
    low, high = question.min_choices, question.max_choices
    if low and high:
        if low == high:
            return f"Please select exactly {_count(low)}."
        return f"Please select between {_number(low)} and {_count(high)}."
    if high:
        return f"Please select up to {_count(high)}."
    if low:
        return f"Please select at least {_count(low)}."
    return "Please select all that apply."


def _number(n: int) -> str:
    return NUMBER_WORDS.get(n, str(n))


def _count(n: int) -> str:
    return "one option" if n == 1 else f"{_number(n)} options"


def answer_format(question: Question) -> str | None:
    """The printed answer line of an open or numeric question: "Open <150 characters>"."""
    return kind_of(question).answer_line(question)


def base_line(question: Question, questionnaire: Questionnaire) -> str | None:
    """The line "Base: …", when the question's base differs from the questionnaire's base_all."""
    base = base_description(question, questionnaire)
    return None if base == questionnaire.base_all else f"Base: {base}"


def item_letter(index: int) -> str:
    """The printed label of the index-th item (0 first): (a) … (z), (aa), (ab) …"""
    return f"({letters(index)})"


def paragraphs(text: str | None) -> list[str]:
    """A multi-line text split into paragraphs at blank lines.

    Lines of a paragraph are joined with spaces, except in a list ("- " lines), which keeps
    one item a line so that the copies can show it as a list.
    """
    if not text:
        return []
    result: list[str] = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if any(line.startswith("- ") for line in lines):
            result.append("\n".join(lines))
        else:
            result.append(" ".join(lines))
    return result


def bold_spans(text: str) -> list[tuple[str, bool]]:
    """A text cut at `**bold**` marks into (text, bold) runs, for copies that can show bold."""
    spans: list[tuple[str, bool]] = []
    position = 0
    for match in BOLD.finditer(text):
        if match.start() > position:
            spans.append((text[position : match.start()], False))
        spans.append((match.group(1), True))
        position = match.end()
    if position < len(text):
        spans.append((text[position:], False))
    return spans


def plain(text: str) -> str:
    """A text without `**bold**` marks, for copies that cannot show bold."""
    return "".join(span for span, _ in bold_spans(text))
