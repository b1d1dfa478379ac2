"""Loading indicators into the database: all or nothing, symbols kept missing, England beside the LAs."""

import pytest

from omnibus.context import demo
from omnibus.context.indicator_file import IndicatorFileError
from omnibus.context.models import Value
from omnibus.context.store import ContextError, indicator_values, load_indicator, summary_of
from omnibus.context.variation import ExclusionRule
from tests.context.conftest import CIN, CLA, ENGLAND, REFERENCE

PUBLIC = "DfE, Children looked after in England including adoption: year ending 31 March 2016"
TIDY = """\
time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,old_la_code,new_la_code,la_name,rate
2016,Financial year,National,E92000001,England,,,,,,60
2016,Financial year,Regional,E92000001,England,E12000001,North East,,,,92
2016,Financial year,Local authority,E92000001,England,E12000001,North East,805,E06000001,Hartlepool,c
2016,Financial year,Local authority,E92000001,England,E12000001,North East,806,E06000002,Middlesbrough,low
2016,Financial year,Local authority,E92000001,England,E12000001,North East,840,E06000047,County Durham,68
"""


def test_loads_las_and_england_from_two_files_with_their_source_notes(frame):
    col = "cla_rate_per_10000_31mar2016"
    done = load_indicator(CLA, "cla_rate", "2016", col, "Looked after", "per 10,000", source=demo.CLA)
    assert (done.las, done.national, done.layout) == (152, 0, "plain")
    load_indicator(ENGLAND, "cla_rate", "2016", col, source=demo.CLA)
    values = indicator_values("cla_rate", "2016")
    assert values.national == 60.0 and len(values.las) == 152
    assert values.las["890"].value == 164.0 and values.las["890"].name == "Blackpool"
    assert values.source_note == demo.CLA  # once, though both files gave it


def test_the_appg_summary_from_the_database(indicators):
    summary = summary_of("cla_rate", "2016", ExclusionRule())
    assert (summary.minimum, summary.maximum, summary.national) == (22.0, 164.0, 60.0)
    assert (len(summary.half_or_less), len(summary.double_or_more)) == (6, 3)


def test_suppressed_cells_of_dfe_tidy_data_are_stored_missing_never_zero(frame, tmp_path):
    path = tmp_path / "cla_tidy.csv"
    path.write_text(TIDY)
    done = load_indicator(path, "cla_tidy", "2016", "rate", source=PUBLIC)
    assert (done.layout, done.las, done.national, done.regional, done.missing) == ("tidy", 3, 1, 1, 2)
    stored = {v.area: (v.value, v.symbol) for v in Value.objects.filter(level=Value.UNIT)}
    assert stored == {"805": (None, "c"), "806": (None, "low"), "840": (68.0, "")}
    values = indicator_values("cla_tidy", "2016")
    assert set(values.las) == {"840"} and values.no_value == {
        "805": ("Hartlepool", "c"),
        "806": ("Middlesbrough", "low"),
    }
    assert values.regions == {"E12000001": ("North East", 92.0)}
    summary = summary_of("cla_tidy", "2016", ExclusionRule())
    assert summary.n == 1 and summary.minimum == 68.0  # never a 0 from a suppressed cell
    assert summary.footnotes()[
        1
    ] == "No published value for 2 local authorities: Hartlepool (suppressed (confidential)), " + (
        "Middlesbrough (rounds to zero)."
    )


def test_a_bad_file_changes_nothing_and_names_its_rows(frame, tmp_path):
    load_indicator(CLA, "cla_rate", "2016", "cla_rate_per_10000_31mar2016", source=demo.CLA)
    bad = tmp_path / "bad.csv"
    bad.write_text("dfe_la_code,name,rate\n890,Blackpool,1\n999,Nowhere,5\n841,Darlington,lots\n")
    with pytest.raises(IndicatorFileError) as caught:
        load_indicator(bad, "cla_rate", "2016", "rate", source=PUBLIC)
    assert caught.value.errors == [
        f"{bad}:4: column rate: 'lots' is not a number nor one of the DfE symbols (c, x, z, low)"
    ]
    bad.write_text("dfe_la_code,name,rate\n890,Blackpool,1\n999,Nowhere,5\n")
    with pytest.raises(IndicatorFileError) as caught:
        load_indicator(bad, "cla_rate", "2016", "rate", source=PUBLIC)
    assert caught.value.errors == [
        f"{bad}:3: DfE LA number 999 (Nowhere) is not a local authority of the england-la frame",
        f"{bad}: 1 local authority in the file is not in the frame",
    ]
    bad.write_text("dfe_la_code,gss_code,name,rate\n39,E08000037,Gateshead,86\n")
    with pytest.raises(IndicatorFileError) as caught:
        load_indicator(bad, "cla_rate", "2016", "rate", source=PUBLIC)
    assert caught.value.errors[0] == (
        f"{bad}:2: column dfe_la_code: '39' does not match the pattern of the DfE LA number (^\\d{{3}}$)"
    )
    assert indicator_values("cla_rate", "2016").las["890"].value == 164.0  # unchanged


def test_gss_codes_are_matched_to_units(frame, tmp_path):
    path = tmp_path / "gss.csv"
    path.write_text("gss_code,name,rate\nE06000009,Blackpool,7\nE99999999,Nowhere,1\n")
    with pytest.raises(IndicatorFileError, match="'E99999999' does not match the pattern of the ONS GSS code"):
        load_indicator(path, "x", "2016", "rate", source=PUBLIC)
    path.write_text("gss_code,name,rate\nE06000009,Blackpool,7\n")
    load_indicator(path, "x", "2016", "rate", source=PUBLIC)
    assert indicator_values("x", "2016").las["890"].value == 7.0


def test_unknown_indicator_or_period_says_what_is_loaded(indicators):
    with pytest.raises(ContextError, match=r"has no period '2017' \(loaded: 2016\)"):
        indicator_values("cla_rate", "2017")
    with pytest.raises(ContextError, match="no indicator 'nope' is loaded"):
        indicator_values("nope", "2016")


def test_ofsted_judgements_load_as_a_category(frame):
    load_indicator(REFERENCE / "la_ofsted_sif_2017.csv", "ofsted_sif", "2017", "sif_overall_as_at_2017_12_31",
                   categorical=True, source=demo.OFSTED)  # fmt: skip
    values = indicator_values("ofsted_sif", "2017")
    assert values.kind == "category" and len(values.categories) == 152
    counts = {}
    for _, text in values.categories.values():
        counts[text] = counts.get(text, 0) + 1
    assert counts == {"Outstanding": 3, "Good": 52, "Requires improvement to be good": 69, "Inadequate": 28}
    with pytest.raises(ContextError, match="category indicator"):
        summary_of("ofsted_sif", "2017", ExclusionRule())
    with pytest.raises(ContextError, match="loaded as a category"):
        load_indicator(CIN, "ofsted_sif", "2017", "cin_rate_per_10000_31mar2016", source=demo.CIN)


def test_the_source_stored_is_the_public_one_or_nothing_is_loaded(frame, tmp_path):
    from omnibus.context.models import Series

    with pytest.raises(ContextError, match=r"column source: 'S2: DfE SFR41/2016.*' is a note for the data's keeper"):
        load_indicator(CLA, "cla_rate", "2016", "cla_rate_per_10000_31mar2016")
    with pytest.raises(ContextError, match=r"--source 'DfE LA tables, sheet LAA1' reads as a note .*\(a sheet name\)"):
        load_indicator(CLA, "cla_rate", "2016", "cla_rate_per_10000_31mar2016", source="DfE LA tables, sheet LAA1")
    plain = tmp_path / "plain.csv"
    plain.write_text("gss_code,name,rate\nE06000009,Blackpool,7\n")
    with pytest.raises(ContextError, match="plain.csv: the file has no source column: give the public source"):
        load_indicator(plain, "x", "2016", "rate")
    assert not Series.objects.exists()
    plain.write_text(f'gss_code,name,rate,source\nE06000009,Blackpool,7,"{PUBLIC}"\n')
    assert load_indicator(plain, "x", "2016", "rate").notes == [PUBLIC]  # a clean source column is cited as it is
    assert indicator_values("x", "2016").source_note == PUBLIC


def test_the_loaded_period_nearest_the_fieldwork(frame, tmp_path):
    from datetime import date

    from omnibus.context.store import nearest_loaded

    path = tmp_path / "gss.csv"
    path.write_text("gss_code,name,rate\nE06000009,Blackpool,7\n")
    for period in ("2015", "2016-17", "2019"):
        load_indicator(path, "x", period, "rate", source=PUBLIC)
    assert nearest_loaded("x", date(2017, 10, 4)) == "2016-17"
    assert nearest_loaded("x", date(2014, 1, 1)) == "2015"
    with pytest.raises(ContextError, match="no indicator 'nope' is loaded"):
        nearest_loaded("nope", None)


def test_a_context_file_of_another_population_is_keyed_by_its_join_codes(schools, tmp_path):
    from click.testing import CliRunner

    from omnibus.site.cli.context import context

    by_laestab = tmp_path / "attendance.csv"
    by_laestab.write_text("laestab,name,rate\n9302001,Alderbrook,94.1\n9304002,Hollins,91.5\n")
    done = load_indicator(by_laestab, "attendance", "2024", "rate", source=PUBLIC, population="test-schools")
    assert done.las == 2
    assert {k: a.value for k, a in indicator_values("attendance", "2024").las.items()} == {
        "100001": 94.1,
        "100008": 91.5,
    }
    by_urn = tmp_path / "fsm.csv"
    by_urn.write_text("urn,laestab,name,rate\n100009,,Ivybridge,40\n,9307002,Juniper,35\n")
    assert load_indicator(by_urn, "fsm", "2024", "rate", source=PUBLIC, population="test-schools").las == 2
    assert set(indicator_values("fsm", "2024").las) == {"100009", "100010"}  # by urn, else by laestab
    strangers = tmp_path / "strangers.csv"
    strangers.write_text("urn,name,rate\n100001,Alderbrook,1\n999998,Nowhere,2\n999999,Elsewhere,3\n")
    with pytest.raises(IndicatorFileError) as caught:
        load_indicator(strangers, "x", "2024", "rate", source=PUBLIC, population="test-schools")
    assert caught.value.errors == [
        f"{strangers}:3: Unique reference number 999998 (Nowhere) is not a school of the test-schools frame",
        f"{strangers}:4: Unique reference number 999999 (Elsewhere) is not a school of the test-schools frame",
        f"{strangers}: 2 schools in the file are not in the frame",
    ]
    keyed_by_la = tmp_path / "la.csv"
    keyed_by_la.write_text("gss_code,name,rate\nE06000009,Blackpool,7\n")
    with pytest.raises(IndicatorFileError, match="needs a column urn or laestab to say which unit a row is"):
        load_indicator(keyed_by_la, "y", "2024", "rate", source=PUBLIC, population="test-schools")
    args = ["load", str(by_laestab), "--indicator", "att2", "--period", "2024", "--column", "rate"]
    result = CliRunner().invoke(context, [*args, "--source", PUBLIC, "--population", "test-schools"])
    assert result.exit_code == 0 and "(plain): 2 school value(s)" in result.output
