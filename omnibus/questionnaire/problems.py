"""A mistake in a questionnaire file, at a line: what the loader and the checker report."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One mistake in a questionnaire file, at a line."""

    line: int
    message: str

    def format(self, path: str) -> str:
        """The `FILE:LINE: message` form every command prints (`FILE: message` for the whole file)."""
        return f"{path}:{self.line}: {self.message}" if self.line else f"{path}: {self.message}"
