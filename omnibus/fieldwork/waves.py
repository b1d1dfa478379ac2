"""Create waves and give each of their units an access code."""

from __future__ import annotations

import io
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction

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
    """The wave unit a (normalised) code belongs to, if any."""
    return WaveUnit.objects.select_related("wave", "wave__questionnaire").filter(code_digest=digest(code)).first()


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
