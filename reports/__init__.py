"""Reports from schools and nurseries: monthly status reports, immediate reports, alerts, reminders."""

# Japanese names of the audited report actions.
REPORT_ACTION_LABELS = {
    "report.view": "定期報告の閲覧",
    "report.draft": "定期報告の下書き保存",
    "report.submit": "定期報告の提出",
    "report.correct": "定期報告の訂正",
    "report.history": "定期報告の履歴の閲覧",
    "report.template": "報告様式のダウンロード",
    "report.upload_check": "報告ファイルの確認",
    "report.immediate": "至急の情報提供",
    "report.alert": "アラート発生",
    "report.alert_ack": "アラートの確認・対応記録",
    "report.alerts_view": "アラート一覧の閲覧",
    "report.board_view": "提出状況の閲覧",
    "report.remind": "定期報告の督促",
}


def init_app(app) -> None:
    """Register the reports blueprint (every sub-feature's pages), menu links, home panels and labels."""
    # Importing each views module adds its routes to the one blueprint of reports.blueprint.
    from portal import notices
    from portal.audit import register_action_labels
    from portal.home import NavItem, register_home_panel, register_nav_item
    from reports import access, panels, signals
    from reports.alerts import case_alarms
    from reports.alerts import views as alert_views  # noqa: F401
    from reports.assessments import views as assessment_views
    from reports.blueprint import bp
    from reports.board import services as board_services
    from reports.board import views as board_views  # noqa: F401
    from reports.monthly import views as monthly_views  # noqa: F401
    from reports.upload import views as upload_views  # noqa: F401

    assessment_views.register()
    app.register_blueprint(bp)
    signals.register()
    case_alarms.register()
    notices.register(board_services.send_notice)
    register_action_labels(REPORT_ACTION_LABELS)
    register_nav_item(NavItem("定期報告", "reports.monthly", access.may_report, order=20))
    register_nav_item(NavItem("アラート", "reports.alerts", access.may_oversee, order=21))
    register_nav_item(NavItem("提出状況", "reports.board", access.may_oversee, order=22))
    register_home_panel(panels.coordinator_panel)
    register_home_panel(panels.reporter_panel)
    register_home_panel(case_alarms.notices_panel)
