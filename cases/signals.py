"""What the agencies' reports say about cases, for the features that discuss them: a registry cases owns.

The reporting feature fills it at start-up; meetings (the agenda's triage, the packet, the live room)
ask through it. So meetings reads report signals without importing reports: features beside each
other stay apart. Answers about a viewer are already cut to the children whose reports part
(Part.REPORTS) that viewer may see. With no source registered every answer is empty.

A caller that holds the policy's answer for the cases already (the live room builds it for each
view) passes it as `accesses`, and the source cuts by it instead of asking the policy again.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from cases.models import Case
from cases.policy import CaseAccess
from portal.models import User

# The viewer's access to each case asked about, from cases.policy (None: the source looks it up).
Accesses = Mapping[int, CaseAccess] | None


@dataclass(frozen=True)
class ReportLine:
    """One child's newest submitted monthly report, as a line of text."""

    child_id: int
    period: str  # 令和8年10月分
    attendance: str  # 出席日数/欠席日数, or —
    concern: str  # 気になる度合い
    condition: str  # stored (cleaned) HTML
    consecutive_absent_days: int | None = None


@dataclass(frozen=True)
class AlertLine:
    """One alert raised about a child of the case."""

    child_id: int
    created_at: datetime
    reasons: str
    summary: str  # stored (cleaned) HTML
    acknowledged: bool


@dataclass(frozen=True)
class ScaleTrend:
    """One agency's safety scales (セーフティスケール, 0–10) for a case, oldest first."""

    agency: str
    scales: tuple[int, ...]
    last_assessed_on: date
    falling: bool


def _no_trends(viewer: User, case_ids: list[int], accesses: Accesses = None) -> dict[int, list[ScaleTrend]]:
    """Answer no trends (a source that keeps no assessment sheets)."""
    return {}


@dataclass(frozen=True)
class ReportSource:
    """What the reporting feature answers.

    find_reasons(cases, since, day): per case id, the reason codes found since `since` (the meeting's
    day is `day`); reason_labels: their Japanese names in the order they are listed;
    latest_lines / recent_alerts / safety_trends(viewer, case ids): per case id, what the viewer may see;
    latest_lines and safety_trends also take the viewer's `accesses` to those cases when known.
    """

    reason_labels: dict[str, str]
    find_reasons: Callable[[list[Case], date, date], dict[int, set[str]]]
    latest_lines: Callable[[User, list[int], Accesses], dict[int, list[ReportLine]]]
    recent_alerts: Callable[[User, list[int]], dict[int, list[AlertLine]]]
    safety_trends: Callable[[User, list[int], Accesses], dict[int, list[ScaleTrend]]] = _no_trends


_sources: list[ReportSource] = []


def register(source: ReportSource) -> None:
    """Add the reporting feature's answers (once; a new app replaces the old source)."""
    _sources[:] = [source]


def reason_labels() -> dict[str, str]:
    """Return the report reasons' Japanese names, in order."""
    return {code: label for source in _sources for code, label in source.reason_labels.items()}


def find_reasons(cases: list[Case], since: date, day: date) -> dict[int, set[str]]:
    """Return, per case, the report reasons found since `since` (as of the meeting's day)."""
    found: dict[int, set[str]] = {}
    for source in _sources:
        for case_id, codes in source.find_reasons(cases, since, day).items():
            found.setdefault(case_id, set()).update(codes)
    return found


def latest_lines(viewer: User, case_ids: list[int], accesses: Accesses = None) -> dict[int, list[ReportLine]]:
    """Return, per case, each child's newest report line the viewer may see."""
    found: dict[int, list[ReportLine]] = {}
    for source in _sources:
        for case_id, lines in source.latest_lines(viewer, case_ids, accesses).items():
            found.setdefault(case_id, []).extend(lines)
    return found


def recent_alerts(viewer: User, case_ids: list[int]) -> dict[int, list[AlertLine]]:
    """Return, per case, its alerts (newest first) about children the viewer may see."""
    found: dict[int, list[AlertLine]] = {}
    for source in _sources:
        for case_id, alerts in source.recent_alerts(viewer, case_ids).items():
            found.setdefault(case_id, []).extend(alerts)
    return found


@dataclass(frozen=True)
class CaseAlarm:
    """Something about a case the coordinator (and, when `to_child_guidance`, the 児相) must see at once.

    reason: "safety_overdue" (the 48-hour sighting is late) or "missing" (所在不明).
    """

    case: Case
    child_id: int
    reason: str
    summary: str
    to_child_guidance: bool


@dataclass(frozen=True)
class AlarmSink:
    """What the alerting feature does with an alarm: raise it (in the caller's transaction) and announce it.

    raise_alarm(user or None, alarm) returns a handle; announce(handles) sends them live after the commit.
    """

    raise_alarm: Callable[[User | None, CaseAlarm], object]
    announce: Callable[[list], int]


_alarm_sinks: list[AlarmSink] = []


def register_alarms(sink: AlarmSink) -> None:
    """Add the alerting feature's alarm handler (once; a new app replaces the old one)."""
    _alarm_sinks[:] = [sink]


def raise_alarm(user: User | None, alarm: CaseAlarm) -> list:
    """Raise an alarm through the registered handler; return the handles to announce after the commit."""
    return [sink.raise_alarm(user, alarm) for sink in _alarm_sinks]


def announce_alarms(handles: list) -> int:
    """Send raised alarms live to the people they concern; return how many pages got one."""
    return sum(sink.announce(handles) for sink in _alarm_sinks) if handles else 0


def safety_trends(
    viewer: User, case_ids: list[int], accesses: Accesses = None
) -> dict[int, list[ScaleTrend]]:
    """Return, per case, the safety-scale trend of each agency whose sheets the viewer may read."""
    found: dict[int, list[ScaleTrend]] = {}
    for source in _sources:
        for case_id, trends in source.safety_trends(viewer, case_ids, accesses).items():
            found.setdefault(case_id, []).extend(trends)
    return found
