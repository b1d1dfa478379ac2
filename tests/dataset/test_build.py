"""The analysis dataset: missing codes, multi flags, specify texts, section flags, frame attributes, paradata."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl
import pytest

from omnibus.analysis.dataset import NOT_ANSWERED, NOT_ASKED
from omnibus.collect.answers import complete_section
from omnibus.collect.models import PageEvent
from omnibus.dataset.build import build_dataset, paradata_summary

pytestmark = pytest.mark.django_db


def row_of(dataset, key: str) -> dict:
    return dataset.data.filter(pl.col("unit") == key).row(0, named=True)


def test_one_row_per_wave_unit_with_frame_attributes(wave):
    dataset = build_dataset(wave)
    data = dataset.data
    assert data.height == 152 and dataset.population_size == 152
    assert data.columns[0] == "unit" and data["unit"].n_unique() == 152
    durham = row_of(dataset, "840")
    assert durham["frame_name"] == "County Durham" and durham["frame_region_group"] == "North"
    assert durham["frame_fsm_pct"] == 19.0 and data.schema["frame_fsm_pct"] == pl.Float64
    assert "frame_dfe_la_code" not in data.columns  # the key is the unit column
    assert "name" in dataset.frame_attributes
    names = [v.name for v in dataset.variables]
    assert [c for c in data.columns if c in set(names)] == names  # questionnaire order
    assert data.columns.index("section_thanks") < data.columns.index("SuppSou_1") < data.columns.index("para_first_at")
    nobody = row_of(dataset, "841")
    assert nobody["section_csc"] == "none" and nobody["ConfUnd"] == NOT_ASKED and nobody["SWreturn"] is None


def test_the_frame_columns_are_the_frame_s_values_as_frame_as_of_types_them(wave):
    from omnibus.frame.store import frame_as_of, stored_schema

    data = build_dataset(wave).data
    units = {u.key: u for u in frame_as_of(wave.population.slug, wave.frame_as_of).units}
    name_column = stored_schema(wave.population).name
    for column in [c for c in data.columns if c.startswith("frame_")]:
        name = column.removeprefix("frame_")
        found = [units[key] for key in data["unit"]]
        values = [u.name or None if name == name_column else u.attributes.get(name, u.codes.get(name)) for u in found]
        numbers = isinstance(next(v for v in values if v is not None), int | float)
        assert data[column].to_list() == [float(v) if numbers and v is not None else v for v in values], name
        assert data.schema[column] == (pl.Float64 if numbers else pl.String)


def test_missing_codes_for_each_case(wave, give):
    give(wave, "840", {"SuppSou": [15], "SWoff": 3, "SocWork_a": 1, "CSWAmult": 2})
    row = row_of(build_dataset(wave), "840")
    assert row["HelpSupp"] == NOT_ASKED  # off route: only one source chosen
    assert row["MultChal"] is None  # off route text: null
    assert row["ConfUnd"] == NOT_ANSWERED  # asked in a reached section, left unanswered
    assert row["SWreturn"] == ""  # asked text left unanswered
    assert row["SWoff"] == 3  # don't know keeps its code
    assert (row["SocWork_a"], row["SocWork_b"]) == (1, NOT_ANSWERED)
    assert row["HLEprog_1"] == NOT_ASKED and row["HLEspend1718"] == NOT_ASKED  # section not reached
    assert row["SBeff"] is None
    assert row["DfErecon"] == NOT_ASKED


def test_a_changed_answer_moves_the_follow_up_off_route(wave, give):
    give(wave, "840", {"CSWAmult": 1, "MultChal": "Funding"})
    assert row_of(build_dataset(wave), "840")["MultChal"] == "Funding"
    give(wave, "840", {"CSWAmult": 3})
    assert row_of(build_dataset(wave), "840")["MultChal"] is None


def test_multi_flags_and_specify_texts(wave, give):
    give(wave, "840", {"SuppSou": [1, 14], "SuppSou_14_text": "Peer mentoring", "HelpSupp": 14, "ImpEnab": [2]})
    row = row_of(build_dataset(wave), "840")
    assert (row["SuppSou_1"], row["SuppSou_2"], row["SuppSou_14"], row["SuppSou_15"]) == (1, 0, 1, 0)
    assert row["SuppSou_14_text"] == "Peer mentoring"
    assert row["HelpSupp"] == 14
    assert row["ImpEnab_2"] == 1 and row["ImpEnab_10_text"] == ""  # asked, "Other" not chosen
    assert all(row[f"LAsupp_{code}"] == NOT_ANSWERED for code in range(1, 11))  # asked, not answered
    assert row["LAsupp_9_text"] == ""
    assert row["SuppSouFut_16"] == NOT_ANSWERED


def test_section_flags(wave, give):
    unit = give(wave, "840", {"SuppSou": [1], "HLEprog": [10], "RecDiff_a": 1, "RecDiff_b": 2, "RecDiff_c": 6})
    complete_section(unit, "eyc", None)
    give(wave, "841", {"EHCplans_a": 1}, mode="telephone")  # imported but not every required answer
    give(wave, "805", {"DfErecon": 1, "Recontact": 2}, mode="paper")  # imported, every required answer given
    dataset = build_dataset(wave)
    assert [row_of(dataset, "840")[f"section_{s}"] for s in ("csc", "eyc", "send")] == ["partial", "complete", "none"]
    assert row_of(dataset, "841")["section_send"] == "partial"
    assert row_of(dataset, "805")["section_thanks"] == "complete"
    assert row_of(dataset, "805")["section_csc"] == "none"


def test_pilot_only_questions_only_in_pilot_waves(make_wave, tmp_path):
    from omnibus.fieldwork.questionnaires import store_questionnaire
    from omnibus.fieldwork.waves import create_wave

    source = tmp_path / "pilot.yaml"
    source.write_text(
        "survey: p\nversion: v1\ntitle: Pilot\nsections:\n  - id: s\n    title: S\n    questions:\n"
        "      - {id: A, type: single, text: 'A?', options: {1: 'Yes', 2: 'No'}}\n"
        "      - {id: B, type: text, text: 'Was A clear?', pilot: true}\n"
    )
    stored, _ = store_questionnaire(source)
    base = make_wave("main-cso")  # loads the frame; its dates serve the two waves below
    dates = ("england-la", base.frame_as_of, base.opens_at, base.closes_at)
    main = build_dataset(create_wave("p-main", "Main", stored, *dates))
    pilot = build_dataset(create_wave("p-pilot", "Pilot", stored, *dates, kind="pilot"))
    assert "A" in main.data.columns and "B" not in main.data.columns
    assert [v.name for v in pilot.variables] == ["A", "B"] and "B" in pilot.data.columns


def test_paradata_summary(wave, give):
    unit = give(wave, "840", {"SuppSou": [1]})
    start = datetime(2017, 10, 5, 9, tzinfo=UTC)
    shown = [
        ("", "menu", 0),
        ("csc", "SuppSou", 60),  # a minute on the menu
        ("csc", "SuppSouFut", 60 + 120),  # two minutes on SuppSou
        ("eyc", "HLEprog", 180 + 5 * 3600),  # away for five hours: counts as 30 minutes
        ("eyc", "HLEspend", 180 + 5 * 3600 + 90),
    ]
    for section, page, seconds in shown:
        event = PageEvent.objects.create(wave_unit=unit, section=section, page=page, event="shown")
        PageEvent.objects.filter(pk=event.pk).update(at=start + timedelta(seconds=seconds))
    row = row_of(build_dataset(wave), "840")
    assert row["para_first_at"] == start and row["para_last_at"] == start + timedelta(seconds=180 + 5 * 3600 + 90)
    assert row["para_minutes_csc"] == pytest.approx(2 + 30)
    assert row["para_minutes_eyc"] == pytest.approx(1.5)
    assert row["para_minutes"] == pytest.approx(1 + 32 + 1.5)
    assert row["para_pages_shown"] == 5
    assert (row["para_last_section"], row["para_last_page"]) == ("eyc", "HLEspend")
    other = row_of(build_dataset(wave), "841")
    assert other["para_pages_shown"] == 0 and other["para_first_at"] is None


def test_paradata_summary_without_events():
    empty = pl.DataFrame(
        schema={
            "wave_unit": pl.Int64,
            "section": pl.String,
            "page": pl.String,
            "event": pl.String,
            "at": pl.Datetime("us", "UTC"),
        }
    )
    assert paradata_summary(empty, ["csc"]).height == 0


def test_a_handful_of_queries_whatever_the_number_of_units(wave, give, django_assert_max_num_queries):
    from omnibus.dataset.simulate import simulate

    simulate(wave, seed=5, response_rate=0.3)
    with django_assert_max_num_queries(12):
        build_dataset(wave)
