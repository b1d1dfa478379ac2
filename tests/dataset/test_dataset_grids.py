"""The grids in the dataset: variables, missing codes, codebook, .sav labels, the returned Excel copy, round trips."""

from __future__ import annotations

import pyreadstat
import pytest

from omnibus.collect.models import Answer
from omnibus.dataset.build import build_dataset
from omnibus.dataset.codebook import codebook
from omnibus.dataset.exporting import export_dataset
from omnibus.dataset.importing import ImportRefused, import_responses
from omnibus.dataset.simulate import simulate
from omnibus.dataset.writing import save_unit
from omnibus.fieldwork.questionnaires import questionnaire_of
from omnibus.questionnaire.kinds import NOT_ANSWERED, NOT_ASKED
from omnibus.questionnaire.render_xlsx import render_xlsx
from tests.grid_waves import grids_wave

from .test_import import comparable, fill_copy

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_simulated_wave")]


@pytest.fixture
def wave():  # noqa: ANN201 - a Wave
    return grids_wave()


def row_of(dataset, key: str) -> dict:  # noqa: ANN001
    return next(r for r in dataset.data.iter_rows(named=True) if r["unit"] == key)


def test_grid_variables_with_their_missing_codes(wave) -> None:  # noqa: ANN001
    unit = wave.units.get(unit__key="840")
    answers = {
        "HasSend": 2,
        "Barr_a": [1, 3],
        "Barr_o": [9],
        "Barr_o_text": "Youth justice",
        "Conf_a": 2,
        "Rate_a_now": 3,
        "Rate_a_last": 1,
    }
    save_unit(unit, questionnaire_of(wave.questionnaire), {"barriers": answers}, "import")
    data = build_dataset(wave)
    row = row_of(data, "840")
    assert [row[f"Barr_a_{c}"] for c in (1, 2, 3, 9)] == [1, 0, 1, 0]
    assert [row[f"Barr_b_{c}"] for c in (1, 2, 3, 9)] == [NOT_ASKED] * 4  # SEND support: HasSend is No
    assert [row[f"Barr_o_{c}"] for c in (1, 2, 3, 9)] == [0, 0, 0, 1]
    assert row["Barr_o_text"] == "Youth justice"
    assert row["Conf_o"] == NOT_ANSWERED and row["Conf_o_text"] == ""  # the "Other" row was left
    assert (row["Rate_a_now"], row["Rate_a_last"], row["Rate_b_now"]) == (3, 1, NOT_ASKED)
    assert row["Rate_o_now"] == NOT_ANSWERED
    assert row["Worse"] == ""  # asked (Poor now, Good last year), not answered


def test_codebook_and_sav_labels(wave, tmp_path) -> None:  # noqa: ANN001
    simulate(wave, seed=3, response_rate=1.0)
    data = build_dataset(wave)
    entries = {e.variable: e for e in codebook(data)}
    assert entries["Barr_b_2"].type == "flag"
    assert entries["Barr_b_2"].label == "Which of these are a barrier for each service? SEND support: Quality"
    assert entries["Barr_b_2"].base.endswith("where HasSend is 1 (Yes)")
    assert entries["Rate_a_last"].value_labels.startswith("1 = Good; 2 = Adequate; 3 = Poor")
    assert entries["Conf_o_text"].type == "text" and "who chose" not in entries["Conf_o_text"].base
    path = tmp_path / "grids.sav"
    export_dataset(data, "sav", path, with_open_text=True)
    frame, meta = pyreadstat.read_sav(str(path))
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["Rate_b_now"] == "How would you rate each service, this year and last year? SEND support: This year"
    assert labels["Barr_o_text"] == "Which of these are a barrier for each service? Other service: please specify"
    assert meta.variable_value_labels["Barr_a_9"][1.0] == "Chosen"
    assert meta.variable_value_labels["Rate_a_now"][3.0] == "Poor"
    assert meta.variable_measure["Rate_a_now"] == "ordinal"
    assert set(frame["Barr_a_1"].dropna().unique()) <= {0.0, 1.0, float(NOT_ASKED), float(NOT_ANSWERED)}


def test_export_then_import_into_a_fresh_wave_gives_the_same_dataset(wave, tmp_path) -> None:  # noqa: ANN001
    simulate(wave, seed=5, response_rate=1.0)
    original = build_dataset(wave)
    assert (original.data["Barr_a_1"] == 1).any() and (original.data["Rate_o_text"].str.len_chars() > 0).any()
    path = tmp_path / "answers.csv"
    export_dataset(original, "csv", path, with_open_text=True)
    target = grids_wave("grids-copy")
    import_responses(target, path)
    assert comparable(build_dataset(target)).drop("unit").equals(comparable(original).drop("unit"))


def test_a_returned_excel_copy_of_the_grids_is_imported(wave, tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / "returned.xlsx"
    render_xlsx(questionnaire_of(wave.questionnaire), path)
    fill_copy(
        path,
        {
            "HasSend": "1. Yes",
            "Barr_a_1": "Yes",
            "Barr_a_3": "Yes",
            "Barr_b_9": "Yes",
            "Barr_o_2": "Yes",
            "Barr_o_text": "Youth justice",
            "Conf_a": "2. Fairly confident",
            "Rate_b_now": "1. Good",
            "Rate_b_last": "3. Poor",
        },
    )
    import_responses(wave, path, unit="840")
    stored = dict(Answer.objects.filter(wave_unit__wave=wave).values_list("key", "value"))
    assert stored == {
        "HasSend": 1,
        "Barr_a": [1, 3],
        "Barr_b": [9],
        "Barr_o": [2],
        "Barr_o_text": "Youth justice",
        "Conf_a": 2,
        "Rate_b_now": 1,
        "Rate_b_last": 3,
    }


def test_a_returned_copy_with_grid_mistakes_names_each_cell(wave, tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / "returned.xlsx"
    render_xlsx(questionnaire_of(wave.questionnaire), path)
    where = fill_copy(
        path,
        {
            "HasSend": "2. No",
            "Barr_a_1": "Yes",
            "Barr_b_2": "Yes",
            "Barr_o_1": "Yes",
            "Barr_o_9": "Yes",
            "Rate_a_now": "4",
            "Rate_b_last": "1. Good",
        },
    )
    with pytest.raises(ImportRefused) as refused:
        import_responses(wave, path, unit="840")
    lines = refused.value.lines()
    exclusive = f"{where['Barr_o_1']}: unit 840: Barr_o_1: Select ‘None of these’ on its own for ‘Other service’"
    assert any(exclusive in line for line in lines), lines
    assert any(
        f"{where['Barr_b_2']}: unit 840: Barr_b_2: answered, but routing does not ask this item" in line
        for line in lines
    )
    assert any(f"{where['Rate_a_now']}: unit 840: Rate_a_now: 4 is not a code of Rate" in line for line in lines)
    cell = f"{where['Rate_b_last']}: unit 840: Rate_b_last: answered, but routing does not ask this item of this unit"
    assert any(cell in line for line in lines), lines
    assert not Answer.objects.filter(wave_unit__wave=wave).exists()
