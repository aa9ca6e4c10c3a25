"""A child's change of school or nursery inside the council, and whereabouts unknown (所在不明).

Each operation runs in one transaction with its audit row and a line of the case history. Marking a
family missing raises an alarm through cases.signals (to the coordinator and the 児童相談所); the
caller announces it after the commit.
"""

from datetime import date, timedelta

from sqlalchemy import select

from cases import policy, signals
from cases.ledger.services import record_change
from cases.models import Case, Child, Status
from cases.moves.models import MissingPeriod
from cases.sharing import services as sharing
from cases.sharing.models import AccessGrant, Involvement, InvolvementKind
from portal import audit
from portal.dates import today_in_japan, wareki
from portal.extensions import db
from portal.models import Agency, User
from portal.refusals import Refusal
from portal.sanitize import plain_text
from portal.transaction import transaction


def change_school(
    user: User, case: Case, child: Child, new_agency_id: int, moved_on: date, grade_class: str = ""
):
    """Move a child to another school or nursery of the council from `moved_on`.

    The old school's involvement and its statutory sharing end the day before the move; the new
    one's start on the move date, so monthly reports come from the new school from then on.
    """
    policy.require(policy.can_manage_sharing(user, case))
    new_agency = db.session.get(Agency, new_agency_id)
    problems = []
    if child.case_id != case.id:
        problems.append("対象の子どもが正しくありません。")
    if new_agency is None or case.council not in new_agency.councils or not new_agency.active:
        problems.append("転校・転園先は協議会の構成機関から選んでください。")
    elif new_agency_id == child.enrolled_agency_id:
        problems.append("今の所属と同じ機関です。")
    if moved_on > today_in_japan():
        problems.append("転校・転園の日は今日までの日付にしてください（予定は決まった日に記録します）。")
    if moved_on < case.received_on:
        problems.append("転校・転園の日が受理日より前です。")
    if problems:
        raise Refusal(*problems)
    old = child.enrolled_agency
    with transaction():
        for involvement in _open_enrolments(case, child):
            last_day = max(involvement.started_on, moved_on - timedelta(days=1))
            involvement.ended_on = last_day
            for grant in db.session.scalars(
                select(AccessGrant).where(AccessGrant.involvement_id == involvement.id)
            ):
                grant.valid_until = last_day
        sharing.involve(
            user,
            case,
            new_agency_id,
            InvolvementKind.ENROLLED,
            moved_on,
            child_id=child.id,
            note="転校・転園",
        )
        child.enrolled_agency_id = new_agency_id
        if grade_class:
            child.grade_class = grade_class[:30]
        before = old.name if old else "（なし）"
        record_change(
            case,
            user,
            "enrolled_agency",
            f"{child.name}: {before}",
            f"{new_agency.name}（{wareki(moved_on)}から）",
        )
        case.version += 1
        audit.record(
            "case.school_change",
            actor=user,
            target=case,
            detail={
                "child_id": child.id,
                "from": old.id if old else None,
                "to": new_agency_id,
                "on": moved_on,
            },
        )


def _open_enrolments(case: Case, child: Child) -> list[Involvement]:
    """Return the child's open 在籍機関 involvements."""
    return list(
        db.session.scalars(
            select(Involvement).where(
                Involvement.case_id == case.id,
                Involvement.child_id == child.id,
                Involvement.kind == InvolvementKind.ENROLLED.value,
                Involvement.ended_on.is_(None),
            )
        )
    )


def open_missing(case: Case) -> MissingPeriod | None:
    """Return the case's open 所在不明 period, if any."""
    return db.session.scalar(
        select(MissingPeriod).where(MissingPeriod.case_id == case.id, MissingPeriod.found_on.is_(None))
    )


def missing_history(case: Case) -> list[MissingPeriod]:
    """Return every 所在不明 period of the case, newest first."""
    query = (
        select(MissingPeriod).where(MissingPeriod.case_id == case.id).order_by(MissingPeriod.since_on.desc())
    )
    return list(db.session.scalars(query))


def mark_missing(user: User, case: Case, since_on: date, note: str) -> list:
    """Mark the family's whereabouts unknown; return the alarm handles to announce after the commit."""
    policy.require(policy.can_manage_sharing(user, case))
    problems = []
    if case.status == Status.CLOSED.value:
        problems.append("終結したケースです。")
    if open_missing(case) is not None:
        problems.append("既に所在不明として記録されています。")
    if since_on > today_in_japan():
        problems.append("所在不明になった日は今日までの日付にしてください。")
    if not case.children:
        problems.append("子どもが記録されていないケースです。")
    if problems:
        raise Refusal(*problems)
    with transaction():
        period = MissingPeriod(
            case_id=case.id, since_on=since_on, note=plain_text(note).strip(), marked_by_id=user.id
        )
        db.session.add(period)
        db.session.flush()
        record_change(case, user, "missing", "", f"所在不明（{wareki(since_on)}から）")
        summary = f"{wareki(since_on)}から世帯の所在が分かりません。関係機関を通じて所在を確認してください。"
        handles = signals.raise_alarm(
            user, signals.CaseAlarm(case, case.children[0].id, "missing", summary, True)
        )
        audit.record(
            "case.missing", actor=user, target=case, detail={"since": since_on, "period_id": period.id}
        )
    return handles


def mark_found(user: User, case: Case, found_on: date, note: str) -> MissingPeriod:
    """Record that the family was found; the 所在不明 mark leaves the ledger."""
    policy.require(policy.can_manage_sharing(user, case))
    period = open_missing(case)
    if period is None:
        raise Refusal("所在不明の記録がありません。")
    if found_on > today_in_japan() or found_on < period.since_on:
        raise Refusal("所在が分かった日は、所在不明になった日から今日までの日付にしてください。")
    with transaction():
        period.found_on = found_on
        period.found_note = plain_text(note).strip()
        period.found_by_id = user.id
        record_change(
            case,
            user,
            "missing",
            f"所在不明（{wareki(period.since_on)}から）",
            f"所在確認（{wareki(found_on)}）",
        )
        audit.record(
            "case.found", actor=user, target=case, detail={"found": found_on, "period_id": period.id}
        )
    return period


def missing_cases(user: User) -> list[MissingPeriod]:
    """Return the open 所在不明 periods of the cases the person may see, longest missing first."""
    query = (
        select(MissingPeriod)
        .join(Case, Case.id == MissingPeriod.case_id)
        .where(MissingPeriod.found_on.is_(None), policy.visible_cases_clause(user))
        .order_by(MissingPeriod.since_on)
        .limit(100)
    )
    return list(db.session.scalars(query))
