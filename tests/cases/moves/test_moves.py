"""Moves: a change of school inside the council, 所在不明 with its alarm, and transfers between councils
(nothing shown to the receiving council before it accepts; the case continues there with its history)."""

import io
import json
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from cases import policy
from cases.models import Case, CaseChange, Part, Status
from cases.moves import services, transfers
from cases.moves.models import TransferStatus
from cases.notes import services as note_services
from cases.notes.models import CaseNote
from cases.sharing.models import AccessGrant
from portal.dates import today_in_japan
from portal.extensions import db
from portal.refusals import Refusal
from reports import access as report_access
from reports.alerts.models import Alert
from reports.board.models import Notification
from tests.cases.conftest import text


def days(n: int):
    """Return the date n days from today (in Japan)."""
    return today_in_japan() + timedelta(days=n)


def test_a_change_of_school_moves_sharing_and_reports_to_the_new_school(town):
    haruto = town.haruto
    assert report_access.can_report_on(town.teacher, town.council, haruto.id)
    services.change_school(
        town.coordinator, town.case, haruto, town.other_school.id, today_in_japan(), "4年1組"
    )
    assert not policy.can_view(town.teacher, town.case, Part.BASIC, haruto.id)
    assert policy.can_view(town.other_teacher, town.case, Part.REPORTS, haruto.id)
    assert report_access.can_report_on(town.other_teacher, town.council, haruto.id)
    assert not report_access.can_report_on(town.teacher, town.council, haruto.id)
    # The old school saw the case up to the day before the move.
    assert policy.can_view(town.teacher, town.case, Part.BASIC, haruto.id) is False
    assert policy.access_for(town.teacher, town.case, days(-1)).can(Part.BASIC)
    history = db.session.scalars(select(CaseChange).where(CaseChange.field == "enrolled_agency")).all()
    assert "みどり第一小学校" in history[0].before and "みどり第二小学校" in history[0].after


def test_a_change_of_school_refuses_a_future_date_and_the_same_school(town):
    with pytest.raises(Refusal, match="今日まで"):
        services.change_school(town.coordinator, town.case, town.haruto, town.other_school.id, days(3))
    with pytest.raises(Refusal, match="同じ"):
        services.change_school(town.coordinator, town.case, town.haruto, town.school.id, today_in_japan())
    with pytest.raises(Exception, match="403"):
        services.change_school(town.teacher, town.case, town.haruto, town.other_school.id, today_in_japan())


def test_missing_raises_an_alert_and_tells_the_child_guidance_center_until_found(town, client, login):
    handles = services.mark_missing(town.coordinator, town.case, days(-1), "家が空き家になっている")
    assert len(handles) == 1
    assert db.session.scalar(select(Alert.reasons).where(Alert.case_id == town.case.id)) == "missing"
    notice = db.session.scalar(select(Notification).where(Notification.user_id == town.caseworker.id))
    assert "所在不明" in notice.title and notice.link == f"/cases/{town.case.id}"
    login(town.coordinator)
    assert "所在不明" in text(client.get("/cases/"))
    services.mark_found(town.coordinator, town.case, today_in_japan(), "祖母宅にいた")
    assert "所在不明</span>" not in text(client.get("/cases/"))
    assert len(services.missing_history(town.case)) == 1


def start(town, **overrides):
    """Start a transfer of the 山本 household to あおば町."""
    values = dict(
        to_council_id=town.other_council.id,
        destination_name="",
        move_on=today_in_japan(),
        reason="母の実家のあるあおば町へ転居",
        risk_level=2,
    )
    values.update(overrides)
    return transfers.start_transfer(town.coordinator, town.case, **values)


# Who sees what of a transfer in progress: (person, the transfer notice, the case itself).
@pytest.mark.parametrize(
    "who, notice, case",
    [
        ("coordinator", False, True),  # the sender manages it (can_manage_sharing), no notice to itself
        ("other_coordinator", True, False),  # the receiver: the notice only, not the case
        ("teacher", False, True),
        ("caseworker", False, True),
        ("admin", False, False),
    ],
)
def test_before_acceptance_the_receiving_council_sees_only_the_notice(town, who, notice, case):
    transfer = start(town)
    user = getattr(town, who)
    assert policy.can_receive_transfer(user, transfer) is notice
    assert policy.access_for(user, town.case).any is case
    visible = db.session.scalars(policy.visible_cases(user)).all()
    assert (town.case in visible) is case


def test_the_receiver_opens_the_handover_set_but_not_the_case(town, client, login, browser):
    transfer = start(town)
    note_services.add_note(
        town.coordinator, town.case, occurred_on=today_in_japan(), kind="visit", body="<p>訪問</p>"
    )
    login(town.other_coordinator)
    page = text(client.get(f"/cases/transfers/{transfer.id}"))
    assert "山本 はると" in page and "ケースを受け入れる" in page
    assert "訪問" not in page  # notes are not part of the handover set
    assert client.get(f"/cases/{town.case.id}").status_code == 404
    assert client.get(f"/cases/{town.case.id}/moves").status_code == 404
    assert browser(town.teacher).get(f"/cases/transfers/{transfer.id}").status_code == 404
    assert browser(town.coordinator).get(f"/cases/transfers/{transfer.id}").status_code == 200


def test_acceptance_continues_the_case_in_the_new_council(town):
    note_services.add_note(
        town.coordinator, town.case, occurred_on=today_in_japan(), kind="visit", body="<p>訪問</p>"
    )
    transfer = start(town)
    new = transfers.accept(town.other_coordinator, transfer, town.cgc.id)
    old = db.session.get(Case, town.case.id)
    assert (
        new.council_id == town.other_council.id and new.case_number != "" and new.status == Status.REGISTERED
    )
    assert old.status == Status.CLOSED.value and old.closure_reason == "moved_out"
    assert transfer.status == TransferStatus.ACCEPTED.value and transfer.new_case_id == new.id
    # Same history and notes, a link both ways.
    assert db.session.scalar(select(CaseNote.body).where(CaseNote.case_id == new.id)) == "<p>訪問</p>"
    new_history = [
        c.after for c in db.session.scalars(select(CaseChange).where(CaseChange.case_id == new.id))
    ]
    assert any(old.case_number in line for line in new_history)
    old_history = [
        c.after for c in db.session.scalars(select(CaseChange).where(CaseChange.case_id == old.id))
    ]
    assert any(new.case_number in line for line in old_history)
    # The old council's grants end; the new council and the carried 児相 see the new case.
    assert (
        db.session.scalar(
            select(AccessGrant.id).where(AccessGrant.case_id == old.id, AccessGrant.revoked_at.is_(None))
        )
        is None
    )
    assert not policy.access_for(town.teacher, old).any
    assert policy.access_for(town.other_coordinator, new).full
    assert policy.can_view(town.caseworker, new, Part.LEDGER)
    assert not policy.access_for(town.coordinator, new).any


def test_a_high_risk_transfer_needs_a_face_to_face_or_phone_handover(town):
    transfer = start(town, risk_level=3)
    with pytest.raises(Refusal, match="対面または電話"):
        transfers.accept(town.other_coordinator, transfer, None)
    transfers.record_handover(
        town.coordinator, transfer, method="phone", on=today_in_japan(), with_whom="山田", note=""
    )
    new = transfers.accept(town.other_coordinator, transfer, None)
    assert new.council_id == town.other_council.id and new.risk_level == 3


def test_a_transfer_elsewhere_exports_the_handover_set_and_completes(town, client, login):
    transfer = start(town, to_council_id=None, destination_name="ひばり市")
    login(town.coordinator)
    docx = client.get(f"/cases/transfers/{transfer.id}/handover.docx")
    assert docx.status_code == 200 and docx.data[:2] == b"PK"
    data = json.loads(client.get(f"/cases/transfers/{transfer.id}/handover.json").data)
    assert data["to_council"] == "ひばり市" and data["children"][0]["name"] == "山本 はると"
    sheet = load_workbook(io.BytesIO(client.get(f"/cases/transfers/{transfer.id}/handover.xlsx").data))[
        "子ども"
    ]
    assert sheet["A2"].value == "山本 はると"
    assert client.submit(f"/cases/transfers/{transfer.id}/send").status_code == 302
    assert db.session.get(Case, town.case.id).status == Status.CLOSED.value
    assert transfer.status == TransferStatus.SENT.value
    assert not policy.can_receive_transfer(town.other_coordinator, transfer)


@pytest.mark.parametrize(
    "who, status",
    [
        ("coordinator", 200),
        ("facilitator", 200),
        ("teacher", 403),  # she sees her pupil's case, but moves are the coordinator's
        ("caseworker", 403),
        ("other_coordinator", 404),
        ("admin", 404),
        ("auditor", 404),
    ],
)
def test_who_opens_a_cases_moves_page(town, browser, who, status):
    assert browser(getattr(town, who)).get(f"/cases/{town.case.id}/moves").status_code == status


@pytest.mark.parametrize(
    "who, step, status",
    [
        ("coordinator", "accept", 403),  # the sender cannot accept its own transfer
        ("other_coordinator", "cancel", 403),  # the receiver cannot cancel or record the handover
        ("other_coordinator", "handover", 403),
        ("teacher", "accept", 404),
        ("caseworker", "cancel", 404),
    ],
)
def test_each_step_of_a_transfer_belongs_to_one_side(town, browser, who, step, status):
    transfer = start(town)
    response = browser(getattr(town, who)).submit(f"/cases/transfers/{transfer.id}/{step}", {})
    assert response.status_code == status
    assert db.session.get(type(transfer), transfer.id).status == TransferStatus.PENDING.value


# After acceptance: (person, sees the old case, sees the new case).
@pytest.mark.parametrize(
    "who, old, new",
    [
        ("coordinator", True, False),  # the sender keeps its closed record, not the new one
        ("other_coordinator", False, True),
        ("teacher", False, False),  # the old school's grant ended
        ("caseworker", False, True),  # the carried 児相 (a closed case's statutory sharing has ended)
        ("admin", False, False),
    ],
)
def test_after_acceptance_each_council_sees_its_own_record(town, who, old, new):
    transfer = start(town)
    new_case = transfers.accept(town.other_coordinator, transfer, town.cgc.id)
    user = getattr(town, who)
    assert policy.access_for(user, db.session.get(Case, town.case.id)).any is old
    assert policy.access_for(user, new_case).any is new


def test_an_alarm_is_acknowledged_on_the_alert_list_like_any_alert(town, browser):
    services.mark_missing(town.coordinator, town.case, today_in_japan(), "")
    alert = db.session.scalar(select(Alert).where(Alert.case_id == town.case.id))
    coordinator = browser(town.coordinator)
    assert "所在不明" in text(coordinator.get("/reports/alerts"))
    response = coordinator.submit(
        f"/reports/alerts/{alert.id}/ack", {"action": "home_visit", "note": "訪問した"}
    )
    assert response.status_code == 302
    assert db.session.get(Alert, alert.id).acknowledged_at is not None


def test_both_ledgers_show_the_transfer(town, browser):
    transfer = start(town)
    sender = browser(town.coordinator)
    assert "移管手続中：あおば町要保護児童対策地域協議会" in text(sender.get("/cases/"))
    new = transfers.accept(town.other_coordinator, transfer, None)
    assert "転出（移管済）" in text(sender.get("/cases/?status=closed"))
    receiver = text(browser(town.other_coordinator).get("/cases/"))
    assert "転入（みどり市から）" in receiver and new.case_number in receiver
