"""Scheduling each tier, invitations and answers, the case share an invitation gives, the agenda."""

import json
import re
from datetime import timedelta

import pytest

from cases import policy
from cases.models import Part
from cases.sharing.models import AccessGrant, GrantCause
from meetings import services
from meetings.agenda import services as agenda
from meetings.models import ItemKind, Tier
from portal.extensions import db
from portal.refusals import Refusal
from tests.meetings.conftest import SECRET_CHILD, as_text, at_today, schedule


def test_tier_names_come_from_the_council_settings(town, client, login):
    town.council.tier_individual = "個別支援会議"
    db.session.commit()
    meeting = schedule(town, Tier.INDIVIDUAL, case_id=town.case.id)
    login(town.teacher)
    page = client.get("/meetings/").get_data(as_text=True)
    assert "個別支援会議" in page and "テスト会議" in page
    assert str(meeting) == "個別支援会議（テスト会議）"


@pytest.mark.parametrize("tier", list(Tier))
def test_every_tier_can_be_scheduled_through_the_form(town, client, login, tier):
    login(town.coordinator)
    form = {
        "council_id": town.council.id,
        "tier": tier.value,
        "title": "令和7年度 第1回",
        "day": "2030-06-10",
        "time": "14:00",
        "minutes_planned": "90",
        "place": "本庁舎",
        "online_url": "",
        "case_id": str(town.case.id) if tier == Tier.INDIVIDUAL else "",
        "agency_ids": [str(town.school.id), str(town.cgc.id)],
    }
    response = client.submit("/meetings/new", form)
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert tier.name_in(town.council) in page and "みどり第一小学校：未回答" in page


def test_invitees_see_the_meeting_and_answer(town, client, login):
    meeting = schedule(town)
    login(town.teacher)
    assert "テスト会議" in client.get("/meetings/").get_data(as_text=True)
    client.submit(f"/meetings/{meeting.id}/respond", {"response": "attending"})
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "みどり第一小学校：出席" in page


def test_uninvited_people_do_not_see_the_meeting(town, client, login):
    meeting = schedule(town)
    login(town.doctor)
    assert "テスト会議" not in client.get("/meetings/").get_data(as_text=True)
    assert client.get(f"/meetings/{meeting.id}").status_code == 404
    client.submit("/logout")
    login(town.other_coordinator)
    assert client.get(f"/meetings/{meeting.id}").status_code == 404


def test_only_coordinating_staff_schedule(town, client, login):
    login(town.teacher)
    assert client.get("/meetings/new").status_code == 403
    with pytest.raises(Refusal):
        services.schedule_meeting(
            town.other_coordinator,
            services.MeetingInput(town.council.id, Tier.PRACTITIONER.value, "x", at_today()),
        )


def test_inviting_an_agency_to_a_case_meeting_shares_the_case_for_the_meeting_day(town):
    assert not policy.can_view(town.doctor, town.case, Part.LEDGER)
    meeting = schedule(town, Tier.INDIVIDUAL, agencies=[town.hospital, town.school], case_id=town.case.id)
    assert policy.can_view(town.doctor, town.case, Part.MEETINGS)
    grant = db.session.scalar(
        db.select(AccessGrant).where(
            AccessGrant.agency_id == town.hospital.id, AccessGrant.case_id == town.case.id
        )
    )
    assert grant.cause == GrantCause.MEETING and grant.valid_until == services.meeting_day(meeting)
    later = services.meeting_day(meeting) + timedelta(days=1)
    assert not policy.access_for(town.doctor, town.case, today=later).any
    assert meeting.items[0].case_id == town.case.id


def test_case_meeting_needs_a_case_of_the_council(town):
    with pytest.raises(Refusal, match="対象ケース"):
        schedule(town, Tier.INDIVIDUAL)


def test_agenda_items_are_added_and_reordered(town, client, login, hidden_case):
    meeting = schedule(town)
    for title in ("開会", "報告", "閉会"):
        agenda.add_item(town.coordinator, meeting, agenda.ItemInput(ItemKind.REPORT.value, title, "佐藤", 5))
    agenda.add_item(
        town.coordinator, meeting, agenda.ItemInput(ItemKind.CASE_REVIEW.value, "", "", 10, hidden_case.id)
    )
    login(town.coordinator)
    closing = meeting.items[2]
    client.submit(f"/meetings/{meeting.id}/items/{closing.id}/move", {"direction": "up"})
    db.session.refresh(meeting)
    assert [i.title for i in meeting.items][:3] == ["開会", "閉会", "報告"]
    client.submit(f"/meetings/{meeting.id}/items/{closing.id}/move", {"position": "4"})
    db.session.refresh(meeting)
    assert [i.title for i in meeting.items] == ["開会", "報告", "", "閉会"]
    # The school sees the hidden case's item as its number and 非共有 only.
    client.submit("/logout")
    login(town.teacher)
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "非共有" in page
    assert SECRET_CHILD not in page and hidden_case.case_number not in page
    live = client.get(f"/meetings/{meeting.id}/live").get_data(as_text=True)
    state = re.search(r'id="meeting-state">(.*?)</script>', live, re.S).group(1)
    text = as_text(json.loads(state))
    assert "非共有" in text and "開会" in text
    assert SECRET_CHILD not in text and hidden_case.case_number not in text


def test_participants_cannot_change_the_agenda(town, client, login):
    meeting = schedule(town)
    item = agenda.add_item(town.coordinator, meeting, agenda.ItemInput(ItemKind.REPORT.value, "報告", "", 5))
    login(town.teacher)
    assert client.submit(f"/meetings/{meeting.id}/items/{item.id}/remove").status_code == 403
    assert client.submit(f"/meetings/{meeting.id}/items", {"kind": "report", "title": "x"}).status_code == 403


def test_representative_meeting_names_no_case(town):
    meeting = schedule(town, Tier.REPRESENTATIVE)
    with pytest.raises(Refusal, match="代表者会議"):
        agenda.add_item(
            town.coordinator, meeting, agenda.ItemInput(ItemKind.CASE_REVIEW.value, "", "", 5, town.case.id)
        )
