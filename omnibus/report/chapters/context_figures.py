"""Report figures of the context: an indicator's variation and two measures against each other.

Each figure carries its chart, the numbers drawn as a real table, alt text written from the
data, the base and the notes (the exclusion rule, the test). Pure Python: no Django import.
"""

from __future__ import annotations

from dataclasses import replace

from omnibus.context.correlation import Correlation, correlate
from omnibus.context.measure import Measure
from omnibus.context.variation import AreaValue, ExclusionRule, VariationSummary, counted, describe_variation
from omnibus.frame.schema import UnitNoun
from omnibus.report.document import Chart, DataTable, Figure, Point


def variation_figure(summary: VariationSummary, unit: str = "", source: str = "") -> Figure:
    """The distribution of an indicator across units, with England, half and double marked."""
    s = summary
    plural = s.units.plural
    reference = {}
    if s.national is not None:
        reference = {
            f"England ({s.national:g})": s.national,
            f"Half of England ({s.national / 2:g})": s.national / 2,
            f"Double England ({s.national * 2:g})": s.national * 2,
        }
    axis = s.label if not unit or unit in s.label else f"{s.label} ({unit})"
    chart = Chart(
        "distribution",
        values=[a.value for a in s.values],
        reference=reference,
        unit=unit,
        x_label=axis,
        y_label=f"Number of {plural}",
    )
    notes = s.footnotes() + ([f"Source: {source}"] if source else [])
    return Figure(
        title=f"{s.label}, {s.period}: how {plural} vary",
        chart=chart,
        data=replace(variation_table(s, unit), notes=[]),  # the figure's notes say it once
        alt=describe_variation(s, unit) + f" Deciles run from {s.deciles[0]:g} to {s.deciles[-1]:g}.",
        base=f"Base: {plural} with a published value, less those the rule below leaves out (n={s.n})",
        notes=notes,
    )


def variation_table(summary: VariationSummary, unit: str = "") -> DataTable:
    """The variation summary as rows of figures."""
    s = summary

    def names(areas: list[AreaValue]) -> str:
        return ", ".join(a.name for a in areas) or "none"

    rows = [
        ["England", "-" if s.national is None else f"{s.national:g}"],
        [f"{_capitalised(s.units.plural)} summarised (n)", str(s.n)],
        ["Lowest", f"{s.minimum:g} ({names(s.lowest)})"],
        ["Highest", f"{s.maximum:g} ({names(s.highest)})"],
        ["Highest ÷ lowest", "-" if s.ratio is None else f"{s.ratio:.1f}"],
        ["At half of England or less", f"{len(s.half_or_less)} ({names(s.half_or_less)})"],
        ["At double England or more", f"{len(s.double_or_more)} ({names(s.double_or_more)})"],
    ]
    rows += [[f"{10 * (i + 1)}th percentile", f"{round(d, 1):g}"] for i, d in enumerate(s.deciles)]
    caption = f"{s.label}, {s.period}" + (f" ({unit})" if unit else "")
    return DataTable(caption, ["Measure", "Value"], rows, notes=s.footnotes())


def scatter_figure(
    x: Measure,
    y: Measure,
    label_points: bool = False,
    highlight: set[str] | None = None,
    rule: ExclusionRule | None = None,
    list_units: bool = False,
    units: UnitNoun | None = None,
) -> Figure:
    """Units by `x` and `y` with the fitted line, Pearson's r and R²; the base is the units with both.

    `rule` (default: leave out a value of 0 on either measure) is stated in the notes. The figure's
    table summarises the two measures and their relation; every unit's pair of values (to one
    decimal place) only with `list_units`, since a page of them per chart buries the report.
    """
    rule = rule if rule is not None else ExclusionRule()
    units = units or UnitNoun()
    left = {k: why for m in (x, y) for k, a in m.values.items() if (why := rule.reason(a)) is not None}
    keys = sorted(k for k in set(x.values) & set(y.values) if k not in left)
    result = correlate([x.values[k].value for k in keys], [y.values[k].value for k in keys])
    highlight = highlight or set()
    points = [Point(x.values[k].name, x.values[k].value, y.values[k].value, k in highlight) for k in keys]
    chart = Chart("scatter", points=points, x_label=x.title, y_label=y.title, unit=y.unit,
                  fit=(result.intercept, result.slope), label_points=label_points)  # fmt: skip
    only = sorted(a.name for k, a in {**x.values, **y.values}.items() if k not in keys and k not in left)
    names = {k: a.name for m in (x, y) for k, a in m.values.items()}
    excluded = sorted(f"{names[k]} ({why})" for k, why in left.items())
    notes = [result.test_note(), rule.describe(units) + (": " + ", ".join(excluded) if excluded else ".")]
    if only:
        notes.append(f"Left out for want of both values: {', '.join(only)}.")
    notes += [f"Source: {m.source}" for m in (x, y) if m.source]
    if list_units:
        rows = sorted([x.values[k].name, _one_place(x.values[k].value), _one_place(y.values[k].value)] for k in keys)
        noun = _capitalised(units.singular)
        data = DataTable(f"{y.title} and {x.title}, by {units.singular}", [noun, x.title, y.title], rows)
    else:
        data = _scatter_summary(x, y, keys, result, units)
    return Figure(
        title=f"{y.title} against {x.title}",  # each with its period
        chart=chart,
        data=data,
        alt=scatter_alt(x, y, result, units),
        base=f"Base: {units.plural} with both values (n={result.n})",
        notes=notes,
    )


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _one_place(value: float) -> str:
    return f"{value:,.1f}"


def _scatter_summary(x: Measure, y: Measure, keys: list[str], result: Correlation, units: UnitNoun) -> DataTable:
    """A scatter's numbers without a row per unit: each measure's range and median, and the fitted relation."""
    rows = [[f"{_capitalised(units.plural)} with both values (n)", str(result.n), ""]]
    for label, pick in (("Lowest", min), ("Median", _median), ("Highest", max)):
        rows.append([label, *(_one_place(pick([m.values[k].value for k in keys])) if keys else "-" for m in (x, y))])
    rows.append(["Pearson's r", f"{result.r:.2f}", ""])
    rows.append(["R²", f"{result.r_squared:.2f}", ""])
    rows.append([f"Change in {y.title} per unit of {x.title} (slope)", f"{result.slope:.2f}", ""])
    return DataTable(f"{y.title} and {x.title}: summary", ["Measure", x.title, y.title], rows)


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def scatter_alt(x: Measure, y: Measure, result: Correlation, units: UnitNoun | None = None) -> str:
    """Alt text of a scatter, written from the correlation."""
    units = units or UnitNoun()
    strength = _strength(abs(result.r))
    direction = "higher" if result.r > 0 else "lower"
    text = f"Scatter of {counted(result.n, units)}: {y.label} against {x.label}. "
    if strength == "no clear":
        return text + f"There is no clear linear relation (r = {result.r:.2f}, R² = {result.r_squared:.2f})."
    return text + (
        f"A {strength} relation: {units.plural} with a higher {x.label} tend to have a {direction} {y.label} "
        f"(r = {result.r:.2f}, R² = {result.r_squared:.2f}, so {x.label} accounts for "
        f"{100 * result.r_squared:.0f}% of the variation)."
    )


def _strength(r: float) -> str:
    if r >= 0.7:
        return "strong"
    if r >= 0.4:
        return "moderate"
    if r >= 0.2:
        return "weak"
    return "no clear"
