"""The analysis spec: a small YAML file saying how a wave is tabulated (docs/statistics.md).

```yaml
conventions: seed            # or gss
decimals: 0
low_base: 50
confidence: 0.95
fdr: false                   # Benjamini-Hochberg across the tab book's tests
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

from dataclasses import dataclass, field
from pathlib import Path

from omnibus.analysis.conventions import Conventions, conventions
from omnibus.questionnaire import textfile

TOP_KEYS = {
    "conventions",
    "decimals",
    "low_base",
    "confidence",
    "fdr",
    "breakdowns",
    "nets",
    "keep_missing",
    "exclude",
    "numeric",
    "ratios",
    "weighting",
}


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
    fdr: bool = False
    breakdowns: list[Breakdown] = field(default_factory=list)
    nets: dict[str, dict[str, tuple[int, ...]]] = field(default_factory=dict)  # question or item id -> nets
    keep_missing: set[str] = field(default_factory=set)
    exclude: dict[str, tuple[int, ...]] = field(default_factory=dict)
    outliers: OutlierRule = field(default_factory=OutlierRule)
    item_outliers: dict[str, OutlierRule] = field(default_factory=dict)
    ratios: list[Ratio] = field(default_factory=list)
    rake: list[str] = field(default_factory=list)  # frame attributes (or breakdown names) to rake to

    def outlier_rule(self, name: str) -> OutlierRule:
        """The outlier rule for a numeric item."""
        return self.item_outliers.get(name, self.outliers)

    def nets_for(self, name: str, question_id: str) -> dict[str, tuple[int, ...]]:
        """The nets of a variable: its own (an item) after its question's (a grid applies them to each item)."""
        return {**self.nets.get(question_id, {}), **(self.nets.get(name, {}) if name != question_id else {})}


def load_spec(path: str | Path) -> AnalysisSpec:
    """Read an analysis spec file."""
    try:
        raw = textfile.load_yaml(textfile.read_text(path, textfile.SPEC_BYTES))
    except OSError as error:
        raise SpecError(f"{path}: cannot read: {error.strerror or error}") from None
    except textfile.TextFileError as error:
        raise SpecError(error.located(path)) from None
    return parse_spec(raw or {}, str(path))


def parse_spec(raw: dict, source: str = "<spec>") -> AnalysisSpec:
    """An `AnalysisSpec` from already-parsed YAML; unknown keys are errors, not silently ignored."""
    if not isinstance(raw, dict):
        raise SpecError(f"{source}: the spec must be a mapping")
    unknown = set(raw) - TOP_KEYS
    if unknown:
        raise SpecError(f"{source}: unknown key(s) {', '.join(sorted(unknown))}; known: {', '.join(sorted(TOP_KEYS))}")
    style = conventions(str(raw.get("conventions", "seed")), int(raw.get("decimals", 0)), int(raw.get("low_base", 50)))
    numeric = raw.get("numeric") or {}
    return AnalysisSpec(
        conventions=style,
        confidence=float(raw.get("confidence", 0.95)),
        fdr=bool(raw.get("fdr", False)),
        breakdowns=parse_breakdowns(raw.get("breakdowns"), source),
        nets={
            q: {label: _codes(codes, f"{source}: nets.{q}") for label, codes in nets.items()}
            for q, nets in (raw.get("nets") or {}).items()
        },
        keep_missing=set(raw.get("keep_missing") or []),
        exclude={q: _codes(codes, f"{source}: exclude.{q}") for q, codes in (raw.get("exclude") or {}).items()},
        outliers=_outlier(numeric.get("outliers"), f"{source}: numeric.outliers"),
        item_outliers={
            name: _outlier((value or {}).get("outliers"), f"{source}: numeric.items.{name}")
            for name, value in (numeric.get("items") or {}).items()
        },
        ratios=[_ratio(name, value, source) for name, value in (raw.get("ratios") or {}).items()],
        rake=list((raw.get("weighting") or {}).get("rake") or []),
    )


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
