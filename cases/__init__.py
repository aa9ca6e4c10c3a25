"""Cases, the joint ledger, consent-scoped sharing and THE access policy (who sees which part)."""


def init_app(app) -> None:
    """Register the cases blueprint (every sub-feature's pages), menu links, home panel and labels."""
    # Importing each views module adds its routes to the one blueprint of cases.blueprint.
    from agencies.councils.services import register_section_counter
    from cases.blueprint import bp
    from cases.ledger import home as ledger_home
    from cases.ledger import views as ledger_views
    from cases.ledger.reading import CASE_ACTION_LABELS
    from cases.ledger.services import open_cases_per_section
    from cases.notes import views as note_views  # noqa: F401
    from cases.plans import board as plan_board
    from cases.plans import views as plan_views
    from cases.plans.reading import PLAN_ACTION_LABELS
    from cases.sharing import views as sharing_views  # noqa: F401
    from portal.audit import register_action_labels
    from portal.home import NavItem, register_home_panel, register_nav_item

    app.register_blueprint(bp)
    register_action_labels(CASE_ACTION_LABELS)
    register_action_labels(PLAN_ACTION_LABELS)
    register_nav_item(NavItem("進行管理台帳", "cases.ledger_view", ledger_views.may_use_ledger, order=10))
    register_nav_item(NavItem("プラン見直し", "cases.plan_board_view", plan_board.may_see_board, order=20))
    register_home_panel(ledger_home.home_panel)
    register_home_panel(ledger_home.caseworker_panel)
    register_home_panel(ledger_home.pregnancy_panel)
    register_home_panel(plan_views.home_panel)
    app.add_template_global(plan_views.visible_plan_count)
    # A 部会 that open cases use cannot be removed from the council's settings.
    register_section_counter("ケース", open_cases_per_section)
