"""Cases, the joint ledger, consent-scoped sharing and THE access policy (who sees which part)."""


def init_app(app) -> None:
    """Register the cases blueprint, menu links, home panel and demo data."""
    # Importing views_plans and views_resources adds their routes to the one blueprint of views.
    from cases import demo, plan_board, plan_demo, views, views_plans, views_resources  # noqa: F401
    from cases.plan_reading import PLAN_ACTION_LABELS
    from cases.reading import CASE_ACTION_LABELS
    from portal.audit import register_action_labels
    from portal.cli import register_demo_seeder
    from portal.home import NavItem, register_home_panel, register_nav_item

    app.register_blueprint(views.bp)
    register_action_labels(CASE_ACTION_LABELS)
    register_action_labels(PLAN_ACTION_LABELS)
    register_nav_item(NavItem("進行管理台帳", "cases.ledger_view", views.may_use_ledger, order=10))
    register_nav_item(NavItem("プラン見直し", "cases.plan_board_view", plan_board.may_see_board, order=20))
    register_home_panel(views_plans.home_panel)
    app.add_template_global(views_plans.visible_plan_count)
    register_demo_seeder(demo.seed_cases)
    # A 部会 that open cases use cannot be removed from the council's settings.
    from agencies.services import register_section_counter
    from cases.services import open_cases_per_section

    register_section_counter("ケース", open_cases_per_section)
    register_demo_seeder(plan_demo.seed_plans)
    from cases import cli

    cli.register(app)
