"""Importing responses: round trips through CSV, XLSX and .sav; refusals located by row; the returned Excel copy."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from click.testing import CliRunner

from omnibus.collect.models import Answer, AnswerEvent
from omnibus.dataset.build import build_dataset
from omnibus.dataset.exporting import export_dataset
from omnibus.dataset.importing import ImportRefused, import_responses
from omnibus.dataset.simulate import simulate
from omnibus.fieldwork.models import SectionState
from omnibus.questionnaire.render_xlsx import render_xlsx
from omnibus.site.cli.dataset import responses

# The checks count every answer and section state in the database: the simulated wave would be among them.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_simulated_wave")]


def comparable(dataset) -> pl.DataFrame:
    """The dataset without paradata (an import has no page events)."""
    return dataset.data.select([c for c in dataset.data.columns if not c.startswith("para_")])


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "sav"])
def test_export_then_import_into_a_fresh_wave_gives_the_same_dataset(make_wave, tmp_path, fmt):
    source, target = make_wave("w-source"), make_wave("w-target")
    simulate(source, seed=11, response_rate=0.08)  # a dozen units: saving goes through save_page
    original = build_dataset(source)
    path = tmp_path / f"answers.{fmt}"
    export_dataset(original, fmt, path)
    result = import_responses(target, path)
    assert result.units == 152 and result.mode == "import" and result.changed > 0
    copied = build_dataset(target)
    assert comparable(copied).equals(comparable(original))
    assert set(Answer.objects.filter(wave_unit__wave=target).values_list("mode", flat=True)) == {"import"}
    assert AnswerEvent.objects.filter(wave_unit__wave=target).exists()  # history written as for the web
    again = import_responses(target, path)  # importing the same file again changes nothing
    assert again.changed == 0


def write_csv(path: Path, rows: list[dict[str, object]]) -> Path:
    columns = list(dict.fromkeys(k for row in rows for k in row))
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_a_bad_file_is_refused_whole_with_located_messages(wave, tmp_path):
    path = write_csv(
        tmp_path / "bad.csv",
        [
            {"unit": "840", "SWoff": 1, "SuppSou_1": 1, "HelpSupp": ""},  # row 2: good
            {"unit": "841", "SWoff": 9},  # row 3: unknown code
            {"unit": "805", "HLEprog_1": 1, "HLEspend1718": 99999999},  # row 4: out of range
            {"unit": "806", "SuppSou_1": 1, "HelpSupp": 1},  # row 5: HelpSupp needs two sources
            {"unit": "999", "SWoff": 1},  # row 6: unknown unit
            {"unit": "840", "SWoff": 2},  # row 7: duplicate unit
            {"unit": "807", "SuppSou_1": 1, "SuppSou_15": 1},  # row 8: exclusive with another
            {"unit": "808", "SWreturn": "x" * 151},  # row 9: too long
            {"unit": "811", "ImpEnab_1": 1, "ImpEnab_2": 1, "ImpEnab_3": 1, "ImpEnab_4": 1},  # row 10: max three
            {"unit": "812", "SuppSou_2": "maybe", "Bogus": 1},  # row 11: not a flag; unknown column
        ],
    )
    with pytest.raises(ImportRefused) as refused:
        import_responses(wave, path)
    lines = refused.value.lines()
    expected = [
        f"{path}:1: Bogus: unknown column: not a variable of cso wave-3",
        f"{path}:3: unit 841: SWoff: 9 is not a code of SWoff (codes: 1, 2, 3)",
        f"{path}:4: unit 805: HLEspend1718: Enter a number for ‘April 2017 – March 2018’ between £0 and £10,000,000",
        f"{path}:5: unit 806: HelpSupp: answered, but routing does not ask it of this unit "
        "(Ask if more than 1 answer given at SuppSou)",
        f"{path}:6: unit 999: unit: not a unit of wave cso-w3",
        f"{path}:7: unit 840: unit: this unit is also on row 2",
        f"{path}:8: unit 807: SuppSou_1: Select ‘None of these’ on its own, or clear it to choose other options",
        f"{path}:9: unit 808: SWreturn: Answer must be 150 characters or fewer",
        f"{path}:10: unit 811: ImpEnab_1: Select up to three options",
        f"{path}:11: unit 812: SuppSou_2: 'maybe' is not 1 (chosen), 0 (not chosen) or blank",
    ]
    for line in expected:
        assert line in lines, "\n".join(lines)
    assert len(lines) == len(expected)
    assert not Answer.objects.exists() and not AnswerEvent.objects.exists() and not SectionState.objects.exists()


def test_the_command_prints_every_problem_and_writes_nothing(wave, tmp_path):
    path = write_csv(tmp_path / "bad.csv", [{"unit": "840", "SWoff": 1}, {"unit": "841", "SBrecoup": 2}])
    result = CliRunner().invoke(responses, ["import", "cso-w3", str(path)])
    assert result.exit_code == 1
    assert f"{path}:3: unit 841: SBrecoup: answered, but routing does not ask it of this unit" in result.stderr
    assert "nothing imported" in result.stderr
    assert not Answer.objects.exists()
    good = write_csv(tmp_path / "good.csv", [{"unit": "840", "SWoff": 1, "CSWAmult": 1, "MultChal": "Time"}])
    result = CliRunner().invoke(responses, ["import", "cso-w3", str(good), "--mode", "telephone"])
    assert result.exit_code == 0, result.output
    assert "Imported 1 unit(s)" in result.stdout and "as telephone" in result.stdout
    assert dict(Answer.objects.values_list("key", "mode")) == {
        "SWoff": "telephone",
        "CSWAmult": "telephone",
        "MultChal": "telephone",
    }


def test_an_import_reads_routing_together_with_answers_already_stored(wave, give, tmp_path):
    give(wave, "840", {"SuppSou": [1, 2], "SWoff": 1})  # from the web
    path = write_csv(tmp_path / "phone.csv", [{"unit": "840", "HelpSupp": 2, "SWoff": ""}])
    import_responses(wave, path, mode="telephone")
    assert Answer.objects.get(key="HelpSupp").value == 2
    assert Answer.objects.get(key="SWoff").value == 1  # a blank leaves the web answer alone
    bad = write_csv(tmp_path / "phone2.csv", [{"unit": "840", "HelpSupp": 5}])
    with pytest.raises(ImportRefused) as refused:
        import_responses(wave, bad)
    assert refused.value.lines() == [
        f"{bad}:2: unit 840: HelpSupp: code 5 is not offered to this unit (options fed through from SuppSou)"
    ]


def fill_copy(path: Path, answers: dict[str, object]) -> dict[str, str]:
    """Type answers into column D of a rendered Excel copy; where each went."""
    workbook = openpyxl.load_workbook(path)
    where = {}
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(min_row=2):
            name = row[0].value
            if name in answers:
                row[3].value = answers[name]
                where[name] = f"{sheet.title}!D{row[3].row}"
    workbook.save(path)
    return where


def test_a_returned_excel_copy_is_imported(wave, questionnaire, tmp_path):
    path = tmp_path / "returned.xlsx"
    render_xlsx(questionnaire, path)
    fill_copy(
        path,
        {
            "SuppSou_1": "Yes",
            "SuppSou_14": "Yes",
            "SuppSou_14_text": "Partners in Practice",
            "HelpSupp": "14. Other (please specify)",
            "ConfUnd": "2. Fairly confident",
            "SocWork_a": "1. Very confident",
            "SWreturn": "Return to practice scheme",
            "HLEprog_3": "Yes",
            "HLEspend1718": 25000,
            "DfErecon": "1. Yes",
        },
    )
    result = import_responses(wave, path, unit="840")
    assert (result.kind, result.mode, result.units) == ("copy", "returned_copy", 1)
    stored = dict(Answer.objects.values_list("key", "value"))
    assert stored == {
        "SuppSou": [1, 14],
        "SuppSou_14_text": "Partners in Practice",
        "HelpSupp": 14,
        "ConfUnd": 2,
        "SocWork_a": 1,
        "SWreturn": "Return to practice scheme",
        "HLEprog": [3],
        "HLEspend1718": 25000,
        "DfErecon": 1,
    }
    assert set(Answer.objects.values_list("mode", flat=True)) == {"returned_copy"}
    states = dict(SectionState.objects.values_list("section", "status"))
    assert states == {"csc": "in_progress", "eyc": "in_progress", "thanks": "in_progress"}  # Recontact not answered


def test_a_returned_copy_with_problems_names_sheet_and_cell(wave, questionnaire, tmp_path):
    path = tmp_path / "returned.xlsx"
    render_xlsx(questionnaire, path)
    where = fill_copy(
        path, {"SuppSou_1": "Yes", "HelpSupp": "1. Coaching and mentoring from another LA", "ConfUnd": "7"}
    )
    with pytest.raises(ImportRefused) as refused:
        import_responses(wave, path, unit="840")
    assert refused.value.lines() == [
        f"{path}:{where['HelpSupp']}: unit 840: HelpSupp: answered, but routing does not ask it of this unit "
        "(Ask if more than 1 answer given at SuppSou)",
        f"{path}:{where['ConfUnd']}: unit 840: ConfUnd: 7 is not a code of ConfUnd (codes: 1, 2, 3, 4)",
    ]
    with pytest.raises(ImportRefused) as refused:
        import_responses(wave, path)
    assert "name its unit with --unit KEY" in refused.value.lines()[0]
    assert not Answer.objects.exists()


def test_a_complete_returned_copy_completes_its_sections(wave, questionnaire, tmp_path):
    path = tmp_path / "returned.xlsx"
    render_xlsx(questionnaire, path)
    fill_copy(path, {"DfErecon": "2. No", "Recontact": "1. Yes"})
    import_responses(wave, path, unit="805")
    assert dict(SectionState.objects.values_list("section", "status")) == {"thanks": "completed"}
    row = build_dataset(wave).data.filter(pl.col("unit") == "805").row(0, named=True)
    assert (row["section_thanks"], row["DfErecon"], row["section_csc"]) == ("complete", 2, "none")


@pytest.mark.parametrize(
    ("name", "body", "message"),
    [
        ("latin.csv", "unit,SWreturn\n840,Zoë\n".encode("latin-1"), ":2: not UTF-8 text (byte 0xeb)"),
        ("nul.csv", b"unit,SWreturn\n840,a\x00b\n", ":2: a control character (U+0000) that text cannot hold"),
        ("wide.csv", b"unit,SWreturn\n840," + b"x" * 200_000 + b"\n", ":2: not readable as CSV (a field longer than"),
        ("corrupt.xlsx", b"PK\x03\x04 not a workbook", ":1: not an Excel workbook that can be read"),
        ("corrupt.sav", b"$FL2 not really SPSS", ":1: not an SPSS .sav file that can be read"),
    ],
)
def test_unreadable_files_are_refused_at_their_line_without_a_traceback(wave, tmp_path, name, body, message):
    path = tmp_path / name
    path.write_bytes(body)
    result = CliRunner().invoke(responses, ["import", "cso-w3", str(path)])
    assert result.exit_code == 1 and f"{path}{message}" in result.stderr, result.output
    assert "Traceback" not in result.output and not Answer.objects.exists()


def test_an_import_file_over_the_limit_is_refused_before_it_is_read(wave, tmp_path):
    path = tmp_path / "huge.csv"
    with path.open("wb") as handle:
        handle.truncate(60 * 1024 * 1024)  # sparse: nothing to read, only its size
    result = CliRunner().invoke(responses, ["import", "cso-w3", str(path)])
    assert result.exit_code == 1 and f"{path}:1: the file is 60 MB; the most an import takes is 50 MB" in result.stderr
