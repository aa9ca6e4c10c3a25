"""Fixtures for meeting tests: the town, a second case the school may not see, meetings, sockets."""

import json
from datetime import date, datetime, time

import pytest
from flask import g

from cases.ledger import registration
from cases.ledger.registration import CaseInput, ChildInput, GuardianInput
from meetings import services
from meetings.models import Tier
from portal.dates import today_in_japan
from portal.extensions import socketio
from tests.cases.conftest import Town, household_input, town, town_file

__all__ = ["Town", "household_input", "town", "town_file"]

SECRET_CHILD = "川口 そら"


@pytest.fixture
def hidden_case(town):
    """A registered case whose child goes to みどり第二小学校: the first school may not see it."""
    return registration.register_case(
        town.coordinator,
        CaseInput(
            council_id=town.council.id,
            category="support",
            received_on=date(2025, 5, 1),
            risk_level=2,
            support_policy="<p>見守りを続ける</p>",
            children=[
                ChildInput(
                    SECRET_CHILD, "かわぐち そら", date(2015, 4, 3), "男", town.other_school.id, "4年1組"
                )
            ],
            guardians=[GuardianInput("mother", "川口 真理")],
        ),
    )


def at_today(hour: int = 10) -> datetime:
    """Return today (in Japan) at the hour, as an aware datetime."""
    return datetime.combine(today_in_japan(), time(hour, 0), tzinfo=services.JST)


def schedule(town, tier=Tier.PRACTITIONER, agencies=None, **extra):
    """Schedule a meeting of the town's council today, inviting the school, nursery and 児童相談所."""
    agencies = agencies if agencies is not None else [town.school, town.nursery, town.cgc]
    data = services.MeetingInput(
        council_id=town.council.id,
        tier=tier.value,
        title=extra.pop("title", "テスト会議"),
        starts_at=extra.pop("starts_at", at_today()),
        agency_ids=[a.id for a in agencies],
        **extra,
    )
    return services.schedule_meeting(town.coordinator, data)


@pytest.fixture
def socket_for(app):
    """Return a function that logs a person in on their own browser and opens the live-room socket."""

    def open_socket(user):
        browser = app.test_client()
        response = browser.submit("/login", {"login_id": user.login_id, "password": "Test-Passw0rd-ok"})
        assert response.status_code == 302
        fresh_g()
        client = socketio.test_client(app, namespace="/meetings", flask_test_client=browser)
        client.browser = browser
        return client

    return open_socket


def fresh_g() -> None:
    """Empty `g` before a socket event, as each event has it empty outside the test's app context.

    The tests keep one app context open, so Flask-Login's cached user would otherwise carry over
    from one test client's event to another's.
    """
    for key in list(g):
        g.pop(key)


def emit(client, event: str, meeting, **data):
    """Send an event for the meeting from this client and return the acknowledgement."""
    fresh_g()
    return client.emit(event, {"meeting_id": meeting.id, **data}, namespace="/meetings", callback=True)


def received(client, name=None):
    """Return the payloads the socket received (of one event, or all as (name, payload))."""
    got = client.get_received("/meetings")
    if name is None:
        return [(e["name"], e["args"][0]) for e in got]
    return [e["args"][0] for e in got if e["name"] == name]


def as_text(messages) -> str:
    """Return messages as one JSON text (to look for anything leaked)."""
    return json.dumps(messages, ensure_ascii=False)
