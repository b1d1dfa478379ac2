"""The chart of cumulative responses by day on the wave page: its series, its SVG and its data table."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from omnibus.collect.models import PageEvent
from omnibus.fieldwork.messages import load_template
from omnibus.fieldwork.models import Campaign, SectionState, Wave
from omnibus.fieldwork.outbox import queue_campaign
from omnibus.fieldwork.progress import Response, wave_progress
from omnibus.fieldwork.response_chart import draw, response_series
from tests.waves import SIMULATED


def at(day: int, hour: int = 10) -> datetime:
    """A time in October 2017, in the site's time zone."""
    return timezone.make_aware(datetime(2017, 10, day, hour))


@pytest.fixture
def wave(small_wave) -> Wave:  # noqa: ANN001
    """Six LAs, open from 2 October to 13 October 2017: two started on the 3rd, one finished on the 5th."""
    made = small_wave("w3", at(2, 9), at(13, 17))
    barnsley, darlington, gateshead = (made.units.get(unit__key=k) for k in ("840", "841", "390"))
    for unit in (barnsley, darlington):
        PageEvent.objects.create(wave_unit=unit, section="csc", page="ConfUnd", event="shown", at=at(3))
    # Darlington finishes every menu section on the 5th (the states are stored later, as an import does).
    for section in ("csc", "eyc", "send"):
        SectionState.objects.create(
            wave_unit=darlington, section=section, status=SectionState.COMPLETED, completed_at=at(12)
        )
        PageEvent.objects.create(wave_unit=darlington, section=section, page="check", event="submitted", at=at(5))
    SectionState.objects.create(wave_unit=barnsley, section="csc", status=SectionState.IN_PROGRESS)
    # Gateshead opened a page on the 4th but has no section state: progress does not count it, nor does the chart.
    PageEvent.objects.create(wave_unit=gateshead, section="csc", page="ConfUnd", event="shown", at=at(4))
    invitation = queue_campaign(made, load_template("invitation"), "everyone").campaign
    reminder = queue_campaign(made, load_template("reminder"), "unfinished").campaign
    Campaign.objects.filter(pk=invitation.pk).update(created_at=at(2, 10))
    Campaign.objects.filter(pk=reminder.pk).update(created_at=at(9, 10))
    return made


def test_the_series_counts_each_day(wave: Wave) -> None:
    series = response_series(wave, today=date(2017, 10, 20))
    days = {d.day.day: (d.complete, d.partial, d.sent) for d in series.days}
    assert series.units == 6 and [d.day for d in series.days][0] == date(2017, 10, 2)
    assert series.days[-1].day == date(2017, 10, 13)  # the wave closed before "today"
    assert days[2] == (0, 0, ("invitation",))
    assert days[3] == (0, 2, ())
    assert days[4] == (0, 2, ())  # Gateshead only looked: not a response
    assert days[5] == (1, 1, ())
    assert days[9] == (1, 1, ("reminder",))
    assert days[13] == (1, 1, ())


def test_the_last_day_is_the_waves_progress(signed_in) -> None:  # noqa: ANN001
    simulated = Wave.objects.get(slug=SIMULATED)
    progress = wave_progress(simulated).values()
    series = response_series(simulated)
    complete = sum(1 for p in progress if p.response == Response.COMPLETE)
    partial = sum(1 for p in progress if p.response == Response.PARTIAL)
    assert (series.last.complete, series.last.partial) == (complete, partial) and complete and partial
    responding = [d.responding for d in series.days]
    assert responding == sorted(responding) and [d.complete for d in series.days] == sorted(
        d.complete for d in series.days
    )


def test_the_wave_page_draws_the_chart_with_its_table(wave: Wave, signed_in) -> None:  # noqa: ANN001
    page = signed_in("client").get("/office/waves/w3/").content.decode()  # figures only: clients see it too
    svg = page.split("<svg", 1)[1].split("</svg>")[0]
    assert 'role="img"' in svg and 'aria-labelledby="chart-title chart-desc"' in svg
    assert '<title id="chart-title">Cumulative responses by day' in svg
    desc = svg.split('<desc id="chart-desc">')[1].split("</desc>")[0]
    assert "1 of 6 units had completed every section and 1 more had started" in desc
    assert "invitation on 2 October 2017" in desc and "reminder on 9 October 2017" in desc
    assert "<script" not in page.split("<svg", 1)[1].split("</svg>")[0]
    assert svg.count(">Invitation</text>") == 1 and svg.count(">Reminder</text>") == 1
    table = page.split('id="responses-table"')[1].split("</table>")[0]
    rows = re.findall(r"<tr class=\"govuk-table__row\">\s*<th scope=\"row\"[^>]*>([^<]+)</th>(.*?)</tr>", table, re.S)
    series = response_series(wave)
    assert len(rows) == len(series.days)
    for (label, cells), day in zip(rows, series.days, strict=True):
        numbers = re.findall(r'numeric">(\d+)</td>', cells)
        assert label.endswith(f"{day.day.day} {day.day:%b %Y}") and numbers == [
            str(day.complete),
            str(day.partial),
            str(day.responding),
        ]
    assert 'class="govuk-details"' in page.split("Responses by day as a table")[0][-400:]


def test_the_drawing_puts_each_day_on_the_scale_of_the_waves_units(wave: Wave) -> None:
    series = response_series(wave, today=date(2017, 10, 20))
    chart = draw(series)
    complete = [tuple(map(float, p.split(","))) for p in chart.complete_line.split()]
    responding = [tuple(map(float, p.split(","))) for p in chart.responding_line.split()]
    assert len(complete) == len(responding) == len(series.days) == 12
    assert [t.label for t in chart.y_ticks] == ["0", "1", "2", "3", "4", "5", "6"]  # 6 units, step 1
    zero, six = chart.y_ticks[0].at, chart.y_ticks[-1].at
    for (_, y_done), (_, y_any), day in zip(complete, responding, series.days, strict=True):
        assert y_done == pytest.approx(zero + (six - zero) * day.complete / 6, abs=0.1)
        assert y_any == pytest.approx(zero + (six - zero) * day.responding / 6, abs=0.1)
    assert [m.label for m in chart.markers] == ["invitation", "reminder"]
    assert complete[0][0] == chart.left and complete[-1][0] == chart.right


def test_a_wave_not_yet_open_has_no_chart(small_wave, signed_in) -> None:  # noqa: ANN001
    later = timezone.now() + timedelta(days=5)
    small_wave("w9", later, later + timedelta(days=10))
    page = signed_in("researcher").get("/office/waves/w9/").content.decode()
    assert "The wave has not opened yet" in page and "<svg" not in page.split("Responses by day")[1][:500]
