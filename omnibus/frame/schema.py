"""Population schemas: which columns a frame file has and what each column may hold.

A population (all upper-tier LAs in England, all state schools, ...) declares its schema in a
YAML file: the key column (a stable identifier), the name column, code columns with a pattern
each, and attributes of a kind (category, number, text, band), and its response profile: the
attributes Table 3 compares respondents on, written as an analysis spec's breakdowns. Pure
Python: no Django import, so the same checks run in a notebook.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from omnibus.analysis.spec import Breakdown, SpecError, parse_breakdowns
from omnibus.questionnaire import textfile

POPULATIONS_DIR = Path(__file__).resolve().parent / "populations"
KINDS = ("text", "code", "category", "number", "band")
# Plain decimals only: "1,234", "1e5" or "n/a" in a frame file are mistakes to report, not guess.
NUMBER_RE = re.compile(r"^-?\d+(\.\d+)?$")


class SchemaError(Exception):
    """A population schema is missing or malformed."""


@dataclass(frozen=True)
class UnitNoun:
    """What one unit of the population is called in wording that respondents and readers see."""

    singular: str = "organisation"  # "local authority", "parent carer forum", "school"
    plural: str = "organisations"

    @property
    def with_article(self) -> str:
        """The noun after "a" or "an": "an organisation", "a local authority"."""
        article = "an" if self.singular[:1].lower() in "aeiou" else "a"
        return f"{article} {self.singular}"


@dataclass(frozen=True)
class Attribution:
    """How a quote is attributed: rungs of attributes, finest first, each used only where enough
    responding units share its values that the attribution cannot point to one."""

    ladder: tuple[tuple[str, ...], ...] = ()
    min_group: int = 3


@dataclass(frozen=True)
class Band:
    """One band of a banded number: `low` <= value < `high` (None means unbounded)."""

    label: str
    low: Decimal | None = None
    high: Decimal | None = None

    def contains(self, number: Decimal) -> bool:
        """True when the number falls in this band."""
        return (self.low is None or number >= self.low) and (self.high is None or number < self.high)


@dataclass(frozen=True)
class FrameColumn:
    """A column of a frame file: its role (key, name, code, attribute), kind and rules."""

    name: str
    role: str
    kind: str
    label: str = ""
    optional: bool = False
    pattern: re.Pattern[str] | None = None
    values: tuple[str, ...] = ()
    of: str | None = None
    bands: tuple[Band, ...] = ()

    def allowed(self) -> tuple[str, ...]:
        """The values a category or band column accepts."""
        return tuple(b.label for b in self.bands) if self.kind == "band" else self.values

    def clean(self, text: str) -> str:
        """Return the canonical text of a non-blank value, or raise ValueError saying why not."""
        if self.kind == "number":
            if not NUMBER_RE.match(text):
                raise ValueError(f"{text!r} is not a number")
            return text
        if self.kind in ("category", "band"):
            # Case and spacing slips ("good", "London  borough") are fixed, not reported.
            folded = {" ".join(v.split()).casefold(): v for v in self.allowed()}
            canonical = folded.get(" ".join(text.split()).casefold())
            if canonical is None:
                raise ValueError(f"{text!r} is not one of: {', '.join(self.allowed())}")
            return canonical
        if self.pattern is not None and not self.pattern.search(text):
            raise ValueError(f"{text!r} does not match the pattern {self.pattern.pattern}")
        return text

    def typed(self, text: str | None) -> Any:
        """The Python value of stored text: int or float for numbers, None for blank."""
        if text is None or text == "":
            return None
        if self.kind == "number":
            return int(text) if "." not in text else float(text)
        return text

    def band_for(self, number: Decimal) -> str | None:
        """The label of the band holding the number, or None if no band does."""
        return next((b.label for b in self.bands if b.contains(number)), None)


@dataclass(frozen=True)
class PopulationSchema:
    """A population's declared frame layout; `columns` is in file order (codes, name, attributes)."""

    slug: str
    title: str
    key: str
    name: str
    columns: tuple[FrameColumn, ...]
    source: dict[str, Any] = field(default_factory=dict, compare=False)
    # Table 3's breakdowns (the live wave page and the report's Appendix 1): `profile:` in the YAML.
    profile: tuple[Breakdown, ...] = ()
    unit: UnitNoun = UnitNoun()
    # Codes a context file may be keyed by (the key among them), in the order they are tried.
    join_codes: tuple[str, ...] = ()
    # The tab book's and report's banner when a spec names none: profile entries, in order.
    breakdowns: tuple[Breakdown, ...] = ()
    attribution: Attribution = Attribution()
    # Attributes a client copy of the data may keep (each must be coarse enough not to name a unit).
    client_attributes: tuple[str, ...] = ()
    # Frame columns a message may merge as {column}, besides the unit's name and survey fields.
    merge_fields: tuple[str, ...] = ()

    def column(self, name: str) -> FrameColumn | None:
        """The column with this name, or None."""
        return next((c for c in self.columns if c.name == name), None)

    @property
    def column_names(self) -> list[str]:
        """All column names, in file order."""
        return [c.name for c in self.columns]

    @property
    def column_labels(self) -> list[str]:
        """All columns' labels for people (a column without one: its name), in file order."""
        return [c.label or c.name for c in self.columns]

    @property
    def code_names(self) -> list[str]:
        """The code columns (the key among them)."""
        return [c.name for c in self.columns if c.role in ("key", "code")]

    @property
    def attribute_names(self) -> list[str]:
        """The attribute columns, in declared order."""
        return [c.name for c in self.columns if c.role == "attribute"]

    def unknown_attributes(self, names: list[str] | tuple[str, ...]) -> list[str]:
        """Those of `names` that are not attributes of this population (for a command line's checks)."""
        known = set(self.attribute_names)
        return [n for n in names if n not in known]

    @property
    def value_names(self) -> list[str]:
        """Columns stored as dated values: everything but the key, which identifies the unit."""
        return [c.name for c in self.columns if c.role != "key"]


def load_population(ref: str) -> PopulationSchema:
    """Load a population schema by slug (a file in omnibus/frame/populations) or YAML path."""
    path = Path(ref) if ref.endswith((".yaml", ".yml")) else POPULATIONS_DIR / f"{ref}.yaml"
    if not path.is_file():
        known = ", ".join(available_populations()) or "none"
        raise SchemaError(f"unknown population {ref!r} (known: {known})")
    try:
        data = textfile.load_yaml(textfile.read_text(path, textfile.SPEC_BYTES))
    except textfile.TextFileError as error:
        raise SchemaError(error.located(path.name)) from None
    return schema_from_dict(data, path.name)


def available_populations() -> list[str]:
    """Slugs of the populations shipped with Omnibus."""
    return sorted(p.stem for p in POPULATIONS_DIR.glob("*.yaml"))


def schema_from_dict(data: Any, source: str = "schema") -> PopulationSchema:
    """Build and check a schema from its YAML mapping; raise SchemaError naming the problem."""
    if not isinstance(data, dict):
        raise SchemaError(f"{source}: expected a mapping at the top level")
    for required in ("slug", "title", "key", "name"):
        if not isinstance(data.get(required), str) or not data[required]:
            raise SchemaError(f"{source}: {required!r} is required and must be text")
    codes = _mapping(data.get("codes", {}), source, "codes")
    attributes = _mapping(data.get("attributes", {}), source, "attributes")
    if data["key"] not in codes:
        raise SchemaError(f"{source}: key {data['key']!r} must be one of the codes")
    columns = [_code_column(n, spec, n == data["key"], source) for n, spec in codes.items()]
    columns.append(FrameColumn(name=data["name"], role="name", kind="text", label="Name"))
    columns += [_attribute_column(n, spec, source) for n, spec in attributes.items()]
    _check_names(columns, source)
    profile = _profile(data.get("profile"), columns, source)
    attribute_names = [c.name for c in columns if c.role == "attribute"]
    return PopulationSchema(
        slug=data["slug"],
        title=data["title"],
        key=data["key"],
        name=data["name"],
        columns=tuple(columns),
        source=data,
        profile=profile,
        unit=_unit(data.get("unit"), source),
        join_codes=_names(data.get("join_codes", list(codes)), list(codes), source, "join_codes", "a code"),
        breakdowns=_breakdowns(data.get("breakdowns"), profile, source),
        attribution=_attribution(data.get("attribution"), attribute_names, source),
        client_attributes=_names(data.get("client_attributes", []), attribute_names, source, "client_attributes"),
        merge_fields=_names(data.get("merge_fields", []), attribute_names + list(codes), source, "merge_fields"),
    )


def _unit(raw: Any, source: str) -> UnitNoun:
    """The unit noun: `unit: {noun: parent carer forum, plural: parent carer forums}`."""
    if raw is None:
        return UnitNoun()
    if not isinstance(raw, dict) or not isinstance(raw.get("noun"), str) or not raw["noun"].strip():
        raise SchemaError(f"{source}: 'unit' needs a 'noun' (for example: noun: local authority)")
    noun = " ".join(raw["noun"].split())
    plural = raw.get("plural", noun + "s")
    if not isinstance(plural, str) or not plural.strip():
        raise SchemaError(f"{source}: unit 'plural' must be text")
    return UnitNoun(singular=noun, plural=" ".join(plural.split()))


def _names(raw: Any, allowed: list[str], source: str, what: str, kind: str = "an attribute") -> tuple[str, ...]:
    """A list of column names, each one the population declares."""
    if not isinstance(raw, list) or not all(isinstance(n, str) for n in raw):
        raise SchemaError(f"{source}: {what!r} must be a list of column names")
    for name in raw:
        if name not in allowed:
            known = ", ".join(allowed) or "none"
            raise SchemaError(f"{source}: {what}: {name!r} is not {kind} of the population (known: {known})")
    return tuple(raw)


def _breakdowns(raw: Any, profile: tuple[Breakdown, ...], source: str) -> tuple[Breakdown, ...]:
    """The default banner: named profile entries (all of them when absent)."""
    if raw is None:
        return profile
    by_name = {b.name: b for b in profile}
    names = _names(raw, list(by_name), source, "breakdowns", "a profile entry")
    return tuple(by_name[n] for n in names)


def _attribution(raw: Any, attributes: list[str], source: str) -> Attribution:
    """`attribution: {min_group: 3, ladder: [[type, region], [type]]}`."""
    if raw is None:
        return Attribution()
    if not isinstance(raw, dict) or not isinstance(raw.get("ladder"), list):
        raise SchemaError(f"{source}: 'attribution' needs a 'ladder': a list of lists of attributes, finest first")
    ladder = tuple(_names(rung, attributes, source, "attribution ladder") for rung in raw["ladder"])
    if any(not rung for rung in ladder):
        raise SchemaError(f"{source}: attribution ladder: a rung names no attribute")
    min_group = raw.get("min_group", 3)
    if not isinstance(min_group, int) or isinstance(min_group, bool) or min_group < 2:
        raise SchemaError(f"{source}: attribution min_group must be a whole number of at least 2")
    return Attribution(ladder=ladder, min_group=min_group)


def _profile(raw: Any, columns: list[FrameColumn], source: str) -> tuple[Breakdown, ...]:
    """The response profile's breakdowns, each reading an attribute of the population."""
    try:
        breakdowns = parse_breakdowns(raw, f"{source}: profile")
    except SpecError as exc:
        raise SchemaError(str(exc)) from exc
    attributes = {c.name: c for c in columns if c.role == "attribute"}
    for breakdown in breakdowns:
        if breakdown.of not in attributes:
            raise SchemaError(f"{source}: profile {breakdown.name!r}: {breakdown.of!r} is not an attribute")
    return tuple(_in_declared_order(b, attributes[b.of]) for b in breakdowns)


def _in_declared_order(breakdown: Breakdown, column: FrameColumn) -> Breakdown:
    """A breakdown of a category's values in the order the population declares them (grades, not A to Z)."""
    if breakdown.groups or breakdown.bands or not column.allowed():
        return breakdown
    return replace(breakdown, groups={value: (value,) for value in column.allowed()})


def _mapping(value: Any, source: str, what: str) -> dict[str, dict[str, Any]]:
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        raise SchemaError(f"{source}: {what!r} must map column names to settings")
    return value


def _code_column(name: str, spec: dict[str, Any], is_key: bool, source: str) -> FrameColumn:
    pattern = _pattern(spec.get("pattern"), source, name)
    return FrameColumn(
        name=name,
        role="key" if is_key else "code",
        kind="code",
        label=str(spec.get("label", name)),
        optional=bool(spec.get("optional", False)) and not is_key,
        pattern=pattern,
    )


def _attribute_column(name: str, spec: dict[str, Any], source: str) -> FrameColumn:
    kind = spec.get("kind", "text")
    if kind not in KINDS or kind == "code":
        raise SchemaError(f"{source}: attribute {name!r}: unknown kind {kind!r}")
    values = tuple(str(v) for v in spec.get("values", ()))
    if kind == "category" and not values:
        raise SchemaError(f"{source}: attribute {name!r}: a category needs 'values'")
    bands = tuple(_band(b, source, name) for b in spec.get("bands", ())) if kind == "band" else ()
    if kind == "band" and not bands:
        raise SchemaError(f"{source}: attribute {name!r}: a band needs 'bands'")
    return FrameColumn(
        name=name,
        role="attribute",
        kind=kind,
        label=str(spec.get("label", name)),
        optional=bool(spec.get("optional", False)),
        pattern=_pattern(spec.get("pattern"), source, name),
        values=values,
        of=spec.get("of"),
        bands=bands,
    )


def _band(spec: Any, source: str, name: str) -> Band:
    if not isinstance(spec, dict) or "label" not in spec:
        raise SchemaError(f"{source}: attribute {name!r}: each band needs a label")
    try:
        low = Decimal(str(spec["from"])) if spec.get("from") is not None else None
        high = Decimal(str(spec["to"])) if spec.get("to") is not None else None
    except InvalidOperation as exc:
        raise SchemaError(f"{source}: attribute {name!r}: band bounds must be numbers") from exc
    return Band(label=str(spec["label"]), low=low, high=high)


def _pattern(text: Any, source: str, name: str) -> re.Pattern[str] | None:
    if text is None:
        return None
    try:
        return re.compile(str(text))
    except re.error as exc:
        raise SchemaError(f"{source}: column {name!r}: bad pattern: {exc}") from exc


def _check_names(columns: list[FrameColumn], source: str) -> None:
    seen: set[str] = set()
    for column in columns:
        if column.name in seen:
            raise SchemaError(f"{source}: column {column.name!r} is declared twice")
        seen.add(column.name)
    for column in columns:
        of = column.of and next((c for c in columns if c.name == column.of), None)
        if column.kind == "band" and column.of and (not of or of.kind != "number"):
            raise SchemaError(f"{source}: band {column.name!r}: 'of' must name a number column")
