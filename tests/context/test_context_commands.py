"""`omnibus context`: load, list, bands, variation, scatter, neighbours, breakdown; mistakes exit 1."""

import pytest
from click.testing import CliRunner

from omnibus.context import demo
from omnibus.context.demo import load_demo_context
from omnibus.context.models import Value
from omnibus.site.cli.context import context
from tests.context.conftest import CLA, ENGLAND, IMD, ROOT

pytestmark = pytest.mark.django_db


def run(*args):
    return CliRunner().invoke(context, list(args), catch_exceptions=False)


def test_load_variation_and_scatter_write_their_charts(frame, tmp_path):
    col = "cla_rate_per_10000_31mar2016"
    result = run("load", str(CLA), "--indicator", "cla_rate", "--period", "2016", "--column", col, "--source", demo.CLA)
    assert (
        result.exit_code == 0
        and "Loaded cla_rate 2016" in result.output
        and "152 local authority value(s)" in result.output
    )
    assert f"Source: {demo.CLA}" in result.output
    run("load", str(ENGLAND), "--indicator", "cla_rate", "--period", "2016", "--column", col, "--source", demo.CLA)
    imd = ("--column", "imd2019_average_score", "--source", demo.IMD)
    run("load", str(IMD), "--indicator", "imd", "--period", "2019", *imd)
    result = run("variation", "cla_rate:2016", "-o", str(tmp_path / "cla.png"))
    assert result.exit_code == 0
    spaced = " ".join(result.output.split())
    assert "Local authorities summarised (n) 151 Lowest 22 (Wokingham)" in spaced
    assert "At double England or more 3 (Middlesbrough, Southampton, Blackpool)" in spaced
    assert "Note: Local authorities with a value of 0 are left out: Isles of Scilly (a value of 0)" in result.output
    assert (tmp_path / "cla.png").stat().st_size > 10000
    result = run("scatter", "imd:2019", "cla_rate:2016", "--label-points", "-o", str(tmp_path / "s.svg"))
    assert result.exit_code == 0 and "Base: local authorities with both values (n=148)" in result.output
    assert "Pearson's r = 0.7" in result.output and (tmp_path / "s.svg").exists()
    result = run("neighbours", "890", "--by", "cla_rate:2016,imd:2019", "--count", "3")
    assert result.exit_code == 0 and result.output.count("distance") == 3
    assert "Not compared (a value missing): Bournemouth, Dorset, Poole" in result.output


def test_a_bad_file_exits_1_naming_rows_and_loads_nothing(frame, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("dfe_la_code,name,rate\n890,Blackpool,1O4\n123,Nowhere,5\n")
    result = CliRunner().invoke(context, ["load", str(bad), "--indicator", "x", "--period", "2016", "--column", "rate"])
    assert result.exit_code == 1
    assert f"{bad}:2: column rate: '1O4' is not a number" in result.output
    assert "Nothing loaded: 1 error(s)" in result.output
    assert Value.objects.count() == 0


def test_where_picks_rows_of_a_tidy_file(frame, tmp_path):
    tidy = tmp_path / "tidy.csv"
    tidy.write_text(
        "time_period,geographic_level,country_code,old_la_code,new_la_code,la_name,characteristic,rate\n"
        "2016,National,E92000001,,,,Total,60\n"
        "2016,Local authority,E92000001,840,E06000047,County Durham,Total,x\n"
        "2016,Local authority,E92000001,840,E06000047,County Durham,Male,70\n"
    )
    result = run(
        "load", str(tidy), "--indicator", "r", "--period", "2016", "--column", "rate",
        "--where", "characteristic=Total", "--source", demo.CLA,
    )  # fmt: skip
    assert result.exit_code == 0 and "1 local authority, 1 national value(s)" in result.output
    assert "1 area(s) with no figure" in result.output and "1 row(s) of other periods" in result.output
    assert Value.objects.get(area="840").value is None
    result = CliRunner().invoke(
        context, ["load", str(tidy), "--indicator", "r", "--period", "2016", "--where", "Total"]
    )
    assert result.exit_code == 2 and "give COLUMN=VALUE" in result.output


def test_user_mistakes_are_one_line_not_a_traceback(frame):
    result = CliRunner().invoke(context, ["variation", "cla_rate:2016"])
    assert result.exit_code == 1 and "Error: no indicator 'cla_rate' is loaded" in result.output
    result = CliRunner().invoke(context, ["variation", "cla_rate"])
    assert result.exit_code == 2 and "give an indicator and its period as CODE:PERIOD" in result.output


def test_bands_breakdown_correlate_and_compare_commands(indicators, wave):
    result = run(
        "bands", "cin_rate:2016", "--attribute", "cin_rate_band", "--as-of", "2017-09-01", "--cuts", "100,300,400,500"
    )
    assert result.exit_code == 0 and "500+:" in result.output
    result = run("breakdown", "cso-w3", "ConfUnd", "--by", "cin_rate_band")
    assert result.exit_code == 0
    assert "Total (A)" in result.output and "500+ (E)" in result.output and "Base (n)" in result.output
    spec = str(ROOT / "examples" / "analysis" / "cso-wave3.yaml")
    result = run("correlate", "cso-w3", "HLEcost1718", "cin_rate", "--spec", spec)  # no period: the nearest
    assert result.exit_code == 0 and "cin_rate: period 2016, the loaded one nearest the fieldwork" in result.output
    assert "HLE spend per child reached 2017-18 against Children in need per 10,000 (2016)" in result.output
    assert "Base: " in result.output and "two-sided t-test" in result.output
    args = [
        "compare",
        "cso-w3",
        "890",
        "--by",
        "cla_rate,imd_score:2019",
        "--variables",
        "ConfUnd",
        "--count",
        "4",
    ]
    result = run(*args)
    assert (
        result.exit_code == 0
        and "Blackpool (this local authority)" in result.output
        and "For researchers only" in result.output
    )
    assert result.output.count("(neighbour, distance") == 4
    assert "cla_rate: period 2016" in result.output and "imd_score: period" not in result.output
    result = CliRunner().invoke(context, ["correlate", "cso-w3", "HLEcost1718", ":2016"])
    assert result.exit_code == 2 and "give an indicator and its period" in result.output


def test_the_demo_loads_the_reference_indicators_and_bands(frame):
    lines = load_demo_context()
    assert any(line.startswith("  ofsted_sif:2017") for line in lines)
    assert "frame attribute cin_rate_band from 2017-09-01: 100-300, 300-400, 400-500, 500+" in lines[-3]
    assert "ranged from 22 per 10,000 (Wokingham) to 164 per 10,000 (Blackpool)" in lines[-1]


def test_tables_command_writes_the_tab_book_with_the_context_sheet(indicators, wave, tmp_path):
    from openpyxl import load_workbook

    run("bands", "cin_rate:2016", "--attribute", "cin_rate_band", "--as-of", "2017-09-01", "--cuts", "100,300,400,500")
    spec = tmp_path / "report.yaml"
    spec.write_text(
        "title: CSO\n"
        "context:\n"
        "  variation: [{indicator: cla_rate, period: '2016'}]\n"
        "  breakdowns: [{question: ConfUnd, by: cin_rate_band, label: Children in need rate band}]\n"
    )
    out = tmp_path / "tabbook.xlsx"
    result = run("tables", "cso-w3", "--context", str(spec), "-o", str(out))
    assert result.exit_code == 0 and "with 2 context table(s)" in result.output
    sheet = load_workbook(out)["Context"]
    captions = [
        row[0].value for row in sheet.iter_rows() if row[0].value and str(row[0].value).startswith(("Child", "How"))
    ]
    assert captions[0] == "Children looked after per 10,000, 2016: how local authorities vary"
    assert any(c.endswith("by Children in need rate band") for c in captions)
    notes = [row[0].value for row in sheet.iter_rows() if str(row[0].value).startswith("Note: ")]
    assert "Note: Local authorities with a value of 0 are left out: Isles of Scilly (a value of 0)" in notes
    spec.write_text("context:\n  variation: [{period: '2016'}]\n")
    bad = CliRunner().invoke(context, ["tables", "cso-w3", "--context", str(spec), "-o", str(out)])
    assert bad.exit_code == 1 and "context.variation[0]: missing indicator" in bad.output


def test_load_without_a_public_source_exits_1_and_says_to_give_one(frame):
    args = ["load", str(CLA), "--indicator", "cla_rate", "--period", "2016", "--column", "cla_rate_per_10000_31mar2016"]
    result = CliRunner().invoke(context, args)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "is a note for the data's keeper (a reference tag such as S2)" in result.output
    assert "give the public source with --source" in result.output
    assert Value.objects.count() == 0
