"""How a quote is attributed: by the population's coarse attributes ("Unitary, South West"), never by the unit.

The population declares an attribution ladder, finest rung first (for the CSO's authorities: type and region, then
type and region group, then type). A quote takes the finest rung whose values at least
`min_group` responding units share: fewer would all but name the unit. Where no rung is shared
widely enough, or the population declares no ladder, it is "A <unit noun>" ("A parent carer
forum"). Counted over the units that took part in the wave, since a reader knows who could have
been quoted only from those.

No Django: plain frame attributes in, a phrase out.
"""

from __future__ import annotations

from collections import Counter

from omnibus.frame.schema import Attribution, UnitNoun

Profile = dict[str, str]  # a unit's frame attributes by name ("" where the frame holds none)


def attributions(
    quoted: dict[str, Profile], responding: list[Profile], rule: Attribution, unit: UnitNoun
) -> dict[str, str]:
    """The attribution of each quoted unit (by key), coarsened where its group of responders is small."""
    shared = [Counter(_values(p, rung) for p in responding) for rung in rule.ladder]
    fallback = unattributed(unit)
    result = {}
    for key, profile in quoted.items():
        result[key] = next(
            (
                ", ".join(_capitalised(v) for v in values)
                for rung, counts in zip(rule.ladder, shared, strict=True)
                if all(values := _values(profile, rung)) and counts[values] >= rule.min_group
            ),
            fallback,
        )
    return result


def unattributed(unit: UnitNoun) -> str:
    """The attribution that says nothing but what the unit is: "A parent carer forum"."""
    return _capitalised(unit.with_article)


def _values(profile: Profile, rung: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(str(profile.get(name) or "").strip() for name in rung)


def _capitalised(text: str) -> str:
    """The first letter in capitals, the rest as the frame holds it ("London borough", not "London Borough")."""
    return text[:1].upper() + text[1:]
