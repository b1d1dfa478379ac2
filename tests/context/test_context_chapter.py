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
    assert variation.notes[0] == "LAs with a value of 0 are left out: Isles of Scilly (a value of 0)"
    assert ["At double England or more", "3 (Middlesbrough, Southampton, Blackpool)"] in variation.data.rows
    assert scatter.chart.kind == "scatter" and scatter.base == "Base: LAs with both values (n=148)"
    assert [p.label for p in scatter.chart.points if p.highlight] == ["Blackpool"]
    assert "Scatter of 148 LAs" in scatter.alt and "R² = " in scatter.alt
    # A summary under the chart, not a page of LAs; every LA's values only when asked for, to one place.
    assert scatter.data.rows[0] == ["LAs with both values (n)", "148", ""] and len(scatter.data.rows) < 10
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
    assert correlation.data.rows[0][0] == "LAs (n)"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ([], "context: expected a mapping"),
        ({"charts": []}, r"context: unknown key\(s\) charts"),
        ({"variation": {"indicator": "x"}}, "context.variation: expected a list"),
        ({"variation": [{"indicator": "x"}]}, r"context.variation\[0\]: missing period"),
        ({"scatter": [{"x": "a:1", "y": "b"}]}, r"context.scatter\[0\].y: expected CODE:PERIOD"),
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
