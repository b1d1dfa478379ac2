"""`omnibus coding`: code open responses outside the system (CSV export and import)."""

from __future__ import annotations

import click


@click.group("coding")
def coding() -> None:
    """Code frames and the coding of open responses."""
