"""The report as a Word document (python-docx): real headings, pictures with alt text, real tables.

Chapters are Heading 1 (sub-chapters Heading 2 and 3) so Word's navigation pane lists them; the
contents is a TOC field that Word fills in when the document is opened. Each chart is a PNG
whose `descr` (Word's alt text) is the figure's alt text, followed by its data as a Word table
whose header row repeats across pages.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Callable
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from omnibus.report import charts
from omnibus.report.build import walk_blocks
from omnibus.report.document import Chapter, DataTable, Figure, Paragraph, Report, Verbatim

TABLE_STYLE = "Table Grid"
PICTURE_WIDTH = Cm(16)
PICTURE_HEIGHT = Cm(20)
TEXT_WIDTH = Cm(17)


def write_docx(report: Report, path: Path, say: Callable[[str], None] = lambda line: None) -> Path:
    """Write the report as a .docx file."""
    document = Document()
    _page(document)
    document.core_properties.title = f"{report.title}: {report.subtitle}"
    document.core_properties.language = report.language
    _title_page(document, report)
    _contents(document, report)
    _front_matter(document, report)
    document.add_heading("Executive summary", level=1)
    for paragraph in report.summary:
        if paragraph.style == "subheading":  # the summary's topics
            document.add_heading(paragraph.text, level=2)
        else:
            _paragraph(document, paragraph)
    figures = [b for b in walk_blocks(report.chapters) if isinstance(b, Figure)]
    counter = {"done": 0, "all": len(figures)}
    for chapter in report.chapters:
        _chapter(document, chapter, 1, counter, say)
    _back_matter(document, report)
    document.save(str(path))
    return path


def _page(document: DocumentObject) -> None:
    for section in document.sections:
        section.page_height, section.page_width = Cm(29.7), Cm(21.0)
        section.left_margin = section.right_margin = Cm(2)
    style = document.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(11)


def _title_page(document: DocumentObject, report: Report) -> None:
    publication = report.publication
    if publication.sponsor:
        document.add_paragraph(publication.sponsor).runs[0].bold = True
    document.add_heading(report.title, level=0)
    document.add_paragraph(report.subtitle).runs[0].bold = True
    document.add_paragraph(report.date)
    authors = [report.author] if report.author else publication.authors
    if authors:
        document.add_paragraph(", ".join(authors[:-1]) + " and " + authors[-1] if len(authors) > 1 else authors[0])
    _page_break(document)


def _front_matter(document: DocumentObject, report: Report) -> None:
    """Acknowledgements and the list of abbreviations, after the contents."""
    publication = report.publication
    if publication.acknowledgements:
        document.add_heading("Acknowledgements", level=1)
        for text in publication.acknowledgements:
            document.add_paragraph(text)
    if publication.abbreviations:
        document.add_heading("List of abbreviations", level=1)
        for abbreviation, meaning in publication.abbreviations:
            line = document.add_paragraph()
            line.add_run(abbreviation).bold = True
            line.add_run(f" – {meaning}")
    if publication.acknowledgements or publication.abbreviations:
        _page_break(document)


def _back_matter(document: DocumentObject, report: Report) -> None:
    """The back page: reference, ISBN and disclaimer."""
    publication = report.publication
    if not publication.back_matter:
        return
    _page_break(document)
    if publication.reference:
        document.add_paragraph(f"Reference: {publication.reference}")
    if publication.isbn:
        document.add_paragraph(f"ISBN: {publication.isbn}")
    for text in publication.disclaimer:
        document.add_paragraph(text)


def _contents(document: DocumentObject, report: Report) -> None:
    """A TOC field (filled by Word), then the lists of figures and tables written out."""
    document.add_paragraph("Contents", style="Title")
    _field(
        document.add_paragraph(),
        'TOC \\o "1-2" \\h \\z \\u',
        "Right-click and choose Update Field to show the contents.",
    )
    blocks = walk_blocks(report.chapters)
    document.add_paragraph("List of figures", style="Title")
    for figure in (b for b in blocks if isinstance(b, Figure)):
        document.add_paragraph(f"Figure {figure.number}: {figure.title}")
    document.add_paragraph("List of tables", style="Title")
    for table in (b for b in blocks if isinstance(b, DataTable) and b.number):
        document.add_paragraph(f"Table {table.number}: {table.caption}")
    _page_break(document)


def _field(paragraph, instruction: str, placeholder: str) -> None:  # noqa: ANN001 - a docx Paragraph
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    begin.set(qn("w:dirty"), "true")  # Word fills the field in when the document opens
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = instruction
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    text = OxmlElement("w:t")
    text.text = placeholder
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, code, separate, text, end):
        run._r.append(element)


def _page_break(document: DocumentObject) -> None:
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _chapter(document: DocumentObject, chapter: Chapter, level: int, counter: dict, say) -> None:  # noqa: ANN001
    if level == 1:
        _page_break(document)
    document.add_heading(chapter.title, level=min(level, 9))
    for block in chapter.blocks:
        if isinstance(block, Chapter):
            _chapter(document, block, level + 1, counter, say)
        elif isinstance(block, Figure):
            counter["done"] += 1
            if counter["done"] == 1 or counter["done"] % 10 == 0 or counter["done"] == counter["all"]:
                say(f"Drawing figure {counter['done']} of {counter['all']} (Word)")
            _figure(document, block)
        elif isinstance(block, DataTable):
            _table(document, block)
        elif isinstance(block, Verbatim):
            _quote(document, block)
        elif block.style == "subheading":
            document.add_heading(block.text, level=min(level + 1, 9))
        else:
            _paragraph(document, block)


def _paragraph(document: DocumentObject, paragraph: Paragraph) -> None:
    p = document.add_paragraph()
    if paragraph.draft:
        tag = p.add_run("Draft: ")
        tag.bold = True
        tag.font.color.rgb = RGBColor(0x6F, 0x4E, 0x00)
    run = p.add_run(paragraph.text)
    run.italic = paragraph.style == "routing"
    run.bold = paragraph.style == "variable"
    if paragraph.style == "note":
        run.font.size = Pt(9)


def _quote(document: DocumentObject, quote: Verbatim) -> None:
    document.add_paragraph(f"“{quote.text}”", style="Quote")
    document.add_paragraph(quote.attribution).runs[0].italic = True


def _figure(document: DocumentObject, figure: Figure) -> None:
    heading = document.add_paragraph(f"Figure {figure.number}: {figure.title}", style="Caption")
    heading.paragraph_format.keep_with_next = True
    question = document.add_paragraph(figure.question)
    question.paragraph_format.keep_with_next = True
    png = charts.render_chart(figure.chart, "png")
    width, height = struct.unpack(">II", png[16:24])  # the PNG header's size in pixels
    holder = document.add_paragraph()
    holder.paragraph_format.keep_with_next = True  # the chart stays with its base line
    if PICTURE_WIDTH * height / width > PICTURE_HEIGHT:  # a tall chart: fit the page's height instead
        picture = holder.add_run().add_picture(io.BytesIO(png), height=PICTURE_HEIGHT)
    else:
        picture = holder.add_run().add_picture(io.BytesIO(png), width=PICTURE_WIDTH)
    properties = picture._inline.docPr
    properties.set("descr", figure.alt)  # Word's alt text
    properties.set("title", f"Figure {figure.number}: {figure.title}")
    base = document.add_paragraph(figure.base)
    base.runs[0].italic = True
    for note in figure.notes:
        document.add_paragraph(note).runs[0].font.size = Pt(9)
    _table(document, figure.data, figure.number, figure.notes)


def _table(
    document: DocumentObject, table: DataTable, figure_number: int | None = None, shown: list[str] | None = None
) -> None:
    if table.number:
        caption = f"Table {table.number}: {table.caption}"
    elif figure_number:
        caption = f"Figure {figure_number} data: {table.caption.removeprefix('Data of the figure: ')}"
    else:
        caption = table.caption
    title = document.add_paragraph(caption, style="Caption")
    title.paragraph_format.keep_with_next = True
    grid = document.add_table(rows=1, cols=len(table.header))
    grid.style = TABLE_STYLE
    for cell, text in zip(grid.rows[0].cells, table.header, strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    _repeat_header(grid.rows[0])
    for row in table.rows:
        cells = grid.add_row().cells
        for cell, text in zip(cells, row, strict=False):
            cell.text = text
    _widths(grid, len(table.header))
    for note in (n for n in table.notes if n not in (shown or [])):
        document.add_paragraph(note).runs[0].font.size = Pt(9)


def _widths(grid, columns: int) -> None:  # noqa: ANN001 - a docx Table
    """The label column wide, the figures narrow: Word would otherwise share the width equally."""
    if columns < 2:
        return
    first = TEXT_WIDTH * (0.45 if columns > 3 else 0.6)
    rest = int((TEXT_WIDTH - first) / (columns - 1))
    grid.autofit = False
    for index, column in enumerate(grid.columns):  # the grid's widths, which LibreOffice reads
        column.width = int(first) if index == 0 else rest
    for row in grid.rows:  # and each cell's, which Word reads
        for index, cell in enumerate(row.cells):
            cell.width = int(first) if index == 0 else rest


def _repeat_header(row) -> None:  # noqa: ANN001 - a docx table row
    """Mark the row as the table's header: repeated on each page, read as headers by screen readers."""
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)
