"""Through nginx, two people pinned to different instances share a live meeting, an alert and a logout.

The stack is deploy/ on 127.0.0.1 (tests/deploy/conftest.py): nginx with deploy/nginx/portal.conf,
two production-mode gunicorn instances, PostgreSQL and Redis. Each person is pinned to an
instance by nginx's route cookie; their pages connect as a browser's do (polling, then the
WebSocket upgrade through nginx).
"""

import json

import pytest

from meetings.agenda import services as agenda
from meetings.models import ItemKind
from portal.dates import today_in_japan
from portal.extensions import db
from tests.deploy.people import LivePage, Person, pinned
from tests.meetings.conftest import SECRET_CHILD, hidden_case, schedule, town

__all__ = ["hidden_case", "town"]


@pytest.fixture
def meeting(town, hidden_case):
    """A practitioner meeting: a report, the household case and the case the school may not see."""
    meeting = schedule(town)
    for case_id in (None, town.case.id, hidden_case.id):
        kind = ItemKind.CASE_REVIEW if case_id else ItemKind.REPORT
        item = agenda.ItemInput(kind.value, "" if case_id else "新規登録の報告", "", 10, case_id)
        agenda.add_item(town.coordinator, meeting, item)
    db.session.commit()  # end the test's read; the instances write to the same database
    return meeting


@pytest.fixture
def instances(stack) -> list[str]:
    """The upstream addresses of the two instances, as nginx names them."""
    return [f"127.0.0.1:{p.port}" for p in stack.portals]


def test_the_deployed_stack_answers_health_through_nginx(stack):
    person = Person(stack.nginx.url)
    status, body = person.get("/healthz")
    assert status == 200 and json.loads(body) == {"status": "ok", "database": "ok", "redis": "ok"}
    assert "portal_route" in person.cookie
    status, page = person.get("/login")
    assert status == 200 and "ログイン" in page


def test_people_pinned_to_two_instances_share_a_move_an_alert_and_a_logout(
    stack, instances, town, meeting, hidden_case, pages
):
    base = stack.nginx.url
    school = pinned(base, instances[1]).log_in(town.teacher)
    facilitator = pinned(base, instances[0]).log_in(town.facilitator)
    coordinator = pinned(base, instances[0]).log_in(town.coordinator)
    nursery = pinned(base, instances[1]).log_in(town.nursery_head)
    assert (school.upstream, facilitator.upstream) == (instances[1], instances[0])

    school_page = LivePage(school, meeting.id)
    facilitator_page = LivePage(facilitator, meeting.id)
    pages += [school_page, facilitator_page]
    assert school_page.client.transport() == "websocket"  # upgraded through nginx
    assert school_page.join()["ok"] and facilitator_page.join()["ok"]

    # A live-meeting move made on instance A reaches the school's page on instance B.
    hidden = meeting.items[2].id
    assert facilitator_page.call("start", {})["number"] == 1
    assert facilitator_page.call("move", {"item_id": hidden})["number"] == 2
    moved = school_page.wait("change", lambda p: p["number"] == 2)
    assert moved["meeting"]["current_item_id"] == hidden
    notes = {"item_id": hidden, "notes": f"{SECRET_CHILD}の登校", "version": 0}
    assert facilitator_page.call("notes", notes)["number"] == 3
    school_page.wait("change", lambda p: p["number"] == 3)
    text = json.dumps(school_page.received, ensure_ascii=False)
    assert SECRET_CHILD not in text and hidden_case.case_number not in text

    # An alert raised through instance B reaches the coordinator's page on instance A.
    coordinator_page = LivePage(coordinator, namespaces=("/",))
    pages.append(coordinator_page)
    report_form = {
        "child_id": town.yui.id,
        "reason": "injury",
        "occurred_on": today_in_japan().isoformat(),
        "body": "頬にあざ",
    }
    assert nursery.post(f"/reports/immediate?council={town.council.id}", report_form) == 200
    assert nursery.upstream == instances[1]
    coordinator_page.wait("report_alert", namespace="/")

    # The teacher logs out on the office computer (instance A): every page of theirs closes, the
    # meeting room's on their tablet (instance B) too.
    office = pinned(base, instances[0]).log_in(town.teacher)
    assert office.post("/logout", {}) == 200 and office.upstream == instances[0]
    school_page.wait("closed")
    facilitator_page.wait("presence", lambda p: {x["name"] for x in p["presence"]} == {"鈴木"})
