"""Import responses from a file: a wide table (CSV, XLSX, SPSS .sav) or a returned Excel copy of the questionnaire.

A wide file has a `unit` column (the unit's key) and a column per dataset variable: codes as
numbers, multiple-choice flags as 1/0, numbers, texts; a blank (or the dataset's -1 and -2)
means no answer, and leaves an answer already stored (from the web, say) as it is. Columns
the dataset adds around the variables (`frame_…`, `section_…`, `para_…`) are ignored, so an
exported dataset imports back as it is.

The Excel copy is the workbook `render_xlsx` writes, filled in by a unit: it is recognised by
its section sheets' header row, its answers are read from column D by the variable in
column A ("1. Very confident" is code 1, "Yes" chooses an option), and the unit is named on
the command line.

Every value is checked against the questionnaire, as the web survey would check it (codes,
ranges, lengths, exclusive options, how many may be chosen; `validation.read_page` does the
work), and against routing: an answer to a question the unit's other answers do not lead to
is an error. A file with any problem is refused whole and every problem is reported as
`FILE:WHERE: unit KEY: VARIABLE: message`, WHERE being the row (or the sheet and cell).
Nothing is written then; a good file is written in one transaction through save_page, so the
answer history, routing and section states work as for the web survey.
"""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path

from django.db import transaction

from omnibus.collect.models import Answer
from omnibus.dataset import IMPORT_MODES
from omnibus.dataset.writing import save_unit
from omnibus.fieldwork.models import Wave, WaveUnit
from omnibus.fieldwork.questionnaires import questionnaire_of
from omnibus.questionnaire import as_at, checks, textfile, unavailable
from omnibus.questionnaire.kinds import flag_code, kind_of
from omnibus.questionnaire.model import Option, Question, Questionnaire
from omnibus.questionnaire.reading import MalformedInput
from omnibus.questionnaire.render_xlsx import COLUMNS as COPY_COLUMNS
from omnibus.questionnaire.route import Route
from omnibus.questionnaire.routing import route
from omnibus.questionnaire.validation import read_page
from omnibus.questionnaire.variables import answer_key_owners, answer_keys, question_variables, variables
from omnibus.questionnaire.wording import ask_line, describe, section_line

MODES = IMPORT_MODES
SYSTEM_MISSING_TEXT = ("-1", "-2")  # the dataset's "not asked" and "not answered": no answer
FLAG_CHOSEN = {"1", "yes", "y", "x", "true"}
FLAG_NOT_CHOSEN = {"", "0", "no", "n", "false", *SYSTEM_MISSING_TEXT}
CODE_TEXT = re.compile(r"^(-?\d+)(?:\.0*)?$")  # 3, 3.0
CODE_LABEL = re.compile(r"^(-?\d+)\.\s+\S")  # "3. Not very confident", as the Excel copy's dropdowns put it
DATASET_EXTRAS = ("frame_", "para_")  # column prefixes the dataset adds around the variables
MAX_BYTES = 50 * textfile.MB  # answers of thousands of units to hundreds of questions are a few MB


@dataclass
class ImportProblem:
    """One thing wrong with an import file, located as precisely as the file allows."""

    where: str  # a row number, or "Sheet!D12"
    unit: str | None
    variable: str | None
    message: str

    def line(self, path: Path | str) -> str:
        """`FILE:WHERE: unit KEY: VARIABLE: message`, leaving out the parts it has not got."""
        parts = [f"{path}:{self.where}"]
        if self.unit is not None:
            parts.append(f"unit {self.unit}")
        if self.variable is not None:
            parts.append(self.variable)
        return ": ".join([*parts, self.message])


class ImportRefused(Exception):
    """A file with problems: nothing was imported."""

    def __init__(self, path: Path, problems: list[ImportProblem]) -> None:
        super().__init__(f"{path}: {len(problems)} problem(s); nothing imported")
        self.path = path
        self.problems = problems

    def lines(self) -> list[str]:
        """Every problem as `FILE:WHERE: unit KEY: VARIABLE: message`."""
        return [p.line(self.path) for p in self.problems]


@dataclass
class RawValue:
    """One value of the file as text, with where it is."""

    where: str
    text: str


@dataclass
class RawRow:
    """One unit's values from the file, by column (variable) name."""

    where: str
    unit: str
    cells: dict[str, RawValue] = field(default_factory=dict)


@dataclass
class RawFile:
    """A file read as text: a wide table or an Excel copy of the questionnaire."""

    path: Path
    kind: str  # "wide" or "copy"
    columns: list[tuple[str, str]] = field(default_factory=list)  # (name, where): variable columns or cells
    rows: list[RawRow] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)


@dataclass
class UnitPlan:
    """What an import will save for one unit: answers by section (None clears a specify text no longer chosen)."""

    unit: str
    by_section: dict[str, dict[str, object]]


@dataclass
class ResponseImport:
    """What an import did."""

    units: int
    changed: int  # answer keys whose live value changed
    mode: str
    kind: str


# -- reading files ----------------------------------------------------------------------------


def read_file(path: Path, unit: str | None = None) -> RawFile:
    """Read a CSV, XLSX or .sav file as text cells; an Excel copy of the questionnaire needs `unit`.

    A file too big, not of its kind (a corrupt workbook, a .sav that is not SPSS) or not UTF-8
    CSV comes back with that one problem rather than raising.
    """
    suffix = path.suffix.lower()
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            return _refused(
                path,
                "1",
                f"the file is {size / textfile.MB:.0f} MB; the most an import takes is "
                f"{MAX_BYTES / textfile.MB:.0f} MB",
            )
        if suffix == ".csv":
            return _wide(path, *_csv_table(path))
        if suffix == ".sav":
            return _wide(path, *_sav_table(path))
        if suffix in (".xlsx", ".xlsm"):
            return _read_workbook(path, unit)
    except textfile.TextFileError as error:
        return _refused(path, str(error.line or 1), error.message)
    except OSError as error:
        return _refused(path, "1", f"cannot read the file: {error.strerror or error}")
    kind = suffix or "a file without an extension"
    return _refused(path, "1", f"cannot read {kind}: give a .csv, .xlsx or .sav file")


def _refused(path: Path, where: str, message: str) -> RawFile:
    raw = RawFile(path, "wide")
    raw.problems.append(ImportProblem(where, None, None, message))
    return raw


def cell_text(value: object) -> str:
    """A cell's value as the text a person would type: 3.0 is "3", a blank or NaN is ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() else format(value, ".15g")
    if isinstance(value, datetime | date):
        return value.isoformat()
    return textfile.CONTROL.sub("", str(value)).strip()  # a NUL from a workbook or .sav cannot be stored


def _csv_table(path: Path) -> tuple[list[str], list[list[str]]]:
    table = list(textfile.csv_records(csv.reader(io.StringIO(textfile.read_text(path, MAX_BYTES), newline=""))))
    return (table[0] if table else []), table[1:]


def _sav_table(path: Path) -> tuple[list[str], list[list[str]]]:
    import pyreadstat

    # user_missing: keep "Don't know" and the other user-missing codes as the values they are.
    try:
        data, _ = pyreadstat.read_sav(str(path), user_missing=True, output_format="dict")
    except (pyreadstat.ReadstatError, pyreadstat.PyreadstatError) as error:
        raise textfile.TextFileError(0, f"not an SPSS .sav file that can be read ({error})") from None
    names = list(data)
    columns = [data[name] for name in names]
    rows = [[cell_text(column[i]) for column in columns] for i in range(len(columns[0]) if columns else 0)]
    return names, rows


def _wide(path: Path, header: list[str], rows: list[list[str]]) -> RawFile:
    raw = RawFile(path, "wide")
    header = [cell_text(h) for h in header]
    if "unit" not in header:
        raw.problems.append(
            ImportProblem("1", None, None, "no `unit` column: the first row must name the columns, one of them `unit`")
        )
        return raw
    seen: set[str] = set()
    for name in header:
        if name in seen:
            raw.problems.append(ImportProblem("1", None, name or "(blank)", "this column appears more than once"))
        seen.add(name)
    raw.columns = [(name, "1") for name in header if name != "unit"]
    at = header.index("unit")
    for number, values in enumerate(rows, start=2):
        texts = [cell_text(v) for v in values]
        if not any(texts):
            continue  # a blank line
        texts += [""] * (len(header) - len(texts))
        cells = {name: RawValue(str(number), text) for name, text in zip(header, texts, strict=False) if name != "unit"}
        raw.rows.append(RawRow(str(number), texts[at], cells))
    return raw


def _read_workbook(path: Path, unit: str | None) -> RawFile:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            sheets = {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets}
        finally:
            workbook.close()
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, TypeError) as error:
        # openpyxl raises these for a file that is not a workbook, or a workbook's broken parts.
        raise textfile.TextFileError(0, f"not an Excel workbook that can be read ({type(error).__name__})") from None
    copy = {name: rows for name, rows in sheets.items() if rows and _is_copy_header(rows[0])}
    if copy:
        return _copy(path, copy, unit)
    name = "Data" if "Data" in sheets else next(iter(sheets), None)
    rows = sheets.get(name, []) if name else []
    raw = _wide(path, list(rows[0]) if rows else [], [list(r) for r in rows[1:]])
    if unit is not None:
        raw.problems.append(ImportProblem("1", None, None, "--unit is only for an Excel copy of the questionnaire"))
    return raw


def _is_copy_header(row: tuple) -> bool:
    return tuple(cell_text(v) for v in row[: len(COPY_COLUMNS)]) == COPY_COLUMNS


def _copy(path: Path, sheets: dict[str, list[tuple]], unit: str | None) -> RawFile:
    """An Excel copy of the questionnaire: one unit's answers in column D, by the variable in column A."""
    raw = RawFile(path, "copy")
    first = next(iter(sheets))
    if not unit:
        raw.problems.append(
            ImportProblem(first, None, None, "an Excel copy of the questionnaire: name its unit with --unit KEY")
        )
        return raw
    row = RawRow(first, unit)
    for sheet, rows in sheets.items():
        for number, values in enumerate(rows[1:], start=2):
            variable = cell_text(values[0]) if values else ""
            if not variable:
                continue
            answer = cell_text(values[3]) if len(values) > 3 else ""
            raw.columns.append((variable, f"{sheet}!A{number}"))
            row.cells[variable] = RawValue(f"{sheet}!D{number}", answer)
    raw.rows.append(row)
    return raw


# -- checking ---------------------------------------------------------------------------------


def check_file(
    raw: RawFile,
    questionnaire: Questionnaire,
    units: dict[str, int],
    existing: dict[str, dict[str, object]],
    pilot: bool = False,
    wave: str = "the wave",
) -> tuple[list[UnitPlan], list[ImportProblem]]:
    """Check every value of the file; the plans to save, or every problem found.

    `units` maps the wave's unit keys to anything (their ids); `existing` holds the live
    answers of units that have some, which routing reads together with the file's answers.
    """
    problems = list(raw.problems) + _column_problems(raw, questionnaire)
    plans = []
    shapes = shapes_of(questionnaire)
    first_row: dict[str, str] = {}
    for row in raw.rows:
        if not row.unit:
            problems.append(ImportProblem(row.where, None, "unit", "no unit key"))
            continue
        if row.unit in first_row:
            problems.append(
                ImportProblem(row.where, row.unit, "unit", f"this unit is also on row {first_row[row.unit]}")
            )
            continue
        first_row[row.unit] = row.where
        if row.unit not in units:
            problems.append(ImportProblem(row.where, row.unit, "unit", f"not a unit of {wave}"))
            continue
        plan, found = check_row(row, questionnaire, existing.get(row.unit, {}), pilot, shapes)
        problems += found
        plans.append(plan)
    return plans, problems


def _column_problems(raw: RawFile, q: Questionnaire) -> list[ImportProblem]:
    known = {v.name for v in variables(q)}
    extras = {f"section_{s.id}" for s in q.sections}
    problems = []
    for name, where in raw.columns:
        if name in known or name in extras or name.startswith(DATASET_EXTRAS):
            continue
        what = "variable" if raw.kind == "copy" else "column"
        problems.append(
            ImportProblem(where, None, name or "(blank)", f"unknown {what}: not a variable of {q.survey} {q.version}")
        )
    return problems


def check_row(
    row: RawRow,
    q: Questionnaire,
    existing: dict[str, object],
    pilot: bool = False,
    shapes: list[QuestionShape] | None = None,
) -> tuple[UnitPlan, list[ImportProblem]]:
    """Check one unit's values (each question, then routing over them all); its plan and problems.

    Problems come in the order of the row's cells.
    """
    submitted: dict[str, object] = {}
    cells: dict[str, tuple[str, RawValue]] = {}  # answer key -> (variable, cell), to locate routing problems
    problems: list[ImportProblem] = []
    for shape in shapes if shapes is not None else shapes_of(q):
        read = read_question(shape, q, row.cells)
        submitted.update(read.answers)
        cells.update(read.cells)
        problems += [ImportProblem(cell.where, row.unit, name, message) for name, cell, message in read.problems]
    merged = {k: v for k, v in {**existing, **submitted}.items() if v is not None}
    result = route(q, merged, pilot=pilot)
    owners = answer_key_owners(q)
    for key, value in submitted.items():
        if value is not None and key in result.off_route and key in cells:
            name, cell = cells[key]
            dropped = result.off_route[key]
            if isinstance(dropped, list) and f"{key}_{dropped[0]}" in row.cells:  # point at the option's own flag
                name = f"{key}_{dropped[0]}"
                cell = row.cells[name]
            message = off_route_message(owners[key], key, result.off_route[key], q, result, pilot)
            problems.append(ImportProblem(cell.where, row.unit, name, message))
    problems += _check_problems(row, q, result, cells, set(submitted))
    by_section: dict[str, dict[str, object]] = {}
    for key, value in submitted.items():
        if existing.get(key) != value:  # an unchanged answer is not saved again (nor a blank one never given)
            by_section.setdefault(owners[key].section, {})[key] = value
    order = {name: index for index, name in enumerate(row.cells)}
    problems.sort(key=lambda p: order.get(p.variable or "", -1))
    return UnitPlan(row.unit, by_section), problems


def _check_problems(
    row: RawRow, q: Questionnaire, result: Route, cells: dict[str, tuple[str, RawValue]], given: set[str]
) -> list[ImportProblem]:
    """The cross-item checks a unit's answers break, at the cell of the field each names (or of one it reads).

    A check reading none of this file's answers is not the file's doing, and is left to the web survey.
    """
    found = []
    for placed in checks.failures(q, result):
        read = [placed.field, *placed.reads]
        read += [i.id for n in placed.reads if (o := q.question(n)) is not None for i in o.items]
        at = next((n for n in read if n in given and n in cells), None)
        if at is not None:
            name, cell = cells[at]
            found.append(ImportProblem(cell.where, row.unit, name, placed.check.message))
    return found


@dataclass
class QuestionRead:
    """One question's values from a row: answers by key, where each came from, problems."""

    answers: dict[str, object] = field(default_factory=dict)
    cells: dict[str, tuple[str, RawValue]] = field(default_factory=dict)
    problems: list[tuple[str, RawValue, str]] = field(default_factory=list)


@dataclass
class QuestionShape:
    """What reading a question needs, worked out once per import rather than once per row."""

    question: Question
    relaxed: Question  # the question with `required` off: a blank is no answer, not a mistake
    options: list[Option]
    codes: set[int]
    names: list[str]  # its variables
    keys: list[str]  # its answer keys
    items: list[str]
    flags: dict[str, tuple[str, int]] = field(default_factory=dict)  # 0/1 variable -> (answer key, option code)


def shapes_of(q: Questionnaire) -> list[QuestionShape]:
    """The shape of every question of the questionnaire, in order."""
    result = []
    for question in q.questions():
        options = q.options_of(question)
        found = question_variables(question, q)
        result.append(
            QuestionShape(
                question,
                replace(question, required=False),
                options,
                {o.code for o in options},
                [v.name for v in found],
                answer_keys(question, q),
                [i.id for i in question.items],
                {v.name: (v.item or question.id, flag_code(v)) for v in found if v.kind == "flag"},
            )
        )
    return result


def read_question(shape: QuestionShape, q: Questionnaire, row: dict[str, RawValue]) -> QuestionRead:
    """Read one question's cells as the web survey reads a page, without requiring an answer.

    A blank is no answer in this file: it leaves a stored answer (given on the web, say) alone.
    """
    read = QuestionRead()
    present = {name: row[name] for name in shape.names if name in row}
    if not present:
        return read
    question = shape.question
    data = _page_data(shape, present, read)
    try:
        page = read_page(shape.relaxed, q, shape.options, shape.items, data)
    except MalformedInput as error:  # not expected: codes were checked above; reported rather than raised
        name, cell = next(iter(present.items()))
        read.problems.append((name, cell, str(error)))
        return read
    for error in page.errors:
        if error.field.endswith("_text") and not data.get(error.field):
            continue  # an "Other" chosen without saying what: allowed in an import, the text stays blank
        name, cell = read.cells.get(error.field) or next(iter(present.items()))
        read.problems.append((name, cell, error.message))
    covered = {shape.flags[n][0] if n in shape.flags else n for n in present}
    answered = page.answers.get(question.id) is not None
    for key in shape.keys:
        value = page.answers.get(key)
        if value is not None and key in covered:
            read.answers[key] = value
        elif answered and key.endswith("_text") and key in page.answers:
            read.answers[key] = value  # the new answer's choices decide which "please specify" texts stay
    return read


def _page_data(shape: QuestionShape, present: dict[str, RawValue], read: QuestionRead) -> dict[str, list[str]]:
    """The cells as the fields a web page would send, checking codes and flags on the way."""
    data: dict[str, list[str]] = {}
    question, codes = shape.question, shape.codes
    kind = kind_of(question)
    for name, (key, code) in shape.flags.items():  # a multiple choice's (or a grid row's) 0/1 variables
        cell = present.get(name)
        if cell is None:
            continue
        flag = cell.text.lower()
        if flag in FLAG_CHOSEN:
            data.setdefault(key, []).append(str(code))
            read.cells.setdefault(key, (name, cell))
        elif flag not in FLAG_NOT_CHOSEN:
            read.problems.append((name, cell, f"{cell.text!r} is not 1 (chosen), 0 (not chosen) or blank"))
    for name, cell in present.items():
        read.cells.setdefault(name, (name, cell))
        if name in shape.flags:
            continue  # a flag, read above
        if name.endswith("_text") or kind.open_text:
            text = cell.text
        elif kind.coded:
            text = _code(cell, codes, question, name, read)
        elif question.as_at is not None and name == as_at.date_key(question.id):
            parts = as_at.parts_from_text(cell.text) if cell.text else {}  # blank: the date asked for
            if parts is None:
                read.problems.append((name, cell, f"{cell.text!r} is not a date: write it as 2018-03-31"))
            else:
                data.update({as_at.part_field(name, part): [value] for part, value in parts.items()})
            continue
        elif box := unavailable.box_from_text(question, cell.text):
            data[unavailable.field_name(name)] = [str(box.missing)]  # "Don't know" (or -8) ticks its box
            continue
        else:
            text = _number(cell.text, question)
        if text:
            data[name] = [text]
    return data


def _code(cell: RawValue, codes: set[int], question: Question, name: str, read: QuestionRead) -> str:
    """A code cell's code as text ("" for none), or a problem for anything else."""
    text = cell.text
    match = CODE_TEXT.match(text) or CODE_LABEL.match(text)
    if not text or (match and match.group(1) in SYSTEM_MISSING_TEXT):
        return ""
    if match is None:
        read.problems.append((name, cell, f"{text!r} is not a code"))
        return ""
    code = int(match.group(1))
    if code not in codes:
        listed = ", ".join(str(c) for c in sorted(codes))
        read.problems.append((name, cell, f"{code} is not a code of {question.id} (codes: {listed})"))
        return ""
    return str(code)


def _number(text: str, question: Question) -> str:
    # -1 and -2 are the dataset's missing codes, unless the question allows negative numbers.
    allows_negative = question.min is not None and question.min < 0
    match = CODE_TEXT.match(text)  # also -1.0, as a float column writes it
    return "" if match and match.group(1) in SYSTEM_MISSING_TEXT and not allows_negative else text


def off_route_message(question: Question, key: str, value: object, q: Questionnaire, result: Route, pilot: bool) -> str:
    """Why routing does not take an answer: the question (item, option, text) is not asked of this unit."""
    if not result.asked(question.id):
        if question.pilot and not pilot:
            return "answered, but this is a pilot-only question, not asked in a main wave"
        if question.section not in result.sections:
            section = q.section(question.section)
            words = section_line(section, q) if section else None
            return f"answered, but its section is not asked of this unit ({words})"
        return f"answered, but routing does not ask it of this unit ({ask_line(question, q)})"
    kind = kind_of(question)
    row = kind.row_of(question, key) if kind.has_items else None  # a grid row's answer, cell or text
    item = next((i for i in question.items if i.id == row), None)
    if item is not None:
        return f"answered, but routing does not ask this item of this unit (Ask if {describe(item.ask_if or '', q)})"
    if key.endswith("_text"):
        code = key.removesuffix("_text").rsplit("_", 1)[1]
        return f"a text is given, but option {code} was not chosen"
    codes = value if isinstance(value, list) else [value]
    listed = ", ".join(str(c) for c in codes)
    source = f" (options fed through from {question.options_from.question})" if question.options_from else ""
    return f"code {listed} is not offered to this unit{source}"


# -- importing (Django) -----------------------------------------------------------------------


def import_responses(wave, path: Path, mode: str | None = None, unit: str | None = None) -> ResponseImport:  # noqa: ANN001
    """Check a file and, if it has no problems at all, save its answers; else raise ImportRefused."""
    if mode is not None and mode not in MODES:
        raise ValueError(f"unknown mode {mode!r} (one of {', '.join(MODES)})")
    raw = read_file(path, unit)
    if raw.problems:
        raise ImportRefused(path, raw.problems)
    q = questionnaire_of(wave.questionnaire)
    units = dict(wave.units.exclude(unit=None).values_list("unit__key", "pk"))
    keys = {row.unit for row in raw.rows if row.unit in units}
    existing: dict[str, dict[str, object]] = {}
    stored = Answer.objects.filter(wave_unit__wave=wave, wave_unit__unit__key__in=keys)
    for key, answer_key, value in stored.values_list("wave_unit__unit__key", "key", "value"):
        existing.setdefault(key, {})[answer_key] = value
    plans, problems = check_file(raw, q, units, existing, pilot=wave.kind == Wave.PILOT, wave=f"wave {wave.slug}")
    if problems:
        raise ImportRefused(path, problems)
    mode = mode or ("returned_copy" if raw.kind == "copy" else "import")
    wave_units = WaveUnit.objects.select_related("wave").in_bulk([units[p.unit] for p in plans])
    changed = 0
    with transaction.atomic():
        for plan in plans:
            if plan.by_section:
                changed += save_unit(wave_units[units[plan.unit]], q, plan.by_section, mode)
    return ResponseImport(len(plans), changed, mode, raw.kind)
