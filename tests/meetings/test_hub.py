"""The meeting page as the hub: each next step one click away by the meeting's state; every 配付番号 opens."""

import re

from meetings.minutes import services as minutes
from meetings.minutes import word as minutes_word
from tests.meetings.conftest import schedule
from tests.meetings.minutes.test_minutes import browser_of, ended_meeting


def links(page: str) -> list[str]:
    """Return the addresses of the page's next steps, in order."""
    steps = page.split('id="steps"')[1].split("</section>")[0]
    return re.findall(r'(?:href|action)="([^"]+)"', steps)


def test_a_scheduled_meeting_leads_to_agenda_invitations_documents_and_the_room(town, client, login):
    meeting = schedule(town)
    login(town.coordinator)
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    found = links(page)
    assert found[0] == f"/meetings/{meeting.id}/build"  # a practitioner meeting's agenda from the ledger
    assert f"/meetings/{meeting.id}#invitees" in found and f"/meetings/{meeting.id}#documents" in found
    assert f"/meetings/{meeting.id}/live" in found and f"/meetings/{meeting.id}/minutes" in found
    assert "回答 0/3" in page
    # The documents section numbers the invited agencies, and each number opens its 会議資料.
    for number, agency in enumerate(minutes_word.recipients(meeting), start=1):
        assert f"<td>{number}</td><td>{agency.name}</td>" in page
        response = client.get(f"/meetings/{meeting.id}/packet.docx?agency={agency.id}")
        assert response.status_code == 200, agency.name


def test_an_ended_meeting_leads_to_the_minutes_and_every_numbered_copy_opens(
    town, client, login, hidden_case
):
    held = ended_meeting(town, hidden_case)
    login(town.coordinator)
    page = client.get(f"/meetings/{held.id}").get_data(as_text=True)
    assert f"/meetings/{held.id}/minutes/draft" in links(page)
    minutes.draft(town.coordinator, held)
    page = client.get(f"/meetings/{held.id}").get_data(as_text=True)
    assert f"/meetings/{held.id}/minutes" in links(page) and "下書き）を編集して確定する" in page
    rows = re.findall(r"<td>(\d+)</td><td>([^<]+)</td>", page.split('id="documents"')[1])
    numbered = minutes_word.recipients(held)
    assert [(int(n), name) for n, name in rows] == [(n, a.name) for n, a in enumerate(numbered, start=1)]
    # Attending and given a task: the center, the school, the 児童相談所, the other school (its task).
    assert {a.name for a in numbered} >= {town.school.name, town.cgc.name, town.other_school.name}
    for agency in numbered:
        for document in ("packet", "minutes"):
            response = client.get(f"/meetings/{held.id}/{document}.docx?agency={agency.id}")
            assert response.status_code == 200, (document, agency.name)
    # The minutes page numbers the same way.
    minutes_page = client.get(f"/meetings/{held.id}/minutes").get_data(as_text=True)
    assert re.findall(r"<tr><td>(\d+)</td><td>([^<]+)</td>", minutes_page) == rows


def test_a_participant_is_led_to_answer_the_room_and_the_agencys_copy(app, town):
    meeting = schedule(town)
    browser = browser_of(app, town.teacher)
    page = browser.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    found = links(page)
    assert found[0] == f"/meetings/{meeting.id}#answer"
    assert f"/meetings/{meeting.id}/packet.docx" in found and f"/meetings/{meeting.id}/live" in found
    assert 'id="documents"' in page and "配付番号" not in page  # no other agency's copy
    assert browser.get(f"/meetings/{meeting.id}/packet.docx").status_code == 200
