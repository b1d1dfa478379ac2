"""An indicator's period as a date, and the period nearest a wave's fieldwork (no database)."""

from datetime import date

import pytest

from omnibus.context.periods import after_fieldwork, nearest_period, period_start


@pytest.mark.parametrize(
    ("period", "start"),
    [
        ("2016", date(2016, 1, 1)),
        ("201617", date(2016, 9, 1)),  # DfE's time_period for a span
        ("2016-17", date(2016, 9, 1)),
        ("2016/17", date(2016, 9, 1)),
        ("2016-2017", date(2016, 9, 1)),
        ("199900", date(1999, 9, 1)),  # across the century
        ("2016-03", date(2016, 3, 1)),  # a month
        (" 2016 ", date(2016, 1, 1)),
    ],
)
def test_a_period_starts_on_a_day(period, start):
    assert period_start(period) == start


@pytest.mark.parametrize("period", ["", "2016-19", "201619", "2016-13", "March 2016", "16", "2016Q1"])
def test_what_is_not_a_period_has_no_start(period):
    assert period_start(period) is None


FIELDWORK = date(2017, 10, 4)


@pytest.mark.parametrize(
    ("periods", "fieldwork", "chosen"),
    [
        (["2015", "2016", "2019"], FIELDWORK, "2016"),  # the latest not after
        (["2016", "2017"], FIELDWORK, "2017"),  # a year that began before the fieldwork
        (["201617", "201718", "201819"], FIELDWORK, "201718"),  # September 2017 is before October
        (["201718"], date(2017, 6, 1), "201718"),  # none before: the earliest after
        (["2020", "2019"], FIELDWORK, "2019"),
        (["2015", "2019"], None, "2019"),  # no fieldwork date: the latest
        (["latest", "2014"], FIELDWORK, "2014"),  # a period that is not a date is never chosen
        (["latest"], FIELDWORK, None),
        ([], FIELDWORK, None),
    ],
)
def test_the_nearest_period_to_the_fieldwork(periods, fieldwork, chosen):
    assert nearest_period(periods, fieldwork) == chosen


def test_after_the_fieldwork():
    assert after_fieldwork("2019", FIELDWORK) and after_fieldwork("201819", FIELDWORK)
    assert not after_fieldwork("2017", FIELDWORK) and not after_fieldwork("201718", FIELDWORK)
    assert not after_fieldwork("2019", None) and not after_fieldwork("latest", FIELDWORK)
