"""Invitations and tasks reach people: an in-portal notice (and mail with SMTP); the home page lists them."""

from datetime import timedelta

from sqlalchemy import select

from meetings import services
from meetings.live import services as live
from meetings.models import Tier
from portal.extensions import db
from reports.board.models import Notification
from tests.meetings.conftest import schedule


def notices_of(user) -> list[Notification]:
    """Return a person's notices, oldest first."""
    return db.session.scalars(select(Notification).where(Notification.user_id == user.id)).all()


def test_an_invitation_and_a_task_send_notices_and_the_home_page_lists_them(town, client, login):
    meeting = schedule(town, Tier.INDIVIDUAL, agencies=[town.school, town.cgc], case_id=town.case.id)
    [invited] = notices_of(town.teacher)
    assert (
        invited.kind == "meeting"
        and "会議への招待" in invited.title
        and invited.link == f"/meetings/{meeting.id}"
    )
    assert notices_of(town.nursery_head) == [], "the nursery is not invited"
    assert all("山本" not in n.body + n.title for n in notices_of(town.teacher)), "no child named in a notice"
    services.invite(town.coordinator, meeting, [town.nursery.id])
    assert len(notices_of(town.nursery_head)) == 1

    login(town.teacher)
    home = client.get("/").get_data(as_text=True)
    assert "今日と今後の会議" in home and meeting.title in home

    live.start(town.facilitator, meeting)
    due = services.meeting_day(meeting) + timedelta(days=7)
    item = meeting.items[0]
    live.assign(town.facilitator, meeting, item.id, town.school.id, "高橋", "毎朝の登校確認", due)
    live.end(town.facilitator, meeting)
    task = [n for n in notices_of(town.teacher) if n.kind == "task"]
    assert (
        len(task) == 1
        and f"ケース {town.case.case_number}" in task[0].body
        and "毎朝の登校確認" in task[0].body
    )
    home = client.get("/").get_data(as_text=True)
    tasks = home.split('id="meeting-tasks"')[1]
    assert f"ケース {town.case.case_number}" in tasks and "山本 はると" in tasks
    assert "山本 ゆい" not in tasks, "only the children the school may see"
