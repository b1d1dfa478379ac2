"""Load frame files into the database and read the frame as it stood on a date.

Each load is a full snapshot of the population on its `as_of` date. Values are stored only
where they differ from the value in force the day before, and loads may arrive in any order
(a back-filled earlier snapshot, a corrected reload): after each load, later versions still
read exactly what their own files said.
"""

from __future__ import annotations

import hashlib
import json
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import polars as pl
from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from omnibus.core.bulk_read import query_frame
from omnibus.frame.csvfile import FrameRow, check_frame_csv, frame_header
from omnibus.frame.models import AttributeValue, FrameVersion, Membership, Population, Unit
from omnibus.frame.schema import (
    PopulationSchema,
    SchemaError,
    available_populations,
    load_population,
    schema_from_dict,
)

BATCH = 2000  # rows per INSERT/DELETE; keeps SQLite under its bound-variable limit
ONE_DAY = timedelta(days=1)
MEMBER_ROWS = {"unit_id": pl.Int64, "key": pl.String}
VALUE_ROWS = {"unit_id": pl.Int64, "name": pl.String, "value": pl.String, "valid_from": pl.Date}


class FrameError(Exception):
    """A user mistake with no file to point at: unknown population, nothing loaded yet."""


@dataclass(frozen=True)
class FrameUnit:
    """A unit as the frame stood on a date: its key, name, codes and typed attributes."""

    key: str
    name: str
    codes: dict[str, str | None]
    attributes: dict[str, Any]

    def cells(self, columns: list[str]) -> list[str]:
        """The unit's values as text, in the order of `columns` (blank for a missing value)."""
        values = {**self.codes, **self.attributes}
        # The one column that is neither a code nor an attribute is the name column.
        found = [values.get(c, self.name) for c in columns]
        return ["" if v is None else str(v) for v in found]


@dataclass(frozen=True)
class Frame:
    """The frame of a population on `as_of`, from the version loaded for `version_as_of`."""

    population: str
    title: str
    as_of: date
    version_as_of: date
    units: list[FrameUnit]
    columns: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)  # the columns' labels, for people
    derived: list[str] = field(default_factory=list)  # attributes worked out from other data, not in frame files


def load_frame(path: Path, as_of: date, population: str | None = None) -> FrameVersion:
    """Load a frame file as the population's frame from `as_of`, replacing any load that day.

    `population` is a shipped slug, a loaded one, or a schema YAML file; None chooses it from
    the file's header and what is loaded (see `choose_population`).

    Raises FrameFileError (every problem in the file) before anything is written, and
    FrameError for an unknown population. The returned version also carries the summary
    counts `new_units`, `left_units` and `changed_values` (values of continuing units).
    """
    schema = _schema(choose_population(population, frame_header(path)))
    rows = check_frame_csv(path, schema)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with transaction.atomic():
        pop = _population(schema)
        history = _History.load(pop)
        unit_ids, created = _units(pop, [row.key for row in rows])
        later = _first_later_membership(pop, as_of)
        keep = history.snapshot(later, schema.value_names)
        previous = _members_before(pop, as_of)
        version = _replace_version(pop, as_of, path.name, digest, len(rows))
        history.drop_day(pop, as_of, schema.value_names)
        changes = _write_values(history, rows, unit_ids, as_of, schema.value_names)
        members = set(unit_ids.values())
        Membership.objects.bulk_create([Membership(version=version, unit_id=uid) for uid in members], batch_size=BATCH)
        history.restore(keep, later)
    version.new_units = len(members - previous)
    version.left_units = len(previous - members)
    version.changed_values = sum(1 for c in changes if c.unit_id in previous)
    version.created_units = created
    return version


def frame_as_of(population: str | None = None, as_of: date | None = None) -> Frame:
    """The frame as it stood on `as_of` (None: the latest version), as plain dataclasses.

    `population` None means the only one loaded (see `choose_population`)."""
    table = frame_table(population, as_of)
    schema = table.schema
    units = _frame_units(table)
    derived = [name for name, spec in (schema.source.get("attributes") or {}).items() if spec.get("derived")]
    return Frame(
        table.population,
        table.title,
        table.as_of,
        table.version_as_of,
        units,
        schema.column_names,
        schema.column_labels,
        derived,
    )


@dataclass(frozen=True)
class FrameTable:
    """The frame of a population on `as_of` as stored: a row per unit in key order, a column per schema column.

    Each cell is the stored text in force that day (a blank as ""), null where the unit has no
    value; the key column holds the units' keys. `frame_as_of` makes its units from this.
    """

    population: str
    title: str
    as_of: date
    version_as_of: date
    schema: PopulationSchema
    values: pl.DataFrame


def frame_table(population: str | None = None, as_of: date | None = None) -> FrameTable:
    """The frame as it stood on `as_of` (None: the latest version) as one table, read in a few queries.

    `population` None means the only one loaded (see `choose_population`)."""
    pop = _existing_population(choose_population(population))
    versions = FrameVersion.objects.filter(population=pop).order_by("-as_of")
    version = versions.filter(as_of__lte=as_of).first() if as_of else versions.first()
    if version is None:
        raise FrameError(_nothing_loaded(pop, as_of, versions))
    day = as_of or version.as_of
    schema = stored_schema(pop)
    keys = query_frame(Membership.objects.filter(version=version).values_list("unit_id", "unit__key"), MEMBER_ROWS)
    found = AttributeValue.objects.filter(unit__memberships__version=version, valid_from__lte=day)
    found = query_frame(found.values_list("unit_id", "name", "value", "valid_from"), VALUE_ROWS)
    # Pivoted under their positions' names ("c1", …): a column's own name could be "unit_id" or "key".
    named = {name: f"c{i}" for i, name in enumerate(schema.column_names) if name != schema.key}
    found = found.filter(pl.col("name").is_in(list(named))).with_columns(pl.col("name").replace_strict(named))
    in_force = found.group_by("unit_id", "name").agg(pl.col("value").sort_by("valid_from").last())  # the latest
    wide = keys.join(in_force.pivot("name", index="unit_id", values="value"), on="unit_id", how="left")
    values = wide.select(
        pl.col("key").alias(name)
        if name == schema.key
        else (pl.col(named[name]) if named[name] in wide.columns else pl.lit(None, pl.String)).alias(name)
        for name in schema.column_names
    ).sort(schema.key)
    return FrameTable(pop.slug, pop.title, day, version.as_of, schema, values)


def unit_values(unit_id: int, as_of: date, names: list[str]) -> dict[str, str]:
    """One unit's values of the `names` columns as the frame stood on `as_of` (a key is not a stored value)."""
    found = (
        AttributeValue.objects.filter(unit_id=unit_id, name__in=names, valid_from__lte=as_of)
        .order_by("valid_from")
        .values_list("name", "value")
    )
    values = dict(found)  # later dates overwrite earlier ones
    if any(name not in values for name in names):  # perhaps the key, which is the unit's, not a dated value
        unit = Unit.objects.select_related("population").get(pk=unit_id)
        key = stored_schema(unit.population).key
        if key in names:
            values[key] = unit.key
    return values


def population_slug(population: str) -> str:
    """The slug of a population given by slug or by schema file path."""
    return _schema(population).slug if _is_file(population) else population


def choose_population(given: str | None = None, header: Sequence[str] = ()) -> str:
    """The population a command works on: `given` (a slug or a schema YAML file) when there is one,
    else the one whose columns a frame file's `header` has (for `frame load`), else the only
    population loaded (before any load, the only one shipped). Raises FrameError listing the
    populations there are and asking for --population when that leaves a choice."""
    if given:
        _schema(given)  # an unknown one is an error naming those there are
        return given
    fitting = _fitting(header) if header else None
    if fitting:
        return fitting
    loaded = list(Population.objects.order_by("slug").values_list("slug", flat=True))
    shipped = available_populations()
    if len(loaded) == 1 or (not loaded and len(shipped) == 1):
        return (loaded or shipped)[0]
    if header:
        message = f"the file's columns are not those of one population (populations: {', '.join(_every_population())})"
    elif not loaded:
        message = f"no frame has been loaded yet (populations shipped: {', '.join(shipped) or 'none'})"
        raise FrameError(f"{message}: load one with `omnibus frame load FILE.csv --as-of DATE`, or give --population")
    else:
        message = f"there are {len(loaded)} populations ({', '.join(loaded)})"
    raise FrameError(f"{message}: choose one with --population SLUG (or --population FILE.yaml)")


def _fitting(header: Sequence[str]) -> str | None:
    """The one population a frame file with this header is of: every column its own; failing that (a
    file with a stray column, whose errors the full check lists), the one whose key the file has."""
    schemas = {slug: _schema(slug) for slug in _every_population()}
    names = {name.strip() for name in header}
    for fits in (lambda s: s.key in names and names <= set(s.column_names), lambda s: s.key in names):
        found = [slug for slug, schema in schemas.items() if fits(schema)]
        if len(found) == 1:
            return found[0]
    return None


def population_schema(population: str) -> PopulationSchema:
    """The schema of a population given by slug (shipped or loaded) or schema file; FrameError if unknown."""
    return _schema(population)


def stored_schema(pop: Population) -> PopulationSchema:
    """The schema a population's last frame load used (a wave's population reads it from here)."""
    return _schema_of(pop.slug, pop.schema)


@lru_cache(maxsize=32)
def _schema_of(slug: str, stored: str) -> PopulationSchema:
    """A stored schema read and checked once per process and text (a schema is frozen; a new load stores new text)."""
    return schema_from_dict(json.loads(stored), slug)


def _schema(population: str) -> PopulationSchema:
    """A shipped population or a YAML file is read afresh; a slug loaded from elsewhere is read as stored."""
    stored = None
    if not _is_file(population) and population not in available_populations():
        stored = Population.objects.filter(slug=population).first()
    try:
        return stored_schema(stored) if stored is not None else load_population(population)
    except SchemaError as exc:
        raise FrameError(_with_loaded(str(exc))) from exc


def _with_loaded(message: str) -> str:
    """An unknown population's message names the loaded populations as well as the shipped ones."""
    if not message.startswith("unknown population"):
        return message
    known = ", ".join(_every_population())
    return f"{message.split(' (known:')[0]} (known: {known or 'none'})"


def _every_population() -> list[str]:
    """Every population there is: shipped or loaded."""
    return sorted({*available_populations(), *Population.objects.values_list("slug", flat=True)})


def _is_file(population: str) -> bool:
    return population.endswith((".yaml", ".yml"))


def _population(schema: PopulationSchema) -> Population:
    source = schema.source
    existing = Population.objects.filter(slug=schema.slug).first()
    if existing is not None:
        # Derived attributes (bands of an official statistic) are not in frame files: keep them.
        derived = {
            name: spec
            for name, spec in (json.loads(existing.schema).get("attributes") or {}).items()
            if isinstance(spec, dict) and spec.get("derived") and name not in schema.column_names
        }
        source = {**source, "attributes": {**(source.get("attributes") or {}), **derived}}
    pop, _ = Population.objects.update_or_create(
        slug=schema.slug, defaults={"title": schema.title, "schema": json.dumps(source)}
    )
    return pop


def _existing_population(population: str) -> Population:
    slug = population_slug(population)
    pop = Population.objects.filter(slug=slug).first()
    if pop is None:
        _schema(slug)  # raises FrameError naming the populations there are
    if pop is None:
        raise FrameError(f"no frame has been loaded for population {slug!r} yet")
    return pop


def _nothing_loaded(pop: Population, as_of: date | None, versions: Any) -> str:
    earliest = versions.last()
    if earliest is None:
        return f"no frame has been loaded for population {pop.slug!r} yet"
    return f"no frame for {pop.slug!r} as of {as_of}: the earliest is as of {earliest.as_of}"


def _units(pop: Population, keys: list[str]) -> tuple[dict[str, int], int]:
    """Map each key to its unit id, creating the units not seen before; return (map, created)."""
    existing = dict(Unit.objects.filter(population=pop).values_list("key", "id"))
    fresh = [Unit(population=pop, key=key) for key in keys if key not in existing]
    Unit.objects.bulk_create(fresh, batch_size=BATCH)
    if fresh:  # re-read rather than rely on bulk_create returning ids on every backend
        existing = dict(Unit.objects.filter(population=pop).values_list("key", "id"))
    return {key: existing[key] for key in keys}, len(fresh)


def _first_later_membership(pop: Population, as_of: date) -> dict[int, date]:
    """For each unit in a version after `as_of`, the date of the first such version."""
    later = (
        Membership.objects.filter(version__population=pop, version__as_of__gt=as_of)
        .values("unit_id")
        .annotate(first=Min("version__as_of"))
    )
    return {row["unit_id"]: row["first"] for row in later}


def _members_before(pop: Population, as_of: date) -> set[int]:
    """The units of the version in force the day before `as_of` (empty if none)."""
    previous = FrameVersion.objects.filter(population=pop, as_of__lt=as_of).order_by("-as_of")
    version = previous.first()
    if version is None:
        return set()
    return set(Membership.objects.filter(version=version).values_list("unit_id", flat=True))


def _replace_version(pop: Population, as_of: date, source: str, digest: str, count: int) -> FrameVersion:
    """Create the version for `as_of`, or reuse its row (so anything bound to it stays bound)."""
    version, created = FrameVersion.objects.get_or_create(
        population=pop,
        as_of=as_of,
        defaults={"source_name": source, "sha256": digest, "row_count": count},
    )
    if not created:
        Membership.objects.filter(version=version).delete()
        version.source_name, version.sha256, version.row_count = source, digest, count
        version.loaded_at = timezone.now()
        version.save(update_fields=["source_name", "sha256", "row_count", "loaded_at"])
    return version


def _write_values(
    history: _History, rows: list[FrameRow], unit_ids: dict[str, int], as_of: date, names: list[str]
) -> list[AttributeValue]:
    """Store each value that differs from the one in force the day before `as_of`."""
    changes = []
    for row in rows:
        unit_id = unit_ids[row.key]
        for name in names:
            value = row.values.get(name, "")
            if history.at(unit_id, name, as_of - ONE_DAY) != value:
                changes.append(AttributeValue(unit_id=unit_id, name=name, value=value, valid_from=as_of))
    AttributeValue.objects.bulk_create(changes, batch_size=BATCH)
    for change in changes:
        history.add(change.unit_id, change.name, as_of, change.value, None)
    return changes


def _frame_units(table: FrameTable) -> list[FrameUnit]:
    """A unit per row of the table: its codes (a blank as None), name (a blank as "") and typed attributes."""
    schema, values = table.schema, table.values
    keys = values[schema.key].to_list()
    names = [name or "" for name in values[schema.name].to_list()]
    code_names = schema.code_names
    codes = [keys if name == schema.key else [v or None for v in values[name].to_list()] for name in code_names]
    attributes = [column for column in schema.columns if column.role == "attribute"]
    typed = [[column.typed(v) for v in values[column.name].to_list()] for column in attributes]
    attribute_names = [column.name for column in attributes]
    by_unit = zip(*typed, strict=True) if typed else [()] * len(keys)
    return [
        FrameUnit(
            key, name, dict(zip(code_names, unit_codes, strict=True)), dict(zip(attribute_names, found, strict=True))
        )
        for key, name, unit_codes, found in zip(keys, names, zip(*codes, strict=True), by_unit, strict=True)
    ]


class _History:
    """Every dated value of a population, in memory, to compare and repair without a query per unit."""

    def __init__(self) -> None:
        # (unit id, name) -> sorted dates, and the matching (value, row id) pairs
        self.dates: dict[tuple[int, str], list[date]] = defaultdict(list)
        self.entries: dict[tuple[int, str], list[tuple[str, int | None]]] = defaultdict(list)

    @classmethod
    def load(cls, pop: Population) -> _History:
        history = cls()
        rows = (
            AttributeValue.objects.filter(unit__population=pop)
            .order_by("valid_from")
            .values_list("unit_id", "name", "valid_from", "value", "id")
        )
        # Fetched in one go: a server-side cursor (iterator) makes PostgreSQL plan for the first
        # rows and walk an index, many times slower for what is always a full read.
        for unit_id, name, valid_from, value, row_id in rows:
            history.dates[unit_id, name].append(valid_from)
            history.entries[unit_id, name].append((value, row_id))
        return history

    def at(self, unit_id: int, name: str, day: date) -> str:
        """The value in force on `day` ("" when none: blank and absent are the same)."""
        dates = self.dates.get((unit_id, name))
        if not dates:
            return ""
        index = bisect_right(dates, day)
        return self.entries[unit_id, name][index - 1][0] if index else ""

    def add(self, unit_id: int, name: str, day: date, value: str, row_id: int | None) -> None:
        """Record a value dated `day` (no value for this unit and name may be dated that day)."""
        dates = self.dates[unit_id, name]
        index = bisect_right(dates, day)
        dates.insert(index, day)
        self.entries[unit_id, name].insert(index, (value, row_id))

    def drop_day(self, pop: Population, day: date, names: list[str]) -> None:
        """Delete every value of the file's columns (`names`) dated `day`, in the database and here."""
        AttributeValue.objects.filter(unit__population=pop, valid_from=day, name__in=names).delete()
        for key, dates in self.dates.items():
            if key[1] in names and day in dates:
                index = dates.index(day)
                del dates[index]
                del self.entries[key][index]

    def snapshot(self, later: dict[int, date], names: list[str]) -> dict[tuple[int, str], str]:
        """The values each later-listed unit has on its first later version date."""
        return {(u, n): self.at(u, n, day) for u, day in later.items() for n in names}

    def restore(self, keep: dict[tuple[int, str], str], later: dict[int, date]) -> None:
        """Make later versions read what they read before, storing only real changes."""
        inserts, deletes = [], []
        for (unit_id, name), wanted in keep.items():
            day = later[unit_id]
            dates = self.dates.get((unit_id, name), [])
            if day in dates:
                value, row_id = self.entries[unit_id, name][dates.index(day)]
                if self.at(unit_id, name, day - ONE_DAY) == value:
                    deletes.append(row_id)  # now the same as the day before: redundant
            elif self.at(unit_id, name, day) != wanted:
                inserts.append(AttributeValue(unit_id=unit_id, name=name, value=wanted, valid_from=day))
        AttributeValue.objects.bulk_create(inserts, batch_size=BATCH)
        for start in range(0, len(deletes), BATCH):
            AttributeValue.objects.filter(id__in=deletes[start : start + BATCH]).delete()
