"""The 7-day rule, immediate reports, and the coordinator's alert list with acknowledgement."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from cases.models import Child
from cases.notes.models import CaseNote
from portal.audit import AuditEntry
from portal.dates import today_in_japan
from portal.extensions import db
from reports.alerts import services as alerts
from reports.alerts.models import Alert, ImmediateReport
from reports.monthly.models import ABSENCE_ALERT_DAYS
from tests.reports.conftest import grid


def monthly(town, period):
    """Return the report page URL."""
    return f"/reports/monthly?council={town.council.id}&period={period.key}"


def alert_count() -> int:
    """Return how many alerts exist."""
    return db.session.scalar(select(func.count(Alert.id)))


@pytest.mark.parametrize(
    ("run", "raised"),
    [(0, False), (ABSENCE_ALERT_DAYS - 1, False), (ABSENCE_ALERT_DAYS, True), (12, True)],
)
def test_seven_day_rule_on_monthly_rows(town, period, client, login, run, raised):
    login(town.teacher)
    reason = "連絡がつかない" if run else ""
    form = grid(town.haruto.id, attended_days=5, absent_unnotified=run, consecutive_absent_days=run)
    form[f"r{town.haruto.id}-absence_reason"] = reason
    assert client.submit(monthly(town, period), form).status_code == 302
    assert alert_count() == (1 if raised else 0)
    if raised:
        alert = db.session.scalar(select(Alert))
        assert alert.reason_labels == ["7日以上の連続欠席"]
        assert alert.child_id == town.haruto.id and alert.agency_id == town.school.id
        assert f"連続欠席 {run}日" in alert.summary


def test_concern_urgent_raises_an_alert(town, period, client, login):
    login(town.teacher)
    client.submit(monthly(town, period), grid(town.haruto.id, concern="urgent", signs="腕にあざ"))
    alert = db.session.scalar(select(Alert))
    assert alert.reason_labels == ["定期報告で「至急」"] and "腕にあざ" in alert.summary


def test_a_correction_raises_only_new_reasons(town, period, client, login):
    login(town.teacher)
    absent = grid(
        town.haruto.id, attended_days=5, absent_unnotified=8, consecutive_absent_days=8, absence_reason="不明"
    )
    client.submit(monthly(town, period), absent)
    absent[f"r{town.haruto.id}-consecutive_absent_days"] = "9"
    client.submit(monthly(town, period), absent)
    assert alert_count() == 1
    absent[f"r{town.haruto.id}-concern"] = "urgent"
    client.submit(monthly(town, period), absent)
    assert alert_count() == 2


def test_immediate_report_raises_an_alert_and_a_note(town, client, login):
    login(town.nursery_head)
    today = today_in_japan()
    response = client.submit(
        f"/reports/immediate?council={town.council.id}",
        {"child_id": town.yui.id, "reason": "injury", "occurred_on": today.isoformat(), "body": "頬にあざ"},
    )
    assert response.status_code == 302
    report = db.session.scalar(select(ImmediateReport))
    alert = db.session.scalar(select(Alert))
    assert report.child_id == town.yui.id and alert.immediate_report_id == report.id
    assert alert.reason_labels == ["不自然なけが"]
    note = db.session.scalar(select(CaseNote))
    assert "至急の情報提供" in note.body and "頬にあざ" in note.body and note.child_id == town.yui.id
    assert db.session.get(Child, town.yui.id).last_reported_on == today
    audited = set(db.session.scalars(select(AuditEntry.action)))
    assert {"report.immediate", "report.alert", "case.note_add"} <= audited


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"reason": "absence_7days", "consecutive_absent_days": "6"},
            "連続欠席が7日以上のときに選ぶ理由です",
        ),
        ({"reason": "injury", "body": ""}, "見たこと・気になることを入力してください"),
        ({"reason": "no_contact", "occurred_on": "2999-01-01"}, "未来の日付は入力できません"),
        ({"reason": "no_contact", "consecutive_absent_days": "abc"}, "半角の整数で入力してください"),
    ],
)
def test_immediate_report_is_checked(town, client, login, fields, message):
    login(town.teacher)
    form = {"child_id": town.haruto.id, "occurred_on": today_in_japan().isoformat(), "body": "書いた内容"}
    form.update(fields)
    response = client.submit(f"/reports/immediate?council={town.council.id}", form)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert alert_count() == 0


def test_immediate_report_refuses_another_agencys_child(town, client, login):
    login(town.teacher)
    form = {"child_id": town.yui.id, "reason": "no_contact", "occurred_on": today_in_japan().isoformat()}
    response = client.submit(f"/reports/immediate?council={town.council.id}", form)
    assert response.status_code == 422
    assert alert_count() == 0


def _immediate(town, user, child, reason="no_contact", days=None):
    """Send an immediate report through the service."""
    from reports.alerts.immediate import ImmediateInput, send_immediate

    data = ImmediateInput(child.id, reason, today_in_japan() - timedelta(days=1), days, "連絡なし")
    return send_immediate(user, town.council, data)[1]


def test_alert_list_puts_unacknowledged_on_top_and_records_acknowledgement(town, client, login):
    first = _immediate(town, town.teacher, town.haruto)
    second = _immediate(town, town.nursery_head, town.yui, "absence_7days", 7)
    login(town.coordinator)
    response = client.submit(
        f"/reports/alerts/{first.id}/ack", {"action": "home_visit", "note": "中村が夕方に家庭訪問"}
    )
    assert response.status_code == 302
    third = _immediate(town, town.teacher, town.haruto)
    page = client.get(f"/reports/alerts?council={town.council.id}").get_data(as_text=True)
    order = [page.index(f'id="alert-{a.id}"') for a in (third, second, first)]
    assert order == sorted(order)
    db.session.expire_all()
    acknowledged = db.session.get(Alert, first.id)
    assert acknowledged.acknowledged_by_id == town.coordinator.id and acknowledged.action == "home_visit"
    assert "家庭訪問（佐藤・" in page and "中村が夕方に家庭訪問" in page
    visit = db.session.scalar(select(CaseNote).where(CaseNote.kind == "visit"))
    assert "アラート対応" in visit.body and visit.agency_id == town.center.id
    assert "report.alert_ack" in set(db.session.scalars(select(AuditEntry.action)))
    again = client.submit(f"/reports/alerts/{first.id}/ack", {"action": "watch"}, follow_redirects=True)
    assert "既に佐藤さんが確認済みです" in again.get_data(as_text=True)


@pytest.mark.parametrize(
    "who", ["teacher", "nursery_head", "caseworker", "admin", "auditor", "other_coordinator"]
)
def test_only_the_councils_coordinators_see_alerts(town, client, login, who):
    alert = _immediate(town, town.teacher, town.haruto)
    login(getattr(town, who))
    if who == "other_coordinator":
        assert client.get(f"/reports/alerts?council={town.council.id}").status_code == 404
        page = client.get("/reports/alerts").get_data(as_text=True)
        assert f'id="alert-{alert.id}"' not in page
    else:
        assert client.get(f"/reports/alerts?council={town.council.id}").status_code == 403
    response = client.submit(f"/reports/alerts/{alert.id}/ack", {"action": "watch"})
    assert response.status_code in (403, 404)
    db.session.expire_all()
    assert db.session.get(Alert, alert.id).acknowledged_at is None


def test_row_alert_reasons():
    assert alerts.row_alert_reasons({"consecutive_absent_days": 7, "concern": "none"}) == {"absence_7days"}
    assert alerts.row_alert_reasons({"consecutive_absent_days": 6, "concern": "watch"}) == set()
    assert alerts.row_alert_reasons(None) == set()
