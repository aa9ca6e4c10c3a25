"""The council's activity in a 年度, computed in the database: meetings held per tier and 部会, the
monthly reports received against those due, immediate reports, alerts and their acknowledgement."""

import math
import statistics
from datetime import date

from sqlalchemy import and_, case, func, select, union

from figures.rules import Year
from meetings.models import AgendaItem, Invitee, Meeting, MeetingStatus, Response, agenda_item_cases
from portal.extensions import db
from portal.models import Agency, AgencyKind, Council, council_members
from reports import access
from reports.alerts.models import Alert, ImmediateReport
from reports.monthly.models import MonthlyReport
from reports.monthly.periods import period_for


def _sum(clause, value=1):
    """Return SUM(value WHEN clause ELSE 0)."""
    value = value if isinstance(value, int) else func.coalesce(value, 0)
    return func.coalesce(func.sum(case((clause, value), else_=0)), 0)


def meetings(council: Council, year: Year) -> dict[tuple[str, str], list[int]]:
    """Return (tier, 部会) -> [held, cases discussed, attendances] for the year, then the year before."""
    pairs = union(
        select(AgendaItem.meeting_id, AgendaItem.case_id).where(AgendaItem.case_id.is_not(None)),
        select(AgendaItem.meeting_id, agenda_item_cases.c.case_id).join(
            agenda_item_cases, agenda_item_cases.c.item_id == AgendaItem.id
        ),
    ).subquery()
    cases = (
        select(pairs.c.meeting_id, func.count(pairs.c.case_id).label("n"))
        .group_by(pairs.c.meeting_id)
        .subquery()
    )
    present = (
        select(Invitee.meeting_id, func.count(Invitee.id).label("n"))
        .where(Invitee.response == Response.ATTENDING.value)
        .group_by(Invitee.meeting_id)
        .subquery()
    )
    columns = []
    for each in (year, year.previous()):
        held = and_(Meeting.starts_at >= each.starts_at, Meeting.starts_at < each.ends_before)
        columns += [_sum(held), _sum(held, cases.c.n), _sum(held, present.c.n)]
    rows = db.session.execute(
        select(Meeting.tier, Meeting.section, *columns)
        .outerjoin(cases, cases.c.meeting_id == Meeting.id)
        .outerjoin(present, present.c.meeting_id == Meeting.id)
        .where(Meeting.council_id == council.id, Meeting.status == MeetingStatus.ENDED.value)
        .group_by(Meeting.tier, Meeting.section)
    )
    return {(row[0], row[1] or ""): [int(v) for v in row[2:]] for row in rows}


def _reporting_agencies(council: Council) -> int:
    """Return how many active member agencies of the council are of a kind that reports monthly."""
    return db.session.scalar(
        select(func.count(Agency.id))
        .join(council_members, council_members.c.agency_id == Agency.id)
        .join(AgencyKind, AgencyKind.id == Agency.kind_id)
        .where(
            council_members.c.council_id == council.id,
            Agency.active,
            AgencyKind.category.in_(sorted(access.reporting_categories(council)) or [""]),
        )
    )


def _hours(alerts: list[tuple]) -> tuple[float | None, float | None]:
    """Return the median and the 90th percentile (nearest rank) of alert-to-acknowledgement hours."""
    hours = sorted((ack - created).total_seconds() / 3600 for created, ack in alerts)
    if not hours:
        return None, None
    p90 = hours[max(math.ceil(0.9 * len(hours)) - 1, 0)]
    return round(statistics.median(hours), 1), round(p90, 1)


def reports(council: Council, year: Year, today: date) -> dict[str, list]:
    """Return each reports line -> [this year, the year before]."""
    result: dict[str, list] = {
        k: [] for k in ("due", "received", "immediate", "alerts", "acked", "median", "p90")
    }
    agencies = _reporting_agencies(council)
    for each in (year, year.previous()):
        months = each.months()
        passed = sum(1 for y, m in months if period_for(council, y, m).due < today)
        received = db.session.scalar(
            select(func.count(MonthlyReport.id)).where(
                MonthlyReport.council_id == council.id,
                MonthlyReport.version > 0,
                MonthlyReport.year * 100 + MonthlyReport.month >= months[0][0] * 100 + months[0][1],
                MonthlyReport.year * 100 + MonthlyReport.month <= months[-1][0] * 100 + months[-1][1],
            )
        )
        immediate = db.session.scalar(
            select(func.count(ImmediateReport.id)).where(
                ImmediateReport.council_id == council.id,
                ImmediateReport.reported_at >= each.starts_at,
                ImmediateReport.reported_at < each.ends_before,
            )
        )
        alerts = db.session.execute(
            select(Alert.created_at, Alert.acknowledged_at).where(
                Alert.council_id == council.id,
                Alert.created_at >= each.starts_at,
                Alert.created_at < each.ends_before,
            )
        ).all()
        acked = [(c, a) for c, a in alerts if a is not None]
        median, p90 = _hours(acked)
        for key, value in (
            ("due", passed * agencies),
            ("received", received),
            ("immediate", immediate),
            ("alerts", len(alerts)),
            ("acked", len(acked)),
            ("median", median),
            ("p90", p90),
        ):
            result[key].append(value)
    return result
