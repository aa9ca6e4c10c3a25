"""Intake: the 受付票 saved as an intake case, the duplicate check, the 48-hour check and its alarm,
and the 受理会議 decision, through the pages and services, with who may reach them as a table."""

import io
from datetime import datetime, timedelta

import pytest
from docx import Document
from sqlalchemy import event, select

from cases.intake import safety, services
from cases.intake.models import IntakeRecord, urgency_level
from cases.intake.services import Decision, IntakeInput
from cases.ledger.duplicates import known_by_name
from cases.ledger.registration import ChildInput, GuardianInput
from cases.models import Status
from portal.audit import AuditEntry
from portal.dates import TOKYO, today_in_japan
from portal.extensions import db
from portal.refusals import Refusal
from portal.types import utcnow
from reports.alerts.models import Alert
from reports.board.models import Notification
from tests.cases.conftest import text


def report(town, hours_ago: float = 1, **overrides) -> IntakeInput:
    """Return a neighbour's anonymous phone report about a boy at the other school."""
    data = IntakeInput(
        council_id=town.council.id,
        received_at=utcnow() - timedelta(hours=hours_ago),
        channel="phone",
        heard="夜中に子どもの泣き叫ぶ声と大人の怒鳴り声が聞こえる。",
        caller_anonymous=True,
        referral_route="neighbor",
        abuse_report=True,
        abuse_types=["physical"],
        urgency_items=["repeated", "unseen"],
        children=[ChildInput("川口 そら", "かわぐち そら", None, "男", town.other_school.id)],
        guardians=[GuardianInput("mother", "川口 みほ")],
    )
    for key, value in overrides.items():
        setattr(data, key, value)
    return data


def test_urgency_level_follows_the_gravest_sign():
    assert urgency_level([]) == 1
    assert urgency_level(["dv"]) == 2
    assert urgency_level(["dv", "severe_injury"]) == 3


def test_a_report_is_saved_as_an_intake_case_with_a_48_hour_deadline(town):
    record = services.receive(town.coordinator, report(town))
    assert record.case.status == Status.INTAKE.value
    assert record.urgency_level == 2 and record.case.risk_level == 2
    assert record.safety_due_at - record.received_at == timedelta(hours=48)
    assert record.caller_name == "" and record.caller_anonymous
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "intake.receive"))
    assert "caller" not in str(entry.detail)


def test_anonymous_report_refuses_a_callers_name(town):
    with pytest.raises(Refusal, match="匿名"):
        services.receive(town.coordinator, report(town, caller_name="近所の人"))


@pytest.mark.parametrize(
    "who, by_child, by_guardian",
    [
        ("coordinator", True, True),
        ("facilitator", True, True),
        ("caseworker", True, True),  # the 児相 of an abuse case sees the whole household
        ("teacher", True, False),  # her pupil, but not the household (a share scoped to one child)
        ("center_nurse", False, False),
        ("other_coordinator", False, False),
        ("admin", False, False),
    ],
)
def test_duplicate_check_answers_only_with_cases_the_person_sees(town, who, by_child, by_guardian):
    user = getattr(town, who)
    found = known_by_name(user, child_names=["ヤマモト　ハルト"])
    assert [d.case.id for d in found] == ([town.case.id] if by_child else [])
    found = known_by_name(user, guardian_names=["山本健"])
    assert [d.case.id for d in found] == ([town.case.id] if by_guardian else [])


def test_overdue_check_raises_one_alert_and_tells_the_child_guidance_center(town):
    record = services.receive(town.coordinator, report(town, hours_ago=50))
    handles = safety.raise_overdue_alarms(None)
    assert len(handles) == 1
    alert = db.session.scalar(select(Alert).where(Alert.case_id == record.case_id))
    assert alert.reasons == "safety_overdue" and alert.acknowledged_at is None
    notice = db.session.scalar(select(Notification).where(Notification.user_id == town.caseworker.id))
    assert "48時間" in notice.title and record.case.case_number in notice.title
    # Once only, however often the check runs.
    assert safety.raise_overdue_alarms(town.coordinator) == []


def test_a_consultation_that_is_no_abuse_report_alarms_only_the_coordinator(town):
    record = services.receive(town.coordinator, report(town, hours_ago=50, abuse_report=False))
    safety.raise_overdue_alarms(None)
    assert db.session.scalar(select(Alert).where(Alert.case_id == record.case_id)) is not None
    assert db.session.scalar(select(Notification).where(Notification.user_id == town.caseworker.id)) is None


def test_a_recorded_sighting_ends_the_check(town):
    record = services.receive(town.coordinator, report(town, hours_ago=3))
    seen = utcnow() - timedelta(hours=1)
    safety.record_sighting(
        town.coordinator, record, seen_at=seen, seen_by="佐藤（家庭訪問）", how="home_visit", note=""
    )
    assert safety.open_checks(town.coordinator) == []
    with pytest.raises(Refusal):
        safety.record_sighting(town.coordinator, record, seen_at=seen, seen_by="x", how="home_visit", note="")


def test_decision_register_starts_statutory_sharing(town):
    record = services.receive(town.coordinator, report(town))
    d = Decision(
        "register",
        "継続的な見守りが必要",
        today_in_japan(),
        category="protection",
        lead_agency_id=town.other_school.id,
    )
    services.decide(town.coordinator, record, d)
    assert record.case.status == Status.REGISTERED.value
    assert record.case.lead_agency_id == town.other_school.id
    with pytest.raises(Refusal, match="既に"):
        services.decide(town.coordinator, record, d)


def test_decision_advice_only_closes_and_refer_needs_a_child_guidance_center(town):
    record = services.receive(town.coordinator, report(town))
    with pytest.raises(Refusal, match="送致先"):
        services.decide(
            town.coordinator,
            record,
            Decision(
                "refer", "重篤", today_in_japan(), referral_kind="sochi", referral_agency_id=town.school.id
            ),
        )
    services.decide(town.coordinator, record, Decision("advice", "育児相談のみ", today_in_japan()))
    assert record.case.status == Status.CLOSED.value and record.case.closure_reason == "advice_only"
    assert not record.needs_sighting


def intake_form(town, **overrides) -> dict:
    """Return what the coordinator types into the 受付票."""
    now = datetime.now(TOKYO) - timedelta(hours=2)
    data = {
        "council_id": town.council.id,
        "received_on": now.date().isoformat(),
        "received_time": now.strftime("%H:%M"),
        "channel": "phone",
        "caller_anonymous": "y",
        "heard": "腕にあざがあると学校から連絡",
        "abuse_report": "y",
        "urgency_items": ["severe_injury"],
        "children-0-name": "山本 はると",
        "children-0-name_kana": "やまもと はると",
    }
    data.update(overrides)
    return data


def test_the_form_shows_a_duplicate_first_then_saves_on_confirmation(town, client, login):
    login(town.coordinator)
    first = client.submit("/cases/intake/new", intake_form(town))
    assert first.status_code == 200 and "似たケース" in text(first) and town.case.case_number in text(first)
    assert db.session.scalar(select(IntakeRecord)) is None
    saved = client.submit("/cases/intake/new", intake_form(town, confirm_duplicates="y"))
    assert saved.status_code == 302
    record = db.session.scalar(select(IntakeRecord))
    assert record.urgency_level == 3
    page = text(client.get(f"/cases/intake/{record.id}"))
    assert "48時間以内の安全確認" in page and "あと" in page


def test_referral_is_recorded_and_its_word_copy_downloads(town, client, login):
    record = services.receive(town.coordinator, report(town))
    login(town.coordinator)
    response = client.submit(
        f"/cases/intake/{record.id}/decision",
        {
            "decision": "refer",
            "decided_on": today_in_japan().isoformat(),
            "reason": "緊急性が高い",
            "referral_kind": "sochi",
            "referral_agency_id": town.cgc.id,
        },
    )
    assert response.status_code == 302
    docx = client.get(f"/cases/intake/{record.id}/referral.docx")
    assert docx.status_code == 200
    body = "\n".join(p.text for p in Document(io.BytesIO(docx.data)).paragraphs)
    assert "送致書" in body and "県中央児童相談所" in body


@pytest.mark.parametrize(
    "who, status",
    [
        ("coordinator", 200),
        ("facilitator", 200),
        ("teacher", 404),
        ("caseworker", 404),
        ("other_coordinator", 404),
        ("admin", 404),
        ("auditor", 404),
    ],
)
def test_who_opens_an_intake_record(town, client, login, who, status):
    record = services.receive(town.coordinator, report(town))
    login(getattr(town, who))
    assert client.get(f"/cases/intake/{record.id}").status_code == status


def test_the_cron_command_raises_overdue_alarms(town, app):
    services.receive(town.coordinator, report(town, hours_ago=49))
    result = app.test_cli_runner().invoke(args=["intake", "check-overdue"])
    assert "1件" in result.output


def _statements_of(client, path: str) -> int:
    """Return how many SQL statements one GET of the page runs."""
    seen = []

    def count(*_):
        seen.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(seen)


def test_the_ledger_with_open_checks_does_not_reload_its_rows_one_by_one(town, client, login):
    # The watch panel above the ledger once committed an empty transaction, which expired the page's
    # cases: each row was then reloaded with its children and abuse types (3 queries per row).
    login(town.coordinator)
    services.receive(town.coordinator, report(town))
    few = _statements_of(client, "/cases/")
    for hours in (2, 3, 4, 5, 6):
        services.receive(town.coordinator, report(town, hours_ago=hours))
    page = client.get("/cases/")
    assert "48時間以内の安全確認" in text(page)
    assert _statements_of(client, "/cases/") <= few
