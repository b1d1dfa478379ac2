"""Table 3 of the wave page follows the wave's population: a made-up population of forums, not LAs."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from omnibus.fieldwork.models import SectionState, Wave
from omnibus.fieldwork.tracking import tracking_tables
from omnibus.fieldwork.waves import create_wave
from omnibus.frame.store import load_frame
from tests.populations import tiny_population

pytestmark = pytest.mark.django_db


@pytest.fixture
def forum_wave(tmp_path, stored_questionnaire) -> Wave:  # noqa: ANN001
    """A wave of 24 made-up forums, the first 12 of which completed the first menu section."""
    schema, frame = tiny_population(tmp_path, units=24)
    load_frame(frame, date(2020, 1, 1), str(schema))
    now = timezone.now()
    wave = create_wave(
        "forums", "Forums", stored_questionnaire, "tiny-forums", date(2020, 1, 1), now, now + timedelta(days=9)
    )
    units = list(wave.units.order_by("unit__key"))
    SectionState.objects.bulk_create(
        SectionState(wave_unit=u, section="csc", status=SectionState.COMPLETED) for u in units[:12]
    )
    return wave


def test_table_3_uses_the_populations_declared_profile(forum_wave: Wave) -> None:
    tables = tracking_tables(forum_wave)
    assert [block.name for block in tables.profile] == ["size_band", "charity", "years_running"]
    size = tables.profile[0]
    assert [r.label for r in size.rows] == ["Small", "Large"]  # in the order the population declares them
    assert [(r.population, r.took_part) for r in size.rows] == [(12, 6), (12, 6)]
    charity = tables.profile[1]
    assert [(r.label, r.population, r.took_part) for r in charity.rows] == [("Yes", 8, 4), ("No", 16, 8)]
    years = tables.profile[2]  # a number banded by the profile: forums 1-4, 10-14 and 20-24 run under 5 years
    assert [(r.label, r.population, r.took_part) for r in years.rows] == [("Under 5", 14, 7), ("5 or more", 10, 5)]


def test_the_wave_page_shows_the_forums_table_3_and_no_la_attribute(forum_wave: Wave, signed_in) -> None:
    page = signed_in("client").get("/office/waves/forums/").content.decode()
    assert 'id="table-3"' in page
    start = page.index('id="table-3"')
    rows = [html.unescape(r) for r in re.findall(r'data-row="([^"]+)"', page[start : page.index("</table>", start)])]
    assert rows[:3] == ["size_band:Small", "size_band:Large", "size_band:Total"]
    assert "Forum size" in page and "Registered charity" in page
    for la_word in ("Authority type", "region_group", "Ofsted", "local authorit"):
        assert la_word not in page


def test_a_population_without_a_profile_says_why_there_is_no_table_3(tmp_path, stored_questionnaire, signed_in) -> None:  # noqa: ANN001
    schema, frame = tiny_population(tmp_path)
    schema.write_text(schema.read_text(encoding="utf-8").split("profile:")[0], encoding="utf-8")
    load_frame(frame, date(2020, 1, 1), str(schema))
    now = timezone.now()
    create_wave("bare", "Bare", stored_questionnaire, "tiny-forums", date(2020, 1, 1), now, now + timedelta(days=9))
    page = signed_in("client").get("/office/waves/bare/").content.decode()
    assert 'id="table-3"' not in page
    assert "There is no Table 3 (response profile): the population (Tiny made-up forums) declares no" in page
