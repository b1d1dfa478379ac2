"""The tab book and report follow the wave's population: its default banner and its unit noun."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from omnibus.analysis.spec import AnalysisSpec, parse_spec

pytestmark = pytest.mark.django_db


def _banner_cells(path) -> set[str]:  # noqa: ANN001 - a Path
    """The text in the first rows of the first section's sheet: its first table's title, base and banner."""
    book = load_workbook(path)
    sheet = book["Childrens Social Care"]
    return {str(c.value) for row in sheet.iter_rows(max_row=8) for c in row if c.value is not None}


def test_without_breakdowns_in_the_spec_the_tab_book_uses_the_population_s_banner(schools, tmp_path):
    from omnibus.dataset.build import build_dataset
    from omnibus.report.tabbook import write_tabbook

    dataset = build_dataset(schools)
    cells = _banner_cells(write_tabbook([dataset], AnalysisSpec(), tmp_path / "default.xlsx"))
    assert {"Phase of education", "primary", "secondary", "special"} <= cells
    assert not {"Area", "North", "Authority type", "Region"} & cells  # area makes the profile, not the banner
    response = load_workbook(tmp_path / "default.xlsx").worksheets[2]
    profile = {str(c.value) for row in response.iter_rows() for c in row if c.value is not None}
    assert {"Phase of education", "Area", "  Midlands"} <= profile  # Table 3: the profile's attributes
    total_only = write_tabbook([dataset], parse_spec({"breakdowns": {}}), tmp_path / "total.xlsx")
    assert "Phase of education" not in _banner_cells(total_only)  # `breakdowns: {}` asks for the total alone
    named = parse_spec({"breakdowns": {"area": {"label": "Area of the country"}}})
    assert "Area of the country" in _banner_cells(write_tabbook([dataset], named, tmp_path / "named.xlsx"))


def test_the_cso_wave_keeps_its_banner_of_authority_type_and_region(wave, tmp_path):
    from omnibus.dataset.build import build_dataset
    from omnibus.report.tabbook import write_tabbook

    cells = _banner_cells(write_tabbook([build_dataset(wave)], AnalysisSpec(), tmp_path / "cso.xlsx"))
    assert {"Authority type", "County", "Unitary", "Region", "North", "London & South"} <= cells


def test_an_unknown_breakdown_is_still_an_error(schools, tmp_path):
    from omnibus.site.cli.report import tables

    spec = tmp_path / "spec.yaml"
    spec.write_text("breakdowns:\n  region_group: {label: Region}\n")
    result = CliRunner().invoke(tables, ["schools-w1", "--spec", str(spec), "-o", str(tmp_path / "t.csv")])
    assert result.exit_code == 1
    assert "breakdowns.region_group: the frame has no attribute 'region_group'" in result.output


def test_the_report_calls_the_units_by_the_population_s_noun(schools, tmp_path):
    from omnibus.report.making import read_specs
    from omnibus.site.cli.report import report

    spec, analysis = read_specs(schools, None)
    assert spec.units == "schools" and not analysis.names_breakdowns
    path = tmp_path / "schools-report.yaml"
    result = CliRunner().invoke(report, ["init", "schools-w1", "-o", str(path)])
    assert result.exit_code == 0, result.output
    assert 'units: "schools"' in path.read_text()
    written, _ = read_specs(schools, path)
    assert written.units == "schools"


def test_open_responses_say_how_this_population_s_quotes_are_attributed(schools):
    from omnibus.coding.codeframes import add_theme
    from omnibus.coding.codings import code_frame_of, open_responses, set_codes
    from omnibus.dataset.build import build_dataset
    from omnibus.report.chapters.open_responses import open_response_chapters

    frame = code_frame_of(schools, "SocImprov")
    theme = add_theme(frame, "Workforce", wave=schools)
    answered = [answer.wave_unit for answer in open_responses(schools, "SocImprov")[:3]]
    set_codes(schools, "SocImprov", answered, [theme], [], None)
    chapters = open_response_chapters(schools, build_dataset(schools), client=False, units="schools")
    intro = chapters[0].blocks[0].text
    assert "Quotes are attributed by phase of education and area only." in intro
    assert "authorit" not in intro


def test_the_report_s_own_wording_of_a_schools_wave_speaks_of_schools(schools):
    """The chapters the report writes itself (not the questionnaire's words, which are the CSO's here)."""
    import re

    from omnibus.report.build import build_report, walk_blocks
    from omnibus.report.document import Chapter, DataTable, Paragraph
    from omnibus.report.making import read_specs, report_inputs

    spec, analysis = read_specs(schools, None)
    report = build_report(report_inputs(schools, [], spec, analysis, lambda line: None))
    own = [c for c in report.chapters if c.key in ("introduction", "appendix-1")]
    texts = []
    for block in walk_blocks(own):
        if isinstance(block, Paragraph | Chapter):
            texts.append(getattr(block, "text", "") or getattr(block, "title", ""))
        elif isinstance(block, DataTable):
            texts += [block.caption, *block.notes, *(" ".join(row) for row in block.rows)]
    text = " ".join(texts)
    assert "schools" in text and "Phase of education" in text and "Area" in text
    assert re.findall(r"local authorit\w*|\bLAs?\b|[Aa]uthority type|Region", text) == []
