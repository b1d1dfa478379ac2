"""The report specification: which questions make which figure, and the researcher's own text.

A small YAML file kept beside the questionnaire (docs/report.md), for example:

```yaml
title: Children's Services Omnibus
subtitle: Wave 3 Research Report
date: May 2018                      # as printed; default: the month the wave closed
analysis: ../analysis/cso-wave3.yaml  # the analysis spec (nets, exclusions, breakdowns), relative to this file
units: LAs                          # what the units are called in sentences ("85% of responding LAs", the
                                    # CSO's); default: the plural unit noun of the wave's population
summary: []                         # the researcher's executive summary; empty: drafts from the figures
introduction: |                     # the background; empty: a paragraph written from the wave
sections:
  csc:                              # a questionnaire section id
    intro: |
    figures:
      - question: SuppSou
        title: Most commonly used sources of support
        kind: bar                   # bar, stacked, paired or table
        sort: descending            # descending, ascending or questionnaire
        exclude: [15]               # codes not drawn
        nets: false                 # draw the analysis spec's nets as bars too
        compare: true               # paired bars against the earlier wave (grouped bars for several waves)
        text: []                    # the researcher's findings; empty: draft sentences
open_responses: true                # chapters of coded open responses, after the sections
context: {}                         # a context chapter, passed through untouched
sponsor: Department for Education   # the title page: who commissioned it, and who wrote it
authors: [A. Researcher, B. Analyst]
acknowledgements: |                 # after the contents, with the abbreviations
abbreviations: {LA: Local authority}
reference: DFE-RR643                # the back page: reference, ISBN (checked) and disclaimer
isbn: 978-1-78105-893-0
disclaimer: |
```

Unknown keys, unknown sections and questions and bad codes are errors naming the file and line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from omnibus.analysis.yaml_lines import Mapping, line_of, read_with_lines
from omnibus.questionnaire import textfile
from omnibus.questionnaire.kinds import kind_of
from omnibus.questionnaire.model import Question, Questionnaire
from omnibus.report.document import Publication

KINDS = ("bar", "stacked", "paired", "table")
SORTS = ("descending", "ascending", "questionnaire")
TOP_KEYS = {
    "title",
    "subtitle",
    "date",
    "analysis",
    "units",
    "summary",
    "introduction",
    "methodology",
    "sections",
    "open_responses",
    "context",
    "sponsor",
    "authors",
    "acknowledgements",
    "abbreviations",
    "reference",
    "isbn",
    "disclaimer",
}
SECTION_KEYS = {"title", "intro", "figures"}
FIGURE_KEYS = {"question", "title", "kind", "sort", "exclude", "nets", "compare", "text"}


class ReportSpecError(ValueError):
    """A mistake in a report specification, named by file and line."""


@dataclass
class FigureSpec:
    """One figure (or table) of a section: a question and how it is drawn."""

    question: str
    title: str
    kind: str
    sort: str = "descending"
    exclude: tuple[int, ...] = ()
    nets: bool = False
    compare: bool = True
    text: list[str] = field(default_factory=list)
    line: int = 0


@dataclass
class SectionSpec:
    """A chapter of the report: a questionnaire section's figures, in order."""

    id: str
    title: str | None = None
    intro: str | None = None
    figures: list[FigureSpec] = field(default_factory=list)


@dataclass
class ReportSpec:
    """Everything the report needs beyond the wave itself."""

    title: str = ""
    subtitle: str = ""
    date: str = ""
    analysis: Path | None = None
    units: str = "units"
    summary: list[str] = field(default_factory=list)
    introduction: str = ""
    methodology: str = ""
    sections: list[SectionSpec] = field(default_factory=list)
    open_responses: bool = True
    context: dict | None = None
    publication: Publication = field(default_factory=Publication)
    path: str = "<report spec>"


def load_report_spec(path: str | Path, questionnaire: Questionnaire, units: str = "units") -> ReportSpec:
    """Read and check a report specification against the wave's questionnaire; `units` when it names none."""
    path = Path(path)
    try:
        raw = read_with_lines(path)
    except OSError as error:
        raise ReportSpecError(f"{path}: cannot read: {error.strerror or error}") from None
    except textfile.TextFileError as error:
        raise ReportSpecError(error.located(path)) from None
    return parse_report_spec(raw if raw is not None else Mapping(), questionnaire, str(path), units)


def parse_report_spec(
    raw: object, questionnaire: Questionnaire, source: str = "<report spec>", units: str = "units"
) -> ReportSpec:
    """A `ReportSpec` from parsed YAML, every key and question id checked.

    `units` is what the units are called when the specification does not say: the population's plural noun.
    """
    if not isinstance(raw, dict):
        raise ReportSpecError(f"{source}:1: the report specification must be a mapping of keys")
    _known(raw, TOP_KEYS, source, "")
    analysis = raw.get("analysis")
    base = Path(source).parent
    spec = ReportSpec(
        title=_text(raw, "title", source) or questionnaire.title,
        subtitle=_text(raw, "subtitle", source),
        date=_text(raw, "date", source),
        analysis=(base / str(analysis)) if analysis else None,
        units=_text(raw, "units", source) or units,
        summary=_texts(raw, "summary", source),
        introduction=_text(raw, "introduction", source),
        methodology=_text(raw, "methodology", source),
        open_responses=bool(raw.get("open_responses", True)),
        context=raw.get("context"),
        publication=_publication(raw, source),
        path=source,
    )
    sections = raw.get("sections")
    if sections is None:
        spec.sections = default_sections(questionnaire)
        return spec
    if not isinstance(sections, dict):
        raise ReportSpecError(f"{source}:{_line(raw, 'sections')}: sections: expected a mapping of section ids")
    for sid, value in sections.items():
        spec.sections.append(_section(sid, value, sections, questionnaire, source))
    return spec


def _publication(raw: dict, source: str) -> Publication:
    """The title page's and back matter's details: sponsor, authors, acknowledgements, abbreviations, reference…"""
    abbreviations = raw.get("abbreviations") or {}
    if not isinstance(abbreviations, dict) or any(isinstance(v, dict | list) for v in abbreviations.values()):
        line = _line(raw, "abbreviations")
        raise ReportSpecError(
            f"{source}:{line}: abbreviations: expected a mapping, like SEND: Special educational needs"
        )
    isbn = _text(raw, "isbn", source)
    if isbn and not valid_isbn(isbn):
        raise ReportSpecError(f"{source}:{_line(raw, 'isbn')}: isbn: {isbn!r} is not a valid ISBN-13 or ISBN-10")
    return Publication(
        sponsor=_text(raw, "sponsor", source),
        authors=_texts(raw, "authors", source) if isinstance(raw.get("authors"), list) else _lines(raw, "authors"),
        acknowledgements=_texts(raw, "acknowledgements", source),
        abbreviations=[(str(k), str(v)) for k, v in abbreviations.items()],
        reference=_text(raw, "reference", source),
        isbn=isbn,
        disclaimer=_texts(raw, "disclaimer", source),
    )


def _lines(raw: dict, key: str) -> list[str]:
    value = raw.get(key)
    return [str(value).strip()] if value else []


def valid_isbn(text: str) -> bool:
    """Whether `text` is an ISBN-13 or ISBN-10 whose check digit is right (hyphens and spaces allowed)."""
    digits = text.replace("-", "").replace(" ", "").upper()
    if len(digits) == 13 and digits.isdigit():
        return sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(digits)) % 10 == 0
    if len(digits) == 10 and digits[:9].isdigit() and (digits[9].isdigit() or digits[9] == "X"):
        values = [int(d) for d in digits[:9]] + [10 if digits[9] == "X" else int(digits[9])]
        return sum(v * (10 - i) for i, v in enumerate(values)) % 11 == 0
    return False


def _section(sid: str, raw: object, parent: dict, questionnaire: Questionnaire, source: str) -> SectionSpec:
    line = _line(parent, sid)
    section = questionnaire.section(str(sid))
    if section is None:
        known = ", ".join(s.id for s in questionnaire.sections)
        raise ReportSpecError(f"{source}:{line}: sections: no section {sid!r} in the questionnaire (sections: {known})")
    raw = raw if raw is not None else Mapping()
    if not isinstance(raw, dict):
        raise ReportSpecError(f"{source}:{line}: sections.{sid}: expected a mapping (title, intro, figures)")
    _known(raw, SECTION_KEYS, source, f"sections.{sid}.")
    figures = raw.get("figures") or []
    if not isinstance(figures, list):
        raise ReportSpecError(f"{source}:{_line(raw, 'figures')}: sections.{sid}.figures: expected a list")
    out = SectionSpec(str(sid), _text(raw, "title", source) or None, _text(raw, "intro", source) or None)
    for index, figure in enumerate(figures):
        out.figures.append(_figure(figure, f"sections.{sid}.figures[{index}]", questionnaire, source, line))
    return out


def _figure(raw: object, where: str, questionnaire: Questionnaire, source: str, parent_line: int) -> FigureSpec:
    if not isinstance(raw, dict) or "question" not in raw:
        raise ReportSpecError(
            f"{source}:{_line(raw, '<self>', parent_line)}: {where}: expected a mapping with question"
        )
    _known(raw, FIGURE_KEYS, source, f"{where}.")
    qid = str(raw["question"])
    question = questionnaire.question(qid)
    if question is None or not has_figure(question):
        why = "no such question" if question is None else f"a {question.type} question has no figure"
        raise ReportSpecError(f"{source}:{_line(raw, 'question')}: {where}.question: {qid!r}: {why}")
    kind = str(raw.get("kind", default_kind(question)))
    if kind not in KINDS:
        raise ReportSpecError(f"{source}:{_line(raw, 'kind')}: {where}.kind: {kind!r} is not one of {', '.join(KINDS)}")
    if kind_of(question).numeric and kind != "table":
        raise ReportSpecError(
            f"{source}:{_line(raw, 'kind')}: {where}.kind: numeric question {qid} is shown as a table"
        )
    sort = str(raw.get("sort", default_sort(question)))
    if sort not in SORTS:
        raise ReportSpecError(f"{source}:{_line(raw, 'sort')}: {where}.sort: {sort!r} is not one of {', '.join(SORTS)}")
    exclude = raw.get("exclude") or []
    codes = {o.code for o in questionnaire.options_of(question)}
    if not isinstance(exclude, list) or any(not isinstance(c, int) or c not in codes for c in exclude):
        raise ReportSpecError(
            f"{source}:{_line(raw, 'exclude')}: {where}.exclude: expected codes of {qid} "
            f"({', '.join(str(c) for c in sorted(codes))})"
        )
    return FigureSpec(
        question=qid,
        title=_text(raw, "title", source) or short_title(question),
        kind=kind,
        sort=sort,
        exclude=tuple(exclude),
        nets=bool(raw.get("nets", False)),
        compare=bool(raw.get("compare", True)),
        text=_texts(raw, "text", source),
        line=_line(raw, "<self>"),
    )


def _known(raw: dict, known: set[str], source: str, prefix: str) -> None:
    for key in raw:
        if key not in known:
            raise ReportSpecError(
                f"{source}:{_line(raw, str(key))}: unknown key {prefix}{key} (known: {', '.join(sorted(known))})"
            )


_line = line_of


def _text(raw: dict, key: str, source: str) -> str:
    value = raw.get(key)
    if value is None:
        return ""
    if isinstance(value, dict | list):
        raise ReportSpecError(f"{source}:{_line(raw, key)}: {key}: expected text")
    return str(value).strip()


def _texts(raw: dict, key: str, source: str) -> list[str]:
    value = raw.get(key)
    if value is None:
        return []
    if isinstance(value, str):
        return [p.strip() for p in value.split("\n\n") if p.strip()]
    if not isinstance(value, list) or any(isinstance(v, dict | list) for v in value):
        raise ReportSpecError(f"{source}:{_line(raw, key)}: {key}: expected text or a list of paragraphs")
    return [str(v).strip() for v in value if str(v).strip()]


# ---------------------------------------------------------------------------------------------
# Defaults: what `omnibus report init` writes, and what a report without a spec uses


def has_figure(question: Question) -> bool:
    """Codes are charted and numbers tabulated; open text and statements have no figure."""
    kind = kind_of(question)
    return kind.coded or kind.numeric


def default_kind(question: Question) -> str:
    """Grids as stacked bars, choices as bars, numbers as tables."""
    if kind_of(question).scale:
        return "stacked"
    return "table" if kind_of(question).numeric else "bar"


def default_sort(question: Question) -> str:
    """Scales (single choices and grids) keep the questionnaire's order; lists of things (multiple choices,
    choices fed from them) sort by size."""
    return "descending" if kind_of(question).multiple or question.options_from else "questionnaire"


def short_title(question: Question) -> str:
    """A figure title from the question text: its first sentence, without the question mark.

    A sentence ends at "? " or ". " outside brackets and not after an abbreviation, so
    "… delivery (e.g. operating with another authority) for …" keeps its brackets whole.
    """
    text = " ".join(question.text.split())
    first = _first_sentence(text).rstrip("?.").strip()
    return first[:1].upper() + first[1:]


ABBREVIATIONS = ("e.g", "i.e", "etc", "cf", "vs", "no")


def _first_sentence(text: str) -> str:
    depth = 0
    for i, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char not in ".?" or depth > 0 or text[i + 1 : i + 2] not in ("", " "):
            continue
        word = text[:i].rsplit(" ", 1)[-1].lstrip("(").lower()
        if char == "." and word in ABBREVIATIONS:
            continue
        return text[: i + 1]
    return text


def default_sections(questionnaire: Questionnaire) -> list[SectionSpec]:
    """A figure (or table) for every question that has one, section by section."""
    out = []
    topics = {section.id for _, section in questionnaire.menu_sections}
    for section in questionnaire.sections:
        if section.id not in topics:
            continue  # closing sections (consent, thanks) are not topics of the report
        figures = [
            FigureSpec(q.id, short_title(q), default_kind(q), default_sort(q), nets=default_kind(q) != "table")
            for q in section.questions
            if has_figure(q) and not q.pilot
        ]
        if figures:
            out.append(SectionSpec(section.id, figures=figures))
    return out


def default_spec_text(questionnaire: Questionnaire, analysis: str | None = None, units: str = "units") -> str:
    """The YAML of a first specification: every figure, drafts for all the text (`omnibus report init`)."""
    lines = [
        f"# The report specification of {questionnaire.title}: written by `omnibus report init`.",
        "# Edit titles, kinds, sorting and exclusions; put your own findings under `text:` to replace the drafts.",
        "# The format is described in docs/report.md.",
        f"title: {_quoted(questionnaire.title)}",
        "subtitle: Research report",
        f"units: {_quoted(units)}",
    ]
    if analysis:
        lines.append(f"analysis: {_quoted(analysis)}")
    else:
        lines.append(
            "# No analysis spec: tables use the defaults of docs/statistics.md; add `analysis: FILE` to choose."
        )
    lines += ["summary: []", "introduction: ''", "open_responses: true", "sections:"]
    for section in default_sections(questionnaire):
        lines.append(f"  {section.id}:")
        lines.append("    figures:")
        for figure in section.figures:
            lines.append(f"      - question: {figure.question}")
            lines.append(f"        title: {_quoted(figure.title)}")
            lines.append(f"        kind: {figure.kind}")
            if figure.kind != "table":
                lines.append(f"        sort: {figure.sort}")
                lines.append(f"        nets: {str(figure.nets).lower()}")
    return "\n".join(lines) + "\n"


def _quoted(text: str) -> str:
    return yaml.safe_dump(text, default_style='"', width=10_000, allow_unicode=True).strip().removesuffix("\n...")
