"""The analysis spec: a small YAML file saying how a wave is tabulated (docs/statistics.md).

For example, the CSO's (its breakdowns and raking margins are attributes of the england-la
population; without `breakdowns:` the population's default banner is used):

```yaml
conventions: seed            # or gss
decimals: 0
low_base: 50
min_base_percent: 5          # a percentage of a smaller base is not shown (the suppressed symbol)
min_base_letters: 10         # no significance test (no letter) for a column with a smaller base
confidence: 0.95
inference: process           # or finite: tests about the process behind the units, or these N units
fdr: table                   # Benjamini-Hochberg family (the default): table (each table's tests),
                             # waves (every wave comparison) or none
missing_in_base: false       # the one switch: "Don't know" and other `missing:` codes in bases or not
cosmetic: [SWoff]            # wording changes between waves that do not stop a comparison
breakdowns:                  # banner columns, from frame attributes
  type:
    label: Authority type
    groups: {County: [county], Unitary: [unitary, metropolitan district, London borough]}
  region_group: {label: Region}
  fsm_band:
    label: Pupils eligible for FSM (%)
    of: fsm_pct
    bands: {"0-20": [0, 20], "20-30": [20, 30], "30+": [30, null]}
nets:
  ConfUnd: {"Very or fairly confident": [1, 2]}
keep_missing: [SWoff]        # keep "Don't know" (a `missing:` code) in these bases
drop_missing: [ConfUnd]      # leave it out of these, when missing_in_base is true
exclude: {SWavail: [7]}      # drop further codes from a base
numeric:
  outliers: {rule: iqr, k: 3}          # default for every numeric item; rule: none to keep all
  items: {HLEspend1516: {outliers: {rule: none}}}
ratios:
  HLEcost1718: {label: Spend per child reached 2017-18, numerator: HLEspend1718, denominator: HLEreach1718}
weighting: {rake: [type, region_group]}
```
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from omnibus.analysis.conventions import Conventions, conventions
from omnibus.analysis.yaml_lines import item_lines, line_of, read_with_lines
from omnibus.questionnaire import textfile
from omnibus.questionnaire.model import Question, Questionnaire

TOP_KEYS = {
    "conventions",
    "decimals",
    "low_base",
    "min_base_percent",
    "min_base_letters",
    "confidence",
    "inference",
    "fdr",
    "missing_in_base",
    "cosmetic",
    "breakdowns",
    "nets",
    "keep_missing",
    "drop_missing",
    "exclude",
    "numeric",
    "ratios",
    "weighting",
}
INFERENCE = ("process", "finite")
# The Benjamini-Hochberg family: each table's tests, every wave comparison of the book, or no control.
FAMILIES = ("table", "waves", "none")


class SpecError(ValueError):
    """A problem in an analysis spec, named by its key."""


@dataclass(frozen=True)
class Breakdown:
    """A banner group: a frame attribute, perhaps with values grouped or a number banded."""

    name: str
    label: str
    of: str  # the frame attribute read (without `frame_`)
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)  # shown label -> frame values
    bands: dict[str, tuple[float | None, float | None]] = field(default_factory=dict)  # [from, to)
    # The response profile's row for units with no value ("No rating available"); empty: they are left out.
    no_value: str = ""


@dataclass(frozen=True)
class OutlierRule:
    """Which values a mean leaves out: beyond Q3 + k×IQR (and below Q1 − k×IQR), or none."""

    rule: str = "iqr"  # "iqr" or "none"
    k: float = 3.0

    def describe(self) -> str:
        """The footnote wording of the rule."""
        if self.rule == "none":
            return "no values excluded"
        return f"values more than {self.k:g} times the interquartile range beyond the quartiles"


@dataclass(frozen=True)
class Ratio:
    """A ratio of sums over units answering both: spend per child reached."""

    name: str
    label: str
    numerator: str
    denominator: str


@dataclass
class AnalysisSpec:
    """Everything that decides how a wave is tabulated, beyond the questionnaire itself."""

    conventions: Conventions = field(default_factory=lambda: conventions("seed"))
    confidence: float = 0.95
    # "process": is a difference more than noise (no finite population correction); "finite": do these N units differ.
    inference: str = "process"
    fdr: str = "table"  # the multiple-comparison family: "table", "waves" or "none"
    missing_in_base: bool = False  # "Don't know" (a `missing:` code) stays in bases
    cosmetic: set[str] = field(default_factory=set)  # questions whose wording change does not stop a comparison
    breakdowns: list[Breakdown] = field(default_factory=list)
    # Whether the file has a `breakdowns:` key; without one, the tab book and report take the
    # population's default banner (`with_banner`). `breakdowns: {}` asks for the total alone.
    names_breakdowns: bool = False
    nets: dict[str, dict[str, tuple[int, ...]]] = field(default_factory=dict)  # question or item id -> nets
    keep_missing: set[str] = field(default_factory=set)
    drop_missing: set[str] = field(default_factory=set)
    exclude: dict[str, tuple[int, ...]] = field(default_factory=dict)
    outliers: OutlierRule = field(default_factory=OutlierRule)
    item_outliers: dict[str, OutlierRule] = field(default_factory=dict)
    ratios: list[Ratio] = field(default_factory=list)
    rake: list[str] = field(default_factory=list)  # frame attributes (or breakdown names) to rake to
    source: str = "<spec>"
    lines: dict[str, int] = field(default_factory=dict)  # "nets.ConfUnd", "keep_missing.SWoff" … -> line

    @property
    def finite(self) -> bool:
        """Whether tests are about the N units themselves (with the finite population correction)."""
        return self.inference == "finite"

    def missing_kept(self, name: str, question_id: str) -> bool:
        """Whether "Don't know" (a `missing:` code) stays in this variable's base: the switch, then overrides."""
        if name in self.drop_missing or question_id in self.drop_missing:
            return False
        return self.missing_in_base or name in self.keep_missing or question_id in self.keep_missing

    def where(self, key: str) -> str:
        """FILE:LINE of a key of the spec ("nets.ConfUnd")."""
        return f"{self.source}:{self.lines.get(key, self.lines.get(key.split('.')[0], 1))}"

    def outlier_rule(self, name: str) -> OutlierRule:
        """The outlier rule for a numeric item."""
        return self.item_outliers.get(name, self.outliers)

    def nets_for(self, name: str, question_id: str) -> dict[str, tuple[int, ...]]:
        """The nets of a variable: its own (an item) after its question's (a grid applies them to each item)."""
        return {**self.nets.get(question_id, {}), **(self.nets.get(name, {}) if name != question_id else {})}


def load_spec(path: str | Path, questionnaire: Questionnaire | None = None) -> AnalysisSpec:
    """Read an analysis spec file; with a questionnaire, every name in it is checked (`check_spec`)."""
    try:
        raw = read_with_lines(path)
    except OSError as error:
        raise SpecError(f"{path}: cannot read: {error.strerror or error}") from None
    except textfile.TextFileError as error:
        raise SpecError(error.located(path)) from None
    spec = parse_spec(raw if raw is not None else {}, str(path))
    if questionnaire is not None:
        check_spec(spec, questionnaire)
    return spec


def parse_spec(raw: dict, source: str = "<spec>") -> AnalysisSpec:
    """An `AnalysisSpec` from already-parsed YAML; unknown keys are errors, not silently ignored."""
    if not isinstance(raw, dict):
        raise SpecError(f"{source}:1: the spec must be a mapping")
    for key in raw:
        if key not in TOP_KEYS:
            raise SpecError(f"{source}:{line_of(raw, key)}: unknown key {key}; known: {', '.join(sorted(TOP_KEYS))}")
    minimums = {k: _whole(raw, k, source) for k in ("min_base_percent", "min_base_letters") if k in raw}
    style = conventions(
        str(raw.get("conventions", "seed")), int(raw.get("decimals", 0)), int(raw.get("low_base", 50)), **minimums
    )
    numeric = raw.get("numeric") or {}
    return AnalysisSpec(
        conventions=style,
        confidence=float(raw.get("confidence", 0.95)),
        inference=_choice(raw, "inference", INFERENCE, source),
        fdr=_family(raw, source),
        missing_in_base=bool(raw.get("missing_in_base", False)),
        cosmetic=set(raw.get("cosmetic") or []),
        breakdowns=parse_breakdowns(raw.get("breakdowns"), source),
        names_breakdowns="breakdowns" in raw,
        nets={
            q: {label: _codes(codes, f"{source}: nets.{q}") for label, codes in nets.items()}
            for q, nets in (raw.get("nets") or {}).items()
        },
        keep_missing=set(raw.get("keep_missing") or []),
        drop_missing=set(raw.get("drop_missing") or []),
        exclude={q: _codes(codes, f"{source}: exclude.{q}") for q, codes in (raw.get("exclude") or {}).items()},
        outliers=_outlier(numeric.get("outliers"), f"{source}: numeric.outliers"),
        item_outliers={
            name: _outlier((value or {}).get("outliers"), f"{source}: numeric.items.{name}")
            for name, value in (numeric.get("items") or {}).items()
        },
        ratios=[_ratio(name, value, source) for name, value in (raw.get("ratios") or {}).items()],
        rake=list((raw.get("weighting") or {}).get("rake") or []),
        source=source,
        lines=_lines(raw),
    )


def _whole(raw: dict, key: str, source: str) -> int:
    value = raw.get(key)
    if not isinstance(value, int) or value < 0:
        raise SpecError(f"{source}:{line_of(raw, key)}: {key}: expected a whole number of units, such as 10")
    return value


def _choice(raw: dict, key: str, choices: tuple[str, ...], source: str) -> str:
    """The value of `key`, one of `choices`; the first is the default."""
    value = str(raw.get(key, choices[0]))
    if value not in choices:
        raise SpecError(f"{source}:{line_of(raw, key)}: {key}: {value!r} is not one of {', '.join(choices)}")
    return value


def _family(raw: dict, source: str) -> str:
    """The `fdr:` family; true and false, as earlier specs wrote it, mean every wave comparison and none."""
    value = raw.get("fdr", FAMILIES[0])
    if isinstance(value, bool):
        return "waves" if value else "none"
    return _choice(raw, "fdr", FAMILIES, source)


def _lines(raw: dict) -> dict[str, int]:
    """The line of every name the checker may complain about, keyed "section.name"."""
    lines = {key: line_of(raw, key) for key in raw}
    for key in ("nets", "exclude", "breakdowns", "ratios"):
        lines.update({f"{key}.{name}": line_of(raw.get(key), name) for name in raw.get(key) or {}})
    numeric_items = (raw.get("numeric") or {}).get("items") or {}
    lines.update({f"numeric.items.{name}": line_of(numeric_items, name) for name in numeric_items})
    for key in ("keep_missing", "drop_missing", "cosmetic"):
        names = raw.get(key) or []
        lines.update({f"{key}.{name}": line for name, line in zip(names, item_lines(raw, key), strict=False)})
    return lines


def check_spec(spec: AnalysisSpec, questionnaire: Questionnaire) -> None:
    """Raise SpecError naming FILE:LINE of every name in the spec the questionnaire does not have.

    A misspelt name would otherwise be silently ignored: a net never shown, "Don't know" left in
    a base the researcher meant to take it out of.
    """
    problems: list[str] = []

    def known(key: str, name: str, what: str = "question or item") -> Question | None:
        owner = questionnaire.owner(name)
        if owner is None:
            problems.append(f"{spec.where(f'{key}.{name}')}: {key}: {name!r} is not a {what} of {questionnaire.title}")
        return owner

    for name, nets in spec.nets.items():
        if owner := known("nets", name):
            codes = {o.code for o in questionnaire.options_of(owner)}
            for label, net in nets.items():
                if wrong := [c for c in net if c not in codes]:
                    problems.append(f"{spec.where(f'nets.{name}')}: nets.{name}.{label}: {name} has no code {wrong}")
    for name, codes in spec.exclude.items():
        if owner := known("exclude", name):
            wrong = [c for c in codes if c not in {o.code for o in questionnaire.options_of(owner)}]
            if wrong:
                problems.append(f"{spec.where(f'exclude.{name}')}: exclude.{name}: {name} has no code {wrong}")
    for key in ("keep_missing", "drop_missing", "cosmetic"):
        for name in sorted(getattr(spec, key)):
            known(key, name)
    for name in spec.item_outliers:
        known("numeric.items", name, "numeric question or item")
    for r in spec.ratios:
        for name in (r.numerator, r.denominator):
            if questionnaire.owner(name) is None:
                problems.append(f"{spec.where(f'ratios.{r.name}')}: ratios.{r.name}: {name!r} is not a numeric item")
    if problems:
        raise SpecError("\n".join(problems))


def with_banner(spec: AnalysisSpec, breakdowns: Sequence[Breakdown]) -> AnalysisSpec:
    """The spec with the population's default banner (`Dataset.breakdowns`) when it names no breakdowns itself."""
    return spec if spec.names_breakdowns else replace(spec, breakdowns=list(breakdowns))


def check_breakdowns(spec: AnalysisSpec, frame_attributes: list[str]) -> None:
    """Raise SpecError naming FILE:LINE of each breakdown (or raking margin) the frame does not have."""
    has = ", ".join(frame_attributes) or "none"
    problems = [
        f"{spec.where(f'breakdowns.{b.name}')}: breakdowns.{b.name}: the frame has no attribute {b.of!r} (it has {has})"
        for b in spec.breakdowns
        if b.of not in frame_attributes
    ]
    names = {b.name for b in spec.breakdowns} | set(frame_attributes)
    problems += [
        f"{spec.where('weighting')}: weighting.rake: {name!r} is neither a breakdown nor a frame attribute"
        for name in spec.rake
        if name not in names
    ]
    if problems:
        raise SpecError("\n".join(problems))


def _codes(codes: object, where: str) -> tuple[int, ...]:
    if not isinstance(codes, list) or not all(isinstance(c, int) for c in codes):
        raise SpecError(f"{where}: expected a list of codes such as [1, 2]")
    return tuple(codes)


def _outlier(raw: object, where: str) -> OutlierRule:
    if raw is None:
        return OutlierRule()
    if not isinstance(raw, dict) or raw.get("rule", "iqr") not in ("iqr", "none"):
        raise SpecError(f"{where}: expected {{rule: iqr, k: 3}} or {{rule: none}}")
    return OutlierRule(str(raw.get("rule", "iqr")), float(raw.get("k", 3.0)))


def parse_breakdowns(raw: object, source: str = "<spec>") -> list[Breakdown]:
    """Breakdowns from their YAML mapping (name -> label, of, groups or bands, no_value), in order.

    The analysis spec's banner and a population's response profile are written the same way.
    """
    if not raw:
        return []
    if not isinstance(raw, dict):
        raise SpecError(f"{source}: breakdowns: expected a mapping of name to breakdown")
    return [_breakdown(str(name), value, source) for name, value in raw.items()]


def _breakdown(name: str, raw: object, source: str) -> Breakdown:
    raw = raw or {}
    if not isinstance(raw, dict):
        raise SpecError(f"{source}: breakdowns.{name}: expected a mapping (label, of, groups or bands)")
    groups = {str(k): tuple(str(v) for v in values) for k, values in (raw.get("groups") or {}).items()}
    bands: dict[str, tuple[float | None, float | None]] = {}
    for label, limits in (raw.get("bands") or {}).items():
        if not isinstance(limits, list) or len(limits) != 2:
            raise SpecError(f"{source}: breakdowns.{name}.bands.{label}: expected [from, to] (to may be null)")
        bands[str(label)] = (limits[0], limits[1])
    if groups and bands:
        raise SpecError(f"{source}: breakdowns.{name}: give groups or bands, not both")
    no_value = str(raw.get("no_value") or "")
    return Breakdown(name, str(raw.get("label", name)), str(raw.get("of", name)), groups, bands, no_value)


def _ratio(name: str, raw: object, source: str) -> Ratio:
    if not isinstance(raw, dict) or not {"numerator", "denominator"} <= set(raw):
        raise SpecError(f"{source}: ratios.{name}: expected numerator and denominator")
    return Ratio(name, str(raw.get("label", name)), str(raw["numerator"]), str(raw["denominator"]))
