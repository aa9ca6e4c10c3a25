"""What a coordinator is told on the home page: ledger changes made by other agencies, with their reasons."""

from datetime import timedelta

from flask import render_template
from markupsafe import Markup
from sqlalchemy import select

from cases import policy
from cases.ledger.services import LEDGER_FIELDS
from cases.models import Case, CaseChange
from portal.extensions import db
from portal.models import Council, User
from portal.types import utcnow

RECENT_DAYS = 14
SHOWN = 20


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


def home_panel(user: User) -> Markup | None:
    """Show the coordinator what other agencies changed in the ledger (a risk raised by the 児相, ...)."""
    if not policy.coordinated_council_ids(user):
        return None
    changes = changes_by_other_agencies(user)
    cases = {
        c.id: c for c in db.session.scalars(select(Case).where(Case.id.in_({ch.case_id for ch in changes})))
    }
    html = render_template(
        "cases/home/other_agencies.html", changes=changes, cases=cases, labels=LEDGER_FIELDS, days=RECENT_DAYS
    )
    return Markup(html)  # noqa: S704
