"""Tables of a wave: per question, percentages and counts against a banner, with bases and tests.

A `Table` is plain data (dataclasses of numbers and strings) that the tab book, the report
and the web all render; nothing here formats a number. Who is in a base follows the dataset's
missing codes: NOT_ASKED units were routed past the question, NOT_ANSWERED units were asked
and gave nothing, and codes marked `missing:` ("Don't know") leave the base unless the spec
keeps them. Every table says so in its base description.

Each column's figure is `variance.ratio` over the units of the column's base, so the total,
the breakdowns and earlier waves share one estimator (and one variance formula).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from omnibus.analysis import nets as netting
from omnibus.analysis.banner import Column, Partition, breakdown_partition, build_banner, total_partition
from omnibus.analysis.comparability import wording_change, wording_note
from omnibus.analysis.conventions import non_substantive
from omnibus.analysis.dataset import NOT_ANSWERED, NOT_ASKED, Dataset
from omnibus.analysis.numeric import Fences, fences, summarise
from omnibus.analysis.spec import AnalysisSpec, Ratio
from omnibus.analysis.variance import (
    Difference,
    Estimate,
    JointTally,
    Matched,
    Overlap,
    benjamini_hochberg,
    group_difference,
    joint_tally,
    kish,
    proportion,
    ratio,
    wave_difference,
)
from omnibus.questionnaire.kinds import kind_of
from omnibus.questionnaire.model import Item, Option, Question, cell_name
from omnibus.questionnaire.wording import base_description, describe

Indicator = Callable[[np.ndarray], np.ndarray]


@dataclass
class Cell:
    """One figure of a table; `value` is None where nothing can be shown (no base, or not in that wave)."""

    value: float | None  # a percentage (0-100), a mean, median…, or a count for count rows
    count: float | None = None  # percent rows: the (weighted) count; mean rows: units in the mean
    se: float | None = None  # in the unit of `value`
    low: float | None = None  # confidence interval, in the unit of `value`
    high: float | None = None
    letters: str = ""  # letters of the columns this cell is significantly higher than


@dataclass
class TableRow:
    """A row: a code, a net, an information row (not in base) or a statistic."""

    label: str
    kind: str  # percent, net, excluded, not_answered, mean, median, minimum, maximum, n, outliers, ratio
    cells: list[Cell]
    code: int | None = None
    last: bool = False  # a non-substantive answer ("None of these", "Don't know"): kept last, never ranked
    repeats: bool = False  # its tests repeat another row's: the second of a Yes/No pair, a net of one code


@dataclass
class Base:
    """A column's base: who the figures are of."""

    n: int  # units (unweighted)
    weighted: float
    effective: float  # Kish's effective base
    population: float  # N̂: the units the column describes
    low: bool  # under the low-base threshold: read with care, counts shown


@dataclass
class Test:
    """A significance test between two columns of one row; `difference` is column b − column a."""

    row: int
    a: int
    b: int
    difference: Difference
    kind: str  # "breakdown" (groups of one wave, independent) or "wave" (with the overlap covariance)


@dataclass
class Table:
    """One question (or grid item, numeric item, ratio) tabulated against the banner."""

    name: str  # variable, item or ratio name
    question: str
    section: str
    title: str
    base_description: str
    kind: str  # single, multi, grid_item, numeric, ratio
    columns: list[Column]
    bases: list[Base]
    rows: list[TableRow]
    notes: list[str] = field(default_factory=list)
    tests: list[Test] = field(default_factory=list)
    multi_response: bool = False  # percentages can sum past 100
    wording_notes: list[str] = field(default_factory=list)  # the question changed since an earlier wave: untested


@dataclass
class Prepared:
    """A wave ready to tabulate: its variables as numpy arrays, weights, units and partitions."""

    dataset: Dataset
    weights: np.ndarray
    units: np.ndarray  # each unit's number, alike in every wave once `shared_ids` has numbered them
    partitions: list[Partition]
    cache: dict[str, np.ndarray] = field(default_factory=dict)
    domains: dict[tuple[int, str, bytes], np.ndarray] = field(default_factory=dict)  # see `_cached_domains`
    matched: Matched | None = None  # an earlier wave: rows of its later wave's units and of its own in both
    later: Prepared | None = None  # an earlier wave: the wave its figures are tested against
    unweighted: bool = False  # every weight is 1

    def values(self, name: str) -> np.ndarray:
        """A variable's numbers (integers for codes, floats for amounts), missing codes kept; null counts as not asked.

        Without nulls, the dataset's own column read in place (no copy: a wave's variables are read
        for every table, and copies of them all would be most of the memory a tab book takes).
        """
        if name not in self.cache:
            # through numpy: a polars cast per variable costs more than the whole table's arithmetic
            column = self.dataset.data.get_column(name)
            if column.null_count():
                x = column.to_numpy().astype(float)  # a copy, to fill in
                x[column.is_null().to_numpy()] = NOT_ASKED
            else:
                x = column.to_numpy()
            self.cache[name] = x
        return self.cache[name]

    def has(self, name: str) -> bool:
        """Whether the wave has this variable."""
        return name in self.dataset.data.columns

    def reached(self, section: str) -> np.ndarray:
        """Units that reached a section (complete or partial)."""
        key = f"section_{section}"
        if key not in self.cache:
            data = self.dataset.data
            self.cache[key] = (
                (data.get_column(key) != "none").to_numpy() if key in data.columns else np.ones(data.height, bool)
            )
        return self.cache[key]


def prepare(
    dataset: Dataset, spec: AnalysisSpec, weights: np.ndarray | None = None, breakdowns: bool = True
) -> Prepared:
    """Read a wave once for tabulating: weights (1 when unweighted) and the banner's partitions."""
    partitions = [total_partition(dataset)]
    if breakdowns:
        partitions += [breakdown_partition(dataset, b) for b in spec.breakdowns]
    w = np.ones(dataset.data.height) if weights is None else np.asarray(weights, dtype=float)
    rows = np.arange(dataset.data.height)  # the units' numbers until `shared_ids` numbers every wave's alike
    return Prepared(dataset, w, rows, partitions, unweighted=weights is None)


def shared_ids(waves: list[Prepared], adjacent: bool = False) -> None:
    """Number the units of all waves alike (a unit keeps its number in every wave), and pair the waves tested.

    Matching integers is far faster than matching strings, and the wave covariance matches
    units for every tested row. Each earlier wave is tested against the current wave (the
    first), or with `adjacent` against the wave after it: the earlier waves come newest first,
    so the first is tested against the current wave and each other against the one before it in the list.
    """
    keys = pl.concat([p.dataset.data.get_column("unit").cast(pl.String) for p in waves])
    ids = keys.rank("dense").cast(pl.Int64).to_numpy()
    start = 0
    for p in waves:
        p.units = ids[start : start + len(p.units)]
        start += len(p.units)
    for i, p in enumerate(waves[1:], start=1):  # matched once per wave pair; every table's tests reuse it
        p.later = waves[i - 1] if adjacent else waves[0]
        _, in_later, in_other = np.intersect1d(p.later.units, p.units, assume_unique=True, return_indices=True)
        p.matched = (in_later, in_other)
        p.cache["_common"] = np.array([len(in_later)])


def wave_tables(
    dataset: Dataset,
    spec: AnalysisSpec,
    earlier: list[Dataset] | tuple[Dataset, ...] = (),
    weights: dict[str, np.ndarray] | None = None,
    adjacent: bool = False,
) -> list[Table]:
    """Every table of a wave against the banner, earlier waves as columns, tests done and lettered.

    `weights` maps a wave name to its unit weights (see `weighting.rake`), in the order of the
    dataset's rows; waves not in it are unweighted. `spec.fdr` names the family over which the
    false discovery rate is controlled (`decide_significance`). Each earlier wave is tested
    against the current wave; with `adjacent` (a trend), the earlier waves are given newest
    first and each is tested against the wave after it. A wave test's columns name its pair.
    """
    weights = weights or {}
    main = prepare(dataset, spec, weights.get(dataset.wave))
    others = [prepare(d, spec, weights.get(d.wave), breakdowns=False) for d in earlier]
    shared_ids([main, *others], adjacent)
    columns = build_banner(main.partitions, [d.wave for d in earlier], dataset.wave)
    tables: list[Table] = []
    for question in dataset.questionnaire.questions():
        tables.extend(question_tables(main, others, question, spec, columns))
    for r in spec.ratios:
        tables.append(ratio_table(main, others, r, spec, columns))
    decide_significance(tables, spec)
    return tables


def decide_significance(tables: list[Table], spec: AnalysisSpec) -> None:
    """Decide significance in the spec's family (Benjamini-Hochberg) and set the letters.

    The family is each table's tests (`fdr: table`), every wave comparison of the book (`fdr: waves`,
    breakdown tests each at the nominal level) or none. The report and the tab book both call this
    on the whole set of tables, so a difference is significant in one exactly when it is in the other.
    """
    for family in families_of_tests(tables, spec.fdr):
        benjamini_hochberg(family, 1 - spec.confidence)
    for table in tables:
        assign_letters(table)


def families_of_tests(tables: list[Table], family: str) -> list[list[Difference]]:
    """The tests controlled together, without duplicates: the second of a Yes/No pair, or a net of one code."""
    if family == "none":
        return []
    if family == "waves":
        return [[t.difference for table in tables for t in distinct_tests(table) if t.kind == "wave"]]
    return [[t.difference for t in distinct_tests(table)] for table in tables]


def distinct_tests(table: Table) -> list[Test]:
    """A table's tests, each comparison counted once: rows that repeat another row's test are left out."""
    return [t for t in table.tests if not table.rows[t.row].repeats]


def assign_letters(table: Table) -> None:
    """Put each significant difference's letter in the cell of the higher of the two columns."""
    for row in table.rows:
        for cell in row.cells:
            cell.letters = ""
    for test in table.tests:
        if not test.difference.significant:
            continue
        higher, lower = (test.b, test.a) if test.difference.difference > 0 else (test.a, test.b)
        cell = table.rows[test.row].cells[higher]
        cell.letters = "".join(sorted(cell.letters + table.columns[lower].letter))


def question_tables(
    main: Prepared, others: list[Prepared], question: Question, spec: AnalysisSpec, columns: list[Column]
) -> list[Table]:
    """The tables of one question: one for a single or multiple choice, one per grid or numeric item."""
    kind = kind_of(question)
    items: list[Item | None] = list(question.items) if kind.has_items else [None]
    if kind.multiple_rows:  # a grid of multiple choices: a multiple-response table per row
        return [multi_table(main, others, question, spec, columns, item) for item in question.items]
    if kind.column_groups:  # a two-way grid: a table per row and column group, as a grid's per item
        items = [
            Item(cell_name(i.id, c.id), f"{i.text}: {c.text}", i.ask_if)
            for i in question.items
            for c in question.columns
        ]
    if kind.multiple:
        return [multi_table(main, others, question, spec, columns)]
    if kind.coded:
        return [coded_table(main, others, question, item, spec, columns) for item in items]
    if kind.numeric:
        return [numeric_table(main, others, question, item, spec, columns) for item in items]
    return []  # open text is coded elsewhere; statements take no answer


# ---------------------------------------------------------------------------------------------
# Bases and their descriptions


def describe_base(question: Question, item: Item | None, excluded: list[Option], prepared: Prepared) -> str:
    """Who was asked (from routing), then who is left out: "…, excluding 'Don't know'"."""
    text = base_description(question, prepared.dataset.questionnaire)
    if item is not None and item.ask_if:
        text += f" and {describe(item.ask_if, prepared.dataset.questionnaire)}"
    if excluded:
        text += ", excluding " + " and ".join(f"'{o.label}'" for o in excluded)
    return text + " (units that did not answer are not in the base)"


def excluded_options(name: str, question: Question, options: list[Option], spec: AnalysisSpec) -> list[Option]:
    """Options left out of the base: `missing:` codes (unless the spec keeps them) and codes it excludes."""
    keep = spec.missing_kept(name, question.id)
    extra = set(spec.exclude.get(question.id, ())) | set(spec.exclude.get(name, ()))
    return [o for o in options if (o.missing and not keep) or o.code in extra]


@dataclass
class _ColumnBase:
    """One banner column's base for one table: which units, and the N̂ they stand for."""

    prepared: Prepared | None  # None: this wave lacks the variable
    index: np.ndarray  # row numbers of the units in the base
    population: float


def _column_bases(
    main: Prepared, others: list[Prepared], names: list[str], section: str, valid_of: Callable[[Prepared], np.ndarray]
) -> list[_ColumnBase]:
    """Each banner column's base: the main wave's partitions, then each earlier wave's total."""
    out: list[_ColumnBase] = []
    valid = valid_of(main)
    asked = _asked(main, names, section)
    packed = np.packbits(asked).tobytes()
    for i, part in enumerate(main.partitions):
        k = len(part.labels)
        populations = _cached_domains(main, (i, section, packed), asked, part.codes, k, part.population)
        for j, column in enumerate(part.members):
            out.append(_ColumnBase(main, _valid_rows(column, valid), float(populations[j])))
    for other in others:
        if not all(other.has(n) for n in names):
            out.append(_ColumnBase(None, np.empty(0, np.int64), math.nan))
            continue
        total = other.partitions[0]  # an earlier wave's one column: its total
        asked = _asked(other, names, section)
        key = (0, section, np.packbits(asked).tobytes())
        population = _cached_domains(other, key, asked, total.codes, 1, total.population)
        out.append(_ColumnBase(other, np.flatnonzero(valid_of(other)), float(population[0])))
    return out


def _valid_rows(column: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """The rows of a column (its members, in row order) that are valid."""
    if len(column) == len(valid):  # every unit (the total): the rows are 0, 1, 2, …
        return np.flatnonzero(valid)
    return column.compress(valid.take(column))  # take and compress: a few times faster than [ ]


def _asked(p: Prepared, names: list[str], section: str) -> np.ndarray:
    """Units that reached the section and were asked the question (its first variable is not NOT_ASKED)."""
    return p.reached(section) & (p.values(names[0]) != NOT_ASKED)


def _cached_domains(
    p: Prepared,
    key: tuple[int, str, bytes],
    asked: np.ndarray,
    codes: np.ndarray,
    k: int,
    population: np.ndarray | list[float],
) -> np.ndarray:
    """`_domains`, once per wave and `key`: the partition's position, the section, the units asked (packed).

    A section's questions without a condition of their own are asked of the same units, so
    most tables of a section reuse one tally.
    """
    if key not in p.domains:
        section = key[1]
        state = p.reached(section).astype(np.int64) + asked  # 0 not reached, 1 reached, 2 asked
        p.domains[key] = _domains(codes, k, state, population)
    return p.domains[key]


def _domains(codes: np.ndarray, k: int, state: np.ndarray, population: np.ndarray | list[float]) -> np.ndarray:
    """N̂ per column: the column's N times the share of its units reaching the section who were asked."""
    slots = (codes + 1) * 3 + state  # column slot 0: units in none of the columns
    tally = np.bincount(slots, minlength=3 * (k + 1)).reshape(k + 1, 3)[1:]
    r, a = tally[:, 1] + tally[:, 2], tally[:, 2]
    return np.asarray(population, float) * np.where(r > 0, a / np.maximum(r, 1), 1.0)


# ---------------------------------------------------------------------------------------------
# Rows and tests


class _Builder:
    """Collects a table's rows and tests, column by column."""

    def __init__(self, main: Prepared, others: list[Prepared], bases: list[_ColumnBase], spec: AnalysisSpec) -> None:
        self.main = main
        self.others = others
        self.bases = bases
        self.spec = spec
        self.rows: list[TableRow] = []
        self.tests: list[Test] = []
        self.untested_waves: set[int] = set()  # earlier waves whose question changed: shown, not tested
        # What every row of a column shares, worked out once per column rather than once per row.
        self.weights = [_base_weights(base) for base in bases]  # None where every weight is 1: none gathered
        sized = list(zip(bases, self.weights, strict=True))
        self.totals = [float(len(b.index)) if w is None else float(w.sum()) for b, w in sized]
        self.kish = [float(len(b.index)) if w is None else kish(w) for b, w in sized]
        # each earlier wave's column (after the current wave's banner) and the column of the wave it is tested against
        first = len(bases) - len(others)
        column_of = {id(o): first + i for i, o in enumerate(others)}
        self.pairs = [(first + i, column_of.get(id(o.later), 0)) for i, o in enumerate(others)]
        self.in_both = [_rows_in_both(bases[column], bases[later]) for column, later in self.pairs]
        self.matched: dict[int, Matched | None] = {}  # per wave pair: positions in its bases (`_matched`)
        self.tallies: dict[tuple[int, tuple[str, ...]], _Tally] = {}
        self.answers: dict[tuple[int, tuple[str, ...]], tuple[np.ndarray, np.ndarray]] = {}  # per wave and variables
        self.joints: dict[tuple[int, tuple[str, ...]], JointTally | None] = {}  # per wave pair and variables

    def proportion_row(self, label: str, kind: str, code: int | None, indicator: Indicator, names: list[str]) -> None:
        """A row of percentages: each column's weighted share of its base with `indicator` true.

        The indicator is applied to a column's distinct answers, not to its units: each column's
        answers are tallied once per table (Σw and Σw² per distinct answer) and every row of
        the table sums the tallies of the answers it counts. So does each wave test's
        covariance, from the wave pair's joint tally (`_joint`).
        """
        estimates: list[Estimate | None] = []
        counts: list[float | None] = []
        chosen_of: list[np.ndarray | None] = []
        counted: dict[int, tuple[np.ndarray, np.ndarray]] = {}  # per wave's answers: the indicator and 1 − it
        for column, base in enumerate(self.bases):
            if base.prepared is None:
                estimates.append(None)
                counts.append(None)
                chosen_of.append(None)
                continue
            tally = self._tally(column, names)
            if id(tally.answers) not in counted:  # a wave's columns share its answers: applied once
                chosen = np.asarray(indicator(tally.answers), dtype=float)
                counted[id(tally.answers)] = chosen, 1 - chosen
            chosen, rest = counted[id(tally.answers)]
            hit, hit_squares = float(chosen @ tally.weights), float(chosen @ tally.squares)
            rest_squares = float(rest @ tally.squares)
            n, population, confidence = len(base.index), self._population(base), self.spec.confidence
            estimates.append(
                proportion(
                    hit, hit_squares, rest_squares, n, self.totals[column], self.kish[column], population, confidence
                )
            )
            counts.append(hit)
            chosen_of.append(chosen)
        overlaps = [self._overlap(i, names, chosen_of) for i in range(len(self.pairs))]
        self.estimate_row(label, kind, code, estimates, 100.0, counts, overlaps)

    def _overlap(self, pair: int, names: list[str], chosen_of: list[np.ndarray | None]) -> Overlap | None:
        """A wave test's overlap sums for a row counting `chosen_of` each column's answers (None: untested)."""
        column, later = self.pairs[pair]
        earlier_chosen, later_chosen = chosen_of[column], chosen_of[later]
        if pair in self.untested_waves or earlier_chosen is None or later_chosen is None:
            return None
        joint = self._joint(pair, names)
        return joint.overlap(earlier_chosen, later_chosen) if joint is not None else None

    def _joint(self, pair: int, names: list[str]) -> JointTally | None:
        """The units in both bases of a wave pair tallied by their answers in each, once per table and variables."""
        key = (pair, tuple(names))
        if key not in self.joints:
            self.joints[key] = None
            if self.in_both[pair] is not None:
                sides = []
                for column, rows in zip(self.pairs[pair], self.in_both[pair], strict=True):
                    answers, at = self._answers(self.bases[column].prepared, names)
                    sides.append((at.take(rows), self._scaled(column, rows), len(answers)))
                self.joints[key] = joint_tally(*sides[0], *sides[1])
        return self.joints[key]

    def _scaled(self, column: int, rows: np.ndarray) -> np.ndarray | float:
        """n·w/Σw at some rows of a column's base: the weights its units' residuals are scaled by (1 unweighted)."""
        base = self.bases[column]
        if base.prepared.unweighted:
            return 1.0  # Σw = n
        return len(base.index) * base.prepared.weights.take(rows) / self.totals[column]

    def _matched(self, pair: int) -> Matched | None:
        """The units in both bases of a wave pair as positions in each base, earlier first (for means and ratios)."""
        if pair not in self.matched:
            self.matched[pair] = None
            if self.in_both[pair] is not None:
                (earlier, later), (earlier_rows, later_rows) = self.pairs[pair], self.in_both[pair]
                # both bases are a wave's valid rows, in ascending order: a row's position is a binary search
                at_earlier = np.searchsorted(self.bases[earlier].index, earlier_rows)
                self.matched[pair] = at_earlier, np.searchsorted(self.bases[later].index, later_rows)
        return self.matched[pair]

    def _tally(self, column: int, names: list[str]) -> _Tally:
        """A column's answers to `names` tallied, once per table."""
        key = (column, tuple(names))
        if key not in self.tallies:
            base = self.bases[column]
            p = base.prepared
            assert p is not None
            answers, at = self._answers(p, names)
            self.tallies[key] = _tally(answers, at.take(base.index), self.weights[column], p.unweighted)
        return self.tallies[key]

    def _answers(self, p: Prepared, names: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """A wave's distinct answers to `names` and each unit's position among them, once per table."""
        key = (id(p), tuple(names))
        if key not in self.answers:
            if len(names) == 1:
                self.answers[key] = _codes(p, names[0])
            else:
                self.answers[key] = _combinations(p, names, [self._answers(p, [n]) for n in names])
        return self.answers[key]

    def _estimate(self, base: _ColumnBase, y: np.ndarray, x: np.ndarray, proportion: bool, index=None) -> Estimate:
        p = base.prepared
        assert p is not None
        index = base.index if index is None else index
        w, units = p.weights.take(index), p.units.take(index)
        return ratio(y, x, w, self._population(base), self.spec.confidence, units, proportion)

    def _population(self, base: _ColumnBase) -> float:
        """The N̂ a column's figures are estimated for: the one place percentages, means and ratios take it from."""
        # About the process behind the units, the N units are not the whole of what is inferred: no FPC.
        return base.population if self.spec.finite else math.inf

    def estimate_row(
        self,
        label: str,
        kind: str,
        code: int | None,
        estimates: list[Estimate | None],
        scale: float,
        counts: list[float | None],
        overlaps: list[Overlap | None] | None = None,
        tested: bool = True,
    ) -> None:
        """A row of estimates (None where a wave lacks the variable), tested across the banner unless not `tested`.

        `overlaps`: per earlier wave, its test's overlap sums when the row has them from tallies.
        """
        cells = [_cell(e, c, scale) for e, c in zip(estimates, counts, strict=True)]
        self.rows.append(TableRow(label, kind, cells, code))
        if tested:
            self._tests(len(self.rows) - 1, estimates, overlaps or [None] * len(self.others))

    def _tests(self, row: int, estimates: list[Estimate | None], overlaps: list[Overlap | None]) -> None:
        alpha = 1 - self.spec.confidence
        offset = 0
        for part in self.main.partitions:
            k = len(part.labels)
            if part.name != "total":  # groups of one breakdown against each other: disjoint, independent
                for a in range(offset, offset + k):
                    for b in range(a + 1, offset + k):
                        ea, eb = estimates[a], estimates[b]
                        if self._testable(ea) and self._testable(eb):  # percentages: pooled proportion under H0
                            self.tests.append(Test(row, a, b, group_difference(ea, eb, alpha), "breakdown"))
            offset += k
        for i, (other, (b, a)) in enumerate(zip(self.others, self.pairs, strict=True)):
            earlier, later = estimates[b], estimates[a]
            if i in self.untested_waves or not (self._testable(later) and self._testable(earlier)):
                continue
            later_wave = other.later
            assert later_wave is not None  # paired by `shared_ids`
            # N₁₂/(N₁N₂) vanishes as the populations grow: about the process only the units' overlap counts.
            common = _common_population(later_wave, other, earlier, later) if self.spec.finite else 0.0
            # units matched once per table, for estimates over their columns' whole bases (not a
            # mean with outliers left out, which matches its own units)
            whole = earlier.n == len(self.bases[b].index) and later.n == len(self.bases[a].index)
            matched = self._matched(i) if whole and overlaps[i] is None else None
            # the overlap covariance; pooled under H0 when either wave is at 0% or 100%
            difference = wave_difference(earlier, later, common, alpha, matched, overlaps[i])
            self.tests.append(Test(row, b, a, difference, "wave"))

    def _testable(self, e: Estimate | None) -> bool:
        """A figure testable at the spec's minimum base for letters (and never under two units)."""
        return _testable(e) and e is not None and e.n >= self.spec.conventions.min_base_letters

    def compare_wording(self, question: Question) -> list[str]:
        """Stop testing earlier waves whose version of the question changed (unless cosmetic); their footnotes."""
        notes = []
        for i, other in enumerate(self.others):
            later = (other.later or self.main).dataset  # the wave it is tested against
            change = wording_change(question.id, later.questionnaire, other.dataset.questionnaire)
            if change and question.id not in self.spec.cosmetic:
                self.untested_waves.add(i)
                notes.append(wording_note(question.id, later.wave, other.dataset.wave, change))
        return notes

    def count_row(self, label: str, kind: str, counts: list[float | None], code: int | None = None) -> None:
        """A row of counts only (codes not in the base, not answered, n)."""
        self.rows.append(TableRow(label, kind, [Cell(c, c) for c in counts], code))

    def value_row(self, label: str, kind: str, values: list[float | None]) -> None:
        """A row of plain figures (median, minimum, maximum): no interval, no test."""
        self.rows.append(TableRow(label, kind, [Cell(v if v is None or v == v else None) for v in values]))

    def counts(self, test: Callable[[Prepared], np.ndarray]) -> list[float | None]:
        """Unweighted counts per column of units meeting `test` (for rows outside the base).

        The current wave's columns are counted a partition at a time (one bincount of the
        partition's columns over the units meeting the test); each earlier wave is one column.
        """
        met = np.flatnonzero(test(self.main))  # few units: those outside the base
        out: list[float | None] = []
        for part in self.main.partitions:
            k = len(part.labels)
            out.extend(float(n) for n in np.bincount(part.codes.take(met) + 1, minlength=k + 1)[1:])
        for base in self.bases[len(out) :]:  # an earlier wave's total: every unit of the wave
            p = base.prepared
            out.append(None if p is None else float(np.count_nonzero(test(p))))
        return out


def _stack(p: Prepared, names: list[str]) -> np.ndarray:
    return np.column_stack([p.values(n) for n in names])


TALLY_RANGE = 4096  # codes (missing codes too) are tallied by position up to this range, else by np.unique
TALLY_COMBINATIONS = 1 << 16  # several variables are tallied by combination up to this many, else by unique rows


@dataclass
class _Tally:
    """A column's answers to one or more variables, tallied: what every percentage row sums."""

    answers: np.ndarray  # the distinct answers (rows of answers for several variables)
    weights: np.ndarray  # Σw per distinct answer
    squares: np.ndarray  # Σw² per distinct answer


def _tally(answers: np.ndarray, at: np.ndarray, w: np.ndarray, unweighted: bool) -> _Tally:
    """One weighted bincount (and one of w²) over a base's answers' positions `at`, for every row of its column."""
    k = len(answers)
    if unweighted:  # with every weight 1, Σw and Σw² are both the count, which bincount finds thrice as fast
        count = np.bincount(at, minlength=k).astype(float)
        return _Tally(answers, count, count)
    return _Tally(answers, np.bincount(at, weights=w, minlength=k), np.bincount(at, weights=w * w, minlength=k))


def _combinations(
    p: Prepared, names: list[str], parts: list[tuple[np.ndarray, np.ndarray]]
) -> tuple[np.ndarray, np.ndarray]:
    """Several variables' distinct combinations of answers (rows) and each of the wave's units' position among them.

    `parts` are each variable's codes (`_codes`). Up to TALLY_COMBINATIONS a combination is
    numbered from its codes' positions, first variable slowest, with no sort; beyond, only the
    combinations that occur are kept (np.unique).
    """
    sizes = [len(answers) for answers, _ in parts]
    if math.prod(sizes) <= TALLY_COMBINATIONS:
        at = np.zeros(p.dataset.data.height, np.int64)
        for (_, positions), size in zip(parts, sizes, strict=True):
            at = at * size + positions
        grids = np.meshgrid(*[answers for answers, _ in parts], indexing="ij")
        return np.column_stack([g.ravel() for g in grids]), at
    answers, at = np.unique(_stack(p, names), axis=0, return_inverse=True)
    return answers, at.ravel()


def _codes(p: Prepared, name: str) -> tuple[np.ndarray, np.ndarray]:
    """A coded variable's distinct answers and each unit's position among them.

    Codes are small integers, so a position is the code less the smallest one (no sort),
    straight from an integer column when the dataset has one; anything else (a number with
    decimals) goes through np.unique.
    """
    column = p.dataset.data.get_column(name)
    if column.dtype.is_integer() and not column.null_count() and len(column):
        codes = column.to_numpy()
        low, high = int(codes.min()), int(codes.max())
        if high - low <= TALLY_RANGE:
            return np.arange(low, high + 1, dtype=float), _offsets(codes, low, high)
    x = p.values(name)
    if not len(x):
        return np.zeros(1), np.zeros(0, np.int64)
    low, high = float(x.min()), float(x.max())
    if high - low <= TALLY_RANGE and np.array_equal(x, np.floor(x)):
        return np.arange(low, high + 1), _offsets(x, low, high)
    return np.unique(x, return_inverse=True)


def _offsets(values: np.ndarray, low: float, high: float) -> np.ndarray:
    """value − low, in the smallest unsigned integers holding high − low (a byte for most questions).

    A table keeps these for each of its variables and gathers them for every column: small
    integers are eight times lighter to keep and to gather than int64.
    """
    out = np.empty(len(values), np.min_scalar_type(int(high - low)))
    return np.subtract(values, low, out=out, casting="unsafe")  # exact: whole numbers from 0 to high − low


def _base_weights(base: _ColumnBase) -> np.ndarray | None:
    """A column's weights; None when every weight is 1 (their sum and Kish's base are then the count)."""
    if base.prepared is None or base.prepared.unweighted:
        return None
    return base.prepared.weights.take(base.index)


def _rows_in_both(earlier: _ColumnBase, later: _ColumnBase) -> tuple[np.ndarray, np.ndarray] | None:
    """The units in both an earlier wave's base and its later wave's: their rows in each wave, earlier first.

    From the rows matched once per wave pair (`shared_ids`), so no table matches keys again.
    """
    main, other = later.prepared, earlier.prepared
    if main is None or other is None or other.matched is None:
        return None
    rows_main, rows_other = other.matched
    both = _in(later.index, main).take(rows_main) & _in(earlier.index, other).take(rows_other)
    return rows_other.compress(both), rows_main.compress(both)


def _in(index: np.ndarray, p: Prepared) -> np.ndarray:
    """Per row of a wave: whether it is in `index`."""
    mask = np.zeros(p.dataset.data.height, bool)
    mask[index] = True
    return mask


def _cell(e: Estimate | None, count: float | None, scale: float) -> Cell:
    if e is None or e.value != e.value:
        return Cell(None, count)

    def scaled(v: float) -> float | None:
        return float(v * scale) if v == v else None  # plain floats: tables are plain data

    return Cell(float(e.value * scale), count, scaled(e.se), scaled(e.low), scaled(e.high))


def _testable(e: Estimate | None) -> bool:
    """A figure that can be tested: at least two units in its base (else no test and no letter)."""
    return e is not None and e.n >= 2 and e.value == e.value and e.se == e.se


def _common_population(main: Prepared, other: Prepared, first: Estimate, second: Estimate) -> float:
    """N₁₂: units in both waves' populations, scaled by the domains' shares of their populations."""
    if main.dataset.data.height >= main.dataset.population_size:
        known = other.cache.get("_common")
        common = float(known[0] if known is not None else len(np.intersect1d(main.units, other.units)))
    else:  # the dataset does not hold every frame unit: assume the smaller frame lies in the larger
        common = float(min(main.dataset.population_size, other.dataset.population_size))
    share = (first.population / other.dataset.population_size) * (second.population / main.dataset.population_size)
    return common * math.sqrt(max(share, 0.0))


def _bases(bases: list[_ColumnBase], spec: AnalysisSpec, index_of=None) -> list[Base]:
    out = []
    for base in bases:
        index = base.index if index_of is None else index_of(base)
        if base.prepared is None:
            out.append(Base(0, 0.0, 0.0, math.nan, True))
            continue
        if base.prepared.unweighted:
            total = squares = float(len(index))
        else:
            w = base.prepared.weights[index]
            total, squares = float(w.sum()), float(np.dot(w, w))
        effective = total**2 / squares if squares > 0 else 0.0
        out.append(Base(len(index), total, effective, base.population, len(index) < spec.conventions.low_base))
    return out


def _notes(spec: AnalysisSpec, bases: list[Base], weighted: bool) -> list[str]:
    notes = []
    low = spec.conventions.low_base
    if any(b.low and b.n > 0 for b in bases):
        notes.append(f"Bases under {low} are flagged: read their percentages with care, beside their counts.")
    if weighted:
        notes.append("Weighted to the frame's margins; the effective base (Kish) is shown under each base.")
    return notes


# ---------------------------------------------------------------------------------------------
# The tables


def coded_table(
    main: Prepared,
    others: list[Prepared],
    question: Question,
    item: Item | None,
    spec: AnalysisSpec,
    columns: list[Column],
) -> Table:
    """A single-choice question or a grid item: a row per code, the nets, then who is not in the base."""
    name = item.id if item else question.id
    options = main.dataset.questionnaire.options_of(question)
    excluded = excluded_options(name, question, options, spec)
    left_out = np.array([o.code for o in excluded], dtype=float)

    def valid_of(p: Prepared) -> np.ndarray:
        x = p.values(name)
        return (x != NOT_ASKED) & (x != NOT_ANSWERED) & ~np.isin(x, left_out)

    bases = _column_bases(main, others, [name], question.section, valid_of)
    b = _Builder(main, others, bases, spec)
    changed = b.compare_wording(question)
    for option in options:
        if option not in excluded:
            b.proportion_row(option.label, "percent", option.code, lambda v, c=option.code: (v == c) * 1.0, [name])
    for label, codes in spec.nets_for(name, question.id).items():
        row_label = netting.net_label(label, codes, options)
        b.proportion_row(row_label, "net", None, lambda v, cs=codes: netting.single_net(v, cs), [name])
    for option in excluded:
        counts = b.counts(lambda p, c=option.code: p.values(name) == c)
        b.count_row(f"{option.label} (not in base)", "excluded", counts, option.code)
    not_answered = b.counts(lambda p: p.values(name) == NOT_ANSWERED)
    b.count_row("Not answered (not in base)", "not_answered", not_answered)
    _mark_last(b.rows, options)
    _mark_repeats(b.rows, spec.nets_for(name, question.id), [o.code for o in options if o not in excluded], True)
    table_bases = _bases(bases, spec)
    return Table(
        name,
        question.id,
        question.section,
        f"{question.text} {item.text}" if item else question.text,
        describe_base(question, item, excluded, main),
        "grid_item" if item else "single",
        columns,
        table_bases,
        b.rows,
        changed + _notes(spec, table_bases, _weighted(main)),
        b.tests,
        wording_notes=changed,
    )


def multi_table(
    main: Prepared,
    others: list[Prepared],
    question: Question,
    spec: AnalysisSpec,
    columns: list[Column],
    item: Item | None = None,
) -> Table:
    """A multiple-choice question (or a row of a grid of multiple choices): the percentage of its base
    choosing each option (can sum past 100)."""
    options = main.dataset.questionnaire.options_of(question)
    name = item.id if item else question.id
    names = [f"{name}_{o.code}" for o in options]
    excluded = excluded_options(name, question, options, spec)
    excluded_names = [f"{name}_{o.code}" for o in excluded]

    def valid_of(p: Prepared) -> np.ndarray:
        first = p.values(names[0])
        valid = (first != NOT_ASKED) & (first != NOT_ANSWERED)
        for n in excluded_names:  # a unit that chose "Don't know" is left out, as for a single choice
            valid &= p.values(n) != 1
        return valid

    bases = _column_bases(main, others, names, question.section, valid_of)
    b = _Builder(main, others, bases, spec)
    changed = b.compare_wording(question)
    for option, var in zip(options, names, strict=True):
        if option not in excluded:
            b.proportion_row(option.label, "percent", option.code, lambda v: (v == 1) * 1.0, [var])
    nets = {**main.dataset.nets.get(question.id, {}), **spec.nets_for(name, question.id)}
    for label, codes in nets.items():
        row_label = netting.net_label(label, codes, options)
        chosen = [f"{name}_{c}" for c in codes]
        # A net of one code reads one variable, a vector: as a column it is "any of one".
        b.proportion_row(row_label, "net", None, lambda v: (v.reshape(len(v), -1) == 1).any(axis=1) * 1.0, chosen)
    for option, var in zip(excluded, excluded_names, strict=True):
        b.count_row(f"{option.label} (not in base)", "excluded", b.counts(lambda p, v=var: p.values(v) == 1))
    answered = b.counts(lambda p: p.values(names[0]) == NOT_ANSWERED)
    b.count_row("Not answered (not in base)", "not_answered", answered)
    _mark_last(b.rows, options)
    _mark_repeats(b.rows, nets, [o.code for o in options if o not in excluded], False)
    table_bases = _bases(bases, spec)
    notes = ["More than one answer could be given, so percentages can sum to more than 100."]
    return Table(
        name,
        question.id,
        question.section,
        f"{question.text} {item.text}" if item else question.text,
        describe_base(question, item, excluded, main),
        "multi_item" if item else "multi",
        columns,
        table_bases,
        b.rows,
        notes + changed + _notes(spec, table_bases, _weighted(main)),
        b.tests,
        multi_response=True,
        wording_notes=changed,
    )


def numeric_table(
    main: Prepared,
    others: list[Prepared],
    question: Question,
    item: Item | None,
    spec: AnalysisSpec,
    columns: list[Column],
) -> Table:
    """A numeric item: mean (outliers left out, footnoted), median, minimum, maximum and n."""
    name = item.id if item else question.id
    rule = spec.outlier_rule(name)
    boxes = np.array([o.code for o in question.unavailable], dtype=float)  # "Don't know": never a value

    def valid_of(p: Prepared) -> np.ndarray:
        x = p.values(name)
        return (x != NOT_ASKED) & (x != NOT_ANSWERED) & ~np.isin(x, boxes)

    bases = _column_bases(main, others, [name], question.section, valid_of)
    limits: dict[int, Fences] = {}  # per wave: the rule is applied to each wave's own distribution
    b = _Builder(main, others, bases, spec)
    changed = b.compare_wording(question)
    summaries, means = [], []
    for base, ordered in zip(bases, _columns_ascending(main, others, name, valid_of), strict=True):
        p = base.prepared
        if p is None or ordered is None:
            summaries.append(None)
            means.append(None)
            continue
        key = id(p)
        if key not in limits:  # a wave's first column is its total: all its values
            limits[key] = fences(ordered, rule)
        values = p.values(name).take(base.index)
        summaries.append(summarise(ordered, limits[key], spec.confidence))
        kept = base.index[~limits[key].outside(values)]
        means.append(b._estimate(base, p.values(name)[kept], np.ones(len(kept)), False, kept))
    # A trimmed mean is not tested: the fences come from each wave's own values and the variance
    # ignores the trimming, so its test rejects a true null far more often than it says (15% with skewed spend).
    counts = [s.n_mean if s else None for s in summaries]
    b.estimate_row("Mean", "mean", None, means, 1.0, counts, tested=rule.rule == "none")
    b.value_row("Median", "median", [s.median if s else None for s in summaries])
    for cell, s in zip(b.rows[-1].cells, summaries, strict=True):  # the median's distribution-free interval
        if s is not None and s.median_low == s.median_low:
            cell.low, cell.high = s.median_low, s.median_high
    b.value_row("Minimum", "minimum", [s.minimum if s else None for s in summaries])
    b.value_row("Maximum", "maximum", [s.maximum if s else None for s in summaries])
    b.count_row("Outliers left out of the mean", "outliers", [float(s.outliers) if s else None for s in summaries])
    for box in question.unavailable:
        counts = b.counts(lambda p, c=box.code: p.values(name) == c)
        b.count_row(f"{box.label} (not in base)", "excluded", counts, box.code)
    not_answered = b.counts(lambda p: p.values(name) == NOT_ANSWERED)
    b.count_row("Not answered (not in base)", "not_answered", not_answered)
    table_bases = _bases(bases, spec)
    dropped = sum(s.outliers for s in summaries if s)
    dated = _dates_note(main, question, valid_of(main)) if question.as_at is not None and item is None else []
    notes = [
        f"Mean excludes outliers ({rule.describe()}): {dropped} value(s) left out across the columns; "
        "the median, minimum and maximum use every value. A mean without its outliers is not tested "
        "between columns or waves (its fences differ between waves and its variance ignores the trimming); "
        "with `outliers: {rule: none}` the mean of every value is tested. Intervals: the mean's on the log "
        "scale, the median's from the order statistics (both hold with skewed amounts)."
        if rule.rule != "none"
        else "Mean of every value given (no outlier rule)."
    ]
    unit = question.prefix or question.suffix or ""
    title = f"{question.text} {item.text}" if item else question.text
    return Table(
        name,
        question.id,
        question.section,
        f"{title} ({unit.strip()})" if unit else title,
        describe_base(question, item, list(question.unavailable), main),
        "numeric",
        columns,
        table_bases,
        b.rows,
        notes + dated + changed + _notes(spec, table_bases, _weighted(main)),
        b.tests,
        wording_notes=changed,
    )


def _columns_ascending(
    main: Prepared, others: list[Prepared], name: str, valid_of: Callable[[Prepared], np.ndarray]
) -> list[np.ndarray | None]:
    """Each banner column's valid values of `name` in ascending order, in the columns of `_column_bases`.

    One sort per wave: a breakdown's columns are cut from the wave's sorted values by the
    partition's codes, gathered in the same order, so no column is sorted again.
    """
    rows, values = _ascending(main, name, valid_of(main))
    out: list[np.ndarray | None] = []
    for part in main.partitions:
        codes = part.codes.take(rows)
        out.extend(values.compress(codes == j) for j in range(len(part.labels)))
    for other in others:
        out.append(_ascending(other, name, valid_of(other))[1] if other.has(name) else None)
    return out


def _ascending(p: Prepared, name: str, valid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A wave's valid rows in ascending order of `name`, and their values."""
    rows = np.flatnonzero(valid)
    values = p.values(name).take(rows)
    order = np.argsort(values)
    return rows.take(order), values.take(order)


def _dates_note(main: Prepared, question: Question, valid: np.ndarray) -> list[str]:
    """How many figures relate to another date than the one asked for (a number with `as_at`)."""
    name = f"{question.id}_date"
    if name not in main.dataset.data.columns:
        return []
    dates = main.dataset.data.get_column(name).to_list()
    given = [d for d, ok in zip(dates, valid, strict=True) if ok]
    other = sum(1 for d in given if d is not None and d != question.as_at.default)  # type: ignore[union-attr]
    asked = question.as_at.default  # type: ignore[union-attr]
    return [
        f"{other} of the {len(given)} figures relate to another date than {asked.day} {asked:%B %Y} "
        f"(their latest; {name} gives each figure's date)."
    ]


def ratio_table(main: Prepared, others: list[Prepared], r: Ratio, spec: AnalysisSpec, columns: list[Column]) -> Table:
    """A ratio of sums (spend per child reached) over units answering both, outliers of either left out."""
    questionnaire = main.dataset.questionnaire
    owner = questionnaire.owner(r.numerator)
    if owner is None or questionnaire.owner(r.denominator) is None:
        raise ValueError(f"ratio {r.name!r}: {r.numerator} or {r.denominator} is not a variable of the questionnaire")
    fence_cache: dict[tuple[int, str], Fences] = {}

    def answered(p: Prepared, name: str) -> np.ndarray:
        x = p.values(name)
        boxes = [o.code for o in questionnaire.owner(name).unavailable]  # type: ignore[union-attr]
        return (x != NOT_ASKED) & (x != NOT_ANSWERED) & ~np.isin(x, boxes)

    def inside(p: Prepared, name: str) -> np.ndarray:
        key = (id(p), name)
        if key not in fence_cache:
            fence_cache[key] = fences(p.values(name)[answered(p, name)], spec.outlier_rule(name))
        return ~fence_cache[key].outside(p.values(name))

    def valid_of(p: Prepared) -> np.ndarray:
        both = answered(p, r.numerator) & answered(p, r.denominator)
        return both & inside(p, r.numerator) & inside(p, r.denominator) & (p.values(r.denominator) > 0)

    bases = _column_bases(main, others, [r.numerator, r.denominator], owner.section, valid_of)
    b = _Builder(main, others, bases, spec)
    changed = b.compare_wording(owner)
    estimates: list[Estimate | None] = []
    for base in bases:
        p = base.prepared
        if p is None:
            estimates.append(None)
            continue
        y, x = p.values(r.numerator)[base.index], p.values(r.denominator)[base.index]
        estimates.append(b._estimate(base, y, x, False))
    b.estimate_row(r.label, "ratio", None, estimates, 1.0, [float(len(x.index)) for x in bases])
    table_bases = _bases(bases, spec)
    base_text = base_description(owner, questionnaire)
    notes = [
        f"Ratio of sums: total {r.numerator} divided by total {r.denominator}, over units answering both "
        f"(with a {r.denominator} above zero), outliers of either left out; its standard error is linearised "
        "and its interval taken on the log scale (it holds with skewed amounts)."
    ]
    return Table(
        r.name,
        owner.id,
        owner.section,
        r.label,
        f"{base_text} who answered both {r.numerator} and {r.denominator}",
        "ratio",
        columns,
        table_bases,
        b.rows,
        notes + changed + _notes(spec, table_bases, _weighted(main)),
        b.tests,
        wording_notes=changed,
    )


def _mark_last(rows: list[TableRow], options: list[Option]) -> None:
    """Flag the rows of non-substantive options, which a chart keeps last rather than ranks."""
    last = {o.code for o in options if non_substantive(o.label, o.exclusive, o.specify, bool(o.missing))}
    for row in rows:
        row.last = row.kind == "percent" and row.code in last


def _mark_repeats(rows: list[TableRow], nets: dict[str, tuple[int, ...]], shown: list[int], single: bool) -> None:
    """Flag rows whose tests repeat another's, so a family of tests counts each comparison once.

    A net of one code is that code's row. Of a single choice with two answers in the base (Yes/No),
    the second is 100 minus the first, and so is a net of all codes but one.
    """
    percent = [r for r in rows if r.kind == "percent"]
    if single and len(percent) == 2:
        percent[1].repeats = True
    for row, codes in zip([r for r in rows if r.kind == "net"], nets.values(), strict=True):
        in_base = set(codes) & set(shown)
        row.repeats = len(in_base) == 1 or (single and len(in_base) == len(shown) - 1)


def _weighted(p: Prepared) -> bool:
    return bool(len(p.weights)) and not np.all(p.weights == p.weights[0])


GRID_TABLES = ("grid_item", "multi_item")  # the kinds of table a grid (of any kind) has one per row or cell


@dataclass
class GridSummary:
    """A grid with items as rows and its codes (and nets) as columns: the total column only."""

    question: str
    title: str
    base_description: str
    items: list[str]  # item texts
    headings: list[str]  # code labels, then nets
    percents: list[list[float | None]]  # [item][heading]
    bases: list[int]  # per item


def grid_summary(tables: list[Table], question: Question) -> GridSummary:
    """Gather a grid's item tables (from `wave_tables`) into one items-by-codes summary."""
    ordered = [t for t in tables if t.question == question.id and t.kind in GRID_TABLES]
    if not ordered:
        raise ValueError(f"no item tables of {question.id} among the tables")
    shown = [r for r in ordered[0].rows if r.kind in ("percent", "net")]
    headings = [r.label for r in shown]
    percents = [[row.cells[0].value for row in t.rows if row.kind in ("percent", "net")] for t in ordered]
    return GridSummary(
        question.id,
        question.text,
        ordered[0].base_description,
        [t.title.removeprefix(question.text).strip() for t in ordered],  # the item's (or cell's) text
        headings,
        percents,
        [t.bases[0].n for t in ordered],
    )
