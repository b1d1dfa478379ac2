"""Make bands of an indicator a frame attribute from a date, so breakdowns and the profile use them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.db import transaction

from omnibus.context.banding import IndicatorBand, band_of, fixed_bands, quantile_bands
from omnibus.context.models import BandSet, Indicator, Series
from omnibus.context.store import ContextError, IndicatorValues, chosen_population, indicator_values
from omnibus.frame.derived import set_derived_attribute
from omnibus.frame.store import Frame, FrameError, frame_as_of


@dataclass
class Banded:
    """What banding did: the bands, units per band, and the frame units left without a band."""

    attribute: str
    as_of: date
    bands: list[IndicatorBand]
    counts: dict[str, int]
    no_band: list[str]  # names of frame units with no value, or a value below the first band
    written: int


def apply_bands(
    code: str,
    period: str,
    attribute: str,
    as_of: date,
    cuts: list[float] | None = None,
    groups: int | None = None,
    label: str | None = None,
    population: str | None = None,
) -> Banded:
    """Band indicator `code` for `period` by `cuts` or into `groups` equal-count groups; set it on the frame."""
    values = indicator_values(code, period)
    population = chosen_population(population)
    if values.kind == Indicator.Kind.CATEGORY:
        return _categories(values, attribute, as_of, label, population)
    if (cuts is None) == (groups is None):
        raise ContextError("give either cut points or a number of groups")
    try:
        frame = frame_as_of(population, as_of)
        bands = fixed_bands(cuts) if cuts is not None else quantile_bands([a.value for a in values.areas()], groups)
    except (FrameError, ValueError) as exc:
        raise ContextError(str(exc)) from exc
    by_key = values.by_key()
    assigned = {unit.key: band_of(by_key.get(unit.key), bands) for unit in frame.units}
    method = BandSet.Method.CUTS if cuts is not None else BandSet.Method.QUANTILES
    return _set(values, attribute, as_of, label, population, bands, assigned, method, frame)


def _categories(values: IndicatorValues, attribute: str, as_of: date, label: str | None, population: str) -> Banded:
    """A category indicator (Ofsted judgements) is set on the frame as it is: each category a band."""
    try:
        frame = frame_as_of(population, as_of)
    except FrameError as exc:
        raise ContextError(str(exc)) from exc
    texts = list(dict.fromkeys(text for _, text in values.categories.values()))
    bands = [IndicatorBand(text, None, None) for text in texts]
    assigned = {unit.key: values.categories.get(unit.key, ("", None))[1] for unit in frame.units}
    return _set(values, attribute, as_of, label, population, bands, assigned, "categories", frame)


def _set(
    values: IndicatorValues,
    attribute: str,
    as_of: date,
    label: str | None,
    population: str,
    bands: list[IndicatorBand],
    assigned: dict[str, str | None],
    method: str,
    frame: Frame,
) -> Banded:
    code, period = values.code, values.period
    title = label or f"{values.label} ({period}), banded"
    with transaction.atomic():
        try:
            written = set_derived_attribute(population, attribute, title, [b.label for b in bands], as_of, assigned)
        except FrameError as exc:
            raise ContextError(str(exc)) from exc
        series = Series.objects.get(indicator__code=code, period=period)
        BandSet.objects.update_or_create(
            population=population,
            attribute=attribute,
            as_of=as_of,
            defaults={
                "series": series,
                "method": method,
                "bands": [b.as_dict() for b in bands],
            },
        )
    counts = Counter(v for v in assigned.values() if v is not None)
    names = {unit.key: unit.name for unit in frame.units}
    no_band = sorted(names[k] for k, v in assigned.items() if v is None)
    return Banded(attribute, as_of, bands, {b.label: counts.get(b.label, 0) for b in bands}, no_band, written)
