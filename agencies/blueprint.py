"""The administration blueprint (URLs under /admin, system administrators only) and its pages' helpers."""

from flask import Blueprint, flash, request

from portal.gates import admin_required
from portal.ids import arg_page

bp = Blueprint("agencies", __name__, url_prefix="/admin")


@bp.before_request
@admin_required
def require_admin():
    """Let only system administrators into any page of this blueprint."""
    return None


def page_number() -> int:
    """Return the page number asked for in the query string."""
    return arg_page()


def filter_args() -> dict:
    """Return the query string without the page number, for pagination links."""
    return {k: v for k, v in request.args.items() if k != "page" and v}


def tell_saved(what: str, changes: dict) -> None:
    """Tell the administrator whether anything changed."""
    if changes:
        flash(f"{what}を保存しました。", "info")
    else:
        flash("変更はありませんでした。", "info")
