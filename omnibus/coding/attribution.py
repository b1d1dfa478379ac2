"""How a quote is attributed: by authority type and region ("Unitary, South West"), never by the LA.

Where fewer than `MIN_GROUP` responding authorities share the quoted one's type and region, the
attribution would all but name it, so it is coarsened: type and region group ("Unitary, North"),
then type alone, then "A local authority". Counted over the authorities that took part in the
wave, since a reader knows who could have been quoted only from those.

No Django: plain frame attributes in, a phrase out.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

MIN_GROUP = 3  # fewer responding LAs than this sharing an attribution would point to one

TYPE_NAMES = {
    "unitary": "Unitary",
    "county": "County",
    "metropolitan district": "Metropolitan district",
    "london borough": "London borough",
}


@dataclass(frozen=True)
class UnitProfile:
    """The attributes an attribution is made from."""

    type: str
    region: str
    region_group: str


def attributions(quoted: dict[str, UnitProfile], responding: list[UnitProfile]) -> dict[str, str]:
    """The attribution of each quoted unit (by key), coarsened where its group of responders is small."""
    exact = Counter((p.type, p.region) for p in responding)
    grouped = Counter((p.type, p.region_group) for p in responding)
    typed = Counter(p.type for p in responding)
    result = {}
    for key, p in quoted.items():
        kind = TYPE_NAMES.get(p.type.lower(), p.type.capitalize() or "Local authority")
        if p.region and exact[(p.type, p.region)] >= MIN_GROUP:
            result[key] = f"{kind}, {p.region}"
        elif p.region_group and grouped[(p.type, p.region_group)] >= MIN_GROUP:
            result[key] = f"{kind}, {p.region_group}"
        elif typed[p.type] >= MIN_GROUP:
            result[key] = kind
        else:
            result[key] = "A local authority"
    return result
