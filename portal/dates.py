"""Japanese dates: 和暦 (era) formatting with the weekday, and fiscal years (年度, April–March)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

TOKYO = ZoneInfo("Asia/Tokyo")

# (first day of the era, era name), newest first.
ERAS = [
    (date(2019, 5, 1), "令和"),
    (date(1989, 1, 8), "平成"),
    (date(1926, 12, 25), "昭和"),
    (date(1912, 7, 30), "大正"),
    (date(1868, 10, 23), "明治"),
]

WEEKDAYS = "月火水木金土日"


def _as_date(value: date | datetime) -> date:
    """Return the calendar date in Japan for a date or a datetime."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(TOKYO)
        return value.date()
    return value


def era_year(value: date | datetime) -> tuple[str, int]:
    """Return (era name, year of the era) for a date."""
    day = _as_date(value)
    for start, name in ERAS:
        if day >= start:
            return name, day.year - start.year + 1
    raise ValueError("明治より前の日付は和暦で表せません")


def _year_text(era: str, year: int) -> str:
    """Write an era year, with 元年 for the first year."""
    return f"{era}{'元' if year == 1 else year}年"


def wareki(value: date | datetime | None, weekday: bool = True) -> str:
    """Format a date as 令和7年4月1日（火）; empty for None."""
    if value is None:
        return ""
    day = _as_date(value)
    era, year = era_year(day)
    text = f"{_year_text(era, year)}{day.month}月{day.day}日"
    if weekday:
        text += f"（{WEEKDAYS[day.weekday()]}）"
    return text


def wareki_datetime(value: datetime | None) -> str:
    """Format a datetime as 令和7年4月1日（火）14:05 in Japan time; empty for None."""
    if value is None:
        return ""
    local = value.astimezone(TOKYO) if value.tzinfo else value
    return f"{wareki(local)}{local:%H:%M}"


def fiscal_year(value: date | datetime) -> int:
    """Return the fiscal year (年度) a date falls in, named by the April it starts in."""
    day = _as_date(value)
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_bounds(year: int) -> tuple[date, date]:
    """Return the first and last day of a fiscal year."""
    return date(year, 4, 1), date(year + 1, 3, 31)


def fiscal_year_label(year: int) -> str:
    """Name a fiscal year in 和暦, such as 令和7年度."""
    era, era_y = era_year(date(year, 4, 1))
    return f"{era}{'元' if era_y == 1 else era_y}年度"


def today_in_japan() -> date:
    """Return today's date in Japan."""
    return datetime.now(TOKYO).date()
