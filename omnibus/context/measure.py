"""A measure of units to plot or compare: an indicator's values, or a wave's answers, with their label."""

from __future__ import annotations

from dataclasses import dataclass

from omnibus.context.variation import AreaValue


@dataclass(frozen=True)
class Measure:
    """A measure of units to plot: its label, unit, period, source and each unit's value."""

    label: str
    unit: str
    period: str
    values: dict[str, AreaValue]  # unit key -> value
    source: str = ""

    @property
    def title(self) -> str:
        """The label with its period, as an axis says it."""
        return f"{self.label} ({self.period})" if self.period else self.label
