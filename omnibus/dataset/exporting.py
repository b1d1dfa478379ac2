"""Export a dataset as CSV, XLSX, SPSS .sav or Parquet, with its codebook; and the client's view of it.

The codebook goes on a sheet of the XLSX and beside the other formats as `OUT.codebook.csv`
(`results.csv` -> `results.codebook.csv`). The .sav carries variable labels, value labels and
missing-value definitions. Pure Python: no Django.

The client's view (`client_view`) follows the consent rule of the field: a unit's answers are
linked to its name only where it agreed (the question with `consent.purpose == "link"`
answered with its `agree` code). Every other unit gets a pseudonym keyed afresh for each export,
and its frame attributes are blanked except those that cannot name it (by default those its
population declares as `client_attributes`); the rows are shuffled, so that their order does not
follow the public list of units. Open text can name a unit too ("as the only county in the North
East…"), so it is left out unless asked for.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, replace
from pathlib import Path

import polars as pl
import pyreadstat
from rustpy_xlsxwriter import write_worksheets

from omnibus.analysis.dataset import Dataset
from omnibus.core.spreadsheet import csv_writer, neutralise
from omnibus.dataset import EXPORT_FORMATS
from omnibus.dataset.codebook import CODEBOOK_COLUMNS, codebook, spss_missing, value_labels
from omnibus.questionnaire.kinds import kind_of

FORMATS = EXPORT_FORMATS
PSEUDONYM_DIGITS = 6


@dataclass
class Exported:
    """What an export wrote."""

    data: Path
    codebook: Path | None  # None when the codebook is a sheet of the data file
    rows: int
    columns: int
    pseudonymised: int = 0


def export_dataset(
    dataset: Dataset,
    fmt: str,
    out: Path,
    client: bool = False,
    with_open_text: bool = False,
    keep: tuple[str, ...] | None = None,
    frame_labels: dict[str, str] | None = None,
) -> Exported:
    """Write `dataset` in `fmt` to `out` with its codebook; the client's view when `client` is set.

    `keep`: the frame attributes a client copy keeps for every unit (None: the population's `client_attributes`).
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    pseudonymised = 0
    if client:
        dataset, pseudonymised = client_view(dataset, with_open_text, keep)
    out.parent.mkdir(parents=True, exist_ok=True)
    entries = codebook(dataset, frame_labels)
    book = None if fmt == "xlsx" else codebook_path(out)
    if fmt == "csv":
        write_csv(dataset, out)
    elif fmt == "parquet":
        dataset.data.write_parquet(out)
    elif fmt == "sav":
        write_sav(dataset, out, frame_labels)
    else:
        write_xlsx(dataset, out, [e.row() for e in entries])
    if book is not None:
        write_codebook_csv([e.row() for e in entries], book)
    return Exported(out, book, dataset.data.height, dataset.data.width, pseudonymised)


def codebook_path(out: Path) -> Path:
    """Where the codebook of a CSV, .sav or Parquet export goes: `results.csv` -> `results.codebook.csv`."""
    return out.with_suffix(".codebook.csv")


def consent_variable(dataset: Dataset) -> tuple[str, int] | None:
    """The variable holding the consent to link answers to the unit's name, and its "yes" code."""
    for question in dataset.questionnaire.questions():
        if question.consent is not None and question.consent.purpose == "link":
            return question.id, question.consent.agree
    return None


def client_view(
    dataset: Dataset, with_open_text: bool = False, keep: tuple[str, ...] | None = None, key: bytes | None = None
) -> tuple[Dataset, int]:
    """The dataset as a client may see it, and how many units were pseudonymised.

    A unit that did not agree keeps only the frame attributes in `keep` (None: the population's
    `client_attributes`). The rows are shuffled: in unit-key order, pseudonymised rows would line up with the public
    list of units. Pseudonyms are keyed by `key`, fresh and unkept for each export unless given.
    """
    data = dataset.data
    consent = consent_variable(dataset)
    if consent is not None and consent[0] in data.columns:
        agreed = (data[consent[0]] == consent[1]).fill_null(False).to_list()
    else:
        agreed = [False] * data.height  # no consent asked: nobody agreed to be named
    hidden = pseudonyms([unit for unit, ok in zip(data["unit"].to_list(), agreed, strict=True) if not ok], key)
    units = [unit if ok else hidden[unit] for unit, ok in zip(data["unit"].to_list(), agreed, strict=True)]
    mask = pl.Series("__agreed", agreed, dtype=pl.Boolean)
    kept = dataset.client_attributes if keep is None else keep
    blank = [f"frame_{name}" for name in dataset.frame_attributes if name not in kept]
    data = data.with_columns(
        pl.Series("unit", units, dtype=pl.String),
        *[pl.when(mask).then(pl.col(c)).otherwise(None).alias(c) for c in blank if c in data.columns],
    )
    data = data.sample(fraction=1.0, shuffle=True, seed=secrets.randbits(63))
    variables = dataset.variables
    if not with_open_text:
        text = [v.name for v in variables if v.kind == "text"]
        data = data.drop([c for c in text if c in data.columns])
        variables = [v for v in variables if v.kind != "text"]
    return replace(dataset, data=data, variables=variables), agreed.count(False)


def pseudonyms(units: list[str], key: bytes | None = None) -> dict[str, str]:
    """A distinct pseudonym ("P482913") for each unit: a keyed hash of its key, so it says nothing of the unit.

    With a fresh random `key` for each export (the default), two exports' pseudonyms cannot be
    matched; a unit whose hash collides with another's is hashed again with a counter.
    """
    key = key if key is not None else secrets.token_bytes(32)
    made: dict[str, str] = {}
    taken: set[str] = set()
    for unit in units:
        attempt = 0
        while True:
            digest = hmac.new(key, f"{unit}:{attempt}".encode(), hashlib.sha256).digest()
            name = "P" + str(int.from_bytes(digest[:8], "big") % 10**PSEUDONYM_DIGITS).zfill(PSEUDONYM_DIGITS)
            if name not in taken:
                break
            attempt += 1
        taken.add(name)
        made[unit] = name
    return made


def write_csv(dataset: Dataset, path: Path) -> None:
    """The data as CSV, its text cells neutralised so that no answer opens as a formula."""
    text = [c for c, dtype in zip(dataset.data.columns, dataset.data.dtypes, strict=True) if dtype == pl.String]
    safe = [pl.col(c).map_elements(neutralise, return_dtype=pl.String, skip_nulls=True) for c in text]
    dataset.data.with_columns(safe).write_csv(path)


def write_codebook_csv(rows: list[list[str]], path: Path) -> None:
    """The codebook as CSV."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv_writer(handle)
        writer.writerow(CODEBOOK_COLUMNS)
        writer.writerows(rows)


def write_xlsx(dataset: Dataset, path: Path, book: list[list[str]]) -> None:
    """The data on a "Data" sheet (one row per unit) and the codebook on a "Codebook" sheet.

    The frame goes to the writer whole (rust_xlsxwriter, through Arrow), not a cell at a time:
    a 20,000-unit census is four million cells. Numbers are written as numbers, times with a
    date format, and every text cell as text (`text_cells`), never as a formula.
    """
    data = text_cells(_naive_times(dataset.data))
    codebook_sheet = text_cells(pl.DataFrame(book, schema=CODEBOOK_COLUMNS, orient="row"))
    write_worksheets(
        [("Data", data), ("Codebook", codebook_sheet)],
        str(path),
        freeze_panes={"Data": {"row": 1, "col": 1}},
        bold_headers=True,
        datetime_format="yyyy-mm-dd hh:mm:ss",
    )


def text_cells(data: pl.DataFrame) -> pl.DataFrame:
    """The one place where a workbook's text cells are made: whole text columns, each cell written as a string.

    The writer puts a string column's values in as strings, so a cell starting with "=" stays
    the text the respondent typed and never becomes a formula; categorical columns become
    strings here too. Whatever a text cell must become on its way into a spreadsheet is done
    here, over whole columns.
    """
    texts = [c for c, dtype in zip(data.columns, data.dtypes, strict=True) if dtype in (pl.String, pl.Categorical)]
    return data.with_columns([pl.col(c).cast(pl.String) for c in texts])


def write_sav(dataset: Dataset, path: Path, frame_labels: dict[str, str] | None = None) -> None:
    """An SPSS file with variable labels, value labels and missing-value definitions."""
    entries = {e.variable: e for e in codebook(dataset, frame_labels)}
    data = _naive_times(dataset.data)
    strings = [c for c, dtype in zip(data.columns, data.dtypes, strict=True) if dtype == pl.String]
    data = data.with_columns([pl.col(c).fill_null("") for c in strings])
    present = [v for v in dataset.variables if v.name in data.columns]
    labels = {v.name: {float(k): text for k, text in value_labels(v).items()} for v in present if value_labels(v)}
    missing = {v.name: spss_missing(v) for v in present if spss_missing(v)}
    sections = {c: {} for c in data.columns if c.startswith("section_")}
    pyreadstat.write_sav(
        data,
        str(path),
        file_label=f"{dataset.questionnaire.title} ({dataset.wave})"[:64],
        column_labels={c: entries[c].label[:255] for c in data.columns if c in entries},
        variable_value_labels=labels,
        missing_ranges=missing,
        variable_measure={**{c: "nominal" for c in sections}, **_measures(dataset)},
    )


def _measures(dataset: Dataset) -> dict[str, str]:
    """SPSS measure levels from the question type: a grid's items share a rating scale, so are ordinal."""
    kinds = {"code": "nominal", "flag": "nominal", "number": "scale", "text": "nominal", "date": "scale"}
    levels = {}
    for v in dataset.variables:
        if v.name not in dataset.data.columns:
            continue
        owner = dataset.questionnaire.owner(v.question)
        grid_item = v.kind == "code" and owner is not None and kind_of(owner).scale  # a grid's (or two-way) cell
        levels[v.name] = "ordinal" if grid_item else kinds[v.kind]
    return levels


def _naive_times(data: pl.DataFrame) -> pl.DataFrame:
    """Times in UTC without a zone: SPSS and Excel have no time zones."""
    zoned = [c for c, dtype in zip(data.columns, data.dtypes, strict=True) if isinstance(dtype, pl.Datetime)]
    return data.with_columns([pl.col(c).dt.convert_time_zone("UTC").dt.replace_time_zone(None) for c in zoned])
