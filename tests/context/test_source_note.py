"""Which source notes a report may cite: the publication, never the data keeper's notes (no database)."""

import csv

import pytest

from omnibus.context import source_note
from omnibus.context.source_note import internal_mark, public_lines
from tests.context.conftest import CONTEXT, REFERENCE

CITATIONS = [
    "DfE, Children looked after in England including adoption: year ending 31 March 2016 (SFR 41/2016)",
    "DfE, Characteristics of children in need: 2015 to 2016",
    "MHCLG, English Indices of Deprivation 2019, File 11: upper-tier local authority summaries",
    "Ofsted, Children's social care data in England 2023: inspection outcomes",
    "ONS, Mid-2016 population estimates (table MYE2)",
]


@pytest.mark.parametrize("note", CITATIONS)
def test_a_citation_is_public(note):
    assert internal_mark(note) is None


@pytest.mark.parametrize(
    ("note", "why"),
    [
        ("MHCLG IoD2019 File 11 -- IMD 2019, NOT 2015", "an aside after '--'"),
        ("Ofsted underlying data, sheet LA_inspections_2009-2023", "a sheet name"),
        ("DfE CIN time series b1_children_in_need_2013_to_2023.csv, time_period=2016", "a file name"),
        ("S2: DfE SFR41/2016 LA tables, Table LAA1", "a reference tag such as S2"),
        ("England as in the LA files' sources: S2 (SFR41/2016 Table LAA1)", "a reference tag such as S2"),
    ],
)
def test_a_keepers_note_is_internal_and_says_why(note, why):
    assert internal_mark(note) == why


def test_every_reference_files_source_column_is_internal():
    # The example files' source columns are extraction notes: each must be refused, or a report would cite one.
    files = [*REFERENCE.glob("*.csv"), *CONTEXT.glob("*.csv")]
    notes = {row["source"] for path in files for row in csv.DictReader(path.open()) if row.get("source")}
    assert notes and all(internal_mark(note) for note in notes), [n for n in notes if not internal_mark(n)]


def test_only_public_lines_of_a_stored_note_are_kept():
    stored = f"S7: IoD2019, sheet IMD\n{CITATIONS[2]}\n\n{CITATIONS[0]}"
    assert public_lines(stored) == [CITATIONS[2], CITATIONS[0]]
    assert source_note.public_lines("") == []
