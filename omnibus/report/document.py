"""The report as plain data: chapters of paragraphs, figures, tables and quotes.

Builders (the wave's findings, the context chapter, the open-response themes) make these;
writers (HTML, PDF, DOCX) only lay them out, so every format says the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class BarSeries:
    """One set of bars (a wave, or a point of a scale) across a chart's categories."""

    label: str
    values: list[float | None]  # percentages (0-100) or values, one per category; None: no figure
    significant: list[bool] = field(
        default_factory=list
    )  # paired: differs from the other wave; trend: from the one before
    outside_scale: bool = False  # a stacked scale's "Don't know": drawn in grey, after the scale


@dataclass
class Point:
    """One unit in a scatter chart."""

    label: str  # the unit's name, shown only when the chart asks for labels
    x: float
    y: float
    highlight: bool = False


@dataclass
class Chart:
    """What a figure draws.

    kind: "bar" (horizontal, one series), "stacked" (a scale or grid, a series per answer),
    "paired" (a series per wave, this wave first), "trend" (a series per wave, oldest first),
    "grouped" (a grid of multiple choices: a bar per answer in each row, each row's own percentages),
    "scatter" (points, optional fitted line) or "distribution" (values of one indicator, with reference lines).
    """

    kind: str
    categories: list[str] = field(default_factory=list)
    series: list[BarSeries] = field(default_factory=list)
    points: list[Point] = field(default_factory=list)
    values: list[float] = field(default_factory=list)  # distribution: one value per unit
    reference: dict[str, float] = field(default_factory=dict)  # distribution: named lines, e.g. England
    x_label: str = ""
    y_label: str = ""
    unit: str = "%"  # what the values are in, for axis and labels
    fit: tuple[float, float] | None = None  # scatter: intercept and slope of a fitted line
    label_points: bool = False
    ordered: bool = False  # stacked: the series are the points of an ordered scale (a sequential palette)


@dataclass
class DataTable:
    """A table as the reader sees it: header row, body rows of text, notes below."""

    caption: str
    header: list[str]
    rows: list[list[str]]
    notes: list[str] = field(default_factory=list)
    number: int | None = None  # "Table 3"; set when the report numbers its tables
    numbered: bool = True  # False: a table inside the printed questionnaire, not in the list of tables
    source: str = ""  # the question (or variable) the table was made from


@dataclass
class Figure:
    """A chart with its question, base line, alt text and the data behind it."""

    title: str
    chart: Chart
    data: DataTable  # the figures drawn, as a real table
    alt: str  # written from the data, for screen readers
    question: str = ""  # "Q. … Please select up to three."
    base: str = ""  # "Base: All responding schools (n=70)"
    notes: list[str] = field(default_factory=list)
    number: int | None = None  # "Figure 2"; set when the report numbers its figures
    source: str = ""  # the question (or variable) the figure was drawn from


@dataclass
class Paragraph:
    """Running text; a draft is a sentence written from the tables for the researcher to edit."""

    text: str
    draft: bool = False
    style: str = ""  # "routing", "variable", "note": how a writer sets a line of the printed questionnaire


@dataclass
class Verbatim:
    """A respondent's words, attributed coarsely ("Unitary, South West"), never by name."""

    text: str
    attribution: str


@dataclass
class Chapter:
    """A numbered chapter (or an appendix) and what is in it, in order."""

    title: str
    blocks: list[Paragraph | Figure | DataTable | Verbatim | Chapter] = field(default_factory=list)
    appendix: bool = False
    key: str = ""  # a stable anchor for links ("methodology", "appendix-1")


@dataclass
class Publication:
    """What a published report says beyond its title: who made it and for whom, and the back matter's details."""

    sponsor: str = ""  # who commissioned it ("Department for Education")
    authors: list[str] = field(default_factory=list)
    acknowledgements: list[str] = field(default_factory=list)  # paragraphs
    abbreviations: list[tuple[str, str]] = field(default_factory=list)  # (abbreviation, meaning), in order
    reference: str = ""  # the publisher's reference ("DFE-RR643")
    isbn: str = ""
    disclaimer: list[str] = field(default_factory=list)  # paragraphs: whose views these are

    @property
    def back_matter(self) -> bool:
        """Whether there is anything for the back page."""
        return bool(self.reference or self.isbn or self.disclaimer)


@dataclass
class Report:
    """A whole report: title page facts and the chapters."""

    title: str
    subtitle: str
    date: str  # as printed on the title page
    chapters: list[Chapter] = field(default_factory=list)
    summary: list[Paragraph] = field(default_factory=list)  # the executive summary
    author: str = ""  # as printed under the title
    language: str = "en-GB"
    publication: Publication = field(default_factory=Publication)
