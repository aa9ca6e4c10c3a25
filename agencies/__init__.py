"""Managing councils, member agencies, agency kinds and people (system administrators only)."""


def init_app(app) -> None:
    """Register the administration blueprint (councils' and people's pages) and its menu link."""
    # Importing each views module adds its routes to the one blueprint of agencies.blueprint.
    from agencies.blueprint import bp
    from agencies.councils import views as council_views  # noqa: F401
    from agencies.people import views as people_views  # noqa: F401
    from portal.gates import is_admin
    from portal.home import NavItem, register_nav_item

    app.register_blueprint(bp)
    register_nav_item(NavItem("システム管理", "agencies.people", is_admin, order=80))
