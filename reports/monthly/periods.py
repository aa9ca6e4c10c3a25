"""Monthly reporting periods and due dates, as the council's settings define them."""

from dataclasses import dataclass
from datetime import date, timedelta

from portal.dates import wareki
from portal.models import Council


@dataclass(frozen=True)
class Period:
    """One monthly period of a council: named by its year and month, with its days and due date."""

    year: int
    month: int
    start: date
    end: date
    due: date

    @property
    def key(self) -> str:
        """Return the period as 2025-05 (for URLs and forms)."""
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        """Return the period's Japanese name, such as 令和7年5月分."""
        era_date = wareki(date(self.year, self.month, 1), weekday=False)
        return era_date.rsplit("月", 1)[0] + "月分"

    @property
    def days(self) -> int:
        """Return how many calendar days the period has."""
        return (self.end - self.start).days + 1

    def contains(self, day: date) -> bool:
        """Tell whether a day falls in the period."""
        return self.start <= day <= self.end


def _add_months(year: int, month: int, count: int) -> tuple[int, int]:
    """Return (year, month) `count` months later (or earlier, when negative)."""
    index = year * 12 + (month - 1) + count
    return index // 12, index % 12 + 1


def _start_day(council: Council) -> int:
    """Return the day a period starts on, kept between 1 and 28 so every month has it."""
    return min(max(council.report_period_start_day or 1, 1), 28)


def period_for(council: Council, year: int, month: int) -> Period:
    """Return the council's period named by year and month."""
    start = date(year, month, _start_day(council))
    next_year, next_month = _add_months(year, month, 1)
    end = date(next_year, next_month, start.day) - timedelta(days=1)
    return Period(year, month, start, end, due_date(council, end))


def due_date(council: Council, period_end: date) -> date:
    """Return the first council due day (報告期限) after the period ends."""
    day = min(max(council.report_due_day or 10, 1), 28)
    if day > period_end.day:
        return period_end.replace(day=day)
    year, month = _add_months(period_end.year, period_end.month, 1)
    return date(year, month, day)


def period_of_day(council: Council, day: date) -> Period:
    """Return the period a day falls in."""
    year, month = day.year, day.month
    if day.day < _start_day(council):
        year, month = _add_months(year, month, -1)
    return period_for(council, year, month)


def current_period(council: Council, today: date) -> Period:
    """Return the period a report is due for now: the last one that has ended by today."""
    ongoing = period_of_day(council, today)
    year, month = _add_months(ongoing.year, ongoing.month, -1)
    return period_for(council, year, month)


def recent_periods(council: Council, today: date, count: int = 6) -> list[Period]:
    """Return the ongoing period and the ones before it, newest first."""
    ongoing = period_of_day(council, today)
    return [period_for(council, *_add_months(ongoing.year, ongoing.month, -i)) for i in range(count)]


def parse_key(council: Council, key: str | None) -> Period | None:
    """Return the period named by 2025-05, or None when the text is not one."""
    try:
        year_text, month_text = (key or "").split("-")
        year, month = int(year_text), int(month_text)
    except ValueError:
        return None
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        return None
    return period_for(council, year, month)
