"""One Table 3: the report's Appendix 1 and the live wave page show the same rows, figures and notes."""

from __future__ import annotations

import html
import re

import pytest

from omnibus.dataset.build import build_dataset
from omnibus.report.appendices import profile_appendix
from omnibus.report.document import DataTable, Paragraph

pytestmark = pytest.mark.django_db


def _page_table_3(page: str) -> tuple[list[list[str]], list[str]]:
    """Table 3's rows (label and figures) and the lines under it, as the wave page shows them."""
    start = page.index('id="table-3"')
    table = page[start : page.index("</table>", start)]
    rows = []
    for row in re.findall(r'<tr class="govuk-table__row" data-row="[^"]+">(.*?)</tr>', table, re.S):
        headers = re.findall(r"<th[^>]*>([^<]*)</th>", row)
        cells = re.findall(r"<td[^>]*>([^<]*)</td>", row)
        rows.append([html.unescape(headers[-1].strip()), *(c.strip() for c in cells)])
    tests = page[page.index('id="table-3-tests"') :]
    notes = [html.unescape(n.strip()) for n in re.findall(r"<li>(.*?)</li>", tests, re.S)]
    return rows, notes


def test_appendix_1_and_the_wave_page_show_the_same_table_3(wave, signed_in) -> None:  # noqa: ANN001
    dataset = build_dataset(wave)
    chapter = profile_appendix(dataset, list(dataset.profile), "authorities")
    tables = [b for b in chapter.blocks if isinstance(b, DataTable) and b.source.startswith("profile:")]
    assert tables, "the simulated wave's population declares a profile"
    appendix_rows = [row for t in tables for row in t.rows]
    appendix_notes = [n for t in tables for n in t.notes]
    appendix_notes += [b.text for b in chapter.blocks if isinstance(b, Paragraph) and b.style == "note"]

    page = signed_in("client").get(f"/office/waves/{wave.slug}/").content.decode()
    page_rows, page_notes = _page_table_3(page)

    assert page_rows == appendix_rows
    assert sorted(page_notes) == sorted(appendix_notes)
    assert any(row[0] == "Total" for row in page_rows)
