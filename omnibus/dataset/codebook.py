"""The codebook of a dataset: every column with its label, type, value labels, missing values and base.

Also the labels and missing-value definitions the SPSS export carries, so that the .sav and
the codebook say the same thing. Pure Python: no Django.
"""

from __future__ import annotations

from dataclasses import dataclass

from omnibus.analysis.dataset import NOT_ANSWERED, NOT_ASKED, Dataset
from omnibus.questionnaire.model import Item, Question, Questionnaire
from omnibus.questionnaire.naming import Variable
from omnibus.questionnaire.numbering import number_of
from omnibus.questionnaire.printed import plain
from omnibus.questionnaire.printed_parts import option_label
from omnibus.questionnaire.wording import base_description, describe

SYSTEM_LABELS = {NOT_ASKED: "Not asked", NOT_ANSWERED: "Not answered"}
FLAG_LABELS = {1: "Chosen", 0: "Not chosen"}
SECTION_LABELS = {"complete": "Complete", "partial": "Partial", "none": "Not answered"}
PARADATA_LABELS = {
    "para_first_at": "Paradata: first page shown (UTC)",
    "para_last_at": "Paradata: last page shown (UTC)",
    "para_minutes": "Paradata: minutes spent (gaps over 30 minutes count as 30)",
    "para_pages_shown": "Paradata: pages shown",
    "para_last_section": "Paradata: section of the last page shown (drop-off point)",
    "para_last_page": "Paradata: last page shown (drop-off point)",
}
CODEBOOK_COLUMNS = ("variable", "label", "type", "value_labels", "missing_values", "number", "question", "base")


@dataclass
class CodebookEntry:
    """One column of the dataset, described for a person."""

    variable: str
    label: str
    type: str
    value_labels: str = ""
    missing_values: str = ""
    number: str = ""  # the question's number as printed ("Q9a"), or the item's
    question: str = ""
    base: str = ""

    def row(self) -> list[str]:
        """The entry as the codebook's cells, in CODEBOOK_COLUMNS order."""
        return [getattr(self, name) for name in CODEBOOK_COLUMNS]


def codebook(dataset: Dataset, frame_labels: dict[str, str] | None = None) -> list[CodebookEntry]:
    """An entry per column of `dataset.data`, in column order."""
    q = dataset.questionnaire
    by_name = {v.name: v for v in dataset.variables}
    sections = {f"section_{s.id}": s.title for s in q.sections}
    labels = frame_labels or {}
    entries = []
    for column in dataset.data.columns:
        if column == "unit":
            entries.append(
                CodebookEntry("unit", "Unit key (a pseudonym where the unit did not agree to be named)", "text")
            )
        elif column in by_name:
            entries.append(variable_entry(by_name[column], q))
        elif column in sections:
            words = "; ".join(f"{k} = {v}" for k, v in SECTION_LABELS.items())
            entries.append(CodebookEntry(column, f"Section answered: {sections[column]}", "text", words))
        elif column.startswith("frame_"):
            name = column.removeprefix("frame_")
            kind = "number" if dataset.data.schema[column].is_numeric() else "text"
            entries.append(CodebookEntry(column, f"Frame: {labels.get(name, name)}", kind))
        else:
            entries.append(_paradata_entry(column, q))
    return entries


def variable_entry(variable: Variable, q: Questionnaire) -> CodebookEntry:
    """The codebook entry of one questionnaire variable."""
    question = q.question(variable.question)
    assert question is not None
    return CodebookEntry(
        variable=variable.name,
        label=plain(variable.label),
        type=variable.kind,
        value_labels=_words(value_labels(variable)),
        missing_values=_words({code: label for code, label in missing_values(variable).items()}),
        number=number_of(q, variable.name) or number_of(q, question.id) or "",
        question=plain(question_text(variable, question)),
        base=base_of(variable, question, q),
    )


def value_labels(variable: Variable) -> dict[int, str]:
    """A variable's value labels, system missing codes included (none for numbers and texts)."""
    if variable.kind == "code":
        return {**{o.code: option_label(o) for o in variable.value_labels}, **SYSTEM_LABELS}
    if variable.kind == "flag":
        return {**FLAG_LABELS, **SYSTEM_LABELS}
    if variable.kind == "number":  # with the labels of its "Don't know" boxes, if it has any
        return {**{o.code: o.label for o in variable.value_labels}, **SYSTEM_LABELS}
    return {}


def missing_values(variable: Variable) -> dict[int, str]:
    """The codes that mean "no answer": not asked, not answered, and the questionnaire's missing codes."""
    if variable.kind in ("text", "date"):  # no value means no answer: nothing to declare
        return {}
    labelled = variable.kind in ("code", "number")  # a number's labels are its "Don't know" boxes
    own = {o.code: o.label for o in variable.value_labels if o.missing} if labelled else {}
    return {**SYSTEM_LABELS, **own}


def question_text(variable: Variable, question: Question) -> str:
    """The question as asked, with the item's text for a grid or numeric-set item."""
    item = _item_of(variable, question)
    return f"{question.text} {item.text}" if item else question.text


def _item_of(variable: Variable, question: Question) -> Item | None:
    """The grid or numeric-set row a variable belongs to: the item itself, or a row's flag, cell or text."""
    return next((i for i in question.items if i.id in (variable.name, variable.item)), None)


def base_of(variable: Variable, question: Question, q: Questionnaire) -> str:
    """Who was asked: the question's base, narrowed by an item's own routing or a fed-through option."""
    base = base_description(question, q)
    item = _item_of(variable, question)
    if item is not None and item.ask_if:
        base += f", where {describe(item.ask_if, q)}"
    if variable.name.endswith("_text") and variable.item is None:  # an option's text, not a grid row's
        code = variable.name.removesuffix("_text").rsplit("_", 1)[1]
        base += f", who chose {code} at {question.id}"
    return base


def _paradata_entry(column: str, q: Questionnaire) -> CodebookEntry:
    if column.startswith("para_minutes_"):
        section = q.section(column.removeprefix("para_minutes_"))
        title = section.title if section else column
        return CodebookEntry(column, f"Paradata: minutes spent in {title}", "number")
    kinds = {"para_first_at": "datetime", "para_last_at": "datetime", "para_minutes": "number"}
    kind = kinds.get(column, "number" if column == "para_pages_shown" else "text")
    return CodebookEntry(column, PARADATA_LABELS.get(column, column), kind)


def _words(labels: dict[int, str]) -> str:
    return "; ".join(f"{code} = {label}" for code, label in labels.items())


def spss_missing(variable: Variable) -> list[object]:
    """Missing-value definitions for SPSS: at most three discrete values, or a range and one value."""
    codes = sorted(missing_values(variable))
    if len(codes) <= 3:
        return codes
    own = [c for c in codes if c not in SYSTEM_LABELS]
    if variable.kind == "number":  # every answer is 0 or more (the checker sees to it): all below 0 is missing
        return [{"lo": float(min(codes)), "hi": float(NOT_ASKED)}]
    # SPSS allows a range plus one discrete value: the system codes as a range, the first own code.
    return [{"lo": float(NOT_ANSWERED), "hi": float(NOT_ASKED)}, own[0]]
