"""The questionnaire's `settings:` block: its flow, its question numbers, its unit noun.

Read from the YAML nodes by the loader (structure and allowed values, each at its line); what
the settings mean for the rest of the file (a linear survey has no menu, numbers are unique)
is the checker's, see `check_settings`.
"""

from __future__ import annotations

from typing import Protocol

import yaml

from omnibus.questionnaire.model import FLOWS, NUMBERINGS, Questionnaire, Settings, UnitNoun
from omnibus.questionnaire.problems import Problem

SETTINGS_KEYS = {"flow", "numbering", "unit"}
UNIT_KEYS = {"noun", "plural"}


class NodeReader(Protocol):
    """What reading the settings needs of the loader's node reader."""

    def problem(self, node: yaml.Node, message: str) -> None: ...

    def mapping(self, node: yaml.Node, allowed: set[str], required: set[str], what: str) -> dict[str, yaml.Node]: ...

    def text(self, node: yaml.Node | None, what: str) -> str | None: ...


def read_settings(reader: NodeReader, node: yaml.Node) -> Settings:
    """The settings block as written; a value outside its choices is a problem at its line."""
    fields = reader.mapping(node, SETTINGS_KEYS, set(), "settings")
    settings = Settings(
        line=node.start_mark.line + 1, lines={key: value.start_mark.line + 1 for key, value in fields.items()}
    )
    settings.flow = _choice(reader, fields.get("flow"), "settings flow", FLOWS)
    settings.numbering = _choice(reader, fields.get("numbering"), "settings numbering", NUMBERINGS) or "given"
    if "unit" in fields:
        settings.unit = _unit(reader, fields["unit"])
    return settings


def _choice(reader: NodeReader, node: yaml.Node | None, what: str, choices: tuple[str, ...]) -> str | None:
    value = reader.text(node, what)
    if value is not None and node is not None and value not in choices:
        reader.problem(node, f"{what} should be one of {', '.join(choices)}, not {value!r}")
        return None
    return value


def _unit(reader: NodeReader, node: yaml.Node) -> UnitNoun | None:
    fields = reader.mapping(node, UNIT_KEYS, {"noun"}, "settings unit")
    noun = (reader.text(fields.get("noun"), "settings unit noun") or "").strip()
    if not noun:
        return None
    plural = (reader.text(fields.get("plural"), "settings unit plural") or "").strip()
    return UnitNoun(noun, plural or f"{noun}s", node.start_mark.line + 1)


def check_settings(questionnaire: Questionnaire) -> list[Problem]:
    """What the settings ask of the rest of the file: a linear survey has no section menu."""
    settings = questionnaire.settings
    if settings.flow == "linear" and questionnaire.menu is not None:
        line = settings.lines.get("flow", settings.line)
        message = "settings flow is linear, but the questionnaire has a menu: remove the menu or use flow: menu"
        return [Problem(line, message)]
    return []
