"""Read a questionnaire file into the plain data of `model.py`, remembering every line.

The loader walks the YAML node tree (not the plain values PyYAML would give) so that each
problem can name its line, and so that a repeated key (a duplicated option code, which
PyYAML would silently overwrite) is caught. It checks structure: known keys, required keys,
value types. `checker.py` checks meaning (routing, feed-through, ranges). `load` runs both.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import replace
from pathlib import Path

import yaml

from omnibus.questionnaire import loader_parts, textfile
from omnibus.questionnaire.checker import check
from omnibus.questionnaire.model import (
    MISSING_KINDS,
    QUESTION_TYPES,
    About,
    Consent,
    Contact,
    GridColumn,
    Item,
    Menu,
    Option,
    OptionsFrom,
    Question,
    Questionnaire,
    Section,
)
from omnibus.questionnaire.problems import Problem
from omnibus.questionnaire.settings import read_settings

MAX_BYTES = 2 * textfile.MB  # Wave 3, a long questionnaire, is 30 KB

ID_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")

TOP_KEYS = {"survey", "version", "title", "introduction", "about", "base_all", "option_sets", "menu", "sections"}
ABOUT_KEYS = {
    "sponsor",
    "research_team",
    "purpose",
    "time",
    "confidentiality",
    "contact",
    "privacy",
    "data_controller",
    "retention",
}
CONTACT_KEYS = {"name", "email", "phone"}
SECTION_KEYS = {"id", "title", "intro", "ask_if", "questions", "checks"}
TOP_KEYS |= {"settings"}
MENU_KEYS = {"id", "text", "hint", "sections"}
OPTION_KEYS = {"label", "exclusive", "specify", "missing"}
OPTION_KEYS |= {"piped"}
OPTIONS_FROM_KEYS = {"question", "chosen", "exclude"}
ITEM_KEYS = {"id", "text", "ask_if", "min", "max", "specify"}
COLUMN_KEYS = {"id", "text"}
CONSENT_KEYS = {"purpose", "agree"}
COMMON_QUESTION_KEYS = {
    "id",
    "type",
    "text",
    "heading",
    "label",
    "preamble",
    "hint",
    "note",
    "ask_if",
    "base",
    "required",
    "pilot",
    "checks",
}
COMMON_QUESTION_KEYS |= {"number"}
# Which keys each question type takes beyond the common ones: a key given to a type that
# does not use it is a mistake worth reporting (max_length on a single choice, say).
TYPE_KEYS = {
    "single": {"options", "options_from", "consent"},
    "multi": {"options", "options_from", "min_choices", "max_choices"},
    "grid": {"options", "items"},
    "text": {"max_length"},
    "number": {"min", "max", "integer", "prefix", "suffix", "unavailable", "as_at"},
    "numbers": {"items", "min", "max", "integer", "prefix", "suffix", "unavailable"},
    "statement": set(),
    "multi_grid": {"options", "items", "min_choices", "max_choices"},
    "two_way_grid": {"options", "items", "columns"},
}
ALL_QUESTION_KEYS = COMMON_QUESTION_KEYS.union(*TYPE_KEYS.values())


class QuestionnaireError(Exception):
    """A questionnaire file with mistakes; carries every one of them."""

    def __init__(self, path: str, problems: list[Problem]) -> None:
        self.path = path
        self.problems = sorted(problems, key=lambda p: p.line)
        super().__init__("\n".join(p.format(path) for p in self.problems))

    def lines(self) -> list[str]:
        """The problems as `FILE:LINE: message` lines, in file order."""
        return [p.format(self.path) for p in self.problems]


def load(path: str | Path) -> Questionnaire:
    """Read and check a questionnaire file; raise QuestionnaireError listing every problem."""
    questionnaire, problems = read(path)
    if questionnaire is not None:
        # Meaning is checked even when structure has mistakes, so one run reports them all.
        problems = problems + check(questionnaire)
    if questionnaire is None or problems:
        raise QuestionnaireError(str(path), problems)
    return questionnaire


def read(path: str | Path) -> tuple[Questionnaire | None, list[Problem]]:
    """Read a file's structure; the questionnaire is None only when the YAML itself is broken."""
    try:
        text = textfile.read_text(path, MAX_BYTES)
    except FileNotFoundError:
        return None, [Problem(0, "no such file")]
    except textfile.TextFileError as error:
        return None, [Problem(error.line, error.message)]
    return read_text(text, str(path))


def read_text(text: str, path: str = "<questionnaire>") -> tuple[Questionnaire | None, list[Problem]]:
    """Read questionnaire YAML from a string (see `read`)."""
    try:
        textfile.check_control(text)
        root = textfile.compose_yaml(text)  # its depth checked first: the composer is recursive
    except textfile.TextFileError as error:
        return None, [Problem(error.line, error.message)]
    except yaml.YAMLError as error:
        found = textfile.yaml_error(error)
        return None, [Problem(found.line or 1, found.message)]
    reader = _Reader()
    if root is None:
        return None, [Problem(1, "the file is empty")]
    questionnaire = reader.questionnaire(root, path)
    return questionnaire, reader.problems


class _Reader:
    """Turns YAML nodes into model objects, collecting problems instead of stopping."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.option_sets: dict[str, list[Option]] = {}

    def problem(self, node: yaml.Node, message: str) -> None:
        self.problems.append(Problem(node.start_mark.line + 1, message))

    # -- generic node readers -------------------------------------------------------

    def mapping(self, node: yaml.Node, allowed: set[str], required: set[str], what: str) -> dict[str, yaml.Node]:
        """The mapping's values by key; unknown, repeated and missing keys are problems."""
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, f"{what} should be a mapping of keys to values")
            return {}
        result: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            if key in result:
                self.problem(key_node, f"{what}: key '{key}' is given twice")
            elif key not in allowed:
                self.problem(key_node, f"{what}: unknown key '{key}'{_suggest(key, allowed)}")
            else:
                result[key] = value_node
        for key in sorted(required - result.keys()):
            self.problem(node, f"{what}: '{key}' is required")
        return result

    def sequence(self, node: yaml.Node, what: str) -> list[yaml.Node]:
        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, f"{what} should be a list")
            return []
        return list(node.value)

    def text(self, node: yaml.Node | None, what: str) -> str | None:
        if node is None:
            return None
        if not isinstance(node, yaml.ScalarNode) or node.tag != "tag:yaml.org,2002:str":
            if isinstance(node, yaml.ScalarNode) and node.tag in (_BOOL, _NULL):
                self.problem(node, f"{what} should be a text: quote it ({node.value!r} reads as {_tag_name(node.tag)})")
            elif isinstance(node, yaml.ScalarNode):
                return node.value
            else:
                self.problem(node, f"{what} should be a text")
            return None
        return node.value

    def identifier(self, node: yaml.Node | None, what: str) -> str | None:
        value = self.text(node, what)
        if value is not None and node is not None and not ID_PATTERN.match(value):
            self.problem(node, f"{what} '{value}' is not a valid name (letters, digits and _, starting with a letter)")
        return value

    def integer(self, node: yaml.Node | None, what: str) -> int | None:
        if node is None:
            return None
        if isinstance(node, yaml.ScalarNode) and node.tag == _INT:
            return int(node.value.replace("_", ""))
        self.problem(node, f"{what} should be a whole number, not {node_text(node)!r}")
        return None

    def number(self, node: yaml.Node | None, what: str) -> float | None:
        if node is None:
            return None
        if isinstance(node, yaml.ScalarNode) and node.tag in (_INT, _FLOAT):
            value = float(node.value.replace("_", ""))
            return int(value) if value.is_integer() else value
        self.problem(node, f"{what} should be a number, not {node_text(node)!r}")
        return None

    def boolean(self, node: yaml.Node | None, what: str, default: bool) -> bool:
        if node is None:
            return default
        if isinstance(node, yaml.ScalarNode) and node.tag == _BOOL:
            return node.value.lower() in ("true", "yes", "on")
        self.problem(node, f"{what} should be true or false, not {node_text(node)!r}")
        return default

    # -- the questionnaire ------------------------------------------------------------

    def questionnaire(self, root: yaml.Node, path: str) -> Questionnaire:
        top = self.mapping(root, TOP_KEYS, {"survey", "version", "title", "sections"}, "questionnaire")
        if "option_sets" in top:
            self.option_sets = self.read_option_sets(top["option_sets"])
        questionnaire = Questionnaire(
            survey=self.identifier(top.get("survey"), "survey") or "",
            version=self.text(top.get("version"), "version") or "",
            title=self.text(top.get("title"), "title") or "",
            introduction=self.text(top.get("introduction"), "introduction"),
            base_all=self.text(top.get("base_all"), "base_all") or "All respondents",
            option_sets=self.option_sets,
            path=path,
        )
        if "about" in top:
            questionnaire.about = self.about(top["about"])
        if "menu" in top:
            questionnaire.menu = self.menu(top["menu"])
        if "settings" in top:
            questionnaire.settings = read_settings(self, top["settings"])
        for node in self.sequence(top["sections"], "sections") if "sections" in top else []:
            questionnaire.sections.append(self.section(node))
        return questionnaire

    def read_option_sets(self, node: yaml.Node) -> dict[str, list[Option]]:
        sets: dict[str, list[Option]] = {}
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, "option_sets should be a mapping of names to code frames")
            return sets
        for key_node, value_node in node.value:
            name = key_node.value
            if name in sets:
                self.problem(key_node, f"option set '{name}' is defined twice")
            sets[name] = self.option_list(value_node, f"option set '{name}'")
        return sets

    def about(self, node: yaml.Node) -> About:
        fields = self.mapping(node, ABOUT_KEYS, set(), "about")
        texts = {key: self.text(fields.get(key), f"about: {key}") or "" for key in ABOUT_KEYS - {"contact"}}
        about = About(**texts, line=node.start_mark.line + 1)
        if "contact" in fields:
            given = self.mapping(fields["contact"], CONTACT_KEYS, set(), "about: contact")
            parts = {key: self.text(given.get(key), f"about: contact {key}") or "" for key in CONTACT_KEYS}
            about.contact = Contact(**parts, line=fields["contact"].start_mark.line + 1)
        return about

    def menu(self, node: yaml.Node) -> Menu:
        fields = self.mapping(node, MENU_KEYS, {"id", "text", "sections"}, "menu")
        menu = Menu(
            id=self.identifier(fields.get("id"), "menu id") or "",
            text=self.text(fields.get("text"), "menu text") or "",
            hint=self.text(fields.get("hint"), "menu hint"),
            line=node.start_mark.line + 1,
        )
        entries = fields.get("sections")
        if isinstance(entries, yaml.MappingNode):
            for key_node, value_node in entries.value:
                code = self.integer(key_node, "menu code")
                if code is None:
                    continue
                if code in menu.sections:
                    self.problem(key_node, f"menu code {code} is given twice")
                menu.sections[code] = self.text(value_node, "menu section") or ""
        elif entries is not None:
            self.problem(entries, "menu sections should map codes to section ids, e.g. 1: csc")
        return menu

    def section(self, node: yaml.Node) -> Section:
        fields = self.mapping(node, SECTION_KEYS, {"id", "title", "questions"}, "section")
        section = Section(
            id=self.identifier(fields.get("id"), "section id") or "",
            title=self.text(fields.get("title"), "section title") or "",
            intro=self.text(fields.get("intro"), "section intro"),
            ask_if=self.text(fields.get("ask_if"), "ask_if"),
            line=node.start_mark.line + 1,
            lines=_lines(fields),
        )
        if "checks" in fields:
            section.checks = loader_parts.checks(self, fields["checks"], f"section {section.id or '(no id)'}")
        for question_node in self.sequence(fields["questions"], "questions") if "questions" in fields else []:
            question = self.question(question_node, section.id)
            if question is not None:
                section.questions.append(question)
        return section

    def question(self, node: yaml.Node, section_id: str) -> Question | None:
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, "a question should be a mapping of keys to values")
            return None
        qtype = self.question_type(node)
        allowed = COMMON_QUESTION_KEYS | TYPE_KEYS.get(qtype, set()) if qtype else ALL_QUESTION_KEYS
        where = f"question {_peek_id(node) or '(no id)'}"
        fields = self.mapping(node, ALL_QUESTION_KEYS, {"id", "type", "text"}, where)
        for key in sorted(fields.keys() - allowed):
            self.problem(fields[key], f"{where}: '{key}' is not used by a {qtype} question")
        question = Question(
            id=self.identifier(fields.get("id"), "question id") or "",
            type=qtype or "",
            text=self.text(fields.get("text"), f"{where} text") or "",
            section=section_id,
            number=self.text(fields.get("number"), "number"),
            heading=self.text(fields.get("heading"), "heading"),
            label=self.text(fields.get("label"), "label"),
            preamble=self.text(fields.get("preamble"), "preamble"),
            hint=self.text(fields.get("hint"), "hint"),
            note=self.text(fields.get("note"), "note"),
            ask_if=self.text(fields.get("ask_if"), "ask_if"),
            base=self.text(fields.get("base"), "base"),
            required=self.boolean(fields.get("required"), "required", True),
            pilot=self.boolean(fields.get("pilot"), "pilot", False),
            min_choices=self.integer(fields.get("min_choices"), "min_choices"),
            max_choices=self.integer(fields.get("max_choices"), "max_choices"),
            max_length=self.integer(fields.get("max_length"), "max_length"),
            min=self.number(fields.get("min"), "min"),
            max=self.number(fields.get("max"), "max"),
            integer=self.boolean(fields.get("integer"), "integer", True),
            prefix=self.text(fields.get("prefix"), "prefix"),
            suffix=self.text(fields.get("suffix"), "suffix"),
            line=node.start_mark.line + 1,
            lines=_lines(fields),
        )
        if "options" in fields:
            question.options = self.options(fields["options"], where)
        if "options_from" in fields:
            question.options_from = self.options_from(fields["options_from"], where)
        if "items" in fields:
            question.items = [self.item(n, where) for n in self.sequence(fields["items"], "items")]
        if "columns" in fields:
            question.columns = [self.column(n, where) for n in self.sequence(fields["columns"], "columns")]
        if "consent" in fields:
            question.consent = self.consent(fields["consent"], where)
        if "checks" in fields:
            question.checks = loader_parts.checks(self, fields["checks"], where)
        if "as_at" in fields:
            question.as_at = loader_parts.as_at(self, fields["as_at"], where)
        if "unavailable" in fields:
            question.unavailable = loader_parts.unavailable(self, fields["unavailable"], where)
        return question

    def question_type(self, node: yaml.MappingNode) -> str | None:
        for key_node, value_node in node.value:
            if key_node.value == "type":
                value = value_node.value if isinstance(value_node, yaml.ScalarNode) else None
                if value in QUESTION_TYPES:
                    return value
                known = ", ".join(QUESTION_TYPES)
                self.problem(value_node, f"unknown question type {value!r}; known: {known}")
        return None

    def options(self, node: yaml.Node, where: str) -> list[Option]:
        """A question's code frame: inline, or the name of an option set."""
        if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:str":
            if node.value not in self.option_sets:
                known = ", ".join(sorted(self.option_sets)) or "none defined"
                self.problem(node, f"{where}: unknown option set '{node.value}' (option sets: {known})")
                return []
            return [replace(o, line=node.start_mark.line + 1) for o in self.option_sets[node.value]]
        return self.option_list(node, f"{where} options")

    def option_list(self, node: yaml.Node, where: str) -> list[Option]:
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, f"{where} should map codes to labels, e.g. 1: Yes")
            return []
        options: list[Option] = []
        seen: set[int] = set()
        for key_node, value_node in node.value:
            code = self.integer(key_node, f"{where}: code")
            if code is None:
                continue
            if code in seen:
                self.problem(key_node, f"{where}: code {code} is given twice")
                continue
            seen.add(code)
            option = self.option(code, value_node, where)
            if option is not None:
                options.append(option)
        return options

    def option(self, code: int, node: yaml.Node, where: str) -> Option | None:
        line = node.start_mark.line + 1
        if isinstance(node, yaml.ScalarNode):
            label = self.text(node, f"{where}: label of code {code}")
            return Option(code, label, line=line) if label is not None else None
        fields = self.mapping(node, OPTION_KEYS, {"label"}, f"{where}: code {code}")
        missing = self.text(fields.get("missing"), "missing")
        if missing is not None and missing not in MISSING_KINDS:
            self.problem(fields["missing"], f"missing should be one of {', '.join(MISSING_KINDS)}, not {missing!r}")
            missing = None
        return Option(
            code=code,
            label=self.text(fields.get("label"), f"{where}: label of code {code}") or "",
            exclusive=self.boolean(fields.get("exclusive"), "exclusive", False),
            specify=self.boolean(fields.get("specify"), "specify", False),
            missing=missing,
            piped=self.text(fields.get("piped"), f"{where}: piped wording of code {code}"),
            line=line,
        )

    def options_from(self, node: yaml.Node, where: str) -> OptionsFrom | None:
        fields = self.mapping(node, OPTIONS_FROM_KEYS, {"question"}, f"{where} options_from")
        exclude: list[int] = []
        if "exclude" in fields:
            for code_node in self.sequence(fields["exclude"], "exclude"):
                code = self.integer(code_node, "exclude code")
                if code is not None:
                    exclude.append(code)
        return OptionsFrom(
            question=self.text(fields.get("question"), "options_from question") or "",
            chosen=self.boolean(fields.get("chosen"), "chosen", True),
            exclude=tuple(exclude),
            line=node.start_mark.line + 1,
        )

    def item(self, node: yaml.Node, where: str) -> Item:
        fields = self.mapping(node, ITEM_KEYS, {"id", "text"}, f"{where} item")
        return Item(
            id=self.identifier(fields.get("id"), "item id") or "",
            text=self.text(fields.get("text"), "item text") or "",
            ask_if=self.text(fields.get("ask_if"), "ask_if"),
            min=self.number(fields.get("min"), "min"),
            max=self.number(fields.get("max"), "max"),
            specify=self.boolean(fields.get("specify"), "specify", False),
            line=node.start_mark.line + 1,
            lines=_lines(fields),
        )

    def column(self, node: yaml.Node, where: str) -> GridColumn:
        fields = self.mapping(node, COLUMN_KEYS, {"id", "text"}, f"{where} column")
        return GridColumn(
            id=self.identifier(fields.get("id"), "column id") or "",
            text=self.text(fields.get("text"), "column text") or "",
            line=node.start_mark.line + 1,
        )

    def consent(self, node: yaml.Node, where: str) -> Consent | None:
        fields = self.mapping(node, CONSENT_KEYS, {"purpose", "agree"}, f"{where} consent")
        agree = self.integer(fields.get("agree"), "agree")
        purpose = self.identifier(fields.get("purpose"), "consent purpose")
        if agree is None or purpose is None:
            return None
        return Consent(purpose, agree, node.start_mark.line + 1)


_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"


def _lines(fields: dict[str, yaml.Node]) -> dict[str, int]:
    """The line of each key's value, so that checks can point at the very line."""
    return {key: node.start_mark.line + 1 for key, node in fields.items()}


def _tag_name(tag: str) -> str:
    return {_BOOL: "true or false", _NULL: "nothing"}.get(tag, tag.rsplit(":", 1)[-1])


def node_text(node: yaml.Node) -> str:
    """A short rendering of a node for messages."""
    if isinstance(node, yaml.ScalarNode):
        return node.value
    return "a list" if isinstance(node, yaml.SequenceNode) else "a mapping"


def _peek_id(node: yaml.MappingNode) -> str | None:
    for key_node, value_node in node.value:
        if key_node.value == "id" and isinstance(value_node, yaml.ScalarNode):
            return value_node.value
    return None


def _suggest(key: str, allowed: set[str]) -> str:
    close = difflib.get_close_matches(key, sorted(allowed), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""
