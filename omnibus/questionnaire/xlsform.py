"""Convert an XLSForm (the ODK and KoboToolbox spreadsheet standard) to a questionnaire file.

Only what both languages share is carried over: choice, number, text and note rows; top-level
groups as sections; a `table-list` group of select rows on one list as a grid (of multiple
choices, for `select_multiple`), each row an item; `relevant` as `ask_if`; range, count and
length constraints; choice filters that feed options through from an earlier answer; `${name}`
piping in labels and hints. Every other row, column or expression is reported as
`FORM.xlsx:SHEET:ROW: what and why`, never dropped silently. The YAML written is then read and
checked like any questionnaire file, and whatever the checker finds is reported too, so the
output is always written.

XLSForm expressions are XPath. They are parsed here into a small tree (never evaluated) and
translated into our routing grammar (see `expressions.py`) where the meaning is the same.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from omnibus.questionnaire import expressions as ex
from omnibus.questionnaire import textfile, xlsform_constructs
from omnibus.questionnaire.checker import check
from omnibus.questionnaire.kinds import KINDS, QuestionKind, kind_of
from omnibus.questionnaire.loader import read_text
from omnibus.questionnaire.model import Questionnaire
from omnibus.questionnaire.xpath import (
    Unmappable,
    XCall,
    XCmp,
    XDot,
    XLogic,
    XName,
    XNode,
    XNum,
    XRef,
    XStr,
    normalised,
    number_value,
    parse_xpath,
    xpath_text,
)

MAX_BYTES = 20 * textfile.MB  # a form of hundreds of questions is tens of KB
SHEET_ORDER = ("settings", "survey", "choices")
YES = {"yes", "true", "true()", "1"}
NO = {"no", "false", "false()", "0", ""}
OTHER_LABEL = "Other (please specify)"
TABLE_LIST = "table-list"  # a group's appearance: its select rows on one list are a grid

# Survey and choices columns this module reads; every other non-empty cell is reported.
SURVEY_COLUMNS = {"type", "name", "label", "hint", "required", "relevant", "constraint"}  # + choice_filter on selects
GROUP_COLUMNS = {"type", "name", "label", "relevant"}
CHOICES_COLUMNS = {"list_name", "name", "label"}
SETTINGS_COLUMNS = {"form_id", "form_title", "version"}

# Why a column has no place in our language (the default reason covers the rest).
COLUMN_REASONS = {
    "appearance": "display appearance is left to the web survey",
    "default": "our questionnaires have no default answers",
    "read_only": "every carried question is answered by the respondent",
    "calculation": "calculations are not part of our questionnaire language",
    "constraint_message": "Omnibus words its own messages for ranges and limits",
    "required_message": "Omnibus words its own message for a required answer",
    "guidance_hint": "our questions have one hint",
    "media": "our questionnaires have no images, audio or video",
    "image": "our questionnaires have no images, audio or video",
    "audio": "our questionnaires have no images, audio or video",
    "video": "our questionnaires have no images, audio or video",
    "trigger": "there are no triggered recalculations",
    "parameters": "there are no widget parameters",
    "repeat_count": "our questionnaires have no repeats",
}

# Why a row type cannot be carried over; metadata types share one reason.
METADATA_TYPES = {
    "start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber", "username",
    "email", "audit", "start-geopoint", "background-audio", "imei",
}  # fmt: skip
TYPE_REASONS = {
    "calculate": "calculations are not part of our questionnaire language (derive it in the dataset)",
    "date": "our questionnaire language has no date questions",
    "time": "our questionnaire language has no time questions",
    "datetime": "our questionnaire language has no date or time questions",
    "geopoint": "our questionnaire language has no location questions",
    "geotrace": "our questionnaire language has no location questions",
    "geoshape": "our questionnaire language has no location questions",
    "image": "our questionnaire language has no file uploads",
    "audio": "our questionnaire language has no file uploads",
    "video": "our questionnaire language has no file uploads",
    "file": "our questionnaire language has no file uploads",
    "barcode": "our questionnaire language has no barcode questions",
    "acknowledge": "our questionnaire language has no acknowledge questions",
    "rank": "our questionnaire language has no ranking questions",
    "range": "our questionnaire language has no range sliders",
    "hidden": "hidden values are not part of our questionnaire language",
    "trigger": "our questionnaire language has no trigger questions",
    "select_one_from_file": "options from an external file are not supported",
    "select_multiple_from_file": "options from an external file are not supported",
    "xml-external": "external data is not part of our questionnaire language",
    "csv-external": "external data is not part of our questionnaire language",
}
OUR_TYPES = {"integer": "number", "decimal": "number", "text": "text", "note": "statement"}


class XLSFormError(Exception):
    """A form that cannot be read at all; `lines` says why, one line per problem."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        super().__init__("\n".join(lines))


@dataclass
class XLSFormResult:
    """The questionnaire YAML and every line saying what was not carried over."""

    yaml_text: str
    not_carried: list[str]
    questionnaire: Questionnaire | None = None  # yaml_text read back; None when the checker found problems


def convert(path: Path) -> XLSFormResult:
    """Convert the XLSForm at `path`; raise XLSFormError when it cannot be read at all."""
    sheets = _read_workbook(path)
    converter = _Converter(str(path), sheets)
    data = converter.run()
    text = _header(path, len(converter.report.lines)) + _dump(data)
    questionnaire, problems = read_text(text, f"{path} (imported)")
    if questionnaire is not None and not problems:
        problems = check(questionnaire)
    lines = converter.report.sorted_lines()
    lines += [f"{path}: the imported questionnaire, line {p.line}: checker: {p.message}" for p in problems]
    return XLSFormResult(text, lines, questionnaire if not problems else None)


def _header(path: Path, count: int) -> str:
    return (
        f"# Imported from the XLSForm {path.name} by `omnibus questionnaire import-xlsform`.\n"
        f"# The import report has {count} line(s) on what could not be carried over as it was.\n\n"
    )


def _dump(data: dict) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10_000)


# -- reading the workbook ----------------------------------------------------------------


@dataclass
class FormRow:
    """One spreadsheet row: its number (header = 1) and its non-empty cells by column key."""

    number: int
    cells: dict[str, str]

    def get(self, key: str) -> str:
        return self.cells.get(key, "")


@dataclass
class Sheet:
    """A sheet's column keys (in order) and data rows; blank rows are left out."""

    name: str
    columns: list[str]
    rows: list[FormRow]


def _read_workbook(path: Path) -> dict[str, Sheet]:
    """The settings, survey and choices sheets by lower-case name; XLSFormError if unreadable."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise XLSFormError([f"{path}: larger than {MAX_BYTES // textfile.MB} MB, far more than any form"])
        workbook = load_workbook(path, read_only=True, data_only=True)
        try:
            sheets = {ws.title.strip().lower(): _read_sheet(ws) for ws in workbook.worksheets}
        finally:
            workbook.close()
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError) as error:
        raise XLSFormError([f"{path}: not an Excel workbook (.xlsx) that can be read: {error}"]) from None
    if "survey" not in sheets:
        names = ", ".join(repr(ws) for ws in sheets) or "none"
        raise XLSFormError([f"{path}: no 'survey' sheet, so this is not an XLSForm (sheets: {names})"])
    _require_columns(path, sheets["survey"], ("type", "name"))
    if "choices" in sheets:
        _require_columns(path, sheets["choices"], ("list_name", "name"))
    return sheets


def _require_columns(path: Path, sheet: Sheet, needed: tuple[str, ...]) -> None:
    missing = [c for c in needed if c not in sheet.columns]
    if missing:
        lines = [f"{path}:{sheet.name}:1: the {sheet.name} sheet has no '{c}' column" for c in missing]
        raise XLSFormError(lines)


def _read_sheet(ws: Any) -> Sheet:  # an openpyxl worksheet, read-only or not
    rows = ws.iter_rows(values_only=True)
    header = next(rows, ())
    columns = [_column_key(_cell_text(h)) for h in header]
    sheet = Sheet(ws.title.strip().lower(), [c for c in columns if c], [])
    for number, values in enumerate(rows, start=2):
        cells = {col: _cell_text(v) for col, v in zip(columns, values, strict=False) if col and _cell_text(v)}
        if cells:
            sheet.rows.append(FormRow(number, cells))
    return sheet


def _column_key(header: str) -> str:
    """`List Name` -> `list_name`; the part after `::` (a language, a media kind) is kept as written."""
    base, sep, rest = header.strip().partition("::")
    return base.strip().lower().replace(" ", "_") + (sep + rest.strip() if sep else "")


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores 2024 as 2024.0
    return str(value).strip()


def _base(column: str) -> str:
    return column.partition("::")[0]


# -- the report ------------------------------------------------------------------------------


@dataclass
class _Report:
    """Lines saying what was not carried over, each at a sheet and row."""

    form: str
    lines: list[tuple[int, int, str]] = field(default_factory=list)

    def add(self, sheet: str, row: int, message: str) -> None:
        order = SHEET_ORDER.index(sheet) if sheet in SHEET_ORDER else len(SHEET_ORDER)
        self.lines.append((order, row, f"{self.form}:{sheet}:{row}: {message}"))

    def sorted_lines(self) -> list[str]:
        return [line for _, _, line in sorted(self.lines, key=lambda x: (x[0], x[1]))]


# -- what has been carried over --------------------------------------------------------------


@dataclass
class FormChoice:
    name: str
    label: str
    row: int
    code: int = 0


@dataclass
class ChoiceList:
    name: str
    choices: list[FormChoice] = field(default_factory=list)

    def codes(self) -> dict[str, int]:
        return {c.name: c.code for c in self.choices}


@dataclass
class Carried:
    """A question already written: its id, our type and, for choices, XLSForm name -> code."""

    id: str
    type: str
    codes: dict[str, int] = field(default_factory=dict)
    list_name: str = ""

    @property
    def kind(self) -> QuestionKind:
        """What its type means (see `kinds`)."""
        return KINDS[self.type]


@dataclass
class _Table:
    """A `table-list` group being read: its rows are kept until its end, then carried as a grid if they make one."""

    row: FormRow  # the begin group row
    name: str
    label: str
    rows: list[FormRow] = field(default_factory=list)
    depth: int = 0  # groups opened inside it


@dataclass
class _Group:
    name: str
    row: int
    condition: str | None  # a nested group's relevant, added to each of its questions
    nested: bool


# -- the conversion ------------------------------------------------------------------------------


class _Converter:
    """Walks the survey sheet once, building the questionnaire data and the report."""

    def __init__(self, form: str, sheets: dict[str, Sheet]) -> None:
        self.form = form
        self.sheets = sheets
        self.report = _Report(form)
        self.survey = sheets["survey"]
        self.language = _first_language(self.survey.columns)
        self.lists: dict[str, ChoiceList] = {}
        self.carried: dict[str, Carried] = {}
        self.rows_by_name = {r.get("name"): r.number for r in self.survey.rows if r.get("name")}
        self.question_ids: set[str] = set()
        self.section_ids: set[str] = set()
        self.sections: list[dict] = []
        self.groups: list[_Group] = []
        self.loose_open = False
        self.repeat: tuple[str, int, int] | None = None  # name, row, depth of repeats inside it
        self.heading: str | None = None
        self.title = ""
        self.current_row = 0
        self.table: _Table | None = None

    def run(self) -> dict:
        top = self.settings()
        self.report_languages(self.survey)
        self.lists = self.read_choices()
        for row in self.survey.rows:
            self.row(row)
        self.sections = [s for s in self.sections if self.keep_section(s)]
        return {**top, "sections": [{k: v for k, v in s.items() if not k.startswith("_")} for s in self.sections]}

    # -- settings and choices ----------------------------------------------------------------

    def settings(self) -> dict:
        stem = Path(self.form).stem
        sheet = self.sheets.get("settings")
        row = sheet.rows[0] if sheet and sheet.rows else FormRow(2, {})
        for column, value in row.cells.items():
            if _base(column) not in SETTINGS_COLUMNS:
                self.report.add(
                    "settings", row.number, f"setting '{column}' ('{value}') not carried over: ours has no such setting"
                )
        survey = _valid_id(row.get("form_id") or stem)
        self.title = row.get("form_title") or stem
        return {"survey": survey, "version": row.get("version") or "1", "title": self.title}

    def read_choices(self) -> dict[str, ChoiceList]:
        sheet = self.sheets.get("choices")
        if sheet is None:
            return {}
        self.report_languages(sheet)
        lists: dict[str, ChoiceList] = {}
        for row in sheet.rows:
            self.unread_cells("choices", row, CHOICES_COLUMNS, f"choice '{row.get('name')}'")
            self.add_choice(lists, row)
        for choice_list in lists.values():
            self.number_choices(choice_list)
        return lists

    def add_choice(self, lists: dict[str, ChoiceList], row: FormRow) -> None:
        list_name, name = row.get("list_name"), row.get("name")
        if not list_name or not name:
            self.report.add("choices", row.number, "choice not carried over: it needs both list_name and name")
            return
        choice_list = lists.setdefault(list_name, ChoiceList(list_name))
        if any(c.name == name for c in choice_list.choices):
            self.report.add(
                "choices",
                row.number,
                f"choice '{name}' of list '{list_name}' not carried over: the name is used twice in the list",
            )
            return
        label = self.label(row, "label")
        if not label:
            self.report.add(
                "choices", row.number, f"choice '{name}' of list '{list_name}' has no label: its name is used"
            )
        if "${" in label:
            self.report.add(
                "choices",
                row.number,
                f"choice '{name}': piping in an option label not carried over: our option labels are fixed text",
            )
            label = re.sub(r"\$\{\s*([^}]*?)\s*\}", r"[\1]", label)
        choice_list.choices.append(FormChoice(name, label or name, row.number))

    def number_choices(self, choice_list: ChoiceList) -> None:
        """Whole-number names are kept as codes; any other list is numbered 1..n, reported once."""
        names = [c.name for c in choice_list.choices]
        if all(re.fullmatch(r"-?\d+", n) for n in names):
            for choice in choice_list.choices:
                choice.code = int(choice.name)
            return
        for code, choice in enumerate(choice_list.choices, start=1):
            choice.code = code
        pairs = ", ".join(f"{c.name}={c.code}" for c in choice_list.choices)
        first = choice_list.choices[0].row
        self.report.add(
            "choices",
            first,
            f"list '{choice_list.name}': choice names are not whole numbers, so they are numbered in order "
            f"({pairs}); references to them are translated",
        )

    def report_languages(self, sheet: Sheet) -> None:
        """Our questionnaires have one language: the first is taken, the others reported once."""
        others = [c for c in sheet.columns if _base(c) in ("label", "hint") and not self.ours(c)]
        if others:
            shown = self.language or "the default"
            self.report.add(
                sheet.name,
                1,
                f"columns {', '.join(others)} not carried over: only the first language ({shown}) is imported",
            )

    def note(self, row: FormRow, message: str) -> None:
        """Report something on a survey row that was not carried over."""
        self.report.add("survey", row.number, message)

    def ours(self, column: str) -> bool:
        """Whether a label or hint column is in the language imported (a plain one is a fallback)."""
        return _language(column) in (self.language, None)

    def label(self, row: FormRow, base: str) -> str:
        """The label (or hint) in the language being imported."""
        key = f"{base}::{self.language}" if self.language else base
        return row.get(key) or (row.get(base) if self.language else "")

    def unread_cells(self, sheet: str, row: FormRow, read: set[str], what: str) -> None:
        """Report each non-empty cell in a column this converter does not read."""
        for column, value in row.cells.items():
            base = _base(column)
            if base in ("label", "hint") and not self.ours(column):
                continue  # another language: reported once per sheet
            if base in read:
                continue
            reason = COLUMN_REASONS.get(base, "our questionnaire language has no equivalent")
            self.report.add(sheet, row.number, f"{what}: column '{column}' ('{value}') not carried over: {reason}")

    # -- survey rows -----------------------------------------------------------------------------

    def row(self, row: FormRow) -> None:
        self.current_row = row.number
        words = row.get("type").split()
        kind = _type_word(words)
        if self.table is not None:
            self.inside_table(row, kind)
        elif self.repeat is not None:
            self.inside_repeat(row, kind)
        elif kind == "begin group":
            self.begin_group(row)
        elif kind == "end group":
            self.end_group(row)
        elif kind == "begin repeat":
            self.repeat = (row.get("name"), row.number, 0)
            self.note(
                row,
                f"repeat '{row.get('name')}' not carried over: our questionnaires ask each question once per unit "
                "(its rows are listed below)",
            )
        elif kind == "end repeat":
            self.note(row, "'end repeat' without a 'begin repeat': ignored")
        elif not kind:
            self.note(row, "row without a type not carried over")
        elif kind in ("select_one", "select_multiple"):
            self.choice_question(row, kind, words[1:])
        elif kind in OUR_TYPES:
            self.plain_question(row, kind)
        else:
            self.unmapped_type(row, kind)

    def unmapped_type(self, row: FormRow, kind: str) -> None:
        if kind in METADATA_TYPES:
            reason = "form metadata, not a question (the web survey records its own)"
        else:
            reason = TYPE_REASONS.get(kind, "an unknown XLSForm type")
        self.note(row, f"{kind} '{row.get('name')}' not carried over: {reason}")

    def inside_repeat(self, row: FormRow, kind: str) -> None:
        name, start, depth = self.repeat  # type: ignore[misc]
        if kind == "end repeat":
            self.repeat = None if depth == 0 else (name, start, depth - 1)
            return
        if kind == "begin repeat":
            self.repeat = (name, start, depth + 1)
        if kind != "end group":
            what = f"{kind or 'row'} '{row.get('name')}'"
            self.note(row, f"{what} not carried over: it is inside repeat '{name}' (row {start})")

    # -- groups and sections -------------------------------------------------------------------

    def begin_group(self, row: FormRow) -> None:
        name = row.get("name") or f"group_{row.number}"
        label = self.label(row, "label")
        table = row.get("appearance").strip() == TABLE_LIST
        self.unread_cells("survey", row, GROUP_COLUMNS | ({"appearance"} if table else set()), f"group '{name}'")
        if table:
            self.table = _Table(row, name, label)
        condition = self.translate_relevant(row, f"group '{name}'")
        if self.groups:
            enclosing = self.groups[0].name
            self.note(
                row,
                f"group '{name}' is inside group '{enclosing}': flattened into that section (sections do not nest); "
                "its label becomes a heading and its relevant is added to each of its questions",
            )
            self.groups.append(_Group(name, row.number, condition, nested=True))
            self.heading = label or None
            return
        self.groups.append(_Group(name, row.number, None, nested=False))
        self.loose_open = False
        section = {"id": self.section_id(name), "title": label or name}
        if condition:
            section["ask_if"] = condition
        section.update({"questions": [], "_row": row.number, "_name": name})
        self.sections.append(section)

    def end_group(self, row: FormRow) -> None:
        if not self.groups:
            self.note(row, "'end group' without a 'begin group': ignored")
            return
        self.groups.pop()

    # -- table-list groups: grids ----------------------------------------------------------------

    def inside_table(self, row: FormRow, kind: str) -> None:
        table = self.table
        assert table is not None
        if kind == "end group" and table.depth == 0:
            self.table = None
            self.end_table(table, row)
            return
        table.depth += {"begin group": 1, "end group": -1}.get(kind, 0)
        table.rows.append(row)

    def end_table(self, table: _Table, end: FormRow) -> None:
        """A table-list group's rows as one grid when they make one; else each row as it comes."""
        shape = self.table_shape(table)
        if shape is None:
            self.note(
                table.row,
                f"group '{table.name}' (table-list) is not a grid of select rows on one list: "
                "its rows are carried one by one",
            )
            for row in table.rows:
                self.row(row)
        else:
            self.table_grid(table, *shape)
        self.end_group(end)

    def table_shape(self, table: _Table) -> tuple[str, str, list[FormRow]] | None:
        """(select kind, list name, the rows that are items) when the group is a grid; None otherwise."""
        items = [r for r in table.rows if r.get("appearance").strip() != "label"]  # "label": a header row
        words = [r.get("type").split() for r in items]
        kinds = {_type_word(w) for w in words}
        lists = {tuple(w[1:]) for w in words}
        if not items or len(kinds) != 1 or len(lists) != 1 or kinds - {"select_one", "select_multiple"}:
            return None
        (list_words,) = lists
        if len(list_words) != 1 or list_words[0] not in self.lists:
            return None  # or_other, or an unknown list: each row says so on its own
        if any(r.get("choice_filter") or r.get("constraint") or not r.get("name") for r in items):
            return None
        return kinds.pop(), list_words[0], items

    def table_grid(self, table: _Table, kind: str, list_name: str, items: list[FormRow]) -> None:
        """The grid: the group's label as its text, a row per select, the list as its options."""
        our_type = "multi_grid" if kind == "select_multiple" else "grid"
        qid = self.question_id(table.row, table.name)
        question: dict = {
            "id": qid,
            "type": our_type,
            "text": self.piped(table.row, table.label or table.name, "label"),
        }
        if self.heading:
            question["heading"] = self.heading
            self.heading = None
        nested = [g.condition for g in self.groups if g.nested and g.condition]
        if nested:
            question["ask_if"] = " and ".join(f"({p})" if " or " in p else p for p in nested)
        choice_list = self.lists[list_name]
        question["options"] = {c.code: c.label for c in choice_list.choices}
        required = [self.required(r, r.get("name")) for r in items]
        if not all(required):
            question["required"] = False
            if any(required):
                self.note(table.row, f"'{qid}': some rows required, some not: the grid is not required")
        question["items"] = [self.table_item(row, our_type, choice_list) for row in items]
        for row in table.rows:
            if row not in items:
                self.note(row, f"header row '{row.get('name')}' of table-list '{table.name}': the grid prints its own")
        self.current_section()["questions"].append(question)
        self.note(table.row, f"group '{table.name}' (table-list) becomes the {our_type} {qid}, a row per select")

    def table_item(self, row: FormRow, our_type: str, choice_list: ChoiceList) -> dict:
        name = row.get("name")
        item: dict = {
            "id": self.question_id(row, name),
            "text": self.piped(row, self.label(row, "label") or name, "label"),
        }
        ask_if = self.translate_relevant(row, f"'{name}'")
        if ask_if:
            item["ask_if"] = ask_if
        self.unread_cells("survey", row, SURVEY_COLUMNS | {"appearance"}, f"'{name}'")
        row_type = "multi" if our_type == "multi_grid" else "single"  # a row reads in routing as a choice does
        self.carried[name] = Carried(item["id"], row_type, choice_list.codes(), choice_list.name)
        return item

    def section_id(self, name: str) -> str:
        sid = _unique(_valid_id(name), self.section_ids)
        self.section_ids.add(sid)
        return sid

    def current_section(self) -> dict:
        """The open group's section, or a section made for questions outside any group."""
        if self.groups:
            return self.sections[-1]
        if not self.loose_open:
            self.sections.append({"id": self.section_id("general"), "title": self.title, "questions": [], "_row": 0})
            self.loose_open = True
        return self.sections[-1]

    def keep_section(self, section: dict) -> bool:
        if section["questions"]:
            return True
        if section.get("_name"):
            message = (
                f"group '{section['_name']}' not carried over: none of its questions could be, and a section needs some"
            )
            self.report.add("survey", section["_row"], message)
        return False

    # -- questions -----------------------------------------------------------------------------

    def plain_question(self, row: FormRow, kind: str) -> None:
        question = self.start_question(row, OUR_TYPES[kind])
        if question is None:
            return
        if kind in ("integer", "decimal"):
            question["integer"] = kind == "integer"
        self.finish_question(row, question, Carried(question["id"], question["type"]))

    def choice_question(self, row: FormRow, kind: str, rest: list[str]) -> None:
        name = row.get("name")
        list_name = rest[0] if rest else ""
        if list_name not in self.lists:
            why = f"its list '{list_name}' is not on the choices sheet" if list_name else "it names no list"
            self.note(row, f"{kind} '{name}' not carried over: {why}")
            return
        question = self.start_question(row, "single" if kind == "select_one" else "multi")
        if question is None:
            return
        carried = Carried(question["id"], question["type"], self.lists[list_name].codes(), list_name)
        self.options(row, question, carried)
        if rest[1:] == ["or_other"]:
            self.add_other(row, question, carried)
        elif rest[1:]:
            self.note(row, f"'{' '.join(rest[1:])}' after the list name not carried over: not understood")
        self.finish_question(row, question, carried)

    def start_question(self, row: FormRow, our_type: str) -> dict | None:
        """The keys every question has: id, type, text, heading, hint, ask_if, required."""
        name = row.get("name")
        if not name:
            self.note(row, f"{row.get('type')} row without a name not carried over")
            return None
        qid = self.question_id(row, name)
        text = self.label(row, "label")
        if not text:
            self.note(row, f"'{name}' has no label: its name is used as the text")
        question: dict = {"id": qid, "type": our_type, "text": self.piped(row, text or name, "label")}
        if self.heading:
            question["heading"] = self.heading
            self.heading = None
        hint = self.label(row, "hint")
        if hint:
            question["hint"] = self.piped(row, hint, "hint")
        ask_if = self.ask_if(row, name)
        if ask_if:
            question["ask_if"] = ask_if
        if our_type != "statement" and not self.required(row, name):
            question["required"] = False
        return question

    def finish_question(self, row: FormRow, question: dict, carried: Carried) -> None:
        self.constraint(row, question, carried)
        read = SURVEY_COLUMNS | ({"choice_filter"} if carried.list_name else set())
        read |= {"constraint_message"} if question.get("checks") else set()  # the checks' message
        self.unread_cells("survey", row, read, f"'{row.get('name')}'")
        if question["type"] == "statement" and row.get("constraint"):
            self.note(row, f"'{row.get('name')}': a note has no answer to constrain; constraint not carried over")
        self.current_section()["questions"].append(question)
        self.carried[row.get("name")] = carried

    def question_id(self, row: FormRow, name: str) -> str:
        qid = _unique(_valid_id(name), self.question_ids)
        self.question_ids.add(qid)
        if qid != name:
            self.note(
                row,
                f"name '{name}' is not one of our ids (unique; letters, digits and _, starting with a letter): "
                f"it becomes '{qid}'",
            )
        return qid

    def required(self, row: FormRow, name: str) -> bool:
        value = row.get("required").lower()
        if value in YES or value in NO:
            return value in YES
        self.note(
            row,
            f"'{name}': required '{row.get('required')}' not carried over: only yes or no can be; "
            "the question is not required",
        )
        return False

    def options(self, row: FormRow, question: dict, carried: Carried) -> None:
        """The list's options, or a feed-through when the choice filter is one we can express."""
        choice_list = self.lists[carried.list_name]
        feed = self.choice_filter(row, choice_list) if row.get("choice_filter") else None
        if feed is None:
            question["options"] = {c.code: c.label for c in choice_list.choices}
            return
        source, chosen, exclude = feed
        question["options_from"] = {"question": source.id, "chosen": chosen}
        if exclude:
            question["options_from"]["exclude"] = exclude
        carried.codes = {
            n: c for n, c in source.codes.items() if c not in exclude
        }  # fed options keep the source's codes

    def add_other(self, row: FormRow, question: dict, carried: Carried) -> None:
        code = max([0, *carried.codes.values()]) + 1
        question.setdefault("options", {})[code] = {"label": OTHER_LABEL, "specify": True}
        carried.codes["other"] = code
        message = (
            f"'{row.get('name')}': or_other becomes code {code} '{OTHER_LABEL}' with a text (specify: true), "
            f"stored as {question['id']}_{code}_text"
        )
        self.note(row, message)

    # -- expressions --------------------------------------------------------------------------

    def ask_if(self, row: FormRow, name: str) -> str | None:
        """The question's relevant, and those of the nested groups it is in, as one ask_if."""
        own = self.translate_relevant(row, f"'{name}'")
        parts = [g.condition for g in self.groups if g.nested and g.condition] + ([own] if own else [])
        if len(parts) <= 1:
            return parts[0] if parts else None
        return " and ".join(f"({p})" if " or " in p else p for p in parts)

    def translate_relevant(self, row: FormRow, what: str) -> str | None:
        text = row.get("relevant")
        if not text:
            return None
        try:
            condition = _Routing(self).condition(parse_xpath(text))
            ex.parse(condition)  # a last guard: what we write must be our grammar
            return condition
        except ex.ExpressionError as error:
            self.note(row, f"{what}: relevant '{text}' not carried over: {error.message}")
            return None
        except Unmappable as error:
            message = f"{what}: relevant '{text}' not carried over: {error}; it is asked of everyone who reaches it"
            self.note(row, message)
            return None

    def constraint(self, row: FormRow, question: dict, carried: Carried) -> None:
        text = row.get("constraint")
        if not text or question["type"] == "statement":
            return
        try:
            node = parse_xpath(text)
        except Unmappable as error:
            self.note(row, f"'{row.get('name')}': constraint '{text}' not carried over: {error}")
            return
        node, boxes = xlsform_constructs.special_values(node, question)  # `or . = -99`: a "Don't know" box
        rest, checks = xlsform_constructs.cross_checks(
            node, question, lambda name: self.lookup(name).id, row.get("constraint_message")
        )  # `. <= ${issued}`: a check
        for message in boxes + checks:
            self.note(row, f"'{row.get('name')}': constraint '{text}': {message}")
        if rest is None:
            return
        node = rest
        limits = _Limits(question["type"], question.get("integer", True))
        for part in node.operands if isinstance(node, XLogic) and node.op == "and" else (node,):
            limits.add(part)
        question.update(limits.fields)
        for message in limits.notes:
            self.note(row, f"'{row.get('name')}': constraint '{text}': {message}")

    def choice_filter(self, row: FormRow, choice_list: ChoiceList) -> tuple[Carried, bool, list[int]] | None:
        """`selected(${src}, name)` (or its not()) as (source, chosen, codes to exclude)."""
        text = row.get("choice_filter")
        try:
            source, chosen = self.feed_source(parse_xpath(text))
            exclude = self.feed_exclude(source, choice_list)
        except Unmappable as error:
            self.note(
                row,
                f"'{row.get('name')}': choice_filter '{text}' not carried over: {error}; "
                "all the list's options are offered",
            )
            return None
        return source, chosen, exclude

    def feed_source(self, node: XNode) -> tuple[Carried, bool]:
        chosen = True
        if isinstance(node, XCall) and node.function == "not" and len(node.args) == 1:
            node, chosen = node.args[0], False
        if not (isinstance(node, XCall) and node.function == "selected" and len(node.args) == 2):
            raise Unmappable("only selected(${question}, name) or its not() can feed options through")
        ref, what = node.args
        if not isinstance(ref, XRef) or what != XName("name"):
            raise Unmappable("only selected(${question}, name) or its not() can feed options through")
        source = self.lookup(ref.name)
        if not kind_of(source).multiple:
            raise Unmappable(f"{ref.name} is not a select_multiple, and only those can feed options through")
        return source, chosen

    def feed_exclude(self, source: Carried, choice_list: ChoiceList) -> list[int]:
        """Source codes whose names are not in the filtered list (the list must be a subset)."""
        names = set(choice_list.codes())
        if not names <= set(source.codes):
            extra = ", ".join(sorted(names - set(source.codes)))
            raise Unmappable(
                f"list '{choice_list.name}' has choices ({extra}) that {source.id}'s list '{source.list_name}' lacks"
            )
        return [code for name, code in source.codes.items() if name not in names]

    def lookup(self, name: str) -> Carried:
        """An earlier carried question, or Unmappable saying why it cannot be referred to."""
        if name in self.carried:
            return self.carried[name]
        if name not in self.rows_by_name:
            raise Unmappable(f"there is no question named '{name}'")
        row = self.rows_by_name[name]
        if row < self.current_row:
            raise Unmappable(f"'{name}' (row {row}) is not carried over")
        raise Unmappable(f"'{name}' (row {row}) is not asked before this, and our routing only looks back")

    def piped(self, row: FormRow, text: str, column: str) -> str:
        """`${x}` becomes `{x}`; literal braces are doubled; what cannot be piped is reported."""
        parts = re.split(r"\$\{\s*([^}]*?)\s*\}", text)
        out: list[str] = []
        for index, part in enumerate(parts):
            if index % 2 == 0:
                out.append(part.replace("{", "{{").replace("}", "}}"))
                continue
            try:
                carried = self.lookup(part)
                if not kind_of(carried).answerable:
                    raise Unmappable(f"'{part}' is a note and has no answer")
                out.append(f"{{{carried.id}}}")
            except Unmappable as error:
                self.note(
                    row,
                    f"'{row.get('name')}': piping ${{{part}}} in the {column} not carried over: {error}; "
                    f"shown as [{part}]",
                )
                out.append(f"[{part}]")
        return "".join(out)


class _Routing:
    """Translates an XPath relevant into our routing grammar, or raises Unmappable."""

    def __init__(self, converter: _Converter) -> None:
        self.converter = converter

    def condition(self, node: XNode) -> str:
        if isinstance(node, XLogic):
            parts = [self.condition(o) for o in node.operands]
            wrapped = [f"({p})" if node.op == "and" and " or " in p else p for p in parts]
            return f" {node.op} ".join(wrapped)
        if isinstance(node, XCall):
            return self.call(node)
        if isinstance(node, XCmp):
            return self.comparison(normalised(node))
        if isinstance(node, XRef):
            return f"answered({self.question(node.name).id})"
        raise Unmappable(f"'{xpath_text(node)}' is not a condition")

    def call(self, node: XCall) -> str:
        if node.function == "not" and len(node.args) == 1:
            inner = self.condition(node.args[0])
            return f"not ({inner})" if " and " in inner or " or " in inner else f"not {inner}"
        if node.function == "selected" and len(node.args) == 2 and isinstance(node.args[0], XRef):
            question = self.choice(node.args[0])
            return f"chosen({question.id}, {self.code(question, node.args[1])})"
        raise Unmappable(f"{node.function}() has no equivalent in our routing")

    def comparison(self, node: XCmp) -> str:
        left, right, op = node.left, node.right, node.op
        if isinstance(left, XCall) and left.function == "count-selected" and isinstance(right, XNum):
            if len(left.args) != 1 or not isinstance(left.args[0], XRef):
                raise Unmappable("count-selected() of something other than a question")
            question = self.choice(left.args[0])
            return self.negatable(f"count({question.id}) {'=' if op == '!=' else op} {right.value}", op)
        for side in (left, right):
            if isinstance(side, XCall):
                raise Unmappable(f"{side.function}() has no equivalent in our routing")
        if not isinstance(left, XRef) or not isinstance(right, XNum | XStr):
            raise Unmappable(f"'{xpath_text(node)}' compares something other than a question with a value")
        question = self.question(left.name)
        if isinstance(right, XStr) and right.value == "" and op in ("=", "!="):
            return f"{'not ' if op == '=' else ''}answered({question.id})"
        return self.compare_answer(question, op, right)

    def compare_answer(self, question: Carried, op: str, right: XNum | XStr) -> str:
        equal = "=" if op == "!=" else op  # XPath's != is true for an empty answer; `not x = v` is too
        if question.type == "single":
            self.equality_only(op, question)
            return self.negatable(f"{question.id} = {self.code(question, right)}", op)
        if question.type == "multi":
            self.equality_only(op, question)
            code = self.code(question, right)
            return self.negatable(f"(chosen({question.id}, {code}) and count({question.id}) = 1)", op)
        if question.type == "number":
            return self.negatable(f"{question.id} {equal} {_number_literal(right)}", op)
        if question.type == "text" and isinstance(right, XStr) and op in ("=", "!="):
            if "'" in right.value:
                raise Unmappable("a text containing a quote")
            return self.negatable(f"{question.id} = '{right.value}'", op)
        raise Unmappable(f"{question.id} is a {question.type} question and cannot be compared so")

    @staticmethod
    def negatable(text: str, op: str) -> str:
        return f"not {text}" if op == "!=" else text

    @staticmethod
    def equality_only(op: str, question: Carried) -> None:
        if op not in ("=", "!="):
            raise Unmappable(f"{question.id} is a choice question; its codes can only be compared with = or !=")

    def question(self, name: str) -> Carried:
        question = self.converter.lookup(name)
        if not kind_of(question).answerable:
            raise Unmappable(f"'{name}' is a note and has no answer")
        return question

    def choice(self, ref: XRef) -> Carried:
        question = self.converter.lookup(ref.name)
        if not kind_of(question).choice:
            raise Unmappable(f"{ref.name} is not a select question")
        return question

    @staticmethod
    def code(question: Carried, value: XNode) -> int:
        name = value.value if isinstance(value, XStr) else xpath_text(value) if isinstance(value, XNum) else None
        if name is None or name not in question.codes:
            raise Unmappable(f"{question.id} has no choice named {xpath_text(value)}")
        return question.codes[name]


def _number_literal(node: XNum | XStr) -> str:
    if isinstance(node, XNum):
        return f"{node.value}"
    try:
        return f"{number_value(node.value)}"
    except ValueError:
        raise Unmappable(f"'{node.value}' is not a number") from None


@dataclass
class _Limits:
    """Range, count and length limits read from the parts of a constraint joined by `and`."""

    type: str
    integer: bool
    fields: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def add(self, part: XNode) -> None:
        node = normalised(part) if isinstance(part, XCmp) else None
        if node is None or not isinstance(node.right, XNum):
            self.notes.append(f"'{xpath_text(part)}' not carried over: only ranges, counts and lengths are")
        elif isinstance(node.left, XDot) and self.type == "number":
            self.bound(node.op, node.right.value, "min", "max", part)
        elif _is_call_on_dot(node.left, "count-selected") and self.type == "multi":
            self.bound(node.op, node.right.value, "min_choices", "max_choices", part)
        elif _is_call_on_dot(node.left, "string-length") and self.type == "text" and node.op in ("<", "<="):
            self.bound(node.op, node.right.value, "min_length", "max_length", part)
        else:
            self.notes.append(f"'{xpath_text(part)}' not carried over: our {self.type} questions have no such limit")

    def bound(self, op: str, value: int | float, low: str, high: str, part: XNode) -> None:
        whole = self.integer or low != "min"  # counts and lengths are whole numbers
        if op in ("<", ">") and whole and float(value).is_integer():
            value = int(value) + (1 if op == ">" else -1)
        elif op in ("<", ">"):
            self.notes.append(
                f"'{xpath_text(part)}' kept as {low if op == '>' else high} {value:g}: our limits include their ends"
            )
        if op in ("=", "!="):
            self.notes.append(f"'{xpath_text(part)}' not carried over: only ranges, counts and lengths are")
        elif op in (">", ">="):
            self.fields[low] = value
        else:
            self.fields[high] = value


def _is_call_on_dot(node: XNode, function: str) -> bool:
    return isinstance(node, XCall) and node.function == function and node.args == (XDot(),)


# -- small helpers --------------------------------------------------------------------------------


def _type_word(words: list[str]) -> str:
    """`begin group`, `begin_group` and `Begin Group` all read as `begin group`."""
    if not words:
        return ""
    first = words[0].lower()
    if first in ("begin", "end") and len(words) > 1:
        return f"{first} {words[1].lower()}"
    return first.replace("_", " ") if first in ("begin_group", "end_group", "begin_repeat", "end_repeat") else first


def _language(column: str) -> str | None:
    return column.partition("::")[2] or None


def _first_language(columns: list[str]) -> str | None:
    """None when a plain `label` column exists; otherwise the first `label::X` column's language."""
    if "label" in columns:
        return None
    return next((_language(c) for c in columns if _base(c) == "label" and _language(c)), None)


def _valid_id(name: str) -> str:
    """Letters, digits and underscores, starting with a letter (`form-1` -> `form_1`)."""
    cleaned = re.sub(r"[^A-Za-z0-9_]", "_", name.strip()) or "form"
    return cleaned if cleaned[0].isalpha() else f"q_{cleaned}"


def _unique(candidate: str, taken: set[str]) -> str:
    result, n = candidate, 2
    while result in taken:
        result, n = f"{candidate}_{n}", n + 1
    return result
