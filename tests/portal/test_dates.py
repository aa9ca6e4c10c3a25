"""Japanese dates: 和暦 with weekdays, era boundaries, Japan time, fiscal years (年度)."""

from datetime import UTC, date, datetime

import pytest

from portal.dates import (
    era_year,
    fiscal_year,
    fiscal_year_bounds,
    fiscal_year_label,
    wareki,
    wareki_datetime,
)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 4, 1), "令和7年4月1日（火）"),
        (date(2019, 5, 1), "令和元年5月1日（水）"),
        (date(2019, 4, 30), "平成31年4月30日（火）"),
        (date(2020, 1, 1), "令和2年1月1日（水）"),
        (date(1989, 1, 8), "平成元年1月8日（日）"),
        (date(1989, 1, 7), "昭和64年1月7日（土）"),
        (date(1926, 12, 25), "昭和元年12月25日（土）"),
        (date(1926, 12, 24), "大正15年12月24日（金）"),
        (date(1912, 7, 30), "大正元年7月30日（火）"),
        (date(1912, 7, 29), "明治45年7月29日（月）"),
        (date(2026, 3, 31), "令和8年3月31日（火）"),
    ],
)
def test_wareki(day, expected):
    assert wareki(day) == expected


def test_wareki_without_weekday_and_for_nothing():
    assert wareki(date(2025, 4, 1), weekday=False) == "令和7年4月1日"
    assert wareki(None) == "" and wareki_datetime(None) == ""


def test_before_meiji_is_refused():
    with pytest.raises(ValueError, match="明治より前"):
        era_year(date(1868, 10, 22))


@pytest.mark.parametrize(
    ("moment", "day", "text"),
    [
        # 15:30 UTC on 31 March is 00:30 on 1 April in Japan: a new day and a new fiscal year.
        (datetime(2025, 3, 31, 15, 30, tzinfo=UTC), "令和7年4月1日（火）", "令和7年4月1日（火）00:30"),
        (datetime(2025, 3, 31, 14, 59, tzinfo=UTC), "令和7年3月31日（月）", "令和7年3月31日（月）23:59"),
        # The era changed at midnight in Japan, which was 15:00 UTC the day before.
        (datetime(2019, 4, 30, 15, 0, tzinfo=UTC), "令和元年5月1日（水）", "令和元年5月1日（水）00:00"),
        (datetime(2019, 4, 30, 14, 59, tzinfo=UTC), "平成31年4月30日（火）", "平成31年4月30日（火）23:59"),
    ],
)
def test_datetimes_are_shown_in_japan_time(moment, day, text):
    assert wareki(moment) == day
    assert wareki_datetime(moment) == text


@pytest.mark.parametrize(
    ("value", "year"),
    [
        (date(2026, 3, 31), 2025),
        (date(2026, 4, 1), 2026),
        (date(2025, 12, 31), 2025),
        (date(2026, 1, 1), 2025),
        (datetime(2026, 3, 31, 15, 0, tzinfo=UTC), 2026),  # already 1 April in Japan
        (datetime(2026, 3, 31, 14, 59, tzinfo=UTC), 2025),
    ],
)
def test_fiscal_year(value, year):
    assert fiscal_year(value) == year


@pytest.mark.parametrize(
    ("year", "label"),
    [
        (2025, "令和7年度"),
        (2020, "令和2年度"),
        # A fiscal year is named by its April: April 2019 was still 平成31年.
        (2019, "平成31年度"),
        (1989, "平成元年度"),
        (1988, "昭和63年度"),
    ],
)
def test_fiscal_year_label(year, label):
    assert fiscal_year_label(year) == label


@pytest.mark.parametrize(
    ("year", "bounds"),
    [
        (2025, (date(2025, 4, 1), date(2026, 3, 31))),
        (2027, (date(2027, 4, 1), date(2028, 3, 31))),
    ],
)
def test_fiscal_year_bounds(year, bounds):
    assert fiscal_year_bounds(year) == bounds
    first, last = bounds
    assert fiscal_year(first) == fiscal_year(last) == year
