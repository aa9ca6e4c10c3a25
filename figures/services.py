"""Reading a council's figures: who may, which 年度, and the audited Word and Excel copies."""

from flask import abort
from sqlalchemy import select

from cases import policy
from figures import excel, word
from figures.tables import Figures, figures_of
from portal import audit
from portal.dates import fiscal_year, today_in_japan
from portal.extensions import db
from portal.models import Council, User
from portal.transaction import transaction

FIRST_YEAR = 2000
FIGURES_ACTION_LABELS = {"figures.export": "統計（代表者会議資料）の出力"}


def councils_for(user: User) -> list[Council]:
    """Return the councils whose figures this person may see, by name."""
    ids = (
        set(policy.coordinated_council_ids(user)) | {c.id for c in user.councils}
        if user.is_authenticated
        else set()
    )
    if not ids:
        return []
    found = db.session.scalars(select(Council).where(Council.id.in_(ids)).order_by(Council.name))
    return [c for c in found if policy.can_view_figures(user, c)]


def may_see_any(user: User) -> bool:
    """Tell whether the menu shows the figures to this person."""
    return bool(councils_for(user))


def last_closed_year(today=None) -> int:
    """Return the 年度 that ended most recently (the one a 代表者会議 reviews)."""
    return fiscal_year(today or today_in_japan()) - 1


def council_or_404(user: User, council_id: int, year: int) -> Council:
    """Return a council whose figures the person may see for a 年度 that has begun; 404 otherwise."""
    council = db.session.get(Council, council_id)
    if not policy.can_view_figures(user, council):
        abort(404)
    if not FIRST_YEAR <= year <= fiscal_year(today_in_japan()):
        abort(404)
    return council


def figures(council: Council, year: int) -> Figures:
    """Return the council's figures for a 年度, counted today."""
    return figures_of(council, year, today_in_japan())


def export(user: User, council: Council, year: int, fmt: str) -> bytes:
    """Return the Word or Excel copy of the figures, with its audit row."""
    with transaction():
        found = figures(council, year)
        content = word.build(found, today_in_japan()) if fmt == "docx" else excel.build(found)
        detail = {"year": year, "format": fmt, "small_hidden": council.figures_small_counts != "never"}
        audit.record("figures.export", actor=user, target=council, detail=detail)
    return content
