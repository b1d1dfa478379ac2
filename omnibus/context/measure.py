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
        """The label with its period, as an axis says it (once: "IMD 2019 average score" needs no "(2019)")."""
        return f"{self.label} ({self.period})" if self.period and self.period not in self.label else self.label
