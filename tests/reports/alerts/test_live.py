"""Live notices over Socket.IO: a submission reaches the coordinator's open pages, and nobody else's."""

import pytest

from portal.extensions import socketio
from tests.reports.conftest import grid


@pytest.fixture
def socket_for(app):
    """Return a function that logs a person in on their own browser and opens a socket."""

    def open_socket(user):
        browser = app.test_client()
        browser.submit("/login", {"login_id": user.login_id, "password": "Test-Passw0rd-ok"})
        client = socketio.test_client(app, flask_test_client=browser)
        assert client.is_connected()
        return client

    return open_socket


def received(client, name):
    """Return the payloads of one event the socket received."""
    return [e["args"][0] for e in client.get_received() if e["name"] == name]


def test_submission_alert_reaches_only_the_coordinators(town, period, client, login, socket_for):
    coordinator = socket_for(town.coordinator)
    facilitator = socket_for(town.facilitator)
    others = [
        socket_for(u) for u in (town.teacher, town.caseworker, town.other_coordinator, town.center_nurse)
    ]
    login(town.teacher)
    form = grid(
        town.haruto.id,
        attended_days=3,
        absent_unnotified=9,
        consecutive_absent_days=9,
        absence_reason="連絡なし",
    )
    assert (
        client.submit(f"/reports/monthly?council={town.council.id}&period={period.key}", form).status_code
        == 302
    )
    [payload] = received(coordinator, "report_alert")
    assert payload["child"] == "山本 はると" and payload["agency"] == "みどり第一小学校"
    assert payload["reasons"] == ["7日以上の連続欠席"] and payload["open_count"] == 1
    assert payload["case_number"] == town.case.case_number and "連続欠席 9日" in payload["summary"]
    assert len(received(facilitator, "report_alert")) == 1
    for other in others:
        assert received(other, "report_alert") == []


def test_acknowledgement_updates_the_other_coordinators(town, client, login, socket_for):
    from tests.reports.alerts.test_alerts import _immediate

    alert = _immediate(town, town.teacher, town.haruto)
    facilitator = socket_for(town.facilitator)
    login(town.coordinator)
    client.submit(f"/reports/alerts/{alert.id}/ack", {"action": "call_cgc", "note": "児相に連絡"})
    [payload] = received(facilitator, "report_alert_ack")
    assert payload["id"] == alert.id and payload["action"] == "児童相談所へ連絡"
    assert payload["acknowledged_by"] == "佐藤" and payload["open_count"] == 0


def test_reminder_reaches_the_late_agency_live(town, period, client, login, socket_for):
    teacher = socket_for(town.teacher)
    nursery = socket_for(town.nursery_head)
    login(town.coordinator)
    response = client.submit(
        f"/reports/board/remind?council={town.council.id}",
        {"period": period.key, "agency_id": [town.school.id]},
    )
    assert response.status_code == 302
    [notice] = received(teacher, "notification")
    assert notice["title"] == f"{period.label}の定期報告が未提出です" and notice["unread"] == 1
    assert received(nursery, "notification") == []
