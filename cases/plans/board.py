"""The review board (見直し): plans due soon, overdue plans, and registered cases with no plan.

A plan stays overdue until a review moves its date or the case is closed, so a review date
cannot pass silently. Only the coordinating body sees the board; the caseworker assigned to
a plan sees its date on the home page.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import exists, select

from cases import policy
from cases.models import Case, Status
from cases.plans.models import SupportPlan
from cases.reads import record_read
from portal.dates import today_in_japan
from portal.extensions import db
from portal.models import User
from portal.transaction import transaction

DUE_WITHIN_DAYS = 30


@dataclass
class ReviewBoard:
    """What the coordinating body must act on, as of `today`."""

    today: date
    overdue: list[SupportPlan]
    due: list[SupportPlan]
    without_plan: list[Case]

    @property
    def due_until(self) -> date:
        """Return the last day the "due soon" list covers."""
        return self.today + timedelta(days=DUE_WITHIN_DAYS)


def may_see_board(user: User) -> bool:
    """Tell whether the person sees the review board: they coordinate a council."""
    return user.is_authenticated and user.active and bool(policy.coordinated_council_ids(user))


def _open_plans(council_ids):
    """Return a SELECT of the plans of open (not closed) cases of these councils."""
    return (
        select(SupportPlan)
        .join(Case, Case.id == SupportPlan.case_id)
        .where(Case.council_id.in_(council_ids), Case.status != Status.CLOSED.value)
    )


def review_board(user: User, today: date | None = None) -> ReviewBoard:
    """Return the board for the councils the person coordinates; audit the read."""
    policy.require(may_see_board(user))
    today = today or today_in_japan()
    council_ids = policy.coordinated_council_ids(user)
    plans = _open_plans(council_ids).order_by(SupportPlan.next_review_on, Case.case_number)
    overdue = list(db.session.scalars(plans.where(SupportPlan.next_review_on < today)))
    due_until = today + timedelta(days=DUE_WITHIN_DAYS)
    due = list(db.session.scalars(plans.where(SupportPlan.next_review_on.between(today, due_until))))
    without_plan = list(
        db.session.scalars(
            select(Case)
            .where(
                Case.council_id.in_(council_ids),
                Case.status == Status.REGISTERED.value,
                ~exists().where(SupportPlan.case_id == Case.id),
            )
            .order_by(Case.registered_on, Case.case_number)
        )
    )
    case_ids = sorted({p.case_id for p in overdue + due} | {c.id for c in without_plan})
    detail = {"overdue": len(overdue), "due": len(due), "without_plan": len(without_plan)}
    # Keep the loaded rows: the page shows exactly what the audit row records.
    with transaction(keep_loaded=True):
        record_read("plan.board_view", user, case_ids, detail)
    return ReviewBoard(today, overdue, due, without_plan)


def my_reviews(user: User) -> list[SupportPlan]:
    """Return the open plans this person is the caseworker of, soonest review first (home page)."""
    # 母子保健 staff may be a plan's 担当者 too: their plans are in the councils their agency coordinates.
    council_ids = policy.coordinated_council_ids(user) or {
        c.id for c in user.agency.councils if c.coordinating_agency_id == user.agency_id
    }
    return list(
        db.session.scalars(
            _open_plans(council_ids)
            .where(SupportPlan.caseworker_id == user.id)
            .order_by(SupportPlan.next_review_on, Case.case_number)
            .limit(100)
        )
    )
