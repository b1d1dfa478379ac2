"""Load indicator files into the database and read an indicator's values back as plain data.

A load is all or nothing: the file is read and every row matched to a unit of the population
(by its join codes, tried in order) before anything is written, and the writing is one
transaction. Loading again for the same indicator and period replaces the values of the areas
in the file and keeps the others, so a file of units and a file of the national and regional
figures can be loaded one after the other.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from omnibus.context.indicator_file import (
    LOCAL,
    NATIONAL,
    REGIONAL,
    SYMBOLS,
    IndicatorFileError,
    IndicatorRow,
    read_indicator_file,
)
from omnibus.context.measure import Measure
from omnibus.context.models import Indicator, Series, Value
from omnibus.context.periods import nearest_period
from omnibus.context.source_note import internal_mark, public_lines
from omnibus.context.variation import AreaValue, ExclusionRule, VariationSummary, counted, variation_summary
from omnibus.frame.models import AttributeValue, Population, Unit
from omnibus.frame.schema import PopulationSchema, UnitNoun
from omnibus.frame.store import BATCH, FrameError, choose_population, population_slug, stored_schema


class ContextError(Exception):
    """A user mistake with no file line to point at: an unknown indicator or period."""


@dataclass
class Loaded:
    """What a load wrote."""

    indicator: str
    period: str
    layout: str
    las: int
    national: int
    regional: int
    missing: int  # areas with a symbol or a blank instead of a number
    skipped: int
    notes: list[str]


@dataclass
class IndicatorValues:
    """An indicator for one period, read back: units' values by key, England, the regions, the source."""

    code: str
    label: str
    unit: str
    period: str
    source_note: str
    national: float | None
    regions: dict[str, tuple[str, float | None]] = field(default_factory=dict)  # GSS -> (name, value)
    las: dict[str, AreaValue] = field(default_factory=dict)  # unit key -> value (numbers only)
    no_value: dict[str, tuple[str, str]] = field(default_factory=dict)  # unit key -> (name, symbol)
    kind: str = "number"
    categories: dict[str, tuple[str, str]] = field(default_factory=dict)  # category indicator: key -> (name, text)

    def areas(self) -> list[AreaValue]:
        """The units with a value."""
        return list(self.las.values())

    def by_key(self) -> dict[str, float | None]:
        """Each unit's value by key (None where there is no value)."""
        found: dict[str, float | None] = {k: a.value for k, a in self.las.items()}
        found.update({k: None for k in self.no_value})
        return found


def chosen_population(given: str | None) -> str:
    """The slug of the population indicators are matched to (see `choose_population`), or ContextError."""
    try:
        return population_slug(choose_population(given))
    except FrameError as exc:
        raise ContextError(str(exc)) from exc


def load_indicator(
    path: Path,
    code: str,
    period: str,
    column: str | None = None,
    label: str | None = None,
    unit: str | None = None,
    source: str | None = None,
    population: str | None = None,
    categorical: bool = False,
    where: dict[str, str] | None = None,
) -> Loaded:
    """Load `column` (default: `code`) of an indicator file as indicator `code` for `period`.

    A `categorical` indicator holds text (Ofsted judgements); `where` picks rows by filter
    columns ({"characteristic": "Total"}). `source` is the public source a report cites; it is
    needed unless the file's source column reads as one (see `source_note`). Raises
    IndicatorFileError naming every bad row (nothing is written), or ContextError.
    """
    kind = Indicator.Kind.CATEGORY if categorical else Indicator.Kind.NUMBER
    existing = Indicator.objects.filter(code=code).exclude(kind=kind).first()
    if existing is not None:
        raise ContextError(f"indicator {code!r} is loaded as a {existing.kind}: load this file under another code")
    population = chosen_population(population)
    pop = Population.objects.filter(slug=population).first()
    if pop is None:
        raise ContextError(f"load the {population} frame first: indicators are matched to its units")
    schema = stored_schema(pop)
    file = read_indicator_file(path, column or code, period, categorical, where, schema.join_codes)
    keys = _unit_keys(pop, schema, file.rows, str(path))
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    notes = _public_source(source, file.notes, path)
    with transaction.atomic():
        indicator = _indicator(code, label, unit, kind)
        series, _ = Series.objects.get_or_create(indicator=indicator, period=period)
        _note(series, notes, f"{path.name} sha256:{digest[:12]} column {column or code}")
        values = [
            Value(series=series, level=row.level, area=keys.get(row.line, row.code), name=row.name, value=row.value,
                  symbol=row.symbol, text=row.text)
            for row in file.rows
        ]  # fmt: skip
        for level in (NATIONAL, REGIONAL, LOCAL):
            areas = [v.area for v in values if v.level == level]
            for start in range(0, len(areas), BATCH):  # under SQLite's limit on bound variables
                Value.objects.filter(series=series, level=level, area__in=areas[start : start + BATCH]).delete()
        Value.objects.bulk_create(values, batch_size=BATCH)
    count = {level: sum(1 for r in file.rows if r.level == level) for level in (NATIONAL, REGIONAL, LOCAL)}
    missing = sum(1 for r in file.rows if r.value is None and not r.text)
    return Loaded(code, period, file.layout, count[LOCAL], count[NATIONAL], count[REGIONAL], missing, file.skipped,
                  notes)  # fmt: skip


def indicator_values(code: str, period: str) -> IndicatorValues:
    """An indicator's values for a period; ContextError names what is loaded when it is not.

    The source note holds only the lines a reader may see.
    """
    series = Series.objects.select_related("indicator").filter(indicator__code=code, period=period).first()
    if series is None:
        raise ContextError(_not_loaded(code, period))
    ind = series.indicator
    source = "\n".join(public_lines(series.source_note))
    result = IndicatorValues(ind.code, ind.label, ind.unit, period, source, None, kind=ind.kind)
    for value in Value.objects.filter(series=series).order_by("level", "area"):
        if value.level == Value.NATIONAL and not value.text:
            result.national = value.value
        elif value.level == Value.REGIONAL:
            result.regions[value.area] = (value.name, value.value)
        elif value.text:
            result.categories[value.area] = (value.name, value.text)
        elif value.value is None:
            result.no_value[value.area] = (value.name, value.symbol)
        else:
            result.las[value.area] = AreaValue(value.area, value.name, value.value)
    return result


def loaded_series() -> list[Series]:
    """Every indicator and period loaded, with counts of units' values (`las`) and missing ones (`missing`)."""
    return list(
        Series.objects.select_related("indicator").annotate(
            las=Count(
                "values", filter=Q(values__level=Value.UNIT) & (Q(values__value__isnull=False) | ~Q(values__text=""))
            ),
            missing=Count("values", filter=Q(values__level=Value.UNIT, values__value__isnull=True, values__text="")),
            national=Count("values", filter=Q(values__level=Value.NATIONAL)),
        )
    )


def nearest_loaded(code: str, fieldwork: date | None) -> str:
    """The loaded period of an indicator nearest a wave's fieldwork (see `periods.nearest_period`)."""
    periods = list(Series.objects.filter(indicator__code=code).values_list("period", flat=True))
    if not periods:
        raise ContextError(_not_loaded(code, ""))
    chosen = nearest_period(periods, fieldwork)
    if chosen is None:
        raise ContextError(f"indicator {code!r} has no period that reads as a date ({', '.join(periods)}): name one")
    return chosen


def _public_source(source: str | None, file_notes: list[str], path: Path) -> list[str]:
    """The source note to store: `source`, else the file's source column, refused if it reads as internal."""
    if source is not None:
        if why := internal_mark(source):
            raise ContextError(
                f"--source {source!r} reads as a note for the data's keeper ({why}): cite the publication"
            )
        return [source]
    if not file_notes:
        raise ContextError(f"{path}: the file has no source column: give the public source with --source")
    for note in file_notes:
        if why := internal_mark(note):
            raise ContextError(
                f"{path}: column source: {note!r} is a note for the data's keeper ({why}), not a citation: "
                "give the public source with --source"
            )
    return file_notes


def _not_loaded(code: str, period: str) -> str:
    periods = list(Series.objects.filter(indicator__code=code).values_list("period", flat=True))
    if periods:
        return f"indicator {code!r} has no period {period!r} (loaded: {', '.join(periods)})"
    codes = sorted(Indicator.objects.values_list("code", flat=True))
    return f"no indicator {code!r} is loaded (loaded: {', '.join(codes) or 'none'})"


def _indicator(code: str, label: str | None, unit: str | None, kind: str) -> Indicator:
    indicator, created = Indicator.objects.get_or_create(
        code=code, defaults={"label": label or code, "unit": unit or "", "kind": kind}
    )
    if not created and (label or unit):
        indicator.label = label or indicator.label
        indicator.unit = unit if unit is not None else indicator.unit
        indicator.save(update_fields=["label", "unit"])
    return indicator


def _note(series: Series, notes: list[str], file_line: str) -> None:
    lines = [line for line in series.source_note.splitlines() if line]
    series.source_note = "\n".join(dict.fromkeys([*lines, *notes]))
    series.files = "\n".join(dict.fromkeys([*series.files.splitlines(), file_line]))
    series.loaded_at = timezone.now()
    series.save(update_fields=["source_note", "files", "loaded_at"])


def _unit_keys(pop: Population, schema: PopulationSchema, rows: list[IndicatorRow], name: str) -> dict[int, str]:
    """Each unit row's unit key (by line); IndicatorFileError names every row that is not a unit.

    The population's join codes are tried in order: a row's code in the column of that name, or
    (DfE's tidy files) in a column of its own whose value fits the join code's pattern.
    """
    keys = set(Unit.objects.filter(population=pop).values_list("key", flat=True))
    # Every value a code has ever had, so a file from before or after a re-coding still matches.
    by_code: dict[str, dict[str, str]] = {code: {} for code in schema.join_codes if code != schema.key}
    found_codes = AttributeValue.objects.filter(unit__population=pop, name__in=list(by_code))
    for code, value, key in found_codes.values_list("name", "value", "unit__key"):
        by_code[code][value] = key
    found, errors, strangers = {}, [], 0
    for row in (r for r in rows if r.level == LOCAL):
        key, problem = _unit_key(row, schema, keys, by_code)
        where = f"{name}:{row.line}: "
        if key is None:
            errors.append(where + problem)
            strangers += 1
        elif key in found.values():
            first = next(line for line, k in found.items() if k == key)
            noun = schema.unit.singular
            errors.append(where + f"a second row for {noun} {key} ({row.name or 'no name'}; also line {first})")
        else:
            found[row.line] = key
    if strangers:
        errors.append(f"{name}: {counted(strangers, schema.unit)} in the file {'is' if strangers == 1 else 'are'} "
                      "not in the frame")  # fmt: skip
    if errors:
        raise IndicatorFileError(errors)
    return found


def _unit_key(
    row: IndicatorRow, schema: PopulationSchema, keys: set[str], by_code: dict[str, dict[str, str]]
) -> tuple[str | None, str]:
    """The unit a row is, or None and why not ("Unique reference number 999999 (Nowhere) is not a school of …")."""
    tried = ""
    for code in schema.join_codes:
        column = schema.column(code)
        label = column.label or code
        value = row.code_in(code)
        if value and column.pattern and not column.pattern.search(value):
            pattern = column.pattern.pattern
            return None, f"column {code}: {value!r} does not match the pattern of the {label} ({pattern})"
        value = value or next(
            (v for c, v in row.codes if c not in schema.join_codes and column.pattern and column.pattern.search(v)), ""
        )
        if not value:
            continue
        key = value if code == schema.key else by_code[code].get(value)
        if key in keys:
            return key, ""
        tried = tried or f"{label} {value}"
    what = tried or f"code {row.code}"
    return None, f"{what} ({row.name or 'no name'}) is not {schema.unit.with_article} of the {schema.slug} frame"


def numeric_values(code: str, period: str) -> IndicatorValues:
    """An indicator's values, refusing a category indicator (it has no numbers to summarise)."""
    values = indicator_values(code, period)
    if values.kind != Indicator.Kind.NUMBER:
        raise ContextError(f"{code} is a category indicator: it has no numbers to summarise or correlate")
    return values


def measure_of(code: str, period: str) -> Measure:
    """An indicator's values of units as a `Measure` for charts and correlations."""
    values = numeric_values(code, period)
    source = values.source_note.replace("\n", "; ")
    return Measure(values.label, values.unit, period, values.las, source)


def unit_noun(population: str | None = None) -> UnitNoun:
    """What the population's units are called; without a slug, the only population loaded (else "organisation")."""
    found = Population.objects.filter(slug=population) if population else Population.objects.all()[:2]
    pops = list(found)
    return stored_schema(pops[0]).unit if len(pops) == 1 else UnitNoun()


def summary_of(code: str, period: str, rule: ExclusionRule, units: UnitNoun | None = None) -> VariationSummary:
    """The variation summary of an indicator for a period, under an exclusion rule, worded with `units`."""
    values = numeric_values(code, period)
    no_value = sorted(f"{name} ({SYMBOLS.get(symbol, 'blank')})" for name, symbol in values.no_value.values())
    try:
        return variation_summary(
            values.areas(), values.national, rule, code, values.label, period, no_value, units or unit_noun()
        )
    except ValueError as exc:
        raise ContextError(str(exc)) from exc
