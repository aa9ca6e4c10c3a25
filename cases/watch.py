"""What a coordinator must see first, on the home page and above the ledger: overdue and open 48-hour
checks, families whose whereabouts are unknown, transfer notices and transfers in progress; and the
same marks on a case's own page. Loading either page also raises the alarms of newly overdue checks.
"""

from flask import render_template
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import or_, select

from cases import policy, signals
from cases.intake import safety
from cases.intake import services as intake
from cases.models import Case, Part
from cases.moves import queries, services, transfers
from cases.moves.models import CaseTransfer, MissingPeriod, TransferStatus
from portal.dates import wareki
from portal.extensions import db
from portal.models import User


def watch_panel(user: User) -> Markup | None:
    """Return the watch panel for this person (None when there is nothing to show)."""
    if not policy.holds_case_role(user):
        return None
    coordinator = bool(policy.coordinated_council_ids(user))
    if coordinator:
        signals.announce_alarms(safety.raise_overdue_alarms(user))
    checks = safety.open_checks(user) if coordinator else []
    missing = services.missing_cases(user)
    notices = queries.notices_for(user)
    pending = [t for t in queries.outgoing_for(user) if t.status == TransferStatus.PENDING.value]
    if not (checks or missing or notices or pending):
        return None
    html = render_template(
        "cases/moves/_watch.html", lines=checks, missing=missing, notices=notices, pending=pending
    )
    return Markup(html)  # noqa: S704 - rendered by an autoescaping template


def ledger_watch() -> Markup | None:
    """Return the watch panel for the person viewing the ledger (a template global)."""
    return watch_panel(current_user._get_current_object())


def case_marks(case: Case, access) -> Markup:
    """Return the marks of one case's page: 所在不明, a transfer, the intake record, the moves link."""
    user = current_user._get_current_object()
    manage = policy.can_manage_sharing(user, case)
    html = render_template(
        "cases/moves/_case_marks.html",
        case=case,
        manage=manage,
        missing=services.open_missing(case) if access.can(Part.LEDGER) else None,
        transfers=queries.transfers_of(case) if manage else ([], []),
        pending=transfers.open_transfer(case) if manage else None,
        record=intake.intake_of(case) if manage else None,
    )
    return Markup(html)  # noqa: S704 - rendered by an autoescaping template


def move_tags(rows) -> dict[int, list[tuple[str, bool]]]:
    """Return, per listed case, its move marks for the ledger: (text, urgent). Two queries for the page."""
    ids = [row.case.id for row in rows]
    if not ids:
        return {}
    tags: dict[int, list[tuple[str, bool]]] = {}
    for period in db.session.scalars(
        select(MissingPeriod).where(MissingPeriod.case_id.in_(ids), MissingPeriod.found_on.is_(None))
    ):
        tags.setdefault(period.case_id, []).append(
            (f"所在不明（{wareki(period.since_on, weekday=False)}から）", True)
        )
    query = select(CaseTransfer).where(
        or_(CaseTransfer.case_id.in_(ids), CaseTransfer.new_case_id.in_(ids)),
        CaseTransfer.status != TransferStatus.CANCELLED.value,
    )
    for t in db.session.scalars(query):
        if t.new_case_id in ids:
            tags.setdefault(t.new_case_id, []).append((f"転入（{t.from_council.municipality}から）", False))
        if t.case_id in ids:
            text = "移管手続中" if t.status == TransferStatus.PENDING.value else "転出（移管済）"
            tags.setdefault(t.case_id, []).append((f"{text}：{t.destination}", False))
    return tags
