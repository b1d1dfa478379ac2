"""Which population a command works on: --population, the file's columns, or the only one loaded."""

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from omnibus.frame.models import Population
from omnibus.frame.store import FrameError, choose_population, frame_as_of, load_frame
from omnibus.site.cli.frame import frame
from tests.populations import tiny_population

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "frame" / "england-la-2017.csv"
A = date(2020, 1, 1)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_database")]


def run(*args: object):
    return CliRunner().invoke(frame, [str(a) for a in args])


def test_a_population_loaded_from_a_file_is_then_known_by_its_slug(tmp_path):
    schema, csv = tiny_population(tmp_path)
    assert run("load", csv, "--as-of", "2020-01-01", "--population", schema).exit_code == 0
    # The slug alone is accepted afterwards, as `wave create` accepts it (its file is not shipped).
    again = run("load", csv, "--as-of", "2021-01-01", "--population", "tiny-forums")
    assert again.exit_code == 0, again.output
    assert again.stdout.startswith("Loaded 3 units into tiny-forums as of 2021-01-01")
    shown = run("show", "--population", "tiny-forums")
    assert shown.exit_code == 0 and "Southshire Forum 1" in shown.stdout


def test_the_file_header_picks_the_population_and_the_only_loaded_one_is_the_default(tmp_path):
    schema, csv = tiny_population(tmp_path)
    load_frame(csv, A, str(schema))
    # Two populations are known now (one shipped, one loaded): the LA file's columns choose england-la.
    assert load_frame(EXAMPLE, date(2017, 9, 1)).population.slug == "england-la"
    assert load_frame(csv, A).population.slug == "tiny-forums"
    with pytest.raises(FrameError, match=r"there are 2 populations \(england-la, tiny-forums\).*--population"):
        frame_as_of()
    Population.objects.filter(slug="england-la").delete()
    assert frame_as_of().population == "tiny-forums"  # the only one loaded needs no flag
    assert choose_population() == "tiny-forums"


def test_an_unknown_population_names_the_shipped_and_loaded_ones(tmp_path):
    schema, csv = tiny_population(tmp_path)
    load_frame(csv, A, str(schema))
    with pytest.raises(FrameError, match=r"unknown population 'schools' \(known: .*england-la.*tiny-forums"):
        choose_population("schools")
    result = run("show", "--population", "schools")
    assert result.exit_code == 1 and "unknown population 'schools'" in result.output
    assert "Traceback" not in result.output


def test_without_a_flag_several_populations_are_an_error_asking_for_one(tmp_path):
    schema, csv = tiny_population(tmp_path)
    load_frame(csv, A, str(schema))
    load_frame(EXAMPLE, date(2017, 9, 1))
    result = run("show")
    assert result.exit_code == 1
    assert "there are 2 populations (england-la, tiny-forums): choose one with --population" in result.output


def test_a_file_of_no_populations_columns_asks_which_population(tmp_path):
    odd = tmp_path / "odd.csv"
    odd.write_text("school_urn,school_name\n100000,Made-up School\n", encoding="utf-8")
    result = run("load", odd, "--as-of", "2020-01-01")
    assert result.exit_code == 1
    assert "the file's columns are not those of one population (populations: england-la, parent-carer-forums" in (
        result.output
    )
