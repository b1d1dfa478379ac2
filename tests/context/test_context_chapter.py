"""The context chapter of the report, from the `context:` specification."""

import re

import pytest

from omnibus.report.chapters.context import ContextSpecError, check_context_spec, context_chapter
from omnibus.report.document import DataTable, Figure, Paragraph

SPEC = {
    "variation": [{"indicator": "cla_rate", "period": "2016"}],
    "scatter": [{"x": "imd_score:2019", "y": "cla_rate:2016", "highlight": ["890"], "label_points": True}],
    "breakdowns": [{"question": "ConfUnd", "by": "cin_rate_band", "label": "Children in need rate band"}],
    "correlations": [
        {"variable": "HLEcost1718", "indicator": "cin_rate:2016", "label": "HLE spend per child reached",
         "numerator": "HLEspend1718", "denominator": "HLEreach1718"}
    ],
}  # fmt: skip


def test_the_chapter_has_figures_tables_and_their_notes(indicators, simulated):
    chapter = context_chapter(SPEC, "cso-w3", simulated.dataset)
    assert chapter.title == "Local context" and chapter.key == "context"
    paragraph, variation, scatter, breakdown, correlation = chapter.blocks
    assert (
        isinstance(paragraph, Paragraph) and "from 22" in paragraph.text and "against a national 60" in paragraph.text
    )
    assert isinstance(variation, Figure) and variation.chart.kind == "distribution"
    assert len(variation.chart.values) == 151 and variation.chart.reference["England (60)"] == 60
    assert variation.notes[0] == "Local authorities with a value of 0 are left out: Isles of Scilly (a value of 0)"
    assert variation.chart.y_label == "Number of local authorities" and "how local authorities vary" in variation.title
    assert ["At double England or more", "3 (Middlesbrough, Southampton, Blackpool)"] in variation.data.rows
    assert scatter.chart.kind == "scatter" and scatter.base == "Base: local authorities with both values (n=148)"
    assert [p.label for p in scatter.chart.points if p.highlight] == ["Blackpool"]
    assert "Scatter of 148 local authorities" in scatter.alt and "R² = " in scatter.alt
    # A summary under the chart, not a page of LAs; every LA's values only when asked for, to one place.
    assert scatter.data.rows[0] == ["Local authorities with both values (n)", "148", ""] and len(scatter.data.rows) < 10
    listed = context_chapter({"scatter": [{**SPEC["scatter"][0], "list_units": True}]}, "cso-w3", None).blocks[0]
    assert len(listed.data.rows) == 148 and all(re.fullmatch(r"-?[\d,]+\.\d", r[1]) for r in listed.data.rows)
    assert isinstance(breakdown, DataTable) and breakdown.header[1:] == [
        "Total (A)", "100-300 (B)", "300-400 (C)", "400-500 (D)", "500+ (E)",
    ]  # fmt: skip
    bases = breakdown.rows[0]
    assert bases[0] == "Base (n)" and all(b.endswith("†") for b in bases[2:])  # every band's base is under 50
    very = next(r for r in breakdown.rows if r[0] == "Very confident (%)")
    assert all(re.fullmatch(r"(\d+|\*) \(\d+\)( [A-E]+)?", cell) for cell in very[2:])  # counts beside low bases
    assert any(note.startswith("† A base under the low-base threshold") for note in breakdown.notes)
    assert correlation.chart.kind == "scatter" and correlation.base.startswith("Base: ")
    assert all(p.label == "" for p in correlation.chart.points)  # answers are never linked to a name here
    assert correlation.data.rows[0][0] == "Local authorities (n)"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ([], "context: expected a mapping"),
        ({"charts": []}, r"context: unknown key\(s\) charts"),
        ({"variation": {"indicator": "x"}}, "context.variation: expected a list"),
        ({"variation": [{"period": "2016"}]}, r"context.variation\[0\]: missing indicator"),
        ({"scatter": [{"x": "a:1"}]}, r"context.scatter\[0\]: missing y"),
        ({"breakdowns": [{"question": "Q", "by": "b", "colour": 1}]}, r"breakdowns\[0\]: unknown key\(s\) colour"),
        ({"correlations": [{"variable": "v", "indicator": "a:1", "numerator": "n"}]}, "numerator and denominator"),
    ],
)
def test_spec_mistakes_are_named_by_key(raw, message):
    with pytest.raises(ContextSpecError, match=message):
        check_context_spec(raw)


def test_an_indicator_not_loaded_is_a_spec_error(indicators):
    with pytest.raises(ContextSpecError, match="context: no indicator 'fsm' is loaded"):
        context_chapter({"variation": [{"indicator": "fsm", "period": "2016"}]}, None, None)
    with pytest.raises(ContextSpecError, match="context.breakdowns: needs the wave's dataset"):
        context_chapter({"breakdowns": [{"question": "ConfUnd", "by": "x"}]}, None, None)


def test_an_indicator_without_a_period_is_shown_for_the_one_nearest_the_fieldwork(indicators, wave):
    from omnibus.context import demo
    from omnibus.context.store import load_indicator
    from tests.context.conftest import CLA

    # The same figures under other periods, so only the choice tells them apart; the wave opens October 2017.
    for period in ("2013-14", "201718", "2019"):
        load_indicator(CLA, "cla_rate", period, "cla_rate_per_10000_31mar2016", source=demo.CLA)
    spec = {"variation": [{"indicator": "cla_rate"}], "scatter": [{"x": "imd_score", "y": "cla_rate"}]}
    _, variation, scatter = context_chapter(spec, wave, None).blocks
    # 2017-18 starts in September 2017, before the fieldwork; 2019 is later.
    assert variation.title.startswith("Children looked after per 10,000, 201718:")
    chosen = "Children looked after per 10,000 is for 201718, the latest period loaded up to this wave's fieldwork"
    assert f"{chosen} (October 2017)." in variation.notes
    assert scatter.title == "Children looked after per 10,000 (201718) against IMD 2019 average score"
    # Only 2019 is loaded for IMD: the earliest after the fieldwork, said to be so.
    assert (
        "IMD 2019 average score is for 2019, after this wave's fieldwork (2017): no earlier period is loaded, "
        + ("it describes the local authorities as they were later.")
        in scatter.notes
    )
    named = context_chapter({"variation": [{"indicator": "cla_rate", "period": "2013-14"}]}, wave, None).blocks[1]
    assert named.title.startswith("Children looked after per 10,000, 2013-14:")  # a named period wins
    assert not any("latest period loaded" in note for note in named.notes)


def test_an_internal_note_in_a_reference_file_never_reaches_the_chapter(frame):
    from omnibus.context import demo
    from omnibus.context.models import Series
    from omnibus.context.store import ContextError, load_indicator
    from tests.context.conftest import IMD

    column = "imd2019_average_score"
    with pytest.raises(ContextError, match=r"column source: 'S7: MHCLG .*' is a note for the data's keeper"):
        load_indicator(IMD, "imd_score", "2019", column)  # its source column names a sheet and an aside
    assert not Series.objects.exists()
    load_indicator(IMD, "imd_score", "2019", column, "IMD 2019 average score", source=demo.IMD)
    # A database loaded before the rule may hold the file's note beside the citation: it stays out too.
    Series.objects.filter(period="2019").update(source_note=f"S7: IoD2019 File 11, sheet IMD -- NOT 2015\n{demo.IMD}")
    variation = context_chapter({"variation": [{"indicator": "imd_score"}]}, None, None).blocks[1]
    sources = [note for note in variation.notes if note.startswith("Source:")]
    assert sources == [f"Source: {demo.IMD}"]
    assert "IMD 2019 average score is for 2019, the latest period loaded." in variation.notes
