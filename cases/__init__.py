"""Cases, the joint ledger, consent-scoped sharing and THE access policy (who sees which part)."""


def init_app(app) -> None:
    """Register the cases blueprint, menu links, home panel and demo data."""
    from cases import demo, views
    from cases.reading import CASE_ACTION_LABELS
    from portal.audit import register_action_labels
    from portal.cli import register_demo_seeder
    from portal.home import NavItem, register_nav_item

    app.register_blueprint(views.bp)
    register_action_labels(CASE_ACTION_LABELS)
    register_nav_item(NavItem("進行管理台帳", "cases.ledger_view", views.may_use_ledger, order=10))
    register_demo_seeder(demo.seed_cases)
    from cases import cli

    cli.register(app)
