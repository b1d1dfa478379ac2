"""Table 1 and Table 3 of the seed report, reproduced from frames built to match its counts."""

from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import polars as pl
import pytest

from omnibus.analysis.dataset import Dataset
from omnibus.analysis.profile import response_by_section, response_profile
from omnibus.analysis.spec import parse_spec

# Table 3 of the seed: value -> (population N, took part n). FSM has 11 units with no figure in
# the frame, 7 of them among those who took part; every other attribute is known for all 152.
SEED_TABLE_3 = {
    "type": {"County": (27, 14), "Unitary": (125, 63)},
    "region_group": {"North": (50, 26), "East & Midlands": (34, 19), "London & South": (68, 32)},
    "fsm_band": {"0-20": (10, 4), "20-30": (24, 10), "30-40": (37, 16), "40-50": (37, 19), "50-60": (24, 14),
                 "60+": (9, 7)},
    "cin_band": {"100-300": (49, 23), "300-400": (53, 30), "400-500": (34, 16), "500+": (16, 8)},
    "ofsted": {"Outstanding": (2, 0), "Good": (47, 26), "Requires improvement": (66, 32), "Inadequate": (29, 14),
               "No rating available": (8, 5)},
}  # fmt: skip
# What the seed prints: N, %, took part n, %, response rate.
SEED_PRINTED = {
    "County": ("17.8", "18.2", "51.9"),
    "Unitary": ("82.2", "81.8", "50.4"),
    "North": ("32.9", "33.8", "52.0"),
    "East & Midlands": ("22.4", "24.7", "55.9"),
    "London & South": ("44.7", "41.6", "47.1"),
    "0-20": ("6.6", "5.7", "40.0"),
    "20-30": ("15.8", "14.3", "41.7"),
    "30-40": ("24.3", "22.9", "43.2"),
    "40-50": ("24.3", "27.1", "51.4"),
    "50-60": ("15.8", "20.0", "58.3"),  # printed "20%"
    "60+": ("5.9", "10.0", "77.8"),  # printed "10%"
    "100-300": ("32.2", "29.9", "46.9"),
    "300-400": ("34.9", "39.0", "56.6"),
    "400-500": ("22.4", "20.8", "47.1"),
    "500+": ("10.5", "10.4", "50.0"),
    "Outstanding": ("1.3", "0.0", "0.0"),
    "Good": ("30.9", "33.8", "55.3"),
    "Requires improvement": ("43.4", "41.6", "48.5"),
    "Inadequate": ("19.1", "18.2", "48.3"),
    "No rating available": ("5.3", "6.5", "62.5"),
}
FSM_MIDPOINTS = {"0-20": 10.0, "20-30": 25.0, "30-40": 35.0, "40-50": 45.0, "50-60": 55.0, "60+": 65.0}
SPEC = parse_spec(
    {
        "breakdowns": {
            "type": {
                "label": "Authority type",
                "groups": {"County": ["county"], "Unitary": ["unitary", "metropolitan district"]},
            },
            "region_group": {"label": "Region"},
            "fsm_band": {
                "label": "% Pupils eligible for and receiving FSM",
                "of": "fsm_pct",
                "bands": {"0-20": [0, 20], "20-30": [20, 30], "30-40": [30, 40], "40-50": [40, 50], "50-60": [50, 60],
                          "60+": [60, None]},
            },
            "cin_band": {"label": "Numbers of CiN (Rate per 10,000)"},
            "ofsted": {"label": "Ofsted rating", "groups": {k: [k] for k in SEED_TABLE_3["ofsted"]}},
        }
    }
)  # fmt: skip


def _values(counts: dict[str, tuple[int, int]], responded: int, total: int) -> list:
    """Values for the responding units first, then the rest, matching each value's two counts."""
    took = [v for v, (_, n) in counts.items() for _ in range(n)]
    rest = [v for v, (big_n, n) in counts.items() for _ in range(big_n - n)]
    took += [None] * (responded - len(took))
    rest += [None] * (total - responded - len(rest))
    return took + rest


def seed_frame_dataset(wave3) -> Dataset:
    """152 units, the first 77 took part (the seed's Table 3 counts 77 of its 78)."""
    total, responded = 152, 77
    data = {"unit": [f"{i:03d}" for i in range(total)]}
    types = _values(SEED_TABLE_3["type"], responded, total)
    data["frame_type"] = ["county" if t == "County" else "unitary" for t in types]
    data["frame_region_group"] = _values(SEED_TABLE_3["region_group"], responded, total)
    data["frame_fsm_pct"] = [FSM_MIDPOINTS.get(v) for v in _values(SEED_TABLE_3["fsm_band"], responded, total)]
    data["frame_cin_band"] = _values(SEED_TABLE_3["cin_band"], responded, total)
    data["frame_ofsted"] = _values(SEED_TABLE_3["ofsted"], responded, total)
    for section in wave3.sections:
        data[f"section_{section.id}"] = ["complete"] * responded + ["none"] * (total - responded)
    frame = pl.DataFrame(data, schema_overrides={"frame_fsm_pct": pl.Float64})
    return Dataset("wave-3", wave3, [], frame, total, ["type", "region_group", "fsm_pct", "cin_band", "ofsted"])


def one_place(x: float) -> str:
    return str(Decimal(repr(x)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def test_table_3_of_the_seed_is_reproduced_to_the_decimal(wave3):
    blocks = response_profile(seed_frame_dataset(wave3), SPEC.breakdowns, population_percent_of="all")
    seen = set()
    for block in blocks:
        for r in block.rows:
            population, took = SEED_TABLE_3[block.name][r.label]
            assert (r.population, r.took_part) == (population, took)
            printed = (one_place(r.population_percent), one_place(r.took_part_percent), one_place(r.response_rate))
            assert printed == SEED_PRINTED[r.label], r.label
            seen.add(r.label)
    assert seen == set(SEED_PRINTED)
    fsm = next(b for b in blocks if b.name == "fsm_band")
    assert (fsm.unknown_population, fsm.unknown_took_part) == (11, 7)


def test_table_3_by_default_uses_units_with_a_value_on_both_sides(wave3):
    blocks = response_profile(seed_frame_dataset(wave3), SPEC.breakdowns)
    fsm = next(b for b in blocks if b.name == "fsm_band")
    assert one_place(fsm.rows[0].population_percent) == "7.1"  # 10/141, not the seed's 10/152
    assert sum(r.population_percent for r in fsm.rows) == pytest.approx(100)


def test_table_3_tests_taking_part_against_the_attribute_by_hand(wave3):
    blocks = response_profile(seed_frame_dataset(wave3), SPEC.breakdowns)
    region = next(b for b in blocks if b.name == "region_group")
    # The 2×3 table by hand: took part 26, 19, 32 of 50, 34, 68; 77 of 152 in all.
    took, population, n, big_n = [26, 19, 32], [50, 34, 68], 77, 152
    by_hand = sum(
        (o - e) ** 2 / e
        for t, pop in zip(took, population, strict=True)
        for o, e in ((t, pop * n / big_n), (pop - t, pop * (big_n - n) / big_n))
    )
    assert region.test.chi2 == pytest.approx(by_hand) == pytest.approx(0.7597, abs=1e-4)
    # The goodness-of-fit statistic it replaces is (1 − n/N) times it: 0.375 for the seed's regions.
    goodness = sum((t - n * pop / big_n) ** 2 / (n * pop / big_n) for t, pop in zip(took, population, strict=True))
    assert goodness == pytest.approx((1 - n / big_n) * region.test.chi2) == pytest.approx(0.375, abs=1e-3)
    assert region.test.df == 2 and region.test.p > 0.05 and not region.test.exact


def test_table_3_small_expected_counts_get_an_exact_p_value(wave3):
    from scipy import stats

    blocks = response_profile(seed_frame_dataset(wave3), SPEC.breakdowns)
    ofsted = next(b for b in blocks if b.name == "ofsted")
    assert ofsted.test.exact  # 2 outstanding authorities: expected count about 1
    table = [[0, 26, 32, 14, 5], [2, 21, 34, 15, 3]]
    chi2, curve_p, _, _ = stats.chi2_contingency(table, correction=False)
    assert ofsted.test.chi2 == pytest.approx(chi2)
    assert ofsted.test.p != pytest.approx(curve_p, abs=1e-3)  # from draws of who took part, not the curve
    assert "exact p" in ofsted.test.describe()


def test_independence_test_is_exact_for_a_two_by_two_table():
    from scipy import stats

    from omnibus.analysis.profile import independence_test

    test = independence_test(np.array([1, 9]), np.array([6, 10]))
    assert test.exact
    # Fisher's exact test orders tables by probability, ours by the statistic; for a 2×2 they agree here.
    fisher = stats.fisher_exact([[1, 9], [5, 1]]).pvalue
    assert test.p == pytest.approx(fisher, abs=0.01)


def test_table_3_has_a_total_row_and_states_its_base(wave3):
    from omnibus.analysis.profile import profile_cells, profile_notes

    blocks = response_profile(seed_frame_dataset(wave3), SPEC.breakdowns)
    fsm = next(b for b in blocks if b.name == "fsm_band")
    assert profile_cells(fsm)[-1] == ["Total", "141", "100.0", "70", "100.0", "49.6"]
    notes = profile_notes(fsm)
    assert notes[0].startswith("Percentages are of the 141 units with a value for % Pupils eligible")
    assert "11 in the population, 7 of whom took part" in notes[1]


def test_the_model_of_all_attributes_together(wave3):
    from omnibus.analysis.profile import response_tables

    tables = response_tables(seed_frame_dataset(wave3), SPEC.breakdowns)
    model = tables.model
    assert model is not None and model.units == 141  # units with an FSM figure
    assert [e.label for e in model.effects] == [b.label for b in SPEC.breakdowns]
    assert 0 < model.r_indicator <= 1 and 0 < model.p < 1
    assert "R-indicator" in model.describe()[0]


def test_table_1_response_rate_is_complete_plus_partial_over_n(wave3):
    counts = {"csc": (68, 3), "eyc": (52, 7), "send": (54, 1)}
    data = {"unit": [f"{i:03d}" for i in range(152)]}
    for section, (complete, partial) in counts.items():
        data[f"section_{section}"] = (
            ["complete"] * complete + ["partial"] * partial + ["none"] * (152 - complete - partial)
        )
    data["section_thanks"] = ["none"] * 152
    dataset = Dataset("wave-3", wave3, [], pl.DataFrame(data), 152)
    rows = response_by_section(dataset)
    assert [(r.section, r.complete, r.partial) for r in rows] == [("csc", 68, 3), ("eyc", 52, 7), ("send", 54, 1)]
    assert [round(r.rate) for r in rows] == [47, 39, 36]  # the seed's Table 1
    assert round(100 * 68 / 152) == 45  # complete / N alone would not give the seed's 47%


def test_a_units_response_is_read_across_its_menu_sections(wave3):
    """Complete in every menu section, partial if it reached any, none otherwise; the closing section is not counted."""
    from omnibus.analysis.profile import response_tables, took_part, unit_responses

    states = {  # csc, eyc, send, thanks
        "all complete": ("complete", "complete", "complete", "none"),
        "one partial": ("complete", "partial", "complete", "complete"),
        "one reached": ("none", "none", "partial", "none"),
        "only thanks": ("none", "none", "none", "complete"),
        "state unknown": ("none", None, "none", "none"),  # no state is not "none": counted as reached, as before
    }
    data = {"unit": list(states)}
    for i, section in enumerate(("csc", "eyc", "send", "thanks")):
        data[f"section_{section}"] = [s[i] for s in states.values()]
    dataset = Dataset("wave-3", wave3, [], pl.DataFrame(data), len(states))
    assert list(unit_responses(dataset)) == ["complete", "partial", "partial", "none", "partial"]
    assert list(took_part(dataset)) == [True, True, True, False, True]
    tables = response_tables(dataset, [])
    assert (tables.took_part, tables.complete, tables.partial) == (4, 1, 3)
