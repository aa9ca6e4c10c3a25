"""What the meeting decides on a case item, under the minutes' own headings.

現状・リスク (a risk change needs its reason), 援助方針, 短期目標, 長期目標, 主担当機関, キーパーソン,
次回確認時期, 終結 (with its reason); the ledger takes them when the meeting ends (services.end).
"""

from dataclasses import dataclass
from datetime import date

from cases import codes
from meetings import access
from meetings.live.changes import Change
from meetings.live.ops import _change, _item, _require_recording
from meetings.models import AgendaItem, Meeting
from meetings.services import meeting_day
from portal.extensions import db
from portal.models import User
from portal.refusals import Refusal
from portal.transaction import transaction
from portal.types import utcnow

MAX_DECISION = 5000
MAX_SHORT = 120
RISK_LEVELS = (1, 2, 3)


@dataclass
class Decision:
    """What the meeting decided on a case item."""

    decision: str = ""
    next_review_on: date | None = None
    lead_agency_id: int | None = None
    closure_reason: str = ""
    situation: str = ""
    risk_level: int | None = None
    risk_reason: str = ""
    short_goals: str = ""
    long_goals: str = ""
    key_person: str = ""


def _problems(user: User, meeting: Meeting, item: AgendaItem, data: Decision) -> list[str]:
    """Return what is wrong with a decision (each in Japanese)."""
    problems = []
    runs = access.can_run(user, meeting)
    powers = (
        data.closure_reason != item.closure_reason
        or (data.lead_agency_id or None) != item.lead_agency_id
        or (data.risk_level or None) != item.risk_level
    )
    if not runs and powers:
        problems.append("リスク・主担当機関の変更と終結は進行役が記録します。")
    if data.lead_agency_id and data.lead_agency_id not in {a.id for a in meeting.council.members}:
        problems.append("主担当機関は協議会の構成機関から選んでください。")
    if data.closure_reason and data.closure_reason not in codes.labels("closure_reason"):
        problems.append("終結理由を選んでください。")
    if data.risk_level is not None and data.risk_level not in RISK_LEVELS:
        problems.append("リスクは高・中・低から選んでください。")
    changes_risk = data.risk_level is not None and item.case and data.risk_level != item.case.risk_level
    if changes_risk and not data.risk_reason.strip():
        problems.append("リスクを変更するときは、その理由を入力してください。")
    if data.next_review_on and data.next_review_on < meeting_day(meeting):
        problems.append("次回確認時期は会議の日より後にしてください。")
    for label, text in (
        ("援助方針", data.decision),
        ("現状", data.situation),
        ("短期目標", data.short_goals),
        ("長期目標", data.long_goals),
    ):
        if len(text) > MAX_DECISION:
            problems.append(f"{label}が長すぎます（{MAX_DECISION}字まで）。")
    if len(data.risk_reason) > 200 or len(data.key_person) > MAX_SHORT:
        problems.append(f"リスク変更の理由は200字、キーパーソンは{MAX_SHORT}字までです。")
    return problems


def record(user: User, meeting: Meeting, item_id: int, data: Decision) -> Change:
    """Record the decision on a case item: every heading of the minutes, checked together."""
    with transaction():
        _require_recording(user, meeting)
        item = _item(meeting, item_id, user)
        if item.case_id is None:
            raise Refusal("ケースの議題だけに決定を記録できます。")
        problems = _problems(user, meeting, item, data)
        if problems:
            raise Refusal(*problems)
        item.decision = data.decision.strip()
        item.next_review_on = data.next_review_on
        item.lead_agency_id = data.lead_agency_id
        item.closure_reason = data.closure_reason
        item.situation = data.situation.strip()
        same_risk = data.risk_level == item.case.risk_level
        item.risk_level = None if same_risk else data.risk_level
        item.risk_reason = "" if item.risk_level is None else data.risk_reason.strip()
        item.short_goals = data.short_goals.strip()
        item.long_goals = data.long_goals.strip()
        item.key_person = data.key_person.strip()
        item.decided_at = utcnow()
        change = _change(meeting, user, "decision", [item.id], {"item": item.id, "risk": item.risk_level})
    db.session.refresh(meeting)
    return change
