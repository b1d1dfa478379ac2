"""The disclosure check on a quote: does it name its unit or another, a place, a person, an email or a phone?

The frame's unit names (with their short forms: "Bristol" for "Bristol, City of", "Hull" for
"Kingston upon Hull, City of", each half of "Barking and Dagenham") and a list of English
towns and cities find places; titles and common first names find people; patterns find email
addresses, telephone numbers and postcodes. It errs towards flagging: a researcher reads each
flag, and edits the quote ("[the forum]") or, for a name or place that is not one here, sets the
flag aside. Contact details cannot be set aside: they must be edited out.

No Django: the coding app gives the frame's names in.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from functools import cache
from importlib import resources

from omnibus.frame.schema import UnitNoun

# Kinds a researcher may set aside after reading the quote; the rest must be edited out.
DISMISSIBLE = ("unit", "place", "person")

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
PHONE = re.compile(r"(?<![\w])(\+44\s?\(?0?\)?\s?|0)(\d[\s-]?){9,10}(?![\w])")
POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b")
TITLED = re.compile(r"\b(Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor|Cllr|Councillor|Sir|Dame)\.?\s+[A-Z][\w'-]+")
STREET = re.compile(
    r"\b[A-Z][\w'-]+(\s[A-Z][\w'-]+)?\s(Road|Street|Lane|Avenue|Close|Drive|Crescent|Square|Hospital|Academy|"
    r"Primary School|School|Children's Centre|Family Centre|Estate)\b"
)


@dataclass(frozen=True)
class Flag:
    """Something in a quote that could identify: its kind, the words, and what to do."""

    kind: str  # unit (a unit of the frame), place, person, email, phone, postcode
    text: str
    message: str

    def as_dict(self) -> dict[str, str]:
        """For storing with the quote."""
        return asdict(self)


def check_quote(text: str, unit_names: list[str], unit: UnitNoun | None = None) -> list[Flag]:
    """Everything in `text` that could point to a unit of the frame, a place or a person, in order of appearance."""
    unit = unit or UnitNoun()
    found: list[tuple[int, Flag]] = []
    for pattern, kind, message in (
        (EMAIL, "email", "an email address: remove it"),
        (PHONE, "phone", "a telephone number: remove it"),
        (POSTCODE, "postcode", "a postcode: remove it"),
    ):
        found += [(m.start(), Flag(kind, m.group(0), message)) for m in pattern.finditer(text)]
    taken = [range(start, start + len(f.text)) for start, f in found]
    for name, full in _name_forms(tuple(unit_names)).items():
        for m in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text):
            if not any(m.start() in span for span in taken):
                found.append((m.start(), Flag("unit", m.group(0), f"names {unit.with_article} ({full})")))
                taken.append(range(m.start(), m.end()))
    for place in _places():
        for m in re.finditer(rf"(?<![\w-]){re.escape(place)}(?![\w-])", text):
            if not any(m.start() in span for span in taken):
                found.append((m.start(), Flag("place", m.group(0), "names a place")))
    for m in STREET.finditer(text):
        if not any(m.start() in span for span in taken):
            found.append((m.start(), Flag("place", m.group(0), "names a street, school or building")))
    found += [(m.start(), Flag("person", m.group(0), "names a person")) for m in TITLED.finditer(text)]
    found += _first_names(text)
    return [flag for _, flag in sorted(found, key=lambda pair: pair[0])]


def blocking(flags: list[dict], dismissed: list[str]) -> list[dict]:
    """The stored flags that still stop a quote being used: contact details, and names not set aside."""
    return [f for f in flags if f["kind"] not in DISMISSIBLE or f["text"] not in dismissed]


def _first_names(text: str) -> list[tuple[int, Flag]]:
    """A common first name written with a capital, not at the start of a sentence (where any word has one)."""
    names = _given_names()
    found = []
    for m in re.finditer(r"\b[A-Z][a-z]+\b", text):
        if m.group(0) in names and not _sentence_start(text, m.start()):
            found.append((m.start(), Flag("person", m.group(0), "may name a person")))
    return found


def _sentence_start(text: str, at: int) -> bool:
    before = text[:at].rstrip(" \"'‘“(")
    return not before or before[-1] in ".!?:;\n"


@cache
def _name_forms(unit_names: tuple[str, ...]) -> dict[str, str]:
    """Each way a unit's name may be written in a sentence -> its frame name."""
    forms: dict[str, str] = {}
    for full in unit_names:
        base = full.split(",")[0].strip()  # "Bristol, City of" -> "Bristol"
        candidates = {full, base}
        if " upon " in base:
            candidates.add(base.split(" upon ")[-1])  # "Kingston upon Hull" -> "Hull"
        if " and " in base:
            candidates.update(part.strip() for part in base.split(" and "))  # "Barking", "Dagenham"
        for form in candidates:
            if len(form) >= 4:
                forms.setdefault(form, full)
    # Longest first, so "North East Lincolnshire" is found before "Lincolnshire" inside it.
    return dict(sorted(forms.items(), key=lambda pair: -len(pair[0])))


@cache
def _places() -> tuple[str, ...]:
    return _word_list("places.txt")


@cache
def _given_names() -> frozenset[str]:
    return frozenset(_word_list("given_names.txt"))


def _word_list(name: str) -> tuple[str, ...]:
    text = resources.files("omnibus.coding").joinpath(name).read_text(encoding="utf-8")
    words = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return tuple(sorted(words, key=len, reverse=True))
