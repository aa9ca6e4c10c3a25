"""Managing councils, member agencies, agency kinds and people (system administrators only)."""


def init_app(app) -> None:
    """Register the agencies blueprint and its menu link."""
    from agencies import people_views  # noqa: F401 (adds the people pages to the blueprint)
    from agencies.views import bp, is_admin
    from portal.home import NavItem, register_nav_item

    app.register_blueprint(bp)
    register_nav_item(NavItem("システム管理", "agencies.people", is_admin, order=80))
