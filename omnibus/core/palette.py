"""The colours and fonts every chart shares, the report's and the back office's.

Categories without an order take Okabe and Ito's palette, safe for the common colour-vision
deficiencies; the first colour is the single-series colour, paired series take the first two.
Text and grid lines are GOV.UK's. Kept here, below every room, so that fieldwork's live charts
and the report's charts cannot drift apart.
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
FONTS = ["Liberation Sans", "DejaVu Sans"]  # matplotlib draws with the first it finds
FONT = FONTS[0]
SVG_FONTS = "'Liberation Sans', Arial, 'DejaVu Sans', sans-serif"  # what an SVG asks a browser for


def colours(n: int) -> list[str]:
    """The first `n` colours of the categorical palette (repeating past eight, which charts avoid)."""
    return [OKABE_ITO[i % len(OKABE_ITO)] for i in range(n)]
