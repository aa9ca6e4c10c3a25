"""The agenda's drag-and-drop endpoint: a runner moves an item to a number and gets the order back."""

import pytest
from sqlalchemy import func, select

from meetings.agenda import services as agenda_services
from meetings.live import services as live
from meetings.models import ItemKind, Meeting
from portal.audit import AuditEntry
from portal.extensions import db
from tests.meetings.conftest import schedule

TITLES = ["開会", "報告", "閉会"]


@pytest.fixture
def meeting(town):
    """A practitioner meeting with three agenda items: 開会, 報告, 閉会."""
    meeting = schedule(town)
    for title in TITLES:
        agenda_services.add_item(
            town.coordinator, meeting, agenda_services.ItemInput(ItemKind.REPORT.value, title, "佐藤", 5)
        )
    return meeting


def titles(meeting: Meeting) -> list[str]:
    """Return the item titles in their stored order, read afresh from the database."""
    db.session.expire_all()
    return [i.title for i in db.session.get(Meeting, meeting.id).items]


def agenda_audits() -> int:
    """Return how many agenda audit rows exist."""
    return db.session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "meeting.agenda")
    )


def place(client, meeting: Meeting, item_id: int, position, token: str | None = ""):
    """POST a drop as agenda.js does: the position as a form field, the CSRF token in the header."""
    headers = {"Accept": "application/json"}
    if token is not None:
        headers["X-CSRFToken"] = token or client.csrf_token()
    url = f"/meetings/{meeting.id}/items/{item_id}/place"
    return client.post(url, data={"position": str(position)}, headers=headers)


def test_a_runner_drops_an_item_and_gets_the_servers_order(town, client, login, meeting):
    closing = meeting.items[2]
    audits = agenda_audits()
    login(town.coordinator)
    response = place(client, meeting, closing.id, 1)
    assert response.status_code == 200
    ids = [i.id for i in db.session.get(Meeting, meeting.id).items]
    assert response.json == {"ok": True, "order": ids, "message": "議題の順番を変えました。"}
    assert titles(meeting) == ["閉会", "開会", "報告"]
    assert agenda_audits() == audits + 1
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    agenda = page[page.index('id="agenda-list"') :]
    assert agenda.index("1.") < agenda.index("閉会") < agenda.index("2.") < agenda.index("開会")


def test_only_runners_get_the_handle_and_the_script(town, client, login, meeting):
    login(town.coordinator)
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert page.count('class="drag-handle"') == 3 and "meetings/agenda.js" in page
    assert "vendor/Sortable.min.js" in page
    client.submit("/logout")
    login(town.teacher)
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "drag-handle" not in page and "agenda.js" not in page and "/place" not in page


def test_a_drop_without_the_csrf_token_is_refused(town, client, login, meeting):
    login(town.coordinator)
    response = place(client, meeting, meeting.items[2].id, 1, token=None)
    assert response.status_code == 400
    assert "送信を受け付けられませんでした" in response.get_data(as_text=True)
    assert titles(meeting) == TITLES


def test_a_meeting_of_another_council_is_not_found(town, client, login, meeting):
    login(town.other_coordinator)
    assert place(client, meeting, meeting.items[2].id, 1).status_code == 404
    assert titles(meeting) == TITLES


def test_an_item_of_another_meeting_is_not_found(town, client, login, meeting):
    other = schedule(town, title="別の会議")
    stray = agenda_services.add_item(
        town.coordinator, other, agenda_services.ItemInput(ItemKind.REPORT.value, "別の議題", "", 5)
    )
    login(town.coordinator)
    assert place(client, meeting, stray.id, 1).status_code == 404
    assert titles(meeting) == TITLES and titles(other) == ["別の議題"]


def test_invited_people_who_do_not_run_the_meeting_may_not_move(town, client, login, meeting):
    audits = agenda_audits()
    login(town.teacher)
    assert client.get(f"/meetings/{meeting.id}").status_code == 200
    assert place(client, meeting, meeting.items[2].id, 1).status_code == 403
    assert titles(meeting) == TITLES and agenda_audits() == audits


@pytest.mark.parametrize("position", ["0", "4", "-1", "", "二", "1.5"])
def test_a_position_outside_the_agenda_is_refused_in_japanese(town, client, login, meeting, position):
    ids = [i.id for i in meeting.items]
    audits = agenda_audits()
    login(town.coordinator)
    response = place(client, meeting, ids[2], position)
    assert response.status_code == 400
    assert response.json == {"ok": False, "errors": ["移動先は1〜3番で指定してください。"], "order": ids}
    assert titles(meeting) == TITLES and agenda_audits() == audits


def test_moving_is_allowed_while_live_and_refused_once_ended(town, client, login, meeting):
    ids = [i.id for i in meeting.items]
    live.start(town.coordinator, meeting)
    login(town.coordinator)
    assert place(client, meeting, ids[0], 3).json["order"] == [ids[1], ids[2], ids[0]]
    live.end(town.coordinator, db.session.get(Meeting, meeting.id))
    response = place(client, meeting, ids[0], 1)
    assert response.status_code == 400
    assert response.json["errors"] == ["終了した会議の議題は変更できません。"]
    assert response.json["order"] == [ids[1], ids[2], ids[0]]
    assert titles(meeting) == ["報告", "閉会", "開会"]
