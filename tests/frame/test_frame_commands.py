"""`omnibus frame load` and `omnibus frame show` through click's test runner."""

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from omnibus.frame.models import AttributeValue, FrameVersion, Unit
from omnibus.site.cli.frame import frame

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "frame"
EXAMPLE = EXAMPLES / "england-la-2017.csv"

# Loading frames into a database that has none: the set-up's frame and wave are set aside.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_database")]


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(frame, [str(a) for a in args])

    return invoke


def test_load_prints_one_summary_line(run):
    result = run("load", EXAMPLE, "--as-of", "2017-09-01")
    assert result.exit_code == 0, result.output
    assert result.stdout == "Loaded 152 units into england-la as of 2017-09-01 (152 new, 0 changed attribute values)\n"


def test_show_table_and_csv_round_trip(run, tmp_path):
    run("load", EXAMPLE, "--as-of", "2017-09-01")
    table = run("show")
    assert table.exit_code == 0
    lines = table.stdout.splitlines()
    assert lines[0].startswith("england-la: Upper-tier local authorities in England, as of 2017-09-01")
    assert lines[0].endswith("152 units")
    assert lines[2].split()[:3] == ["gss_code", "dfe_la_code", "name"]
    assert len(lines) == 4 + 152
    shown = run("show", "--format", "csv", "--as-of", "2018-03-31")
    assert shown.exit_code == 0
    with open(EXAMPLE, newline="", encoding="utf-8") as handle:
        original = sorted(csv.reader(handle))
    assert sorted(csv.reader(io.StringIO(shown.stdout))) == original


def test_bad_file_lists_every_error_and_loads_nothing(run, tmp_path):
    bad = tmp_path / "bad.csv"
    text = EXAMPLE.read_text(encoding="utf-8").splitlines()
    text[0] = text[0].replace("region_code", "colour")
    text[3] = text[3].replace(",North East,", ",Narnia,")
    bad.write_text("\n".join(text) + "\n", encoding="utf-8")
    result = run("load", bad, "--as-of", "2017-09-01")
    assert result.exit_code == 1
    assert result.stdout == ""
    errors = result.stderr.splitlines()
    assert errors[0] == f"{bad}:1: column colour: unknown column (expected some of: " + (
        "gss_code, dfe_la_code, name, type, region, region_code, region_group, fsm_pct, cin_rate, cin_band, "
        "cla_rate, ofsted)"
    )
    assert errors[1].startswith(f"{bad}:4: column region: 'Narnia' is not one of:")
    assert errors[-1] == f"Nothing loaded: 2 errors in {bad}."
    assert "Traceback" not in result.output
    assert (Unit.objects.count(), FrameVersion.objects.count(), AttributeValue.objects.count()) == (0, 0, 0)


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("load", EXAMPLE, "--as-of", "1/9/2017"), 2, "'1/9/2017' is not a date in the form YYYY-MM-DD"),
        (("load", EXAMPLE, "--as-of", "2017-02-30"), 2, "is not a date"),
        (("load", EXAMPLE), 2, "Missing option '--as-of'"),
        (("load", "no-such-file.csv", "--as-of", "2017-09-01"), 2, "does not exist"),
        (("load", EXAMPLE, "--as-of", "2017-09-01", "--population", "schools"), 1, "unknown population 'schools'"),
        (("show",), 1, "Error: no frame has been loaded yet (populations shipped: england-la, parent-carer-forums)"),
        (("show", "--population", "england-la"), 1, "Error: no frame has been loaded for population 'england-la' yet"),
        (("show", "--population", "schools"), 1, "unknown population 'schools'"),
        (("show", "--as-of", "yesterday"), 2, "'yesterday' is not a date"),
        (("show", "--format", "xml"), 2, "'xml' is not one of"),
    ],
)
def test_user_mistakes_give_a_message_not_a_traceback(run, args, code, message):
    result = run(*args)
    assert result.exit_code == code
    assert message in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_show_before_the_first_version(run):
    run("load", EXAMPLE, "--as-of", "2017-09-01")
    result = run("show", "--as-of", "2017-08-31")
    assert result.exit_code == 1
    assert "Error: no frame for 'england-la' as of 2017-08-31: the earliest is as of 2017-09-01" in result.output


def test_second_year_reports_new_left_and_changed(run):
    run("load", EXAMPLES / "england-la-by-year" / "england-la-2017.csv", "--as-of", "2017-09-01")
    result = run("load", EXAMPLES / "england-la-by-year" / "england-la-2020.csv", "--as-of", "2020-09-01")
    # Buckinghamshire's GSS code and type changed; BCP and Dorset unitary are new.
    assert result.stdout == (
        "Loaded 151 units into england-la as of 2020-09-01 (2 new, 3 left, 2 changed attribute values)\n"
    )


@pytest.mark.parametrize("command", [(), ("load",), ("show",)])
def test_help(run, command):
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert "Usage:" in result.output
