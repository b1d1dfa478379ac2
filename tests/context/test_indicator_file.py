"""Reading indicator files: DfE tidy and plain layouts, symbols kept as missing, every bad row named."""

import pytest

from omnibus.context.indicator_file import IndicatorFileError, read_indicator_file, read_indicator_text

JOIN = ("dfe_la_code", "gss_code")  # england-la's join codes, in the order they are tried

TIDY = """\
time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,old_la_code,new_la_code,la_name,cla_rate,cla_number
2016,Financial year,National,E92000001,England,,,,,,60,70440
2016,Financial year,Regional,E92000001,England,E12000001,North East,,,,92,4850
2016,Financial year,Local authority,E92000001,England,E12000001,North East,805,E06000001,Hartlepool,c,c
2016,Financial year,Local authority,E92000001,England,E12000001,North East,806,E06000002,Middlesbrough,x,415
2016,Financial year,Local authority,E92000001,England,E12000001,North East,807,E06000003,Redcar and Cleveland,low,0
2016,Financial year,Local authority,E92000001,England,E12000001,North East,808,E06000004,Stockton-on-Tees,z,5
2016,Financial year,Local authority,E92000001,England,E12000001,North East,840,E06000047,County Durham,68,680
2015,Financial year,Local authority,E92000001,England,E12000001,North East,840,E06000047,County Durham,62,620
2016,Financial year,Local authority district,E92000001,England,E12000001,North East,,E07000001,Somewhere,9,9
"""


def test_tidy_suppressed_cells_stay_missing_with_their_symbol():
    read = read_indicator_text(TIDY, "cla_rate", "2016")
    assert read.errors == [] and read.layout == "tidy"
    by_code = {r.code: r for r in read.rows}
    assert by_code["805"].value is None and by_code["805"].symbol == "c"
    assert by_code["806"].value is None and by_code["806"].symbol == "x"
    assert by_code["807"].value is None and by_code["807"].symbol == "low"  # rounds to zero, but is not 0
    assert by_code["808"].value is None and by_code["808"].symbol == "z"
    assert by_code["840"].value == 68.0 and by_code["840"].code_in("new_la_code") == "E06000047"
    assert by_code["E92000001"].level == "national" and by_code["E92000001"].value == 60.0
    assert by_code["E12000001"].level == "regional" and by_code["E12000001"].name == "North East"
    assert read.skipped == 2  # the 2015 row and the district


def test_tidy_needs_a_period_and_the_column():
    assert "--period" in read_indicator_text(TIDY, "cla_rate").errors[0]
    assert "no column 'rate'" in read_indicator_text(TIDY, "rate", "2016").errors[0]
    assert "no rows for period 2030" in read_indicator_text(TIDY, "cla_rate", "2030").errors[0]


def test_every_bad_row_is_named_with_line_and_column(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "gss_code,dfe_la_code,name,rate\n"
        "E06000047,840,County Durham,68\n"
        "E06000005,841,Darlington,n/a\n"
        "E08000037,39,Gateshead,86\n"
        ",,Nowhere,5\n"
        "E06000047,840,County Durham,69\n"
        "E06000001,805,Hartlepool\n"
    )
    with pytest.raises(IndicatorFileError) as caught:
        read_indicator_file(path, "rate", join_codes=JOIN)
    errors = caught.value.errors
    assert errors == [  # a code that does not fit its pattern (line 4) is the store's to find
        f"{path}:3: column rate: 'n/a' is not a number nor one of the DfE symbols (c, x, z, low)",
        f"{path}:5: no code in dfe_la_code or gss_code: which unit is this?",
        f"{path}:7: this row has 3 values but the header has 4",
        f"{path}:6: a second value for County Durham (also on line 2)",
    ]


def test_plain_file_keyed_by_gss_code_with_england_and_a_region():
    text = "gss_code,name,rate,source\nE92000001,England,60,S2\nE12000007,London,51,S2\nE09000002,Barking,70,S2\n"
    read = read_indicator_text(text, "rate", join_codes=JOIN)
    assert [(r.level, r.code, r.codes) for r in read.rows] == [
        ("national", "E92000001", ()),
        ("regional", "E12000007", ()),
        ("la", "E09000002", (("gss_code", "E09000002"),)),
    ]
    assert read.notes == ["S2"]


def test_plain_file_without_a_code_column_is_refused():
    refused = read_indicator_text("name,rate\nX,1\n", "rate", join_codes=JOIN).errors
    assert refused == ["<text>:1: a plain file needs a column dfe_la_code or gss_code to say which unit a row is"]


def test_a_plain_file_is_keyed_by_any_join_code_of_the_population():
    text = "laestab,name,rate\n9302001,Alderbrook,12\n9302002,Beechcroft,14\n"
    read = read_indicator_text(text, "rate", join_codes=("urn", "laestab"))
    assert read.errors == [] and [(r.level, r.code, r.codes) for r in read.rows] == [
        ("la", "9302001", (("laestab", "9302001"),)),
        ("la", "9302002", (("laestab", "9302002"),)),
    ]
    refused = read_indicator_text(text, "rate", join_codes=("urn",)).errors
    assert refused == ["<text>:1: a plain file needs a column urn to say which unit a row is"]


def test_category_column_reads_text():
    text = "dfe_la_code,name,judgement\n840,County Durham,Good\n841,Darlington,x\n"
    rows = read_indicator_text(text, "judgement", categorical=True, join_codes=JOIN).rows
    assert (rows[0].text, rows[0].value) == ("Good", None)
    assert (rows[1].text, rows[1].symbol) == ("", "x")


def test_filter_columns_pick_one_breakdown_of_a_tidy_file():
    text = (
        "time_period,geographic_level,country_code,old_la_code,new_la_code,la_name,characteristic,rate\n"
        "2016,National,E92000001,,,,Total,60\n"
        "2016,National,E92000001,,,,Male,64\n"
        "2016,Local authority,E92000001,840,E06000047,County Durham,Total,68\n"
        "2016,Local authority,E92000001,840,E06000047,County Durham,Male,c\n"
    )
    read = read_indicator_text(text, "rate", "2016", where={"characteristic": "Total"})
    assert [(r.code, r.value) for r in read.rows] == [("E92000001", 60.0), ("840", 68.0)] and read.skipped == 2
    assert "no filter column 'sex'" in read_indicator_text(text, "rate", "2016", where={"sex": "Total"}).errors[0]
    none = read_indicator_text(text, "rate", "2016", where={"characteristic": "All"})
    assert none.errors == ["<text>:1: no rows for period 2016 with characteristic = 'All'"]
