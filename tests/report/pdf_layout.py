"""A layout check of a report's PDF, read from the text's positions on each page (poppler's pdftotext -bbox-layout).

Two faults a reader sees at once and a test of the document's structure cannot:

- a figure broken across pages: its title ("Figure 3: …") on one page and its base line
  ("Base: …", which follows the chart) on another;
- a label cut off: a word of a chart or of the text running past the page's text area, where
  the chart's edge (or the page's) clips it ("Not at all confi").
"""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path

PDFTOTEXT = Path("/usr/bin/pdftotext")
MARGIN = 2 * 72 / 2.54  # points: the report's left and right page margins (2 cm)
TOLERANCE = 1.0  # points
NS = "{http://www.w3.org/1999/xhtml}"


@dataclass
class Line:
    """A line of text on a page: its words and where it lies (points from the top left)."""

    page: int
    text: str
    x_min: float
    x_max: float
    y: float


@dataclass
class Page:
    number: int
    width: float
    lines: list[Line]


def read_pages(pdf: Path) -> list[Page]:
    """Every page's lines of text with their positions."""
    xml = subprocess.run(
        [str(PDFTOTEXT), "-bbox-layout", str(pdf), "-"], capture_output=True, text=True, check=True, timeout=300
    ).stdout
    root = ElementTree.fromstring(xml)
    pages = []
    for number, page in enumerate(root.iter(f"{NS}page"), start=1):
        lines = []
        for line in page.iter(f"{NS}line"):
            words = [w.text or "" for w in line.iter(f"{NS}word")]
            lines.append(
                Line(
                    number,
                    " ".join(words),
                    float(line.get("xMin")),
                    float(line.get("xMax")),
                    float(line.get("yMin")),
                )
            )
        pages.append(Page(number, float(page.get("width")), lines))
    return pages


def layout_problems(pdf: Path) -> list[str]:
    """What is wrong with the PDF's layout, one sentence each; [] when figures are whole and nothing is cut."""
    pages = read_pages(pdf)
    lines = [line for page in pages for line in sorted(page.lines, key=lambda line: line.y)]
    problems = []
    titles: dict[str, int] = {}
    for index, line in enumerate(lines):
        match = re.match(r"Figure (\d+): ", line.text)
        if match:
            titles[match.group(1)] = index  # the last one: the figure itself, after the list of figures
    for number, index in titles.items():
        base = next((line for line in lines[index + 1 :] if line.text.startswith("Base:")), None)
        title = lines[index]
        if base is None:
            problems.append(f"Figure {number}: no base line follows its chart")
        elif base.page != title.page:
            problems.append(f"Figure {number}: its title is on page {title.page}, its chart ends on page {base.page}")
    for page in pages:
        left, right = MARGIN - TOLERANCE, page.width - MARGIN + TOLERANCE
        for line in page.lines:
            if line.x_min < left or line.x_max > right:
                problems.append(f"page {page.number}: {line.text!r} runs past the text area, where it is cut off")
    return problems
