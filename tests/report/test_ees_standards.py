"""The EES data standards' checks (`ees_standards.py`): a good data set passes, each kind of mistake is named.

No database: the files are written here, by hand, as a publisher might get them wrong.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from omnibus.analysis.conventions import round_half_up
from omnibus.report.ees_standards import check_ees_folder
from omnibus.report.published import period_of

HEADER = "time_period,time_identifier,geographic_level,country_code,country_name,type,response,percentage,base"
GOOD = [
    "201718,Autumn term,National,E92000001,England,Total,Yes,62,80",
    "201718,Autumn term,National,E92000001,England,County,Yes,low,20",
    "201617,Spring term,National,E92000001,England,Total,Yes,z,0",
]
META = [
    "col_name,col_type,label,indicator_grouping,indicator_unit,indicator_dp,filter_hint,filter_grouping_column,"
    "filter_default",
    "type,Filter,Authority type,,,,,,",
    "response,Filter,Response,,,,The answer given,,Yes",
    "percentage,Indicator,Percentage of the base,,%,0,,,",
    "base,Indicator,Base (number answering),,,0,,,",
]


def _release(folder: Path, rows: list[str] = GOOD, meta: list[str] = META, name: str = "confund") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.csv").write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    (folder / f"{name}.meta.csv").write_text("\n".join(meta) + "\n", encoding="utf-8")
    (folder / "dataset_names.csv").write_text(f"file_name,dataset_name\n{name},How confident\n", encoding="utf-8")
    return folder


def test_a_good_data_set_passes(tmp_path: Path) -> None:
    assert check_ees_folder(_release(tmp_path)) == []


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("201718,Autumn term,National,E92000001,England,Total,No,,80", "percentage is blank"),
        ("201718,Autumn term,National,E92000001,England,Total,No,:,80", "legacy symbol ':'"),
        ("201718,Autumn term,National,E92000001,England,Total,No,62%,80", "neither a number nor a GSS symbol"),
        ("201719,Autumn term,National,E92000001,England,Total,No,1,80", "two consecutive years"),
        ("2017,Term 1,National,E92000001,England,Total,No,1,80", "not an EES time identifier"),
        ("201718,Autumn term,Country,E92000001,England,Total,No,1,80", "not a geographic level"),
        ("201718,Autumn term,National,,England,Total,No,1,80", "National rows need country_code"),
        ("201718,Autumn term,National,E92000001,England,,No,1,80", "the filter type is blank"),
        ("201718,Autumn term,National,E92000001,England,Total, No,1,80", "spaces at an end"),
        ("201718,Autumn term,National,E92000001,England,Total,Yes,1,80", "same time, geography and filters"),
        ("2017,Calendar year,National,E92000001,England,Total,No,1,80", "different kinds in one file"),
    ],
)
def test_each_mistake_is_named_with_its_line(tmp_path: Path, row: str, problem: str) -> None:
    problems = check_ees_folder(_release(tmp_path, [*GOOD, row]))
    assert any(problem in p for p in problems), problems
    assert any(p.startswith(f"{tmp_path}/confund.csv:") for p in problems)


def test_metadata_mistakes(tmp_path: Path) -> None:
    meta = [
        META[0],
        "type,Filter,Authority type,,%,,,,",
        "response,Filter,Response,,,,,,Maybe",
        "percentage,Indicator,Percentage of the base,,percent,one,,,",
        "base,Indicator,Percentage of the base,,,0,,,",
    ]
    problems = check_ees_folder(_release(tmp_path, meta=meta))
    for expected in (
        "a filter has no indicator_unit",
        "the filter response has no default item 'Maybe'",
        "indicator_unit 'percent' is not one of",
        "indicator_dp 'one' should be a whole number",
        "the label 'Percentage of the base' is used twice",
    ):
        assert any(expected in p for p in problems), (expected, problems)
    assert f"{tmp_path}/confund.meta.csv:2: type: a filter has no indicator_unit" in problems


def test_files_and_names(tmp_path: Path) -> None:
    folder = _release(tmp_path, name="Conf Und")
    (folder / "orphan.csv").write_text(HEADER + "\n" + GOOD[0] + "\n", encoding="utf-8")
    problems = check_ees_folder(folder)
    assert any("the file name may hold only" in p for p in problems)
    assert any("orphan.csv: no metadata file orphan.meta.csv" in p for p in problems)
    (folder / "dataset_names.csv").unlink()
    assert any("dataset_names.csv: missing" in p for p in check_ees_folder(folder))


def test_rounding_half_up_and_the_term_of_a_wave() -> None:
    assert round_half_up(62.5, 0) == 63
    assert round_half_up(0.125, 2) == Decimal("0.13")
    assert round_half_up(2.5, 0) == 3  # Python's round() gives 2
    assert period_of(date(2017, 10, 4)).label == "Autumn term 2017/18"
    assert period_of(date(2018, 2, 6)) == period_of(date(2018, 3, 31))
    assert period_of(date(2018, 2, 6)).time_period == "201718"
    assert period_of(date(2018, 5, 1)).time_identifier == "Summer term"
