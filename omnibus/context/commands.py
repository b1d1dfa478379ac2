"""`omnibus context`: official statistics about each local authority, beside the survey."""

from __future__ import annotations

import click


@click.group("context")
def context() -> None:
    """Load indicators, band them into frame attributes, and summarise how units vary."""
