"""Quotes marked for the report: checked for disclosure when saved, attributed coarsely when used.

A quote is used (in the report, on a client's screen) only when the disclosure check found
nothing the researcher has not dealt with. Anything a client sees also leaves out quotes of
units that did not consent to their answers being linked to them.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from django.db import transaction

from omnibus.analysis.dataset import Dataset
from omnibus.analysis.profile import took_part
from omnibus.coding.attribution import Profile, attributions, unattributed
from omnibus.coding.codings import acting_user
from omnibus.coding.disclosure import DISMISSIBLE, blocking, check_quote
from omnibus.coding.models import Quote, Theme
from omnibus.dataset.exporting import consent_variable
from omnibus.fieldwork.models import Wave, WaveUnit
from omnibus.frame.schema import Attribution, UnitNoun
from omnibus.frame.store import stored_schema


class QuoteError(Exception):
    """A quote that cannot be saved as given; the message says why."""


@dataclass
class UsableQuote:
    """A quote ready for the report: its words, theme and attribution."""

    variable: str
    theme: str  # the theme's label ("" when not tied to one)
    text: str
    attribution: str
    unit: str  # the unit's key, for researchers' checks; never printed


def unit_names(wave: Wave) -> list[str]:
    """Every unit name of the wave's frame: the disclosure check looks for any unit, not only the quoted one."""
    return list(WaveUnit.objects.filter(wave=wave).exclude(unit=None).values_list("name", flat=True))


def mark_quote(wave_unit: WaveUnit, variable: str, text: str, theme: Theme | None, user) -> Quote:  # noqa: ANN001
    """Mark (part of) an answer as a quote, checked for disclosure as it is saved."""
    text = _clean(text)
    flags = [f.as_dict() for f in check_quote(text, unit_names(wave_unit.wave), attribution_rule(wave_unit.wave)[1])]
    return Quote.objects.create(
        wave_unit=wave_unit, variable=variable, text=text, theme=theme, flags=flags, marked_by=acting_user(user)
    )


def edit_quote(quote: Quote, text: str) -> Quote:
    """Change a quote's words (to take out a name, say); checked again, set-aside flags kept if still found."""
    text = _clean(text)
    wave = quote.wave_unit.wave
    flags = [f.as_dict() for f in check_quote(text, unit_names(wave), attribution_rule(wave)[1])]
    with transaction.atomic():
        quote.text, quote.flags = text, flags
        quote.dismissed = [d for d in quote.dismissed if any(f["text"] == d for f in flags)]
        quote.save(update_fields=["text", "flags", "dismissed", "marked_at"])
    return quote


def dismiss_flag(quote: Quote, words: str) -> None:
    """Set aside a name or place flag the researcher has read and judged harmless (contact details cannot be)."""
    flag = next((f for f in quote.flags if f["text"] == words), None)
    if flag is None:
        raise QuoteError(f"The quote has no flag for ‘{words}’")
    if flag["kind"] not in DISMISSIBLE:
        raise QuoteError(f"‘{words}’ is {flag['message'].split(':')[0]}: edit it out of the quote")
    if words not in quote.dismissed:
        quote.dismissed = [*quote.dismissed, words]
        quote.save(update_fields=["dismissed"])


def usable(quote: Quote) -> bool:
    """Whether nothing found by the disclosure check still stands."""
    return not blocking(quote.flags, quote.dismissed)


def report_quotes(wave: Wave, dataset: Dataset, client: bool) -> list[UsableQuote]:
    """The wave's quotes that passed the check, attributed; for a client, only of units that consented."""
    quotes = [
        q for q in Quote.objects.filter(wave_unit__wave=wave).select_related("theme", "wave_unit__unit") if usable(q)
    ]
    if client:
        agreed = consenting_units(dataset)
        quotes = [q for q in quotes if q.wave_unit.unit_id and q.wave_unit.unit.key in agreed]
    rule, unit = attribution_rule(wave)
    profiles = _profiles(dataset, {name for rung in rule.ladder for name in rung})
    responding = [profiles[k] for k in _responding(dataset) if k in profiles]
    keys = {q.pk: (q.wave_unit.unit.key if q.wave_unit.unit_id else "") for q in quotes}
    named = attributions({k: profiles.get(k, {}) for k in set(keys.values())}, responding, rule, unit)
    return [
        UsableQuote(q.variable, q.theme.label if q.theme else "", q.text, named[keys[q.pk]], keys[q.pk]) for q in quotes
    ]


def consenting_units(dataset: Dataset) -> set[str]:
    """Units that agreed to their answers being linked to them (none, if the questionnaire did not ask)."""
    consent = consent_variable(dataset)
    if consent is None or consent[0] not in dataset.data.columns:
        return set()
    rows = dataset.data.filter(pl.col(consent[0]) == consent[1])
    return set(rows.get_column("unit").cast(pl.String).to_list())


def attribution_rule(wave: Wave) -> tuple[Attribution, UnitNoun]:
    """The attribution ladder and unit noun of the wave's population (a wave without a frame has neither)."""
    if wave.population is None:
        return Attribution(), UnitNoun()
    schema = stored_schema(wave.population)
    return schema.attribution, schema.unit


def attributed_by(wave: Wave) -> str:
    """How the wave's quotes are attributed, for the researcher: "by authority type and region"."""
    schema = stored_schema(wave.population) if wave.population is not None else None
    if schema is None or not schema.attribution.ladder:
        return f"as “{unattributed(schema.unit if schema else UnitNoun())}”"
    labels = [schema.column(name).label or name for name in schema.attribution.ladder[0]]
    return "by " + " and ".join(label[:1].lower() + label[1:] for label in labels)


def _profiles(dataset: Dataset, attributes: set[str]) -> dict[str, Profile]:
    """Each unit's values of the attributes an attribution may use, by the unit's key."""
    columns = {f"frame_{name}": name for name in attributes if f"frame_{name}" in dataset.data.columns}
    rows = dataset.data.select(["unit", *columns]).iter_rows(named=True)
    return {str(row["unit"]): {name: str(row[c] or "") for c, name in columns.items()} for row in rows}


def _responding(dataset: Dataset) -> list[str]:
    units = dataset.data.get_column("unit").cast(pl.String).to_list()
    return [u for u, took in zip(units, took_part(dataset), strict=True) if took]


def _clean(text: str) -> str:
    text = " ".join(text.split())
    if not text:
        raise QuoteError("Enter the words to quote")
    if len(text) > 1000:
        raise QuoteError("A quote must be 1,000 characters or fewer")
    return text
