"""The submission board (agency x month: submitted, draft, missing, overdue) and reminders."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from cases import policy
from cases.models import Case, Child, Part, Status
from portal import audit
from portal.dates import TOKYO
from portal.extensions import db
from portal.models import Agency, Council, User
from portal.transaction import transaction
from portal.types import utcnow
from reports import access
from reports.board import mail
from reports.board.models import Notification, Reminder
from reports.monthly.models import MonthlyReport
from reports.monthly.periods import Period

STATE_LABELS = {
    "submitted": "提出済み",
    "late": "期限後に提出",
    "draft": "下書き",
    "overdue": "期限超過",
    "missing": "未提出",
    "ongoing": "期間中",
    "none": "対象児童なし",
}


@dataclass
class Cell:
    """One agency's state for one period."""

    state: str
    report: MonthlyReport | None = None

    @property
    def label(self) -> str:
        """Return the state in Japanese."""
        return STATE_LABELS[self.state]

    @property
    def late(self) -> bool:
        """Tell whether a reminder is in order."""
        return self.state in ("overdue", "missing")


@dataclass
class Line:
    """One reporting agency across the periods shown."""

    agency: Agency
    children: int
    cells: list[Cell] = field(default_factory=list)
    last_reminder: Reminder | None = None


def reporting_agencies(council: Council) -> list[Agency]:
    """Return the council's active member agencies of a reporting kind."""
    return [a for a in council.members if a.active and access.reports_to(a, council)]


def _children_counts(user: User, council: Council, agency_ids: list[int]) -> dict[int, int]:
    """Return how many registered children each agency reports on (as far as the person sees)."""
    rows = db.session.execute(
        select(Child.enrolled_agency_id, func.count(Child.id))
        .join(Case, Case.id == Child.case_id)
        .where(
            Case.council_id == council.id,
            Case.status == Status.REGISTERED.value,
            Child.enrolled_agency_id.in_(agency_ids),
            policy.visible_children_clause(user, Part.REPORTS),
        )
        .group_by(Child.enrolled_agency_id)
    )
    return dict(rows.all())


def cell_for(report: MonthlyReport | None, period: Period, children: int, today: date) -> Cell:
    """Return an agency's state for a period, judged against the due date."""
    if report is not None and report.submitted:
        on_time = report.first_submitted_at.astimezone(TOKYO).date() <= period.due
        return Cell("submitted" if on_time else "late", report)
    if children == 0 and report is None:
        return Cell("none")
    if today > period.due:
        return Cell("overdue", report)
    if report is not None:
        return Cell("draft", report)
    return Cell("missing" if today > period.end else "ongoing")


def board(user: User, council: Council, periods: list[Period], today: date) -> list[Line]:
    """Return the board of the council's reporting agencies for the periods (audited)."""
    with transaction(keep_loaded=True):
        agencies = reporting_agencies(council)
        ids = [a.id for a in agencies]
        counts = _children_counts(user, council, ids)
        keys = [(p.year, p.month) for p in periods]
        reports = {}
        if ids and keys:
            found = db.session.scalars(
                select(MonthlyReport).where(
                    MonthlyReport.council_id == council.id,
                    MonthlyReport.agency_id.in_(ids),
                    MonthlyReport.year * 100 + MonthlyReport.month >= min(y * 100 + m for y, m in keys),
                )
            )
            reports = {(r.agency_id, r.year, r.month): r for r in found}
        reminders = {}
        if ids and periods:
            latest = periods[0]
            for reminder in db.session.scalars(
                select(Reminder)
                .where(
                    Reminder.council_id == council.id,
                    Reminder.year == latest.year,
                    Reminder.month == latest.month,
                )
                .order_by(Reminder.sent_at)
            ):
                reminders[reminder.agency_id] = reminder
        lines = []
        for agency in agencies:
            line = Line(agency, counts.get(agency.id, 0), last_reminder=reminders.get(agency.id))
            for period in periods:
                report = reports.get((agency.id, period.year, period.month))
                line.cells.append(cell_for(report, period, line.children, today))
            lines.append(line)
        audit.record(
            "report.board_view", actor=user, target=council, detail={"periods": [p.key for p in periods]}
        )
    return lines


@dataclass
class ReminderResult:
    """Who was reminded: agencies, people notified in the portal, emails sent."""

    agencies: list[Agency] = field(default_factory=list)
    user_ids: list[int] = field(default_factory=list)
    emailed: int = 0


def send_reminders(
    user: User, council: Council, period: Period, agency_ids: list[int], today: date, link: str
) -> ReminderResult:
    """Remind the chosen agencies that have not submitted the period's report (in-portal, and email)."""
    with transaction():
        result = ReminderResult()
        late = []
        for line in board_lines_for(user, council, period, today):
            if line.agency.id in agency_ids and line.cells[0].late:
                late.append(line.agency)
        title = f"{period.label}の定期報告が未提出です"
        body = (
            f"{council.name}への{period.label}の定期報告の期限は{period.due.month}月{period.due.day}日です。"
        )
        for agency in late:
            people = [p for p in agency.people if p.active and p.has_role(*policy.CASE_ROLES)]
            for person in people:
                db.session.add(
                    Notification(
                        user_id=person.id,
                        kind="reminder",
                        title=title,
                        body=body,
                        link=link,
                        created_by_id=user.id,
                    )
                )
            emailed = mail.send_many(
                [p.email for p in people if p.email], title, body + "\nポータルから提出してください。"
            )
            db.session.add(
                Reminder(
                    council_id=council.id,
                    agency_id=agency.id,
                    year=period.year,
                    month=period.month,
                    sent_by_id=user.id,
                    recipients=len(people),
                    emailed=emailed,
                )
            )
            audit.record(
                "report.remind",
                actor=user,
                target=agency,
                detail={
                    "council_id": council.id,
                    "period": period.key,
                    "people": len(people),
                    "emailed": emailed,
                },
            )
            result.agencies.append(agency)
            result.user_ids.extend(p.id for p in people)
            result.emailed += emailed
    return result


def board_lines_for(user: User, council: Council, period: Period, today: date) -> list[Line]:
    """Return each reporting agency's state for one period, without an audit row of its own."""
    agencies = reporting_agencies(council)
    counts = _children_counts(user, council, [a.id for a in agencies])
    lines = []
    for agency in agencies:
        report = db.session.scalar(
            select(MonthlyReport).where(
                MonthlyReport.council_id == council.id,
                MonthlyReport.agency_id == agency.id,
                MonthlyReport.year == period.year,
                MonthlyReport.month == period.month,
            )
        )
        children = counts.get(agency.id, 0)
        lines.append(Line(agency, children, [cell_for(report, period, children, today)]))
    return lines


def unread_notifications(user: User, limit: int = 20) -> list[Notification]:
    """Return the person's unread in-portal notices, newest first."""
    return list(
        db.session.scalars(
            select(Notification)
            .where(Notification.user_id == user.id, Notification.read_at.is_(None))
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        )
    )


def mark_read(user: User, notification_id: int) -> bool:
    """Mark one of the person's notices as read; False when it is not theirs."""
    with transaction():
        notice = db.session.get(Notification, notification_id)
        if notice is None or notice.user_id != user.id:
            return False
        notice.read_at = notice.read_at or utcnow()
    return True


def send_notice(people: list[User], notice, by: User | None) -> int:
    """Add an in-portal notice for each person and mail them when SMTP is configured (portal.notices)."""
    for person in people:
        db.session.add(
            Notification(
                user_id=person.id,
                kind=notice.kind[:20],
                title=notice.title[:200],
                body=notice.body,
                link=notice.link[:200],
                created_by_id=getattr(by, "id", None),
            )
        )
    return mail.send_many([p.email for p in people if p.email], notice.title, notice.body)
