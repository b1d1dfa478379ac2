"""How widely units vary on an indicator: the national value, the range, half/double counts, deciles.

The APPG inquiry's reading of looked-after children in 2016 ("22 to 164 per 10,000 against a
national 60; six LAs at half or less of that rate and three at double or more") is one such
summary, worded with the population's unit noun. Which units are left out (a rate of 0, a tiny
population such as the Isles of Scilly) is a stated rule, printed with every summary. Pure
Python: no Django import.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from omnibus.frame.schema import UnitNoun


@dataclass(frozen=True)
class AreaValue:
    """One unit's value of an indicator."""

    key: str  # the unit's key
    name: str
    value: float


@dataclass(frozen=True)
class ExclusionRule:
    """Which units a summary leaves out: a value of 0, and units whose base is below a floor."""

    zero: bool = True
    base: dict[str, float] = field(default_factory=dict)  # unit key -> its base (e.g. children under 18)
    min_base: float | None = None
    base_label: str = ""  # "pupils", "children under 18"

    def reason(self, area: AreaValue) -> str | None:
        """Why the unit is left out, or None when it stays in."""
        if self.zero and area.value == 0:
            return "a value of 0"
        if self.min_base is not None and area.key in self.base and self.base[area.key] < self.min_base:
            return f"fewer than {self.min_base:,.0f} {self.base_label}".rstrip()
        return None

    def describe(self, units: UnitNoun) -> str:
        """The rule in words, for a footnote: "Schools with a value of 0 are left out"."""
        parts = []
        if self.zero:
            parts.append("with a value of 0")
        if self.min_base is not None:
            parts.append(f"with fewer than {self.min_base:,.0f} {self.base_label}".rstrip())
        if not parts:
            return f"No {units.singular} is left out"
        return f"{units.plural[:1].upper()}{units.plural[1:]} " + " or ".join(parts) + " are left out"


@dataclass
class VariationSummary:
    """An indicator's spread across units for one period."""

    indicator: str
    label: str
    period: str
    national: float | None
    n: int  # units summarised (after exclusions, with a value)
    minimum: float
    maximum: float
    lowest: list[AreaValue]  # every unit at the minimum
    highest: list[AreaValue]  # every unit at the maximum
    ratio: float | None  # highest / lowest (None when the lowest is 0)
    half_or_less: list[AreaValue]  # at or below half the national value
    double_or_more: list[AreaValue]  # at or above twice the national value
    deciles: list[float]  # the 10th, 20th … 90th percentiles
    values: list[AreaValue]  # the units summarised, lowest first
    excluded: list[tuple[AreaValue, str]]  # left out by the rule, with the reason
    no_value: list[str]  # names of units with no value (suppressed, not available)
    rule: str  # the exclusion rule in words
    units: UnitNoun = UnitNoun()  # what the units are called: "schools", "parent carer forums"

    def footnotes(self) -> list[str]:
        """The notes a table or chart of this summary carries."""
        notes = [
            self.rule + (": " + ", ".join(f"{a.name} ({why})" for a, why in self.excluded) if self.excluded else ".")
        ]
        if self.no_value:
            count = counted(len(self.no_value), self.units)
            notes.append(f"No published value for {count}: {', '.join(self.no_value)}.")
        if self.national is None:
            notes.append(f"No national value was loaded, so no {self.units.singular} is compared with it.")
        return notes


def variation_summary(
    areas: list[AreaValue],
    national: float | None,
    rule: ExclusionRule,
    indicator: str = "",
    label: str = "",
    period: str = "",
    no_value: list[str] | None = None,
    units: UnitNoun | None = None,
) -> VariationSummary:
    """Summarise `areas` (units with a value) against the national value, leaving out what `rule` says."""
    units = units or UnitNoun()
    excluded = [(a, why) for a in areas if (why := rule.reason(a)) is not None]
    out = {a.key for a, _ in excluded}
    kept = sorted((a for a in areas if a.key not in out), key=lambda a: (a.value, a.name))
    if not kept:
        raise ValueError(f"{indicator or 'the indicator'} {period}: no {units.singular} has a value to summarise")
    values = np.array([a.value for a in kept])
    low, high = float(values.min()), float(values.max())
    half = [a for a in kept if national is not None and a.value <= national / 2]
    double = [a for a in kept if national is not None and a.value >= national * 2]
    return VariationSummary(
        indicator=indicator,
        label=label,
        period=period,
        national=national,
        n=len(kept),
        minimum=low,
        maximum=high,
        lowest=[a for a in kept if a.value == low],
        highest=[a for a in kept if a.value == high],
        ratio=high / low if low else None,
        half_or_less=half,
        double_or_more=double,
        deciles=[float(v) for v in np.percentile(values, np.arange(10, 100, 10))],
        values=kept,
        excluded=excluded,
        no_value=list(no_value or []),
        rule=rule.describe(units),
        units=units,
    )


def describe_variation(summary: VariationSummary, unit: str = "") -> str:
    """The summary as one sentence, in the inquiry's words."""
    s = summary
    per = f" {unit}" if unit else ""
    names = ", ".join(a.name for a in s.lowest), ", ".join(a.name for a in s.highest)
    measure = _in_sentence(s.label or s.indicator)
    text = f"Across {counted(s.n, s.units)}, {measure} ranged from {s.minimum:g}{per} ({names[0]}) "
    text += f"to {s.maximum:g}{per} ({names[1]})"
    if s.national is None:
        return text + "."
    half, double = len(s.half_or_less), len(s.double_or_more)
    were = "was" if half == 1 else "were"
    text += f", against a national {s.national:g}; {counted(half, s.units)} {were} at half or less of "
    return text + f"the national value and {double} at double or more."


def _in_sentence(label: str) -> str:
    """A label as it reads mid-sentence: "Children looked after" -> "children looked after", "IMD" stays."""
    return label[0].lower() + label[1:] if label[:1].isupper() and label[1:2].islower() else label


def counted(count: int, units: UnitNoun) -> str:
    """ "1 school", "3 schools"."""
    return f"{count} {units.singular if count == 1 else units.plural}"
