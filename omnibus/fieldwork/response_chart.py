"""Cumulative responses by day for a wave (complete and partial), with the days messages were sent, drawn as an SVG.

A unit counts from the day it started (its first page shown, answer given or section begun) and
as complete from the day its last menu section was completed; on the last day of the series the
counts equal the wave's progress (`omnibus.fieldwork.progress`), so the chart and Table 1 agree.
The SVG is drawn here, on the server, as an image with a title and a description (no script),
in the palette the report's charts use (`omnibus.core.palette`); the page puts its data table
beside it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Max, Min, Q
from django.utils import timezone

from omnibus.core.palette import GRID, OKABE_ITO, SVG_FONTS, TEXT
from omnibus.fieldwork.models import SectionState, Wave, WaveUnit
from omnibus.fieldwork.progress import Response, UnitProgress, menu_section_ids, wave_progress

COMPLETE_COLOUR, PARTIAL_COLOUR = OKABE_ITO[0], OKABE_ITO[1]  # blue and orange: the report's paired series
WIDTH, HEIGHT = 720, 300
LEFT, RIGHT, TOP, BOTTOM = 48, 24, 44, 40  # room for the axis labels, the legend and the marker labels
DATE_LABELS = 8  # at most this many dates along the bottom
NICE_STEPS = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000)


@dataclass(frozen=True)
class Day:
    """One day of the series: units complete and partial by its end, and the messages sent that day."""

    day: date
    complete: int
    partial: int
    sent: tuple[str, ...] = ()  # template names of the campaigns queued that day

    @property
    def responding(self) -> int:
        return self.complete + self.partial


@dataclass(frozen=True)
class ResponseSeries:
    """A wave's cumulative responses, one row a day from its opening."""

    wave: Wave
    units: int
    days: list[Day]

    @property
    def last(self) -> Day | None:
        return self.days[-1] if self.days else None


def response_series(wave: Wave, today: date | None = None) -> ResponseSeries:
    """The wave's responses by day, from the day it opened to today (or its close, or its last response)."""
    today = today or timezone.localdate()
    progress = wave_progress(wave)
    started, completed = _unit_days(wave, progress)
    sent: dict[date, list[str]] = defaultdict(list)
    for at, name in wave.campaigns.order_by("created_at", "id").values_list("created_at", "template_name"):
        if name not in sent[_day(at)]:
            sent[_day(at)].append(name)
    first = _day(wave.opens_at)
    last = max([min(today, _day(wave.closes_at)), *started.values(), *completed.values(), *sent])
    days = []
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        complete = sum(1 for d in completed.values() if d <= day)
        responding = sum(1 for d in started.values() if d <= day)
        days.append(Day(day, complete, responding - complete, tuple(sent.get(day, ()))))
    return ResponseSeries(wave, len(progress), days)


def _day(at: datetime) -> date:
    return timezone.localdate(at)


def _unit_days(wave: Wave, progress: dict[int, UnitProgress]) -> tuple[dict[int, date], dict[int, date]]:
    """The day each responding unit started, and the day each complete unit completed its last section.

    Only units that progress counts as responding (or complete) get a day, so the last day's
    counts are the wave's progress. A simulated or imported answer may carry a stored time later
    than its paradata: the earlier of the two is taken for the start, as for the completion.
    """
    menu = menu_section_ids(wave)
    units = WaveUnit.objects.filter(wave=wave)
    pages = units.annotate(
        first=Min("page_events__at", filter=Q(page_events__section__in=menu)),
        last=Max("page_events__at", filter=Q(page_events__section__in=menu)),
    ).values_list("pk", "first", "last")
    answers = dict(units.annotate(first=Min("answer_events__at")).values_list("pk", "first"))
    states = SectionState.objects.filter(wave_unit__wave=wave, section__in=menu).exclude(
        status=SectionState.NOT_STARTED
    )
    began: dict[int, datetime] = {}
    finished: dict[int, datetime] = {}
    for pk, updated, completed in states.values_list("wave_unit_id", "updated_at", "completed_at"):
        began[pk] = min(began.get(pk, updated), updated)
        if completed is not None:
            finished[pk] = max(finished.get(pk, completed), completed)
    started, done = {}, {}
    for pk, first_page, last_page in pages:
        unit = progress[pk]
        if not unit.took_part:
            continue
        starts = [t for t in (first_page, answers.get(pk), began.get(pk)) if t is not None]
        started[pk] = _day(min(starts)) if starts else _day(wave.opens_at)
        if unit.response == Response.COMPLETE:
            ends = [t for t in (last_page, finished.get(pk)) if t is not None]
            done[pk] = max(started[pk], _day(min(ends))) if ends else started[pk]
    return started, done


# -- drawing ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tick:
    at: float  # the position along its axis, in SVG units
    label: str


@dataclass(frozen=True)
class Marker:
    x: float
    label: str


@dataclass(frozen=True)
class ChartDrawing:
    """The SVG's geometry and words; the template `fieldwork/response_chart.html` writes it out."""

    width: int
    height: int
    left: int
    right: float
    top: int
    bottom: float
    complete_area: str  # polygon points
    partial_area: str
    complete_line: str  # polyline points
    responding_line: str
    y_ticks: list[Tick]
    y_label: str
    x_ticks: list[Tick]
    markers: list[Marker]
    title: str
    description: str
    complete_colour: str = COMPLETE_COLOUR
    partial_colour: str = PARTIAL_COLOUR
    text_colour: str = TEXT
    grid_colour: str = GRID
    fonts: str = SVG_FONTS


def draw(series: ResponseSeries) -> ChartDrawing:
    """The chart of a series: stacked areas (complete below, partial above) on a scale of the wave's units."""
    days = series.days
    scale_max, step = _scale(max(series.units, 1))
    right, bottom = WIDTH - RIGHT, HEIGHT - BOTTOM

    def x(i: int) -> float:
        return LEFT + (right - LEFT) * (i / (len(days) - 1) if len(days) > 1 else 0.5)

    def y(value: int) -> float:
        return round(bottom - (bottom - TOP) * value / scale_max, 1)

    complete = [(round(x(i), 1), y(d.complete)) for i, d in enumerate(days)]
    responding = [(round(x(i), 1), y(d.responding)) for i, d in enumerate(days)]
    base = [(px, bottom) for px, _ in complete]
    every = max(1, -(-len(days) // DATE_LABELS))  # ceiling: at most DATE_LABELS dates
    return ChartDrawing(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=right,
        top=TOP,
        bottom=bottom,
        complete_area=_points(complete + base[::-1]),
        partial_area=_points(responding + complete[::-1]),
        complete_line=_points(complete),
        responding_line=_points(responding),
        y_ticks=[Tick(y(v), str(v)) for v in range(0, scale_max + 1, step)],
        y_label=f"Units (of {series.units})",
        x_ticks=[Tick(round(x(i), 1), f"{d.day.day} {d.day:%b}") for i, d in enumerate(days) if i % every == 0],
        markers=[Marker(round(x(i), 1), " and ".join(d.sent)) for i, d in enumerate(days) if d.sent],
        title=f"Cumulative responses by day: {series.wave.title}",
        description=describe(series),
    )


def describe(series: ResponseSeries) -> str:
    """The chart in words (its desc): where the responses stand and when messages went out."""
    last = series.last
    if last is None:
        return "No days of fieldwork yet."
    words = (
        f"From {_date(series.days[0].day)} to {_date(last.day)}: by the end, {last.complete} of {series.units} "
        f"units had completed every section and {last.partial} more had started."
    )
    sent = [f"{' and '.join(d.sent)} on {_date(d.day)}" for d in series.days if d.sent]
    return words + (f" Messages sent: {'; '.join(sent)}." if sent else " No messages were sent.")


def _date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _scale(units: int) -> tuple[int, int]:
    """The axis's top (the wave's units: a full chart is every unit responding) and a step of at most six ticks."""
    step = next((s for s in NICE_STEPS if units / s <= 6), NICE_STEPS[-1])
    return units, step


def _points(points: list[tuple[float, float]]) -> str:
    return " ".join(f"{px:g},{py:g}" for px, py in points)
