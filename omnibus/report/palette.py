"""The colours and the font of every chart.

Categories that have no order (sources of support, the waves of paired bars) take Okabe and
Ito's palette, safe for the common colour-vision deficiencies: the first colour is the
single-series colour, paired bars take the first two. Ordered scales (very confident …
not at all confident) take a sequential ramp of one hue, dark to light, so the order reads
from the colours; answers outside the scale ("Don't know") are grey.

The font is the body text's: the report sets Arial, which on machines without it is its
metric twin Liberation Sans, so charts and text are one family.
"""

from __future__ import annotations

# The categorical palette, text and grid colours and fonts live in omnibus.core.palette, shared with
# the back office's live charts; they are named here too for the report's modules.
from omnibus.core.palette import FONT, FONTS, GRID, OKABE_ITO, SVG_FONTS, TEXT, colours  # noqa: F401

# Blues, dark to light: neighbours differ in lightness, so the ramp survives greyscale printing too.
SEQUENTIAL = ("#08306B", "#08519C", "#2171B5", "#4292C6", "#6BAED6", "#9ECAE1", "#C6DBEF", "#DEEBF7")
OUTSIDE_SCALE = "#B1B4B6"  # GOV.UK mid-grey: "Don't know", "Prefer not to say"


def sequential(n: int) -> list[str]:
    """`n` colours of the sequential ramp, dark to light, spread over the ramp."""
    if n <= 1:
        return list(SEQUENTIAL[2:3])
    last = len(SEQUENTIAL) - 1 if n > 5 else len(SEQUENTIAL) - 2
    return [SEQUENTIAL[round(i * last / (n - 1))] for i in range(n)]


def text_on(colour: str) -> str:
    """White or the text colour, whichever reads better on `colour` (by its relative luminance)."""
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    luminance = 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
    return "white" if luminance < 0.3 else TEXT
