"""Home-page panels of the ledger, per role: what the coordinator, the 児相 and 母子保健 do today.

The coordinator sees overdue reviews and what other agencies changed (a risk raised by the 児相,
with its reason); a 児相 caseworker sees the changes across its councils since the last visit;
the center's 母子保健 staff see the 特定妊婦 they support with their expected delivery dates.
"""

from datetime import datetime, timedelta

from flask import render_template
from markupsafe import Markup
from sqlalchemy import select

from cases import policy
from cases.ledger.services import LEDGER_FIELDS
from cases.models import Case, CaseChange, Category, Part, Status
from portal.audit import AuditEntry
from portal.dates import today_in_japan
from portal.extensions import db
from portal.models import Council, Role, User
from portal.types import utcnow

RECENT_DAYS = 14
SHOWN = 20
FIELDS = {**LEDGER_FIELDS, "status": "状況", "closure_reason": "終結理由", "children": "子どもの追加"}


def changes_by_other_agencies(user: User, days: int = RECENT_DAYS) -> list[CaseChange]:
    """Return recent ledger changes made by people outside the coordinating body, in its councils."""
    council_ids = policy.coordinated_council_ids(user)
    if not council_ids:
        return []
    since = utcnow() - timedelta(days=days)
    query = (
        select(CaseChange)
        .join(Case, Case.id == CaseChange.case_id)
        .join(Council, Council.id == Case.council_id)
        .where(
            Case.council_id.in_(council_ids),
            CaseChange.at >= since,
            CaseChange.field.in_(list(LEDGER_FIELDS)),
            CaseChange.agency_id.is_not(None),
            CaseChange.agency_id != Council.coordinating_agency_id,
            policy.visible_cases_clause(user),
        )
        .order_by(CaseChange.at.desc(), CaseChange.id.desc())
        .limit(SHOWN)
    )
    return list(db.session.scalars(query))


def last_visit(user: User) -> datetime:
    """Return when the person last logged in before this session (two weeks ago at most)."""
    logins = db.session.scalars(
        select(AuditEntry.at)
        .where(AuditEntry.actor_id == user.id, AuditEntry.action == "login.success")
        .order_by(AuditEntry.seq.desc())
        .limit(2)
    ).all()
    floor = utcnow() - timedelta(days=RECENT_DAYS)
    return max(logins[1], floor) if len(logins) > 1 else floor


def changes_since_last_visit(user: User) -> tuple[datetime, list[CaseChange]]:
    """Return the ledger changes others made since the person's last visit, in the cases they see."""
    since = last_visit(user)
    query = (
        select(CaseChange)
        .join(Case, Case.id == CaseChange.case_id)
        .where(
            CaseChange.at >= since,
            CaseChange.field.in_(list(FIELDS)),
            CaseChange.user_id != user.id,
            policy.visible_cases_clause(user, Part.LEDGER),
        )
        .order_by(CaseChange.at.desc(), CaseChange.id.desc())
        .limit(50)
    )
    return since, list(db.session.scalars(query))


def overdue_reviews(user: User) -> list[Case]:
    """Return the registered cases of the person's councils whose next review date has passed."""
    council_ids = policy.coordinated_council_ids(user)
    query = (
        select(Case)
        .where(
            Case.council_id.in_(council_ids),
            Case.status == Status.REGISTERED.value,
            Case.next_review_on < today_in_japan(),
        )
        .order_by(Case.next_review_on, Case.case_number)
        .limit(SHOWN)
    )
    return list(db.session.scalars(query)) if council_ids else []


def supported_pregnancies(user: User) -> list[tuple[Case, str]]:
    """Return the open 特定妊婦 cases the person supports (soonest delivery first) with the woman's name."""
    query = (
        select(Case)
        .where(
            Case.category == Category.PREGNANT.value,
            Case.status != Status.CLOSED.value,
            policy.visible_cases_clause(user),
        )
        .order_by(Case.expected_delivery_on.is_(None), Case.expected_delivery_on, Case.case_number)
        .limit(SHOWN)
    )
    found = []
    for case in db.session.scalars(query):
        access = policy.access_for(user, case)
        if not policy.supports_pregnancy(user, case, access):
            continue
        woman = next((c for c in case.children if c.expectant_mother), None)
        visible = woman is not None and access.child_visible(Part.BASIC, woman.id)
        found.append((case, woman.name if visible else "（非共有）"))
    return found


def _cases_of(changes: list[CaseChange]) -> dict[int, Case]:
    """Return the cases the changes belong to, by id."""
    ids = {change.case_id for change in changes}
    return {case.id: case for case in db.session.scalars(select(Case).where(Case.id.in_(ids)))}


def home_panel(user: User) -> Markup | None:
    """Show the coordinator overdue reviews and what other agencies changed in the ledger."""
    if not policy.coordinated_council_ids(user):
        return None
    changes = changes_by_other_agencies(user)
    html = render_template(
        "cases/home/other_agencies.html",
        changes=changes,
        cases=_cases_of(changes),
        labels=FIELDS,
        days=RECENT_DAYS,
        overdue=overdue_reviews(user),
        today=today_in_japan(),
    )
    return Markup(html)  # noqa: S704 - rendered by an autoescaping template


def caseworker_panel(user: User) -> Markup | None:
    """Show a 児相 caseworker the changes across its councils since the last visit."""
    if not user.has_role(Role.CASEWORKER) or policy.coordinated_council_ids(user):
        return None
    since, changes = changes_since_last_visit(user)
    cases = _cases_of(changes)
    html = render_template(
        "cases/home/since_last_visit.html", since=since, changes=changes, cases=cases, labels=FIELDS
    )
    return Markup(html)  # noqa: S704 - rendered by an autoescaping template


def pregnancy_panel(user: User) -> Markup | None:
    """Show the center's 母子保健 staff the 特定妊婦 they support, with the expected delivery dates."""
    if policy.coordinated_council_ids(user):
        return None
    pregnancies = supported_pregnancies(user)
    if not pregnancies:
        return None
    html = render_template("cases/home/pregnancies.html", pregnancies=pregnancies, today=today_in_japan())
    return Markup(html)  # noqa: S704 - rendered by an autoescaping template
