"""Coded themes become dataset variables and tables like any multiple-response question."""

from __future__ import annotations

import polars as pl
from openpyxl import load_workbook


def test_themes_become_flag_variables_after_the_open_question(wave, answers, coded):
    from omnibus.dataset.build import build_dataset

    given = coded
    dataset = build_dataset(wave)
    names = [v.name for v in dataset.variables]
    at = names.index("SocImprov")
    assert names[at + 1 : at + 4] == ["SocImprov_themes_1", "SocImprov_themes_2", "SocImprov_themes_3"]
    data = dataset.data
    answered = data.filter(pl.col("SocImprov").is_not_null() & (pl.col("SocImprov") != ""))
    assert answered.height == len(answers) == len(given)
    workforce = sum(1 for codes in given.values() if 1 in codes)
    assert answered.get_column("SocImprov_themes_1").sum() == workforce
    not_asked = data.filter(pl.col("SocImprov").is_null())
    assert set(not_asked.get_column("SocImprov_themes_1").to_list()) == {-1}
    assert "SocImprov_themes_0" not in data.columns  # everything is coded: no "Not yet coded"


def test_theme_table_base_is_units_that_answered_and_shows_the_net(wave, answers, coded):
    from omnibus.analysis.spec import AnalysisSpec
    from omnibus.analysis.tables import wave_tables
    from omnibus.dataset.build import build_dataset

    given = coded
    table = next(t for t in wave_tables(build_dataset(wave), AnalysisSpec()) if t.name == "SocImprov_themes")
    assert table.bases[0].n == len(answers)
    rows = {r.label: r.cells[0] for r in table.rows}
    expected = 100 * sum(1 for c in given.values() if 1 in c) / len(given)
    assert abs(rows["Workforce"].value - expected) < 1e-9
    net = 100 * sum(1 for c in given.values() if c & {1, 2}) / len(given)
    assert abs(rows["NET: Workforce or practice"].value - net) < 1e-9
    assert "that gave an answer" in table.base_description


def test_uncoded_answers_count_as_not_yet_coded(wave, answers, frame):
    from omnibus.coding.codings import set_codes
    from omnibus.dataset.build import build_dataset

    first = frame.themes.get(code=1)
    set_codes(wave, "SocImprov", [answers[0].wave_unit], [first], [], None)
    data = build_dataset(wave).data
    answered = data.filter(pl.col("SocImprov").is_not_null() & (pl.col("SocImprov") != ""))
    assert answered.get_column("SocImprov_themes_0").sum() == len(answers) - 1
    assert answered.get_column("SocImprov_themes_1").sum() == 1


def test_theme_table_is_in_the_tab_book(wave, coded, tmp_path):
    from omnibus.analysis.spec import AnalysisSpec
    from omnibus.dataset.build import build_dataset
    from omnibus.report.tabbook import write_tabbook

    path = write_tabbook([build_dataset(wave)], AnalysisSpec(), tmp_path / "book.xlsx")
    book = load_workbook(path, read_only=True)
    cells = [str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert any(c.startswith("Themes mentioned: In your opinion, what are your local authority") for c in cells)
    assert "NET: Workforce or practice" in cells


def test_other_please_specify_answers_are_coded_like_open_questions(wave):
    from omnibus.coding.codeframes import add_theme
    from omnibus.coding.codings import code_frame_of, open_responses, open_variables, set_codes
    from omnibus.dataset.build import build_dataset
    from omnibus.fieldwork.questionnaires import questionnaire_of

    specify = [v for v in open_variables(questionnaire_of(wave.questionnaire)) if v.name.endswith("_text")]
    assert specify, "Wave 3 has 'Other (please specify)' options"
    variable = next(v for v in specify if open_responses(wave, v.name))
    theme = add_theme(code_frame_of(wave, variable.name), "Partnerships")
    given = open_responses(wave, variable.name)
    set_codes(wave, variable.name, [given[0].wave_unit], [theme], [], None)
    dataset = build_dataset(wave)
    question = dataset.questionnaire.question(f"{variable.name}_themes")
    assert question is not None and question.type == "multi" and question.section
    assert question.text.endswith("(other answers)")
    column = dataset.data.get_column(f"{variable.name}_themes_{theme.code}")
    assert column.to_list().count(1) == 1


def test_a_theme_label_that_looks_like_a_formula_is_text_in_the_tab_book(wave, answers, frame, tmp_path):
    from omnibus.analysis.spec import AnalysisSpec
    from omnibus.coding.codeframes import add_theme
    from omnibus.coding.codings import set_codes
    from omnibus.dataset.build import build_dataset
    from omnibus.report.tabbook import write_tabbook

    live = '=HYPERLINK("http://x.example","y")'
    set_codes(wave, "SocImprov", [answers[0].wave_unit], [add_theme(frame, live)], [], None)
    path = write_tabbook([build_dataset(wave)], AnalysisSpec(), tmp_path / "book.xlsx")
    book = load_workbook(path)
    found = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value == live]
    assert found and all(c.data_type == "s" for c in found)
