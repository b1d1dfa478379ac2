"""YAML whose mappings remember the line of each key, so a spec's mistakes are named FILE:LINE."""

from __future__ import annotations

from pathlib import Path

import yaml

from omnibus.questionnaire import textfile


class LineLoader(yaml.SafeLoader):
    """A safe YAML loader whose mappings remember the line of each key (`Mapping.lines`)."""


class Mapping(dict):
    """A parsed YAML mapping with `lines`: key -> line (1-based), and "<self>" for the mapping's own line."""

    lines: dict[str, int]


def _construct_mapping(loader: LineLoader, node: yaml.MappingNode) -> Mapping:
    mapping = Mapping(loader.construct_mapping(node, deep=True))
    mapping.lines = {str(key.value): key.start_mark.line + 1 for key, _ in node.value}
    mapping.lines["<self>"] = node.start_mark.line + 1
    return mapping


class Sequence(list):
    """A parsed YAML list with `lines`: the line of each item."""

    lines: list[int]


def _construct_sequence(loader: LineLoader, node: yaml.SequenceNode) -> Sequence:
    sequence = Sequence(loader.construct_sequence(node, deep=True))
    sequence.lines = [item.start_mark.line + 1 for item in node.value]
    return sequence


LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_with_lines(text: str) -> object:
    """Parse YAML text; mappings come back as `Mapping`s that know their keys' lines."""
    return yaml.load(text, Loader=LineLoader)  # noqa: S506 - LineLoader is a SafeLoader


def line_of(raw: object, key: str, default: int = 1) -> int:
    """The line of `key` in a parsed mapping (`default` when it is not a `Mapping` or lacks the key)."""
    return getattr(raw, "lines", {}).get(key, default)


def item_lines(raw: object, key: str) -> list[int]:
    """The line of each item of the list under `key` (the key's own line where the list does not say)."""
    value = raw.get(key) if isinstance(raw, dict) else None
    lines = getattr(value, "lines", None)
    if lines is not None:
        return list(lines)
    return [line_of(raw, key)] * (len(value) if isinstance(value, list | dict) else 0)


def read_with_lines(path: str | Path) -> object:
    """Read a spec file within the size and nesting limits; its mappings know their keys' lines.

    Raises OSError when the file cannot be read and `textfile.TextFileError` (located) when it is
    too big, not UTF-8, holds control characters, is nested too deep or is not YAML.
    """
    text = textfile.read_text(path, textfile.SPEC_BYTES)
    textfile.check_depth(text)  # before the recursive loader
    try:
        return load_with_lines(text)
    except yaml.YAMLError as error:
        raise textfile.yaml_error(error) from None
