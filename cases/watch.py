"""What a coordinator must see first, on the home page and above the ledger: overdue and open 48-hour
checks, families whose whereabouts are unknown, transfer notices and transfers in progress; and the
same marks on a case's own page. Loading either page also raises the alarms of newly overdue checks.
"""

from flask import render_template
from flask_login import current_user
from markupsafe import Markup

from cases import policy, signals
from cases.intake import safety
from cases.intake import services as intake
from cases.models import Case, Part
from cases.moves import queries, services, transfers
from cases.moves.models import TransferStatus
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
