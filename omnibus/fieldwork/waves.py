"""Create waves and give each of their units an access code."""

from __future__ import annotations

import io
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from django.db import connection, transaction

from omnibus.core import prepared
from omnibus.core.spreadsheet import csv_writer
from omnibus.fieldwork.codes import ERASED_DIGEST_PREFIX, digest, new_code, seal, unseal
from omnibus.fieldwork.models import QuestionnaireVersion, Wave, WaveUnit
from omnibus.fieldwork.questionnaires import questionnaire_of
from omnibus.frame.models import Population, Unit
from omnibus.frame.schema import UnitNoun
from omnibus.frame.store import frame_as_of, stored_schema


class WaveError(Exception):
    """A wave that cannot be made or found as asked; the message says why."""


@dataclass(frozen=True)
class UnitCode:
    """A unit's access code in the clear, for a mail merge."""

    key: str
    name: str
    code: str


def create_wave(
    slug: str,
    title: str,
    questionnaire: QuestionnaireVersion,
    population: str,
    as_of: date,
    opens_at: datetime,
    closes_at: datetime,
    kind: str = Wave.MAIN,
    units: Collection[str] | None = None,
) -> Wave:
    """Make a wave over the frame as it stood on `as_of`, with a fresh code for every unit.

    `units` (keys) keeps only those units of the frame: a pilot with a few units, or a small test wave.
    """
    if closes_at <= opens_at:
        raise WaveError(f"the wave must close after it opens ({opens_at:%Y-%m-%d %H:%M} to {closes_at:%Y-%m-%d %H:%M})")
    if Wave.objects.filter(slug=slug).exists():
        raise WaveError(f"there is already a wave called {slug!r}")
    frame = frame_as_of(population, as_of)
    chosen = [u for u in frame.units if units is None or u.key in units]
    if units is not None and len(chosen) != len(set(units)):
        unknown = sorted(set(units) - {u.key for u in chosen})
        raise WaveError(f"not units of the {population} frame as of {as_of}: {', '.join(unknown)}")
    pop = Population.objects.get(slug=frame.population)
    unit_ids = dict(Unit.objects.filter(population=pop).values_list("key", "id"))
    with transaction.atomic():
        wave = Wave.objects.create(
            slug=slug,
            title=title,
            questionnaire=questionnaire,
            population=pop,
            frame_as_of=as_of,
            opens_at=opens_at,
            closes_at=closes_at,
            kind=kind,
        )
        WaveUnit.objects.bulk_create(
            [_wave_unit(wave, unit_ids[u.key], u.name) for u in chosen],
            batch_size=1000,
        )
    return wave


def _wave_unit(wave: Wave, unit_id: int | None, name: str) -> WaveUnit:
    code = new_code()
    return WaveUnit(wave=wave, unit_id=unit_id, name=name, code_digest=digest(code), code_sealed=seal(code))


def add_preview_unit(wave: Wave, label: str = "Preview") -> tuple[WaveUnit, str]:
    """A unit of no population in a preview wave, with its code: each preview starts afresh."""
    code = new_code()
    unit = WaveUnit.objects.create(wave=wave, unit=None, name=label, code_digest=digest(code), code_sealed=seal(code))
    return unit, code


def wave_by_slug(slug: str) -> Wave:
    """The wave called `slug`, or WaveError naming the waves there are."""
    wave = Wave.objects.filter(slug=slug).select_related("questionnaire").first()
    if wave is None:
        known = ", ".join(Wave.objects.exclude(kind=Wave.PREVIEW).values_list("slug", flat=True)) or "none yet"
        raise WaveError(f"no wave called {slug!r} (waves: {known})")
    return wave


def unit_codes(wave: Wave) -> list[UnitCode]:
    """Every unit of the wave with its code in the clear, by name (erased codes are gone for good)."""
    rows = wave.units.select_related("unit").exclude(code_digest__startswith=ERASED_DIGEST_PREFIX).order_by("name")
    return [UnitCode(w.unit.key if w.unit else "", w.name, unseal(w.code_sealed)) for w in rows]


def codes_csv(wave: Wave, base_url: str) -> str:
    """The mail-merge CSV: unit key, name, access code and the link that carries it."""
    buffer = io.StringIO()
    writer = csv_writer(buffer, lineterminator="\n")
    writer.writerow(["unit_key", "unit_name", "access_code", "link"])
    for row in unit_codes(wave):
        writer.writerow([row.key, row.name, row.code, start_link(base_url, row.code)])
    return buffer.getvalue()


def start_link(base_url: str, code: str) -> str:
    """The link in an invitation: it signs the respondent in with the code."""
    return f"{base_url.rstrip('/')}/s/{code}"


def find_wave_unit(code: str) -> WaveUnit | None:
    """The wave unit a (normalised) code belongs to, if any, with its wave (as `_read_wave_unit` reads it)."""
    return _read_wave_unit("code_digest", digest(code))


def wave_unit_by_id(wave_unit_id: int) -> WaveUnit | None:
    """The wave unit of this id, if any, with its wave (as `_read_wave_unit` reads it)."""
    return _read_wave_unit("id", wave_unit_id)


def _read_wave_unit(column: str, value: object) -> WaveUnit | None:
    """A unit found by one of its unique columns, with its wave, the wave's questionnaire digest and population.

    Read by one written-out statement (the survey's start page and sign-in make it; built through the
    ORM it cost more CPU than the rest of the request) and made by `from_db` with the other fields
    deferred: a field not read is fetched if ever asked for. The questionnaire version is read
    without its text: `questionnaire_of_version` finds the parsed questionnaire by id and digest.
    """
    with prepared.cursor() as cursor:
        cursor.execute(_unit_sql(column), [value])
        row = cursor.fetchone()
    if row is None:
        return None
    unit_id, wave_id, frame_unit, name, slug, title, version, population, opens, closes, kind, sha256, *frame = row
    wave = Wave.from_db(
        None, _WAVE_FIELDS, (wave_id, slug, title, version, population, wave_time(opens), wave_time(closes), kind)
    )
    wave._state.fields_cache["questionnaire"] = QuestionnaireVersion.from_db(None, ("id", "sha256"), (version, sha256))
    kept = None if population is None else Population.from_db(None, ("id", "slug", "schema"), (population, *frame))
    wave._state.fields_cache["population"] = kept
    wave_unit = WaveUnit.from_db(None, ("id", "wave_id", "unit_id", "name"), (unit_id, wave_id, frame_unit, name))
    wave_unit._state.fields_cache["wave"] = wave
    return wave_unit


# The wave's columns `_read_wave_unit` reads, in the model's order (as `from_db` takes them).
_WAVE_FIELDS = ("id", "slug", "title", "questionnaire_id", "population_id", "opens_at", "closes_at", "kind")


@cache
def _unit_sql(column: str) -> str:
    """The statement `_read_wave_unit` runs, finding the unit by `column` (one parameter)."""
    unit, wave = WaveUnit._meta.db_table, Wave._meta.db_table
    version, population = QuestionnaireVersion._meta.db_table, Population._meta.db_table
    return (
        "SELECT u.id, u.wave_id, u.unit_id, u.name, w.slug, w.title, w.questionnaire_id, w.population_id,"
        " w.opens_at, w.closes_at, w.kind, v.sha256, p.slug, p.schema"
        f" FROM {unit} u JOIN {wave} w ON w.id = u.wave_id JOIN {version} v ON v.id = w.questionnaire_id"
        f" LEFT JOIN {population} p ON p.id = w.population_id WHERE u.{column} = %s"
    )


def wave_time(when: object) -> datetime:
    """A wave's time read by a written-out statement, as the ORM gives it: by the database's own converters
    (SQLite returns the stored UTC text, PostgreSQL an aware datetime)."""
    column = Wave._meta.get_field("opens_at").get_col(Wave._meta.db_table)
    for convert in connection.ops.get_db_converters(column):
        when = convert(when, column, connection)
    return when


def unit_noun(wave: Wave) -> UnitNoun:
    """What a unit of the wave is called in the wording respondents see ("your forum's access code").

    The one place respondent and report wording take their noun from: the questionnaire's
    `settings: unit:` where it differs from the population's, else the wave's population's (a
    preview wave, of no population, says "organisation").
    """
    own = questionnaire_of(wave.questionnaire).settings.unit
    if own is not None:
        return UnitNoun(own.noun, own.plural)
    if wave.population_id is None:
        return UnitNoun()
    return stored_schema(wave.population).unit


def start_page_noun(wave: Wave | None, now: datetime) -> UnitNoun:
    """The noun of the survey's start page: the invited unit's wave's; before a code says which wave
    it is, the open waves' noun when they share one, else the neutral "organisation"."""
    if wave is not None:
        return unit_noun(wave)
    open_waves = Wave.objects.exclude(kind=Wave.PREVIEW).filter(opens_at__lte=now, closes_at__gt=now)
    nouns = {unit_noun(w) for w in open_waves.select_related("population")}
    return nouns.pop() if len(nouns) == 1 else UnitNoun()
