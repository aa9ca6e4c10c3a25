"""Cases, the joint ledger, consent-scoped sharing and THE access policy (who sees which part)."""


def init_app(app) -> None:
    """Register the cases blueprint (every sub-feature's pages), menu links, home panel and labels."""
    # Importing each views module adds its routes to the one blueprint of cases.blueprint.
    from agencies.councils.services import register_section_counter
    from cases import watch
    from cases.blueprint import bp
    from cases.intake import cli as intake_cli
    from cases.intake import views as intake_views
    from cases.ledger import home as ledger_home
    from cases.ledger import views as ledger_views
    from cases.ledger.reading import CASE_ACTION_LABELS
    from cases.ledger.services import open_cases_per_section
    from cases.moves import views as move_views
    from cases.notes import views as note_views  # noqa: F401
    from cases.plans import board as plan_board
    from cases.plans import views as plan_views
    from cases.plans.reading import PLAN_ACTION_LABELS
    from cases.sharing import views as sharing_views  # noqa: F401
    from portal.audit import register_action_labels
    from portal.home import NavItem, register_home_panel, register_nav_item

    app.register_blueprint(bp)
    app.cli.add_command(intake_cli.intake_group)
    register_action_labels(intake_views.INTAKE_ACTION_LABELS)
    register_action_labels(move_views.MOVES_ACTION_LABELS)
    register_action_labels(CASE_ACTION_LABELS)
    register_action_labels(PLAN_ACTION_LABELS)
    register_nav_item(NavItem("進行管理台帳", "cases.ledger_view", ledger_views.may_use_ledger, order=10))
    register_nav_item(NavItem("プラン見直し", "cases.plan_board_view", plan_board.may_see_board, order=20))
    register_nav_item(NavItem("受付・安全確認", "cases.intake_list", intake_views.may_take_intake, order=11))
    register_nav_item(NavItem("ケース移管", "cases.transfer_list", move_views.may_see_transfers, order=12))
    register_home_panel(watch.watch_panel)
    register_home_panel(ledger_home.home_panel)
    register_home_panel(ledger_home.caseworker_panel)
    register_home_panel(ledger_home.pregnancy_panel)
    register_home_panel(plan_views.home_panel)
    app.add_template_global(watch.ledger_watch)
    app.add_template_global(watch.case_marks)
    app.add_template_global(watch.move_tags)
    app.add_template_global(plan_views.visible_plan_count)
    # A 部会 that open cases use cannot be removed from the council's settings.
    register_section_counter("ケース", open_cases_per_section)
