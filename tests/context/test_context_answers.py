"""Answers against context: a question by children-in-need band, a profile by computed bands, a correlation."""

import numpy as np
import pytest
from scipy import stats

from omnibus.analysis.dataset import NOT_ANSWERED, NOT_ASKED
from omnibus.analysis.profile import response_profile, took_part
from omnibus.analysis.spec import Breakdown, parse_spec
from omnibus.context.answers import AnswersError, band_tables, correlate_answer

CIN_BAND = Breakdown("cin_rate_band", "Children in need per 10,000 (2016)", "cin_rate_band")


@pytest.fixture
def banded(simulated):
    return simulated.dataset


def test_a_question_broken_down_by_children_in_need_band(banded):
    tables = band_tables(banded, "ConfUnd", CIN_BAND)
    (table,) = tables
    assert [c.label for c in table.columns] == ["Total", "100-300", "300-400", "400-500", "500+"]
    assert {c.group for c in table.columns[1:]} == {"Children in need per 10,000 (2016)"}
    question = banded.questionnaire.question("ConfUnd")
    missing = {o.code for o in question.options if o.missing}
    data = banded.data
    answered = ~data["ConfUnd"].is_in([NOT_ASKED, NOT_ANSWERED, *missing])
    expected = [int(answered.sum())]
    for label in ["100-300", "300-400", "400-500", "500+"]:
        expected.append(int((answered & (data["frame_cin_rate_band"] == label)).sum()))
    assert [b.n for b in table.bases] == expected
    assert sum(expected[1:]) == expected[0]  # every LA has a band
    very = next(r for r in table.rows if r.code == 1)
    in_band = answered & (data["frame_cin_rate_band"] == "500+")
    share = 100 * int((in_band & (data["ConfUnd"] == 1)).sum()) / expected[4]
    assert very.cells[4].value == pytest.approx(share)
    assert all(t.kind == "breakdown" for t in table.tests) and table.tests  # the bands are tested against each other


def test_a_profile_table_by_bands_computed_from_the_indicator(simulated):
    dataset = simulated.dataset
    (block,) = response_profile(dataset, [Breakdown("cla_fifth", "Looked-after rate, fifths", "cla_fifth")])
    assert [r.label for r in block.rows] == sorted(simulated.cla_fifths)
    assert {r.label: r.population for r in block.rows} == simulated.cla_fifths  # as banding counted them
    responded = took_part(dataset)
    bands = dataset.data["frame_cla_fifth"].to_numpy()
    for row in block.rows:
        assert row.took_part == int((responded & (bands == row.label)).sum())
    assert block.test.df == 4 and 0 <= block.test.p <= 1


def test_spend_per_child_correlated_with_children_in_need_rate(simulated):
    spec = parse_spec(
        {
            "numeric": {"outliers": {"rule": "none"}},
            "ratios": {"HLEcost1718": {"label": "HLE spend per child reached", "numerator": "HLEspend1718",
                                       "denominator": "HLEreach1718"}},
        }
    )  # fmt: skip
    dataset, cin = simulated.dataset, simulated.cin
    found = correlate_answer(dataset, "HLEcost1718", cin, "CIN rate 2016", spec)
    data = dataset.data
    spend, reach = data["HLEspend1718"].to_numpy(), data["HLEreach1718"].to_numpy()
    ok = (spend >= 0) & (reach > 0)
    units = data["unit"].to_numpy()[ok]
    ratio = spend[ok] / reach[ok]
    x = np.array([cin[u].value for u in units])
    expected = stats.pearsonr(x, ratio)
    assert found.correlation.n == ok.sum() > 3
    assert found.correlation.r == pytest.approx(expected.statistic)
    assert found.correlation.p == pytest.approx(expected.pvalue)
    assert found.base.startswith("Base: ") and f"(n={ok.sum()})" in found.base
    assert "who answered both HLEspend1718 and HLEreach1718" in found.base
    assert "two-sided t-test" in found.notes[0]


def test_answers_against_context_name_what_is_wrong(banded, simulated):
    with pytest.raises(AnswersError, match="no question 'Nope'"):
        band_tables(banded, "Nope", CIN_BAND)
    with pytest.raises(AnswersError, match="no frame attribute 'imd_band'"):
        band_tables(banded, "ConfUnd", Breakdown("imd_band", "IMD", "imd_band"))
    with pytest.raises(AnswersError, match="only numeric answers"):
        correlate_answer(banded, "ConfUnd", simulated.cin, "CIN")
