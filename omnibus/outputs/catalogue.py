"""The outputs a wave's page offers: what each is, its formats, and whether a client may have it.

A client gets the tab book (figures only), the client's report (quotes as consent allows) and
the client's copy of the data (pseudonyms for units that did not agree to be named, open text
left out); everything else (the full dataset, coding files with unit names, the printed
questionnaire, the researchers' report) is for researchers only.
"""

from __future__ import annotations

from dataclasses import dataclass

from omnibus.dataset import EXPORT_FORMATS


@dataclass(frozen=True)
class Output:
    """One kind of output: `key` is what forms and build rows carry."""

    key: str
    title: str
    description: str
    formats: tuple[str, ...]
    for_clients: bool = False
    comparable: bool = False  # may be compared with an earlier wave (`--compare`)

    def format_label(self, fmt: str) -> str:
        """The format as a person reads it: "PDF", "SPSS (.sav)"."""
        return FORMAT_LABELS.get((self.key, fmt)) or FORMAT_LABELS.get(("", fmt), fmt.upper())


FORMAT_LABELS = {
    ("", "html"): "HTML",
    ("", "pdf"): "PDF",
    ("", "docx"): "Word",
    ("", "xlsx"): "Excel",
    ("", "csv"): "CSV",
    ("", "sav"): "SPSS (.sav)",
    ("", "parquet"): "Parquet",
    ("", "txt"): "Text",
    ("coding", "csv"): "CSV files (zip)",
}

OUTPUTS = (
    Output(
        "tabbook",
        "Tab book",
        "Every question's table with its base, nets and significance letters, the same workbook the command "
        "omnibus tables writes with the default analysis spec.",
        ("xlsx",),
        for_clients=True,
        comparable=True,
    ),
    Output(
        "report",
        "Report",
        "The research report with every quote the disclosure check passed, attributed by type and region.",
        ("html", "pdf", "docx"),
        comparable=True,
    ),
    Output(
        "client-report",
        "Client report",
        "The report as a client may read it: quotes only from units that agreed to be linked to their answers.",
        ("html", "pdf", "docx"),
        for_clients=True,
        comparable=True,
    ),
    Output(
        "dataset",
        "Dataset",
        "One row per unit with every variable, and its codebook (a sheet of the workbook, or a CSV beside the "
        "data in a zip).",
        EXPORT_FORMATS,
    ),
    Output(
        "client-dataset",
        "Client copy of the data",
        "The dataset with a pseudonym and no identifying attributes for every unit that did not agree to be "
        "named, rows shuffled, open text left out; with its codebook.",
        EXPORT_FORMATS,
        for_clients=True,
    ),
    Output(
        "coding",
        "Coding files",
        "Each open question's answers with their theme codes and unit names, one CSV per question, for coding in a "
        "spreadsheet and reading back with omnibus coding import.",
        ("csv",),
    ),
    Output(
        "questionnaire",
        "Printed questionnaire",
        "The questionnaire with its routing as “Ask if …” lines (text, Word), or the Excel copy respondents fill in.",
        ("txt", "docx", "xlsx"),
    ),
)

BY_KEY = {output.key: output for output in OUTPUTS}


def output_named(key: str, fmt: str) -> Output | None:
    """The output `key` if it exists and is offered in `fmt`, else None."""
    found = BY_KEY.get(key)
    return found if found is not None and fmt in found.formats else None


def visible_outputs(researcher: bool) -> list[Output]:
    """What a researcher (everything) or a client (the outputs for clients) may see and build."""
    return [output for output in OUTPUTS if researcher or output.for_clients]
