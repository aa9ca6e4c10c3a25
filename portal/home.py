"""The home page and menu, and the hooks through which features add their panels and links."""

from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, render_template, url_for
from flask_login import current_user, login_required
from markupsafe import Markup

from portal.gates import is_auditor

bp = Blueprint("portal", __name__)

# A panel is a function of the user that returns rendered HTML (from render_template) or None.
# Features register theirs when they are set up, so the shell imports no feature.
HomePanel = Callable[[object], Markup | None]
_panels: list[HomePanel] = []


@dataclass(frozen=True)
class NavItem:
    """A link in the main menu, shown to the people `visible` lets through."""

    label: str
    endpoint: str
    visible: Callable[[object], bool]
    order: int = 100


_nav: list[NavItem] = []


def register_home_panel(panel: HomePanel) -> None:
    """Add a panel to the home page (once)."""
    if panel not in _panels:
        _panels.append(panel)


def register_nav_item(item: NavItem) -> None:
    """Add a link to the main menu (once)."""
    if item not in _nav:
        _nav.append(item)
        _nav.sort(key=lambda i: i.order)


def nav_items() -> list[dict]:
    """Return the menu links the current person may use."""
    if not current_user.is_authenticated:
        return []
    user = current_user._get_current_object()
    return [{"label": item.label, "url": url_for(item.endpoint)} for item in _nav if item.visible(user)]


# The audit log is part of the shell, so the shell adds its own link.
register_nav_item(NavItem("監査ログ", "auditlog.index", is_auditor, order=90))


@bp.route("/")
@login_required
def home():
    """Show the home page that fits the person's roles."""
    user = current_user._get_current_object()
    panels = [html for html in (panel(user) for panel in _panels) if html]
    return render_template("portal/home.html", panels=panels)
