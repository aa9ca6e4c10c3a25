"""Fixtures for report tests: the town of the cases tests, its current period, a filled-in line."""

import pytest

from portal.dates import today_in_japan
from reports.monthly.periods import current_period
from tests.cases.conftest import Town, household_input, town, town_file

__all__ = ["Town", "household_input", "town", "town_file"]


@pytest.fixture
def period(town):
    """The period a report is due for today."""
    return current_period(town.council, today_in_japan())


def line(child_id: int, **values) -> dict:
    """Return a filled-in line of the report grid as form fields (r<child>-<field>)."""
    data = {
        "attended_days": "18",
        "absent_notified": "1",
        "absent_unnotified": "0",
        "late_count": "0",
        "early_leave_count": "0",
        "consecutive_absent_days": "0",
        "last_attended_on": "",
        "absence_reason": "",
        "condition": "元気に過ごしている",
        "signs": "",
        "guardian": "",
        "concern": "none",
    }
    data.update({k: str(v) for k, v in values.items()})
    return {f"r{child_id}-{k}": v for k, v in data.items()}


def grid(child_id: int, action: str = "submit", school_days: int | str = 19, **values) -> dict:
    """Return the whole form of a one-child report."""
    return {"school_days": str(school_days), "action": action, **line(child_id, **values)}
