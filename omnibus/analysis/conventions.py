"""How a percentage cell is shown: the seed report's symbols or the Analysis Function's shorthand.

A table keeps numbers; only the last step (the tab book, a report, the web) turns a number
into what a reader sees, through `Conventions.show`. The symbols, the rounding and the
low-base rule are settings so that a client can have either house style.

Rounding is half up, as UK official statistics round and as a spreadsheet's number format
shows a cell (62.5 → 63, 6.25 → 6.3), never Python's half to even: `round_half_up` is the one
rounding of a published figure, used by the report, the tab book, the live pages and the exports.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from fractions import Fraction

# Answers that are not a substantive view: a chart ranks the others and keeps these after them.
NON_SUBSTANTIVE = ("none of these", "none of the above", "other", "don't know", "not yet coded", "prefer not to say")


def non_substantive(label: str, exclusive: bool = False, specify: bool = False, missing: bool = False) -> bool:
    """Whether an option is kept last rather than ranked: "None of these", "Other", "Don't know", "Not yet coded"."""
    words = label.strip().casefold().replace("\u2019", "'")
    return exclusive or specify or missing or words.startswith(NON_SUBSTANTIVE)


# A percentage k/n × 100 held as a float is within about 1e-13 of its exact value, while two
# different k/n with n under a million differ by far more than 1e-9: snapping to 9 places first
# rounds the exact k/n, so 100 × 29/200 (14.499999999999998 as a float) is 14.5 and rounds to 15.
SNAP = Decimal("1e-9")


def round_half_up(value: float | Fraction, decimals: int = 0) -> Decimal:
    """`value` rounded half up to `decimals` places, on the exact k/n a float stands for."""
    if isinstance(value, Fraction):
        exact = Decimal(value.numerator) / Decimal(value.denominator)
    else:
        exact = Decimal(repr(float(value))).quantize(SNAP, rounding=ROUND_HALF_EVEN)
    return exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def number_text(value: float | Fraction, decimals: int = 0, grouped: bool = False) -> str:
    """A figure as published: rounded half up, "-0" never shown; `grouped` puts commas in thousands."""
    rounded = round_half_up(value, decimals)
    rounded = rounded.copy_abs() if rounded.is_zero() else rounded
    return f"{rounded:,}" if grouped else str(rounded)


def published(value: float) -> float:
    """The number to store where a reader's program rounds it again (a spreadsheet cell).

    The exact k/n (float noise snapped away), so a number format rounding half up shows what
    `round_half_up` gives: 14.499999999999998 is stored as 14.5.
    """
    return float(Decimal(repr(float(value))).quantize(SNAP, rounding=ROUND_HALF_EVEN))


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
    min_base_percent: int = 5  # a percentage of a smaller base is not shown (the suppressed symbol)
    min_base_letters: int = 10  # columns with a smaller base are not tested, so get no letter

    def show_percent(self, percent: float | None, count: float | None) -> str:
        """The text of a percentage cell (for renderers that cannot keep numbers)."""
        if percent is None:
            return self.not_applicable
        if count == 0:
            return self.no_observations
        if round_half_up(percent, self.decimals).is_zero():
            return self.rounds_to_zero
        return number_text(percent, self.decimals)

    def shown(self, base: int) -> bool:
        """Whether a percentage of this base is shown at all (else the suppressed symbol)."""
        return base >= self.min_base_percent

    def symbols(self) -> list[tuple[str, str]]:
        """The legend: each symbol with what it means."""
        return [
            (self.rounds_to_zero, "less than 0.5 per cent (rounds to zero), but not zero"),
            (self.no_observations, "no observations (zero)"),
            (self.not_applicable, "not applicable (no one in the base)"),
            (self.not_available, "not available"),
            (self.suppressed, f"not shown: a percentage of a base under {self.min_base_percent}"),
        ]

    def rounding_note(self) -> str:
        """The sentence every table carries about rounding."""
        return (
            f"Percentages are rounded half up to {self.decimals} decimal place{'s' if self.decimals != 1 else ''}"
            " (62.5 shows as 63) and may not sum to 100; a question that accepts more than one answer can sum to "
            "more than 100."
        )


SEED = Conventions(
    name="seed",
    rounds_to_zero="*",
    no_observations="0",
    not_applicable="-",
    # The seed prints "-" for all three; a legend needs one meaning per symbol, so the other two
    # take the long-standing ".." (not available) and the GSS "[c]" (not shown).
    not_available="..",
    suppressed="[c]",
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


def conventions(name: str, decimals: int = 0, low_base: int = 50, **minimums: int) -> Conventions:
    """The named house style ("seed" or "gss") with the given rounding, low-base threshold and minimum bases."""
    if name not in CONVENTIONS:
        raise ValueError(f"unknown conventions {name!r}: use one of {', '.join(CONVENTIONS)}")
    base = CONVENTIONS[name]
    return Conventions(**{**base.__dict__, "decimals": decimals, "low_base": low_base, **minimums})
