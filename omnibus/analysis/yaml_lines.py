"""YAML whose mappings remember the line of each key, so a spec's mistakes are named FILE:LINE."""

from __future__ import annotations

import yaml


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


def yaml_error_line(error: yaml.YAMLError) -> int | None:
    """The line a YAML syntax error points at, if it says."""
    mark = getattr(error, "problem_mark", None)
    return mark.line + 1 if mark else None
