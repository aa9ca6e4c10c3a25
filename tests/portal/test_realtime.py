"""The Socket.IO shell: only live logins connect, the server picks the rooms, payloads are per person."""

import pytest

from portal import realtime
from portal.extensions import db, socketio
from portal.models import Role
from tests.factories import AgencyFactory, UserFactory


@pytest.fixture
def connect(app):
    """Return a function that logs a person in on their own browser and opens a socket."""

    def do_connect(user=None):
        browser = app.test_client()
        if user is not None:
            response = browser.submit("/login", {"login_id": user.login_id, "password": "Test-Passw0rd-ok"})
            assert response.status_code == 302
        return socketio.test_client(app, flask_test_client=browser)

    return do_connect


def events(client, name):
    """Return the payloads of one event the socket received."""
    return [e["args"][0] for e in client.get_received() if e["name"] == name]


def test_anonymous_connection_is_refused(connect):
    assert not connect().is_connected()


def test_disabled_person_is_refused(app, connect):
    user = UserFactory()
    browser = app.test_client()
    browser.submit("/login", {"login_id": user.login_id, "password": "Test-Passw0rd-ok"})
    user.active = False
    db.session.commit()
    assert not socketio.test_client(app, flask_test_client=browser).is_connected()


def test_pending_password_change_is_refused(connect):
    user = UserFactory(must_change_password=True)
    assert not connect(user).is_connected()


def test_connection_joins_the_persons_and_agencys_rooms(connect):
    user = UserFactory()
    client = connect(user)
    assert client.is_connected()
    socketio.emit("ping_user", {"n": 1}, to=realtime.user_room(user.id))
    socketio.emit("ping_agency", {"n": 2}, to=realtime.agency_room(user.agency_id))
    socketio.emit("ping_other", {"n": 3}, to=realtime.user_room(user.id + 1000))
    received = {e["name"] for e in client.get_received()}
    assert received == {"ping_user", "ping_agency"}


def test_client_cannot_choose_rooms(connect):
    user, other = UserFactory(), UserFactory()
    client = connect(user)
    client.emit("join", {"room": realtime.user_room(other.id)})
    socketio.emit("secret", {"for": other.id}, to=realtime.user_room(other.id))
    assert events(client, "secret") == []


def test_notify_users_builds_each_payload_for_its_recipient(connect):
    agency = AgencyFactory()
    alice = UserFactory(name="Alice", agency=agency, roles=[Role.COORDINATOR])
    bob = UserFactory(name="Bob", agency=agency)
    carol = UserFactory(name="Carol", agency=agency)
    clients = {u.name: connect(u) for u in (alice, bob, carol)}
    built_for = []

    def builder(user):
        built_for.append(user.name)
        if user.name == "Carol":
            return None
        return {"hello": user.name, "coordinator": user.has_role(Role.COORDINATOR)}

    sent = realtime.notify_users([alice.id, bob.id, carol.id, alice.id], "greeting", builder)
    assert sent == 2 and sorted(built_for) == ["Alice", "Bob", "Carol"]
    assert events(clients["Alice"], "greeting") == [{"hello": "Alice", "coordinator": True}]
    assert events(clients["Bob"], "greeting") == [{"hello": "Bob", "coordinator": False}]
    assert events(clients["Carol"], "greeting") == []


def test_notify_users_skips_disabled_people(connect):
    user = UserFactory()
    client = connect(user)
    user.active = False
    db.session.commit()
    assert realtime.notify_users([user.id], "greeting", lambda u: {"x": 1}) == 0
    assert events(client, "greeting") == []


def test_agency_user_ids_and_disconnect_user(connect):
    agency = AgencyFactory()
    first, second = UserFactory(agency=agency), UserFactory(agency=agency)
    inactive = UserFactory(agency=agency, active=False)
    assert sorted(realtime.agency_user_ids([agency.id])) == sorted([first.id, second.id])
    assert inactive.id not in realtime.agency_user_ids([agency.id])
    client = connect(first)
    assert client.is_connected()
    realtime.disconnect_user(first.id)
    assert not client.is_connected()


def test_idle_session_is_refused(app):
    user = UserFactory()
    browser = app.test_client()
    browser.submit("/login", {"login_id": user.login_id, "password": "Test-Passw0rd-ok"})
    with browser.session_transaction() as session:
        session["last_seen"] = 0
    assert not socketio.test_client(app, flask_test_client=browser).is_connected()
