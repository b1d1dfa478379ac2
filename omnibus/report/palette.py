"""The one palette every chart uses: Okabe and Ito's, safe for the common colour-vision deficiencies.

Order matters: the first colour is the single-series colour; stacked scales take the colours in
order; paired bars take the first two (this wave, then the earlier wave).
"""

from __future__ import annotations

OKABE_ITO = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermilion
    "#F0E442",  # yellow
    "#000000",  # black
)
TEXT = "#0b0c0c"  # GOV.UK text colour
GRID = "#b1b4b6"  # GOV.UK mid-grey
FONT = "DejaVu Sans"  # shipped with matplotlib, so charts look the same on every machine


def colours(n: int) -> list[str]:
    """The first `n` colours of the palette (repeating past eight, which charts avoid)."""
    return [OKABE_ITO[i % len(OKABE_ITO)] for i in range(n)]
