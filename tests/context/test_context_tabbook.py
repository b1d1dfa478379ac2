"""The tab book carries the context: a breakdown by an indicator's bands, and a Context sheet."""

from openpyxl import load_workbook

from omnibus.analysis.spec import parse_spec
from omnibus.context.store import summary_of
from omnibus.context.variation import ExclusionRule
from omnibus.report.chapters.context_figures import variation_table
from omnibus.report.tabbook import write_tabbook


def test_tab_book_breaks_down_by_bands_and_has_a_context_sheet(indicators, simulated, tmp_path):
    spec = parse_spec({"breakdowns": {"cin_rate_band": {"label": "Children in need rate band"}}})
    context = [variation_table(summary_of("cla_rate", "2016", ExclusionRule()), "per 10,000")]
    path = write_tabbook([simulated.dataset], spec, tmp_path / "tabbook.xlsx", context=context)
    book = load_workbook(path)
    sheet = book["Children's Social Care"] if "Children's Social Care" in book.sheetnames else book.worksheets[3]
    cells = {str(c.value) for row in sheet.iter_rows(max_row=8) for c in row if c.value is not None}
    assert {"Children in need rate band", "100-300", "300-400", "400-500", "500+"} <= cells
    ctx = book["Context"]
    rows = [[c.value for c in row] for row in ctx.iter_rows()]
    assert rows[0][0] == "Children looked after per 10,000, 2016 (per 10,000)"
    assert rows[2][:2] == ["England", 60]
    assert rows[4][:2] == ["Lowest", "22 (Wokingham)"]
    assert any(
        r[0] == "Note: Local authorities with a value of 0 are left out: Isles of Scilly (a value of 0)" for r in rows
    )
    contents = [[c.value for c in row] for row in book["Contents"].iter_rows()]
    assert ["Context 1", "Children looked after per 10,000, 2016 (per 10,000)"] in [r[:2] for r in contents]
