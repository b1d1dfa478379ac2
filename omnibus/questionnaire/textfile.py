"""Text files people give us, read within limits: a size, UTF-8, no control characters, a nesting depth.

Every reader of a file from outside (questionnaires, population schemas, analysis and report
specs, frames, contacts, responses, codes, context statistics, message templates) reads it
through here, so that a huge, binary, mis-encoded or deeply nested file is refused with a
located message (`TextFileError`: line and what is wrong) instead of a traceback, a stall or
a RecursionError. It sits in the lowest layer, beside the questionnaire loader that needs it
first, and has no Django.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar

import yaml

MB = 1024 * 1024
MAX_DEPTH = 40  # nesting of YAML mappings and lists: the deepest real spec has under 10
SPEC_BYTES = 1 * MB  # a spec, schema or message template: a few KB each
MAX_FIELD = 128 * 1024  # characters in one CSV field: Python's own limit, named here
T = TypeVar("T")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # all but tab, line feed, carriage return
LIBYAML = getattr(yaml, "CSafeLoader", None)  # PyYAML built with libyaml (its wheels are): see `compose_yaml`


class TextFileError(ValueError):
    """A file refused as a whole, at a line (0 when the file as a whole is the problem)."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}" if line else message)
        self.line = line
        self.message = message

    def located(self, path: str | Path) -> str:
        """The message as `FILE:LINE: message` (or `FILE: message` for the file as a whole)."""
        return f"{path}:{self.line}: {self.message}" if self.line else f"{path}: {self.message}"


def read_text(path: str | Path, limit: int) -> str:
    """The UTF-8 text of `path` (a byte-order mark dropped); refused above `limit` bytes or with control characters."""
    path = Path(path)
    size = path.stat().st_size
    if size > limit:
        raise TextFileError(0, f"the file is {size / MB:.1f} MB; the most this reader takes is {limit / MB:.0f} MB")
    return checked_text(path.read_bytes())


def checked_text(data: bytes) -> str:
    """`data` decoded as UTF-8, or the line of its first byte that is not UTF-8 or a control character."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise TextFileError(line, f"not UTF-8 text (byte 0x{data[error.start]:02x}); save the file as UTF-8") from None
    check_control(text)
    return text


def check_control(text: str) -> None:
    """Refuse `text` at the line of its first control character (NUL and the like; tabs and line ends are fine)."""
    found = CONTROL.search(text)
    if found is not None:
        line = text.count("\n", 0, found.start()) + 1
        raise TextFileError(line, f"a control character (U+{ord(found.group()):04X}) that text cannot hold")


def csv_records(reader: Iterator[T]) -> Iterator[T]:
    """The records of a `csv.reader` or `csv.DictReader`; one that is not CSV is a TextFileError at its line."""
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise TextFileError(reader.line_num, f"not readable as CSV ({_csv_reason(error)})") from None  # type: ignore[attr-defined]
        yield record


def _csv_reason(error: csv.Error) -> str:
    reason = str(error)
    if "field larger than field limit" in reason:
        return f"a field longer than {MAX_FIELD // 1024} KiB characters"
    return reason


def load_yaml(text: str, max_depth: int = MAX_DEPTH) -> Any:
    """The data of YAML `text` (safe types only); too deep or not YAML is a TextFileError at its line."""
    check_depth(text, max_depth)
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise yaml_error(error) from None


def compose_yaml(text: str, max_depth: int = MAX_DEPTH) -> yaml.Node | None:
    """The node tree of YAML `text` (None if empty); TextFileError if nested too deep, yaml.YAMLError if not YAML.

    libyaml reads it where PyYAML has it, ten times quicker than PyYAML's own parser (a stored
    questionnaire is parsed by every process that shows or analyses it). A text libyaml refuses
    is read again by PyYAML's parser, whose messages name what they found ("found character
    '\\t' that cannot start any token" where libyaml says "found character that cannot…").
    """
    if LIBYAML is not None:
        try:
            check_depth(text, max_depth, LIBYAML)
            return yaml.compose(text, Loader=LIBYAML)
        except (TextFileError, yaml.YAMLError):
            pass  # read again below, for PyYAML's message
    check_depth(text, max_depth)
    return yaml.compose(text, Loader=yaml.SafeLoader)


def check_depth(text: str, max_depth: int = MAX_DEPTH, loader: type = yaml.SafeLoader) -> None:
    """Refuse YAML nested deeper than `max_depth` at its line, before anything recursive reads it."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > max_depth:
                    line = event.start_mark.line + 1
                    raise TextFileError(line, f"nested more than {max_depth} levels deep")
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError as error:
        raise yaml_error(error) from None


def yaml_error(error: yaml.YAMLError) -> TextFileError:
    """A YAML error as a TextFileError at the line it names."""
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    return TextFileError(mark.line + 1 if mark else 0, f"not valid YAML: {problem}")
