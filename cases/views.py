"""Case pages: the ledger, a case, its sharing, notes and history."""

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from cases import ledger, policy

bp = Blueprint("cases", __name__, url_prefix="/cases")


def may_use_ledger(user) -> bool:
    """Tell whether the ledger link is shown: people with a case role."""
    return user.has_role(*policy.CASE_ROLES)


@bp.route("/")
@login_required
def ledger_view():
    """Show the ledger page."""
    filters = ledger.LedgerFilters(q=request.args.get("q", ""))
    page = ledger.ledger_page(current_user._get_current_object(), filters)
    return render_template("cases/ledger.html", page=page)
