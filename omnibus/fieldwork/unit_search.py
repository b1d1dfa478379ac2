"""Search and filters over a wave's units: by name or code, by response, by a section's state, by frame attributes.

Which attributes can be filtered on is read from the wave's population schema (every attribute
declared as a category or a band, with its declared values), never from a list of names here.
A unit's response and its sections' states are read through `omnibus.fieldwork.progress`, in the
dataset's words (complete, partial, none). The filters arrive as a GET query, so every value is
checked against the choices offered: an unknown one is named, never a crash.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from omnibus.fieldwork.codes import normalise
from omnibus.fieldwork.models import Wave
from omnibus.fieldwork.progress import Response, UnitProgress, menu_section_ids, wave_progress
from omnibus.fieldwork.waves import find_wave_unit
from omnibus.frame.store import FrameUnit, frame_as_of, stored_schema

SEARCH_CHARS = 100  # of the search text kept: a name or a code is far shorter


@dataclass(frozen=True)
class AttributeChoice:
    """A frame attribute a researcher may filter on, with its declared values."""

    name: str
    label: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class UnitSearch:
    """What the unit list is narrowed to; empty fields narrow nothing."""

    text: str = ""
    status: str = ""  # the unit's response: complete, partial or none
    section: str = ""  # "SECTION:RESPONSE", e.g. "csc:partial"
    attributes: dict[str, str] = field(default_factory=dict)

    @property
    def narrows(self) -> bool:
        """Whether any filter or search is set."""
        return bool(self.text or self.status or self.section or self.attributes)


def attribute_choices(wave: Wave) -> list[AttributeChoice]:
    """The wave's population's category and band attributes, in declared order (none for a wave without one)."""
    if wave.population is None:
        return []
    schema = stored_schema(wave.population)
    return [
        AttributeChoice(c.name, c.label or c.name, c.allowed())
        for c in schema.columns
        if c.role == "attribute" and c.kind in ("category", "band")
    ]


def read_search(
    query: Mapping[str, str], menu: Mapping[str, str], choices: list[AttributeChoice]
) -> tuple[UnitSearch, dict[str, str]]:
    """The search a GET query asks for, and what is wrong with it by field (`attr_NAME` for an attribute)."""
    errors: dict[str, str] = {}
    status = query.get("status", "")
    if status and status not in Response.values:
        errors["status"] = f"{status!r} is not a response: choose one from the list"
    section = query.get("section", "")
    sid, _, response = section.partition(":")
    if section and (sid not in menu or response not in Response.values):
        errors["section"] = f"{section!r} is not a section's state: choose one from the list"
    attributes = {}
    for choice in choices:
        value = query.get(f"attr_{choice.name}", "")
        if value and value not in choice.values:
            errors[f"attr_{choice.name}"] = f"{value!r} is not a value of {choice.label}: choose one from the list"
        elif value:
            attributes[choice.name] = value
    text = " ".join(query.get("q", "").split())[:SEARCH_CHARS]
    return UnitSearch(text, status, section, attributes), errors


def matching_keys(wave: Wave, search: UnitSearch) -> set[str]:
    """The frame keys of the wave's units that the search keeps."""
    units = {pk: (key, name) for pk, key, name in wave.units.exclude(unit=None).values_list("pk", "unit__key", "name")}
    frame = _frame_units(wave)
    progress = wave_progress(wave)
    kept = {key for pk, (key, _) in units.items() if _progress_matches(progress[pk], search)}
    kept = {key for key in kept if _attributes_match(frame.get(key), search.attributes)}
    if search.text:
        kept &= _text_matches(wave, search.text, frame, units.values())
    return kept


def _frame_units(wave: Wave) -> dict[str, FrameUnit]:
    if wave.population is None:
        return {}
    return {u.key: u for u in frame_as_of(wave.population.slug, wave.frame_as_of).units}


def _progress_matches(progress: UnitProgress, search: UnitSearch) -> bool:
    if search.status and progress.response != search.status:
        return False
    if search.section:
        sid, _, response = search.section.partition(":")
        return progress.sections.get(sid) == response
    return True


def _attributes_match(unit: FrameUnit | None, wanted: dict[str, str]) -> bool:
    if not wanted:
        return True
    if unit is None:
        return False
    return all(str(unit.attributes.get(name) or "") == value for name, value in wanted.items())


def _text_matches(wave: Wave, text: str, frame: dict[str, FrameUnit], units: Iterable[tuple[str, str]]) -> set[str]:
    """Units whose name contains the text, whose key or a frame code is it, or whose access code it is."""
    folded = text.casefold()
    found = set()
    for key, name in units:
        unit = frame.get(key)
        codes = {key.casefold(), *(str(c).casefold() for c in (unit.codes.values() if unit else ()) if c)}
        if folded in name.casefold() or folded in codes:
            found.add(key)
    code = normalise(text)  # a respondent reading their access code out on the telephone
    by_code = find_wave_unit(code) if code else None
    if by_code is not None and by_code.wave_id == wave.pk and by_code.unit_id is not None:
        found.add(by_code.unit.key)
    return found


def section_choices(wave: Wave, menu: Mapping[str, str]) -> list[tuple[str, str]]:
    """Each menu section's states as (value, label) for the section filter: "csc:complete" → "… completed"."""
    return [
        (f"{sid}:{response.value}", f"{menu[sid]}: {response.label.lower()}")
        for sid in menu_section_ids(wave)
        for response in Response
    ]
