"""Decisions in the minutes' own headings: a risk change needs its reason; the ledger takes them."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from cases.models import CaseChange
from meetings import services
from meetings.live import services as live
from meetings.minutes import services as minutes
from portal.extensions import db
from portal.refusals import Refusal
from tests.meetings.live.test_writeback import case_meeting

__all__ = ["case_meeting"]


def full_decision(town, day, **changes) -> live.Decision:
    """Return a decision filling every heading."""
    data = {
        "decision": "登校時の見守りを強化する。",
        "next_review_on": day + timedelta(days=30),
        "lead_agency_id": town.cgc.id,
        "situation": "父の暴力は止んだが、母の疲労が強い。",
        "risk_level": 2,
        "risk_reason": "父が指導に応じ、あざが見られなくなった",
        "short_goals": "毎日登校する",
        "long_goals": "家族が地域の支援を自分から使える",
        "key_person": "伊藤（県中央児童相談所）",
    }
    return live.Decision(**{**data, **changes})


def test_a_risk_change_needs_its_reason(town, case_meeting):
    meeting, item = case_meeting, case_meeting.items[0]
    day = services.meeting_day(meeting)
    with pytest.raises(Refusal, match="リスクを変更するときは"):
        live.record(town.facilitator, meeting, item.id, full_decision(town, day, risk_reason=" "))
    with pytest.raises(Refusal, match="高・中・低"):
        live.record(town.facilitator, meeting, item.id, full_decision(town, day, risk_level=7))
    # Keeping the risk as it is needs no reason.
    live.record(town.facilitator, meeting, item.id, full_decision(town, day, risk_level=3, risk_reason=""))
    db.session.refresh(item)
    assert item.risk_level is None


def test_every_heading_reaches_the_ledger_and_the_minutes(town, case_meeting):
    meeting, item = case_meeting, case_meeting.items[0]
    day = services.meeting_day(meeting)
    live.record(town.facilitator, meeting, item.id, full_decision(town, day))
    live.end(town.facilitator, meeting)
    case = town.case
    db.session.refresh(case)
    assert case.risk_level == 2 and case.key_person == "伊藤（県中央児童相談所）"
    history = {
        h.field: h
        for h in db.session.scalars(
            select(CaseChange).where(
                CaseChange.case_id == case.id, CaseChange.source == f"meeting:{meeting.id}"
            )
        )
    }
    assert history["risk_level"].before == "高" and history["risk_level"].after == "中"
    assert history["key_person"].after == "伊藤（県中央児童相談所）"
    version = minutes.draft(town.coordinator, meeting)
    [section] = version.sections
    assert "リスクの変更: 中（理由: 父が指導に応じ" in section.situation
    assert "母の疲労が強い" in section.situation
    assert section.short_goals == "<p>毎日登校する</p>" and "地域の支援" in section.long_goals
    assert section.key_person == "伊藤（県中央児童相談所）"
