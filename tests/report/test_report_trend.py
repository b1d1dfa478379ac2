"""A report compared with two earlier waves: every wave in time order, changes tested between consecutive waves.

Three simulated waves over the Wave 3 questionnaire; the report of the third is built (no files)
with the earlier waves named newest-last on purpose: the figures put them in the order they ran.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from omnibus.report.build import report_tables, walk_blocks
from omnibus.report.charts import render_chart
from omnibus.report.document import Figure, Paragraph
from omnibus.report.figures import SIGNIFICANT_MARK

ROOT = Path(__file__).resolve().parents[2]
QUESTIONNAIRE = ROOT / "examples" / "questionnaires" / "cso-wave3.yaml"
FRAME = ROOT / "examples" / "frame" / "england-la-2017.csv"
REPORT_SPEC = ROOT / "examples" / "reports" / "cso-wave3.yaml"
TITLES = ["CSO Wave 1", "CSO Wave 2", "CSO Wave 3"]  # in time order

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def trend(django_db_setup, django_db_blocker, tmp_path_factory):  # noqa: ANN001, ANN201 - pytest fixtures
    """The report of w3 compared with w2 and w1, the tables it was built from, and the command's HTML of it."""
    from click.testing import CliRunner
    from django.db import transaction

    from omnibus.dataset.simulate import simulate
    from omnibus.fieldwork.questionnaires import store_questionnaire
    from omnibus.fieldwork.waves import create_wave
    from omnibus.frame.store import load_frame
    from omnibus.report.build import build_report
    from omnibus.report.making import read_specs, report_inputs
    from omnibus.site.cli.report import report as report_command

    with django_db_blocker.unblock(), transaction.atomic():
        stored, _ = store_questionnaire(QUESTIONNAIRE)
        load_frame(FRAME, date(2017, 9, 1))
        waves = {}
        for number, month in ((1, 3), (2, 10), (3, 12)):
            opens = datetime(2017, month, 1, tzinfo=UTC)
            waves[number] = create_wave(
                f"t{number}", TITLES[number - 1], stored, "england-la", date(2017, 9, 1), opens, opens.replace(day=28)
            )
            simulate(waves[number], seed=number, response_rate=0.5)
        spec, analysis = read_specs(waves[3], REPORT_SPEC)
        inputs = report_inputs(waves[3], [waves[1], waves[2]], spec, analysis, lambda line: None)
        # Simulated waves differ only by chance: every unit chose the first source of support in the
        # third wave, and none the second in the first, so each pair of waves has a change to find.
        tilt(inputs.dataset, "SuppSou_1", 1)
        tilt(inputs.earlier[1], "SuppSou_2", 0)
        report = build_report(inputs)
        tables = {t.question: t for t in report_tables(inputs) if t.kind in ("single", "multi")}
        out = tmp_path_factory.mktemp("trend")
        command = ["t3", "--compare", "t1", "--compare", "t2", "--format", "html"]
        run = CliRunner().invoke(report_command, [*command, "-o", str(out)])
        mistake = CliRunner().invoke(report_command, ["t3", "--compare", "t2", "--compare", "t3", "-o", str(out / "x")])
        transaction.set_rollback(True)
    html = (out / "t3-report.html").read_text(encoding="utf-8") if run.exit_code == 0 else run.output
    return {"report": report, "tables": tables, "inputs": inputs, "html": html, "mistake": mistake, "out": out}


def tilt(dataset, variable: str, code: int) -> None:  # noqa: ANN001 - a Dataset
    """Every unit that answered the multiple choice ticks (1) or leaves (0) one of its options."""
    import polars as pl

    answered = pl.col(variable).is_in([0, 1])
    dataset.data = dataset.data.with_columns(pl.when(answered).then(code).otherwise(pl.col(variable)).alias(variable))


def _trend_figures(report) -> list[Figure]:  # noqa: ANN001
    return [b for b in walk_blocks(report.chapters) if isinstance(b, Figure) and b.chart.kind == "trend"]


def test_earlier_waves_are_read_newest_first_whatever_the_order_named(trend) -> None:  # noqa: ANN001
    assert [d.wave for d in trend["inputs"].earlier] == ["t2", "t1"]


def test_a_trend_figure_shows_every_wave_in_time_order_with_the_tab_books_figures(trend) -> None:  # noqa: ANN001
    figures = _trend_figures(trend["report"])
    assert len(figures) > 5
    for figure in figures:
        table = trend["tables"][figure.source]
        assert [s.label for s in figure.chart.series] == TITLES
        columns = [[c.wave for c in table.columns].index(w) for w in ("t1", "t2", "t3")]
        rows = {r.label: r for r in table.rows}
        for series, column in zip(figure.chart.series, columns, strict=True):
            for category, value in zip(figure.chart.categories, series.values, strict=True):
                assert value == rows[category].cells[column].value, (figure.title, category, series.label)
        assert figure.data.header[1:4] == [f"{t} %" for t in TITLES]
        assert figure.data.rows[-1][:4] == ["Base (n)", *(str(table.bases[c].n) for c in columns)]
        bases = "; ".join(f"{t} n={table.bases[c].n}" for t, c in zip(TITLES, columns, strict=True))
        assert figure.base.endswith(f"({bases})")


def test_changes_are_tested_between_consecutive_waves_and_said_so(trend) -> None:  # noqa: ANN001
    figures = _trend_figures(trend["report"])
    marked = 0
    for figure in figures:
        table = trend["tables"][figure.source]
        at = {c.wave: i for i, c in reversed(list(enumerate(table.columns)))}  # a wave's first column: its total
        pairs = [(at["t1"], at["t2"]), (at["t2"], at["t3"])]
        index = {r.label: i for i, r in enumerate(table.rows)}
        # the tables hold a test for each consecutive pair and none between the first wave and this one
        assert not [t for t in table.tests if t.kind == "wave" and (t.a, t.b) == (at["t1"], at["t3"])]
        assert "Changes are tested between consecutive waves" in figure.notes[0]
        header = figure.data.header
        first_change = header.index("Significant change, CSO Wave 1 to CSO Wave 2")
        assert header[first_change + 1] == "Significant change, CSO Wave 2 to CSO Wave 3"
        for row in figure.data.rows[:-1]:
            for k, (a, b) in enumerate(pairs):
                test = next(
                    (t for t in table.tests if t.kind == "wave" and t.row == index[row[0]] and (t.a, t.b) == (a, b)),
                    None,
                )
                expected = "Not tested" if test is None else ("Yes" if test.difference.significant else "No")
                assert row[first_change + k] == expected, (figure.title, row[0], k)
                marked += expected == "Yes"
                # the chart marks the later wave's bar of a significant change
                category = figure.chart.categories.index(row[0])
                assert figure.chart.series[k + 1].significant[category] == (expected == "Yes")
    assert marked  # three simulated waves differ somewhere
    methodology = " ".join(p.text for p in walk_blocks(trend["report"].chapters) if isinstance(p, Paragraph))
    assert "changes are tested between consecutive waves" in methodology


def test_findings_name_the_waves_and_call_a_change_only_where_the_adjacent_test_found_one(trend) -> None:  # noqa: ANN001
    report = trend["report"]
    checked = 0
    blocks = walk_blocks(report.chapters)
    for i, figure in enumerate(blocks):
        if not isinstance(figure, Figure) or figure.chart.kind != "trend":
            continue
        rows = {r[0]: r for r in figure.data.rows}
        first_change = figure.data.header.index("Significant change, CSO Wave 1 to CSO Wave 2")
        start = i
        while start and isinstance(blocks[start - 1], Paragraph) and blocks[start - 1].draft:
            start -= 1
        for paragraph in blocks[start:i]:  # the figure's own draft findings, just before it
            changed = re.search(
                r"answering ‘(.+?)’ (rose|fell) from .+? in (CSO Wave \d) to .+? in (CSO Wave \d)", paragraph.text
            )
            similar = re.search(
                r"answering ‘(.+?)’ in (CSO Wave \d) \(.+?\) was similar to (CSO Wave \d)", paragraph.text
            )
            if changed:
                label, _, earlier, later = changed.groups()
                assert TITLES.index(later) == TITLES.index(earlier) + 1, paragraph.text
                assert _row(rows, label)[first_change + TITLES.index(earlier)] == "Yes", paragraph.text
                checked += 1
            elif similar:
                label, later, earlier = similar.groups()
                assert TITLES.index(later) == TITLES.index(earlier) + 1, paragraph.text
                assert _row(rows, label)[first_change + TITLES.index(earlier)] != "Yes", paragraph.text
                checked += 1
    assert checked > 10


def _row(rows: dict[str, list[str]], label: str) -> list[str]:
    """A data table's row by the label a sentence quotes (a net's label is quoted without its mark)."""
    return rows.get(label) or rows[f"NET: {label}"]


def test_a_trend_chart_draws_every_wave_and_marks_its_changes(trend) -> None:  # noqa: ANN001
    figure = next(f for f in _trend_figures(trend["report"]) if any(any(s.significant) for s in f.chart.series))
    svg = render_chart(figure.chart, "svg").decode()
    assert all(title in svg for title in TITLES)
    assert svg.count(SIGNIFICANT_MARK) == sum(sum(s.significant) for s in figure.chart.series)
    assert figure.alt.startswith("Grouped bar chart of CSO Wave 1, CSO Wave 2 and CSO Wave 3, in time order.")


def test_the_command_takes_compare_more_than_once(trend) -> None:  # noqa: ANN001
    html = trend["html"]
    assert "Grouped bar chart of CSO Wave 1, CSO Wave 2 and CSO Wave 3, in time order." in html
    assert "Significant change, CSO Wave 1 to CSO Wave 2" in html
    assert "changes are tested between consecutive waves" in html


def test_comparing_a_wave_with_itself_is_a_clear_mistake(trend) -> None:  # noqa: ANN001
    mistake = trend["mistake"]
    assert mistake.exit_code == 1 and "--compare: t3 named twice, or the wave itself" in mistake.output
    assert "Traceback" not in mistake.output and not (trend["out"] / "x").exists()
