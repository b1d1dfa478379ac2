"""The report's open-response chapter: the themes figure matches the tables, and only cleared quotes appear."""

from __future__ import annotations

from omnibus.report.document import Chapter, Figure, Verbatim


def _blocks(chapters: list[Chapter]) -> list:
    out = []
    for chapter in chapters:
        for block in chapter.blocks:
            out.extend(_blocks([block]) if isinstance(block, Chapter) else [block])
    return out


def test_themes_figure_equals_the_table_and_quotes_are_cleared_ones(wave, answers, coded, frame):
    from omnibus.analysis.spec import AnalysisSpec
    from omnibus.analysis.tables import wave_tables
    from omnibus.coding.quotes import mark_quote
    from omnibus.dataset.build import build_dataset
    from omnibus.fieldwork.models import WaveUnit
    from omnibus.report.chapters.open_responses import open_response_chapters

    first, second = (WaveUnit.objects.get(pk=a.wave_unit) for a in answers[:2])
    workforce = frame.themes.get(code=1)
    mark_quote(first, "SocImprov", "We need to recruit more permanent social workers", workforce, None)
    mark_quote(second, "SocImprov", f"{second.name} must recruit, call 01632 960123", workforce, None)
    dataset = build_dataset(wave)
    chapters = open_response_chapters(wave, dataset, client=False)
    blocks = _blocks(chapters)
    figure = next(b for b in blocks if isinstance(b, Figure))
    table = next(t for t in wave_tables(dataset, AnalysisSpec()) if t.name == "SocImprov_themes")
    expected = {r.label: r.cells[0].value for r in table.rows if r.kind in ("percent", "net")}
    drawn = dict(zip(figure.chart.categories, figure.chart.series[0].values, strict=True))
    assert drawn == expected
    assert figure.base == f"Base: All responding authorities that gave an answer (n={len(answers)})"
    shown = [b for b in blocks if isinstance(b, Verbatim)]
    assert [q.text for q in shown] == ["We need to recruit more permanent social workers"]
    assert first.name not in shown[0].attribution


def test_no_coding_no_chapter(wave, answers):
    from omnibus.dataset.build import build_dataset
    from omnibus.report.chapters.open_responses import open_response_chapters

    assert open_response_chapters(wave, build_dataset(wave), client=True) == []
