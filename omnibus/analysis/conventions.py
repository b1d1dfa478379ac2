"""How a percentage cell is shown: the seed report's symbols or the Analysis Function's shorthand.

A table keeps numbers; only the last step (the tab book, a report, the web) turns a number
into what a reader sees, through `Conventions.show`. The symbols, the rounding and the
low-base rule are settings so that a client can have either house style.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Conventions:
    """Symbols for cells that are not plain numbers, and how percentages are rounded."""

    name: str
    rounds_to_zero: str  # a percentage above 0 that rounds to 0
    no_observations: str  # a count of 0
    not_applicable: str  # nothing could be counted (nobody asked, no base)
    not_available: str  # asked but the figure cannot be given (e.g. a mean of no values)
    suppressed: str  # withheld, e.g. for disclosure control
    decimals: int = 0
    low_base: int = 50  # bases below this are flagged and shown with counts

    def show_percent(self, percent: float | None, count: float | None) -> str:
        """The text of a percentage cell (for renderers that cannot keep numbers)."""
        if percent is None:
            return self.not_applicable
        if count == 0:
            return self.no_observations
        if round(percent, self.decimals) == 0:
            return self.rounds_to_zero
        return f"{percent:.{self.decimals}f}"

    def symbols(self) -> list[tuple[str, str]]:
        """The legend: each symbol with what it means."""
        return [
            (self.rounds_to_zero, "less than 0.5 per cent (rounds to zero), but not zero"),
            (self.no_observations, "no observations (zero)"),
            (self.not_applicable, "not applicable (no one in the base)"),
            (self.not_available, "not available"),
            (self.suppressed, "suppressed"),
        ]

    def rounding_note(self) -> str:
        """The sentence every table carries about rounding."""
        return (
            f"Percentages are rounded to {self.decimals} decimal place{'s' if self.decimals != 1 else ''}"
            " and may not sum to 100; a question that accepts more than one answer can sum to more than 100."
        )


SEED = Conventions(
    name="seed",
    rounds_to_zero="*",
    no_observations="0",
    not_applicable="-",
    not_available="-",
    suppressed="-",
)
GSS = Conventions(
    name="gss",
    rounds_to_zero="[low]",
    no_observations="0",
    not_applicable="[z]",
    not_available="[x]",
    suppressed="[c]",
)
CONVENTIONS = {c.name: c for c in (SEED, GSS)}


def conventions(name: str, decimals: int = 0, low_base: int = 50) -> Conventions:
    """The named house style ("seed" or "gss") with the given rounding and low-base threshold."""
    if name not in CONVENTIONS:
        raise ValueError(f"unknown conventions {name!r}: use one of {', '.join(CONVENTIONS)}")
    base = CONVENTIONS[name]
    return Conventions(**{**base.__dict__, "decimals": decimals, "low_base": low_base})
