"""Every number of every figure is the tab book's; base lines match the bases; no untested change is written.

Two simulated waves over the Wave 3 questionnaire: the report of the second, compared with the
first, is built once (no files), and the tab book of the same two waves is written with
`write_tabbook` and read back with openpyxl, so the check goes through the workbook a reader opens.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import pytest

from omnibus.analysis.conventions import SEED
from omnibus.report.build import walk_blocks
from omnibus.report.document import Chapter, DataTable, Figure, Paragraph
from omnibus.report.figures import Bar
from omnibus.report.findings import CHANGE_WORDS, change_sentence, plain

ROOT = Path(__file__).resolve().parents[2]
QUESTIONNAIRE = ROOT / "examples" / "questionnaires" / "cso-wave3.yaml"
FRAME = ROOT / "examples" / "frame" / "england-la-2017.csv"
REPORT_SPEC = ROOT / "examples" / "reports" / "cso-wave3.yaml"

pytestmark = pytest.mark.django_db  # the test database is made before the module fixture uses it


@pytest.fixture(scope="module")
def compared(django_db_setup, django_db_blocker, tmp_path_factory):  # noqa: ANN001, ANN201 - pytest fixtures
    """The report of wave w3 against w2 (a Report, not files) and the two waves' tab book, read back."""
    from django.db import transaction

    from omnibus.dataset.simulate import simulate
    from omnibus.fieldwork.questionnaires import store_questionnaire
    from omnibus.fieldwork.waves import create_wave
    from omnibus.frame.store import load_frame
    from omnibus.report.build import build_report
    from omnibus.report.making import read_specs, report_inputs
    from omnibus.report.tabbook import write_tabbook

    book = tmp_path_factory.mktemp("tabbook") / "w3.xlsx"
    with django_db_blocker.unblock(), transaction.atomic():
        stored, _ = store_questionnaire(QUESTIONNAIRE)
        load_frame(FRAME, date(2017, 9, 1))
        waves = {}
        for slug, seed, opens in (
            ("w2", 2, datetime(2017, 3, 1, tzinfo=UTC)),
            ("w3", 3, datetime(2017, 10, 4, tzinfo=UTC)),
        ):
            title = f"CSO Wave {slug[1]}"
            waves[slug] = create_wave(slug, title, stored, "england-la", date(2017, 9, 1), opens, opens.replace(day=28))
            simulate(waves[slug], seed=seed, response_rate=0.5)
        spec, analysis = read_specs(waves["w3"], REPORT_SPEC)
        inputs = report_inputs(waves["w3"], [waves["w2"]], spec, analysis, lambda line: None)
        report = build_report(inputs)
        write_tabbook([inputs.dataset, *inputs.earlier], analysis, book)
        questionnaire = inputs.dataset.questionnaire
        transaction.set_rollback(True)
    return {"report": report, "book": read_tabbook(book), "questionnaire": questionnaire}


def read_tabbook(path: Path) -> dict[str, dict]:
    """Each table of the section sheets: its column labels, bases, and per row its counts, percentages and letters."""
    book = openpyxl.load_workbook(path, read_only=True)
    tables: dict[str, dict] = {}
    for sheet in book.worksheets[3:]:
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        current = None
        for i, row in enumerate(rows):
            first = row[0] if row else None
            following = rows[i + 1][0] if i + 1 < len(rows) and rows[i + 1] else None
            if isinstance(first, str) and isinstance(following, str) and following.startswith("Base: "):
                name = first.split(":", 1)[0]
                current = None if "(summary)" in name else tables.setdefault(name, {"rows": {}})
                continue
            if current is None:
                continue
            if first == "Base (unweighted n)":
                width = (len(row) - 1) // 2
                current["columns"] = [rows[i - 2][1 + 2 * j] for j in range(width) if rows[i - 2][1 + 2 * j]]
                current["bases"] = [row[1 + 2 * j] for j in range(len(current["columns"]))]
            elif first == "  %":
                label = rows[i - 1][0]
                n = len(current["columns"])
                current["rows"][label] = {
                    "percent": [row[1 + 2 * j] for j in range(n)],
                    "count": [rows[i - 1][1 + 2 * j] for j in range(n)],
                    "letters": [row[2 + 2 * j] or "" for j in range(n)],
                }
    return tables


def _figures(report) -> list[Figure]:  # noqa: ANN001
    return [b for b in walk_blocks(report.chapters) if isinstance(b, Figure)]


def _close(a: float | None, b: object) -> bool:
    if a is None:
        return b in (None, "-")
    return isinstance(b, int | float) and abs(a - b) < 1e-9


def test_every_bar_and_paired_figure_has_the_tab_books_numbers(compared) -> None:  # noqa: ANN001
    book = compared["book"]
    figures = [f for f in _figures(compared["report"]) if f.chart.kind in ("bar", "paired")]
    assert len(figures) > 15 and any(f.chart.kind == "paired" for f in figures)
    assert not [f for f in _figures(compared["report"]) if f.chart.kind == "trend"]  # one earlier wave: pairs
    checked = 0
    for figure in figures:
        table = book[figure.source]
        columns = table["columns"]
        for series, column in zip(figure.chart.series, [columns[0], "w2"], strict=False):
            j = columns.index(column)
            for category, value in zip(figure.chart.categories, series.values, strict=True):
                assert _close(value, table["rows"][category]["percent"][j]), (figure.title, category, column)
                checked += 1
        # The data table shows the same figures with the house style's symbols.
        for row in figure.data.rows[:-1]:
            cells = table["rows"][row[0]]
            assert row[1] == SEED.show_percent(cells["percent"][0], cells["count"][0]), (figure.title, row)
    assert checked > 200


def test_every_stacked_figure_has_the_tab_books_numbers(compared) -> None:  # noqa: ANN001
    book, questionnaire = compared["book"], compared["questionnaire"]
    figures = [f for f in _figures(compared["report"]) if f.chart.kind == "stacked"]
    assert figures
    for figure in figures:
        items = [i for i in questionnaire.question(figure.source).items if i.id in book]
        assert len(items) == len(figure.chart.categories)
        for series in figure.chart.series:
            for item, value in zip(items, series.values, strict=True):
                assert _close(value, book[item.id]["rows"][series.label]["percent"][0]), (figure.title, item.id)


def test_base_lines_match_the_bases(compared) -> None:  # noqa: ANN001
    book, questionnaire = compared["book"], compared["questionnaire"]
    for figure in _figures(compared["report"]):
        assert figure.base.startswith("Base: ")
        if figure.chart.kind == "paired":
            table = book[figure.source]
            wave_n = re.search(r"CSO Wave 3 n=(\d+); CSO Wave 2 n=(\d+)\)$", figure.base).groups()
            assert [int(n) for n in wave_n] == [table["bases"][0], table["bases"][table["columns"].index("w2")]]
            assert figure.data.rows[-1][:3] == ["Base (n)", *wave_n]
        elif figure.chart.kind == "bar":
            assert figure.base.endswith(f"(n={book[figure.source]['bases'][0]})"), figure.base
        else:
            bases = [book[i.id]["bases"][0] for i in questionnaire.question(figure.source).items if i.id in book]
            low, high = min(bases), max(bases)
            assert figure.base.endswith(f"(n={low})" if low == high else f"(n={low}–{high})"), figure.base


def test_significance_marks_are_the_tab_books_letters(compared) -> None:  # noqa: ANN001
    book = compared["book"]
    for figure in (f for f in _figures(compared["report"]) if f.chart.kind == "paired"):
        table = book[figure.source]
        earlier = table["columns"].index("w2")
        for category, marked in zip(figure.chart.categories, figure.chart.series[0].significant, strict=True):
            letters = table["rows"][category]["letters"]
            lettered = bool(letters[0]) or "A" in letters[earlier]
            assert marked == lettered, (figure.title, category, letters)


def _chapters_with_figures(report) -> list[tuple[list[Paragraph], Figure]]:  # noqa: ANN001
    """Each figure with the paragraphs written before it (its findings)."""
    out = []
    chapters = [b for b in walk_blocks(report.chapters) if isinstance(b, Chapter)]  # sub-chapters too
    for chapter in chapters:
        pending: list[Paragraph] = []
        for block in chapter.blocks:
            if isinstance(block, Paragraph):
                pending.append(block)
            elif isinstance(block, Figure | DataTable | Chapter):
                if isinstance(block, Figure):
                    out.append((pending, block))
                pending = []
    return out


def test_a_difference_not_found_significant_is_never_written_as_a_change(compared) -> None:  # noqa: ANN001
    not_significant = 0
    for paragraphs, figure in _chapters_with_figures(compared["report"]):
        if figure.chart.kind != "paired":
            continue
        for category, marked in zip(figure.chart.categories, figure.chart.series[0].significant, strict=True):
            about = [p.text for p in paragraphs if f"‘{category}’" in p.text]
            for text in about:
                changed = any(word in text for word in CHANGE_WORDS)
                assert changed == marked, (figure.title, category, text)
                not_significant += not marked
    assert not_significant > 10, "the simulated waves give many differences that are not significant"


def test_change_sentences_follow_the_test_not_the_size_of_the_difference() -> None:
    big_but_not_significant = Bar("Peer review", 70.0, 14, earlier=20.0, earlier_count=4, significant=False)
    small_but_significant = Bar("Peer review", 52.0, 52, earlier=48.0, earlier_count=48, significant=True)
    untested = Bar("Peer review", 70.0, 1, earlier=20.0, earlier_count=1, significant=None)
    quiet = change_sentence(big_but_not_significant, "w3", "w2", "LAs", SEED)
    assert "similar to w2 (20%)" in quiet and not any(w in quiet for w in CHANGE_WORDS)
    assert "rose from 48% in w2 to 52% in w3" in change_sentence(small_but_significant, "w3", "w2", "LAs", SEED)
    fell = Bar("Peer review", 40.0, 40, earlier=60.0, earlier_count=60, significant=True)
    assert "fell from 60% in w2 to 40% in w3" in change_sentence(fell, "w3", "w2", "LAs", SEED)
    assert "not tested" in change_sentence(untested, "w3", "w2", "LAs", SEED)


def test_grid_comparisons_follow_the_tab_books_tests(compared) -> None:  # noqa: ANN001
    """A grid's first net in both waves: the data table's verdict and the sentence follow the tab book's letters."""
    book, questionnaire = compared["book"], compared["questionnaire"]
    items_seen = 0
    for paragraphs, figure in _chapters_with_figures(compared["report"]):
        if figure.chart.kind != "stacked":
            continue
        verdict = figure.data.header.index("Significant difference")
        heading = figure.data.header[verdict - 1].removesuffix(": CSO Wave 2")
        # the heading reads a net as "… (net)"; the tab book marks it "NET: …"
        answer = f"NET: {heading.removesuffix(' (net)')}" if heading.endswith(" (net)") else heading
        items = [i for i in questionnaire.question(figure.source).items if i.id in book]
        for item, row in zip(items, figure.data.rows, strict=True):
            cells = book[item.id]["rows"][answer]
            earlier = book[item.id]["columns"].index("w2")
            lettered = bool(cells["letters"][0]) or "A" in cells["letters"][earlier]
            assert (row[verdict] == "Yes") == lettered, (figure.title, item.id)
            assert row[verdict - 1] == SEED.show_percent(cells["percent"][earlier], cells["count"][earlier])
            sentence = next(p.text for p in paragraphs if f"answering ‘{plain(answer)}’ for ‘{row[0]}’" in p.text)
            assert any(word in sentence for word in CHANGE_WORDS) == lettered, sentence
            items_seen += 1
    assert items_seen > 10


@pytest.mark.parametrize(
    ("label", "in_a_sentence"),
    [
        ("Peer review of children's services", "peer review of children's services"),
        ("Support from DfE's innovation programme", "support from DfE's innovation programme"),
        ("Every Child a Talker (ECAT)", "Every Child a Talker (ECAT)"),
        ("Incredible Years (toddler)", "Incredible Years (toddler)"),
        ("DfE support", "DfE support"),
    ],
)
def test_labels_in_sentences_keep_names(label: str, in_a_sentence: str) -> None:
    from omnibus.report.findings import lower_first

    assert lower_first(label) == in_a_sentence


def test_non_substantive_answers_follow_the_ranked_ones() -> None:
    from omnibus.report.figures import Bar, sort_bars

    bars = [
        Bar("Peers", 20.0, 2),
        Bar("None of these", 50.0, 5, last=True),
        Bar("DfE", 40.0, 4),
        Bar("Other (please specify)", 30.0, 3, last=True),
        Bar("NET: Any", 60.0, 6, net=True),
    ]
    labels = [b.label for b in sort_bars(bars, "descending")]
    assert labels == ["DfE", "Peers", "None of these", "Other (please specify)", "NET: Any"]


def test_captions_and_prose_name_waves_by_their_titles(compared) -> None:  # noqa: ANN001
    from omnibus.report.document import DataTable, Paragraph

    blocks = walk_blocks(compared["report"].chapters)
    words = [b.text for b in blocks if isinstance(b, Paragraph)]
    tables = [b for b in blocks if isinstance(b, DataTable)] + [b.data for b in blocks if isinstance(b, Figure)]
    words += [b.caption for b in tables] + [" ".join(b.header + b.notes) for b in tables]
    words += [f"{b.title} {b.alt} {b.base}" for b in blocks if isinstance(b, Figure)]
    assert not [w for w in words if re.search(r"\bw[23]\b", w)], "a wave's name (its slug) in the report's text"
    assert any("in CSO Wave 3" in w and "CSO Wave 2" in w for w in words)
    assert any(w.startswith("CSO Wave 3: response rate by questionnaire section") for w in words)


def test_the_draft_summary_states_only_significant_changes(compared) -> None:  # noqa: ANN001
    summary = compared["report"].summary
    changes = [p.text for p in summary if any(w in p.text for w in (" rose from ", " fell from "))]
    assert all(text.endswith("a significant difference.") for text in changes)
    assert not any("was similar to" in p.text for p in summary), "the summary gives changes, not non-changes"


def test_data_table_headings_call_a_net_a_net_without_the_tab_books_mark(compared) -> None:  # noqa: ANN001
    """A grid's nets head columns of its data table: "Very or fairly confident (net)", not "NET: …"."""
    figures = [f for f in _figures(compared["report"]) if f.chart.kind == "stacked"]
    headings = [h for f in figures for h in f.data.header]
    assert not [h for h in headings if "NET:" in h]
    assert any(h.endswith(" (net)") for h in headings)
