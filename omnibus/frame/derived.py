"""Derived attributes: values worked out from other data (bands of an official statistic) set on the frame.

A derived attribute is declared in the population's stored schema (marked `derived: true`) and
its values are dated like any other, so the frame as of a date, the dataset's `frame_<name>`
columns, breakdowns and the response profile all see it. Loading a frame file keeps derived
attributes and their values: the file does not hold them.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

from django.db import transaction

from omnibus.frame.models import AttributeValue, FrameVersion, Membership, Population
from omnibus.frame.schema import SchemaError, schema_from_dict
from omnibus.frame.store import BATCH, FrameError

DERIVED = "derived"


def set_derived_attribute(
    population: str, name: str, label: str, values_allowed: list[str], as_of: date, values: dict[str, str | None]
) -> int:
    """Declare category attribute `name` (if new) and set each frame unit's value from `as_of`.

    `values` maps unit keys to a value (None or missing: no value). Units are those of the frame
    version in force on `as_of`. Returns how many dated values were written. Raises FrameError for
    a name a frame file already uses, a value not allowed, or no frame on that date.
    """
    with transaction.atomic():
        pop = Population.objects.select_for_update().filter(slug=population).first()
        if pop is None:
            raise FrameError(f"no frame has been loaded for population {population!r} yet")
        _declare(pop, name, label, values_allowed)
        version = FrameVersion.objects.filter(population=pop, as_of__lte=as_of).order_by("-as_of").first()
        if version is None:
            raise FrameError(f"no frame for {population!r} as of {as_of}")
        members = dict(Membership.objects.filter(version=version).values_list("unit__key", "unit_id"))
        unknown = sorted(set(values) - set(members))
        if unknown:
            raise FrameError(f"not in the frame as of {as_of}: {', '.join(unknown)}")
        bad = sorted({v for v in values.values() if v is not None and v not in values_allowed})
        if bad:
            raise FrameError(f"{name}: value(s) {', '.join(bad)} not among {', '.join(values_allowed)}")
        return _write(members, name, as_of, values)


def _declare(pop: Population, name: str, label: str, values_allowed: list[str]) -> None:
    source = json.loads(pop.schema)
    attributes = dict(source.get("attributes") or {})
    existing = attributes.get(name)
    if existing is not None and not existing.get(DERIVED):
        raise FrameError(f"{name!r} is a column of the {pop.slug} frame file: choose another name")
    if existing is not None:
        values_allowed = list(dict.fromkeys([*existing.get("values", []), *values_allowed]))
    attributes[name] = {"label": label, "kind": "category", "optional": True, "values": values_allowed, DERIVED: True}
    source["attributes"] = attributes
    try:
        schema_from_dict(source, pop.slug)
    except SchemaError as exc:
        raise FrameError(str(exc)) from exc
    pop.schema = json.dumps(source)
    pop.save(update_fields=["schema"])


def _write(members: dict[str, int], name: str, as_of: date, values: dict[str, str | None]) -> int:
    """Replace the attribute's values dated `as_of`, storing only those that differ from the day before."""
    ids = list(members.values())
    AttributeValue.objects.filter(unit_id__in=ids, name=name, valid_from=as_of).delete()
    before: dict[int, str] = {}
    earlier = (
        AttributeValue.objects.filter(unit_id__in=ids, name=name, valid_from__lte=as_of - timedelta(days=1))
        .order_by("valid_from")
        .values_list("unit_id", "value")
    )
    for unit_id, value in earlier:
        before[unit_id] = value  # later dates overwrite earlier ones
    rows = []
    for key, unit_id in members.items():
        value = values.get(key) or ""
        if before.get(unit_id, "") != value:
            rows.append(AttributeValue(unit_id=unit_id, name=name, value=value, valid_from=as_of))
    AttributeValue.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)
