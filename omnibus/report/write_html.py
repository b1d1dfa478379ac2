"""The report as one self-contained HTML file: GOV.UK-like type, skip link, proper headings, charts inline.

Each chart is an SVG image inside a `<figure>` with its alt text, its caption (`<figcaption>`:
number, title, question and base) and the data behind it as a real `<table>` (with `<caption>`
and `<th scope>`). The same HTML, with print styles, is what the PDF is made from.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from html import escape
from pathlib import Path

from omnibus.report import charts
from omnibus.report.build import walk_blocks
from omnibus.report.document import Chapter, DataTable, Figure, Paragraph, Report, Verbatim

STYLE = Path(__file__).with_name("report.css")


SHORT_TABLE = 24  # rows: tables up to this long (most of them) are kept on one page in print


def render_html(report: Report, for_print: bool = False, say: Callable[[str], None] = lambda line: None) -> str:
    """The report's HTML (a whole document); `for_print` adds page-numbered contents for the PDF."""
    figures = [b for b in _all_blocks(report) if isinstance(b, Figure)]
    tables = [b for b in _all_blocks(report) if isinstance(b, DataTable) and b.number]
    images = {}
    for index, figure in enumerate(figures, start=1):
        if index == 1 or index % 10 == 0 or index == len(figures):
            say(f"Drawing figure {index} of {len(figures)}")
        images[id(figure)] = charts.render_chart(figure.chart, "svg")
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{escape(report.language)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(report.title)}: {escape(report.subtitle)}</title>",
        f"<style>{STYLE.read_text(encoding='utf-8')}</style>",
        "</head>",
        f'<body class="{"print" if for_print else "screen"}">',
        '<a class="skip-link" href="#main">Skip to main content</a>',
        '<main id="main">',
        _title_page(report),
        _contents(report, figures, tables),
        _front_matter(report),
        _summary(report),
    ]
    for chapter in report.chapters:
        parts.append(_chapter(chapter, 2, images))
    parts += [_back_matter(report), "</main>", "</body>", "</html>"]
    return "\n".join(parts)


def write_html(report: Report, path: Path, say: Callable[[str], None] = lambda line: None) -> Path:
    """Write the report as a self-contained HTML file."""
    path.write_text(render_html(report, say=say), encoding="utf-8")
    return path


def _all_blocks(report: Report) -> list:
    return walk_blocks(report.chapters)


def _title_page(report: Report) -> str:
    publication = report.publication
    authors = [report.author] if report.author else publication.authors
    sponsor = f'<p class="sponsor">{escape(publication.sponsor)}</p>' if publication.sponsor else ""
    names = f'<p class="author">{escape(_names(authors))}</p>' if authors else ""
    return (
        f'<header class="title-page">{sponsor}'
        f"<h1>{escape(report.title)}</h1>"
        f'<p class="subtitle">{escape(report.subtitle)}</p>'
        f'<p class="date">{escape(report.date)}</p>{names}'
        "</header>"
    )


def _names(names: list[str]) -> str:
    """ "A, B and C"."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _front_matter(report: Report) -> str:
    """Acknowledgements and the list of abbreviations, after the contents, as the report spec gives them."""
    publication = report.publication
    parts = []
    if publication.acknowledgements:
        paragraphs = "".join(f"<p>{escape(p)}</p>" for p in publication.acknowledgements)
        parts.append(f'<section class="front" id="acknowledgements"><h2>Acknowledgements</h2>{paragraphs}</section>')
    if publication.abbreviations:
        terms = "".join(f"<dt>{escape(a)}</dt><dd>{escape(m)}</dd>" for a, m in publication.abbreviations)
        parts.append(
            '<section class="front" id="abbreviations"><h2>List of abbreviations</h2>'
            f'<dl class="abbreviations">{terms}</dl></section>'
        )
    return "\n".join(parts)


def _back_matter(report: Report) -> str:
    """The back page: the publisher's reference, the ISBN and the disclaimer."""
    publication = report.publication
    if not publication.back_matter:
        return ""
    lines = [f"Reference: {publication.reference}"] if publication.reference else []
    lines += [f"ISBN: {publication.isbn}"] if publication.isbn else []
    lines += publication.disclaimer
    return '<footer class="back-matter">' + "".join(f"<p>{escape(line)}</p>" for line in lines) + "</footer>"


def _contents(report: Report, figures: list[Figure], tables: list[DataTable]) -> str:
    items = ['<li><a href="#summary">Executive summary</a></li>']
    for chapter in report.chapters:
        subs = [b for b in chapter.blocks if isinstance(b, Chapter) and not chapter.appendix]
        inner = ""
        if subs:
            inner = "<ol>" + "".join(f'<li><a href="#{_anchor(s)}">{escape(s.title)}</a></li>' for s in subs) + "</ol>"
        items.append(f'<li><a href="#{_anchor(chapter)}">{escape(chapter.title)}</a>{inner}</li>')
    figure_items = "".join(
        f'<li><a href="#figure-{f.number}">Figure {f.number}: {escape(f.title)}</a></li>' for f in figures
    )
    table_items = "".join(
        f'<li><a href="#table-{t.number}">Table {t.number}: {escape(t.caption)}</a></li>' for t in tables
    )
    return (
        '<nav class="contents" aria-labelledby="contents-heading">'
        f'<h2 id="contents-heading">Contents</h2><ol class="toc">{"".join(items)}</ol>'
        f'<h2 id="figures-heading">List of figures</h2><ol class="toc lof">{figure_items}</ol>'
        f'<h2 id="tables-heading">List of tables</h2><ol class="toc lot">{table_items}</ol>'
        "</nav>"
    )


def _summary(report: Report) -> str:
    body = "".join(_paragraph(p) for p in report.summary)
    return f'<section class="chapter" id="summary"><h2>Executive summary</h2>{body}</section>'


def _anchor(chapter: Chapter) -> str:
    return chapter.key or "chapter-" + "".join(ch if ch.isalnum() else "-" for ch in chapter.title.lower())


def _chapter(chapter: Chapter, level: int, images: dict[int, bytes]) -> str:
    level = min(level, 6)
    kind = "chapter appendix" if chapter.appendix else ("chapter" if level == 2 else "subchapter")
    parts = [f'<section class="{kind}" id="{_anchor(chapter)}">', f"<h{level}>{escape(chapter.title)}</h{level}>"]
    for block in chapter.blocks:
        if isinstance(block, Chapter):
            parts.append(_chapter(block, level + 1, images))
        elif isinstance(block, Figure):
            parts.append(_figure(block, images[id(block)]))
        elif isinstance(block, DataTable):
            parts.append(_table(block))
        elif isinstance(block, Verbatim):
            parts.append(_quote(block))
        else:
            parts.append(_paragraph(block, level + 1))
    parts.append("</section>")
    return "\n".join(parts)


def _paragraph(paragraph: Paragraph, level: int = 3) -> str:
    if paragraph.style == "subheading":
        level = min(level, 6)
        return f'<h{level} class="questionnaire-heading">{escape(paragraph.text)}</h{level}>'
    classes = " ".join(c for c in (paragraph.style, "draft" if paragraph.draft else "") if c)
    label = '<strong class="draft-tag">Draft: </strong>' if paragraph.draft else ""
    attribute = f' class="{classes}"' if classes else ""
    return f"<p{attribute}>{label}{escape(paragraph.text)}</p>"


def _quote(quote: Verbatim) -> str:
    return (
        f'<figure class="quote"><blockquote><p>{escape(quote.text)}</p></blockquote>'
        f"<figcaption>{escape(quote.attribution)}</figcaption></figure>"
    )


def _figure(figure: Figure, svg: bytes) -> str:
    source = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
    notes = "".join(f'<p class="note">{escape(n)}</p>' for n in figure.notes)
    return (
        f'<figure class="figure" id="figure-{figure.number}">'
        # Title, question, chart, base and notes are one block, kept on one page in print.
        f'<div class="figure-head">'
        f'<figcaption><span class="figure-title">Figure {figure.number}: {escape(figure.title)}</span>'
        f'<span class="question">{escape(figure.question)}</span></figcaption>'
        f'<img src="{source}" alt="{escape(figure.alt)}">'
        f'<p class="base">{escape(figure.base)}</p>{notes}</div>'
        f'<details class="figure-data" open><summary>Data of figure {figure.number}</summary>'
        f"{_table(figure.data, figure_number=figure.number, shown=figure.notes)}</details>"
        "</figure>"
    )


def _table(table: DataTable, figure_number: int | None = None, shown: list[str] | None = None) -> str:
    if table.number:
        caption, anchor = f"Table {table.number}: {table.caption}", f' id="table-{table.number}"'
    elif figure_number:
        caption, anchor = f"Figure {figure_number} data: {table.caption.removeprefix('Data of the figure: ')}", ""
    else:
        caption, anchor = table.caption, ""
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in table.header)
    rows = []
    for row in table.rows:
        cells = [f'<th scope="row">{escape(row[0])}</th>'] + [f"<td>{escape(c)}</td>" for c in row[1:]]
        rows.append(f"<tr>{''.join(cells)}</tr>")
    notes = "".join(f'<p class="note">{escape(n)}</p>' for n in table.notes if n not in (shown or []))
    classes = "data" if table.numbered else "data questionnaire-table"
    # A short table is kept whole on a page, so its last rows never sit alone on the next one.
    wrap = "table-wrap short" if len(table.rows) <= SHORT_TABLE else "table-wrap"
    return (
        f'<div class="{wrap}"><table class="{classes}"{anchor}><caption>{escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>{notes}</div>"
    )
