"""Meetings of the council's tiers: scheduling, agendas built from the ledger, the live room, tasks."""

# Japanese names of the audited meeting actions.
MEETING_ACTION_LABELS = {
    "meeting.schedule": "会議の登録",
    "meeting.invite": "会議への招待",
    "meeting.recorder": "記録係の指定",
    "meeting.respond": "会議の出欠回答",
    "meeting.agenda": "議題の変更",
    "meeting.mark": "議題の区分・方針案の変更",
    "meeting.build_agenda": "台帳からの議題作成",
    "meeting.start": "会議の開始",
    "meeting.pause": "会議の休憩",
    "meeting.resume": "会議の再開",
    "meeting.move": "議題の進行",
    "meeting.notes": "会議メモの保存",
    "meeting.decision": "会議の決定の記録",
    "meeting.approve": "共有のみケースの一括承認",
    "meeting.assign": "役割分担の記録",
    "meeting.unassign": "役割分担の取消",
    "meeting.end": "会議の終了（台帳への反映）",
    "meeting.join": "会議への出席",
    "meeting.attendance": "出席の記録",
    "meeting.task_done": "役割の完了",
}


def init_app(app) -> None:
    """Register the meetings blueprint (every sub-feature's pages), live namespace, menu, panel, labels."""
    # Importing each views module adds its routes to the one blueprint of meetings.blueprint.
    from agencies.councils.services import register_section_counter
    from meetings import access, tasks
    from meetings import views as meeting_views  # noqa: F401
    from meetings.blueprint import bp
    from meetings.live import (
        attendance_views,  # noqa: F401
        events,
    )
    from meetings.live import views as live_views  # noqa: F401
    from meetings.minutes import views as minutes_views  # noqa: F401
    from meetings.services import meetings_per_section
    from portal.audit import register_action_labels
    from portal.home import NavItem, register_home_panel, register_nav_item

    app.register_blueprint(bp)
    events.init_app(app)
    register_action_labels(MEETING_ACTION_LABELS)
    register_nav_item(NavItem("会議", "meetings.index", access.may_use_meetings, order=30))
    register_home_panel(tasks.home_panel)
    # A 部会 that a meeting not yet held uses cannot be removed from the council's settings.
    register_section_counter("会議", meetings_per_section)
