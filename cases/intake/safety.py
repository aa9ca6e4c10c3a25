"""The 48-hour safety check: the required direct sighting, and the alarm when it is overdue.

Overdue checks are found by `raise_overdue_alarms` (the `flask intake check-overdue` command for
cron, and each load of the ledger or the home page); each raises one alarm through cases.signals,
to the coordinator and, for an abuse report, the 児童相談所. The caller announces after the commit.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from cases import policy, signals
from cases.intake.models import SIGHTING_METHODS, IntakeRecord
from cases.ledger.services import record_change
from cases.models import Case, Status
from portal import audit
from portal.dates import wareki_datetime
from portal.extensions import db
from portal.models import User
from portal.refusals import Refusal
from portal.sanitize import plain_text
from portal.transaction import transaction
from portal.types import utcnow


def record_sighting(
    user: User, record: IntakeRecord, *, seen_at: datetime, seen_by: str, how: str, note: str
) -> None:
    """Record who saw the child, when and how; the 48-hour check is then done."""
    policy.require(policy.can_manage_sharing(user, record.case))
    problems = []
    if record.sighted_at is not None:
        problems.append("安全確認は既に記録されています。")
    if how not in SIGHTING_METHODS:
        problems.append("確認の方法を選んでください。")
    if not seen_by.strip():
        problems.append("子どもを確認した人を入力してください。")
    if seen_at.tzinfo is None or seen_at > utcnow() or seen_at < record.received_at:
        problems.append("確認日時は受付日時から今までの日時にしてください。")
    if problems:
        raise Refusal(*problems)
    with transaction():
        record.sighted_at = seen_at
        record.sighted_by = seen_by.strip()[:120]
        record.sighted_how = how
        record.sighting_note = plain_text(note).strip()
        record.sighting_recorded_by_id = user.id
        late = seen_at > record.safety_due_at
        record_change(
            record.case, user, "safety_check", "", f"{SIGHTING_METHODS[how]}（{wareki_datetime(seen_at)}）"
        )
        audit.record(
            "intake.sighting",
            actor=user,
            target=record,
            detail={"case_id": record.case_id, "how": how, "late": late},
        )


def _overdue_query(now: datetime, council_ids: set[int] | None = None):
    """Return the SELECT of intake records past the 48 hours without a sighting, not yet alarmed."""
    query = (
        select(IntakeRecord)
        .join(Case, Case.id == IntakeRecord.case_id)
        .where(
            IntakeRecord.sighted_at.is_(None),
            IntakeRecord.overdue_alerted_at.is_(None),
            IntakeRecord.safety_due_at < now,
            IntakeRecord.decision != "advice",
            Case.status != Status.CLOSED.value,
        )
        .order_by(IntakeRecord.safety_due_at)
    )
    if council_ids is not None:
        query = query.where(Case.council_id.in_(council_ids))
    return query


def raise_overdue_alarms(user: User | None = None, now: datetime | None = None) -> list:
    """Raise one alarm per newly overdue check (of the person's councils, or all with no person).

    Returns the handles to announce after the commit. Each record is alarmed once.
    """
    now = now or utcnow()
    council_ids = None if user is None else policy.coordinated_council_ids(user)
    if council_ids == set():
        return []
    records = list(db.session.scalars(_overdue_query(now, council_ids)))
    if not records:
        return []  # no commit: it would expire every object the page has loaded
    handles = []
    # The page goes on showing what it loaded; only the alarmed records change, in this session.
    with transaction(keep_loaded=True):
        for record in records:
            case = record.case
            if not case.children:
                continue
            record.overdue_alerted_at = now
            summary = (
                f"受付 {wareki_datetime(record.received_at)} から48時間以内の安全確認（直接目視）が"
                f"まだ記録されていません（期限 {wareki_datetime(record.safety_due_at)}）。"
            )
            alarm = signals.CaseAlarm(
                case, case.children[0].id, "safety_overdue", summary, record.abuse_report
            )
            handles += signals.raise_alarm(user, alarm)
            audit.record(
                "intake.overdue",
                actor=user,
                target=record,
                detail={"case_id": case.id, "due": record.safety_due_at.isoformat()},
            )
    return handles


@dataclass
class WatchLine:
    """An intake whose 48-hour check is open, for the ledger and the home page."""

    record: IntakeRecord
    hours_left: int
    overdue: bool


def open_checks(user: User, now: datetime | None = None) -> list[WatchLine]:
    """Return the open 48-hour checks of the person's councils, overdue first, then by deadline."""
    council_ids = policy.coordinated_council_ids(user)
    if not council_ids:
        return []
    now = now or utcnow()
    query = (
        select(IntakeRecord)
        .join(Case, Case.id == IntakeRecord.case_id)
        .where(
            Case.council_id.in_(council_ids),
            IntakeRecord.sighted_at.is_(None),
            IntakeRecord.decision != "advice",
            Case.status != Status.CLOSED.value,
        )
        .order_by(IntakeRecord.safety_due_at)
        .limit(100)
    )
    return [WatchLine(r, r.hours_left(now), r.overdue(now)) for r in db.session.scalars(query)]
