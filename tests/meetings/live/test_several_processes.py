"""Two portal processes joined by a real Redis: what one process sends reaches the pages the other serves.

This is how the portal runs with REDIS_URL set behind a load balancer: one database (the test's
SQLite file in WAL mode, or the PostgreSQL test database), one Redis carrying Socket.IO messages
and the login throttle's counts, and a person's page served by whichever process. Each test
starts its own redis-server and two `tests/portal_server.py` processes, all on 127.0.0.1, and
talks to them as a browser does: logins over HTTP, real websocket Socket.IO clients.
"""

import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

import pytest
import redis
import socketio

from meetings.agenda import services as agenda
from meetings.models import ItemKind
from portal.config import ROOT
from portal.dates import today_in_japan
from portal.extensions import db
from reports.monthly.periods import current_period
from tests.factories import DEFAULT_PASSWORD, code_for_login
from tests.meetings.conftest import SECRET_CHILD, schedule
from tests.websockets import OwnedWebSockets

NAMESPACE = "/meetings"
# How long a message may take to reach a page served by the other process.
WITHIN = 3.0
# Login attempts per address, counted in Redis by every process together.
LOGIN_LIMIT = 6
# The servers' presence TTL (seconds): a stopped process's people leave the room this soon.
PRESENCE_TTL = 3


def _free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _stop(process: subprocess.Popen) -> None:
    """Terminate a process we started, killing it if it does not end in time."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _wait_listening(process: subprocess.Popen, port: int, log: Path, timeout: float = 30) -> None:
    """Block until the process accepts connections on the port; fail with its log if it does not."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    pytest.fail(f"{' '.join(map(str, process.args))} did not listen on {port}:\n{log.read_text()}")


@pytest.fixture
def redis_url(tmp_path) -> Iterator[str]:
    """A throwaway redis-server on 127.0.0.1 (no persistence), stopped after the test."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is not installed; `make redis` installs Debian's redis-server")
    folder = tmp_path / "redis"
    folder.mkdir()
    port = _free_port()
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    log = folder / "redis.log"
    with open(log, "w") as out:
        process = subprocess.Popen(command, cwd=folder, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603
    try:
        _wait_listening(process, port, log)
        url = f"redis://127.0.0.1:{port}/0"
        client = redis.Redis.from_url(url, socket_timeout=5)
        assert client.ping()
        client.close()
        yield url
    finally:
        _stop(process)


class Browser:
    """One person's browser: the session cookie is per host, so it counts on both processes."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def post(self, url: str, fields: dict) -> int:
        """Submit a form with the CSRF token of a page of the same process; return the final status."""
        base = "/".join(url.split("/", 3)[:3])
        with self.opener.open(f"{base}/login", timeout=10) as response:
            page = response.read().decode()
        token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({**fields, "csrf_token": token}, doseq=True).encode()
        try:
            with self.opener.open(url, data=body, timeout=10) as response:
                self.url = response.geturl()
                return response.status
        except urllib.error.HTTPError as error:
            error.close()
            return error.code

    @property
    def cookie(self) -> str:
        """Return the session cookie as a Cookie header."""
        found = next((c for c in self.jar if c.name == "portal_session"), None)
        assert found is not None, "not logged in"
        return f"{found.name}={found.value}"


def log_in(base: str, user) -> Browser:
    """Log a person in through one process's login form."""
    browser = Browser()
    status = browser.post(f"{base}/login", {"login_id": user.login_id, "password": DEFAULT_PASSWORD})
    if browser.url.endswith("/login/enrol"):
        # Production asks coordinators and caseworkers for a second factor: enrol an app, type its code.
        code = code_for_login(user)
        browser.post(f"{base}/login", {"login_id": user.login_id, "password": DEFAULT_PASSWORD})
        status = browser.post(f"{base}/login/code", {"code": code})
    elif browser.url.endswith("/login/code"):
        status = browser.post(f"{base}/login/code", {"code": code_for_login(user)})
    assert status == 200 and browser.cookie and not browser.url.endswith(("/login/code", "/login"))
    return browser


class Page:
    """An open page: a websocket Socket.IO client on one process, and every message it received."""

    def __init__(self, base: str, browser: Browser, namespaces: tuple[str, ...]):
        self.websockets = OwnedWebSockets()
        self.client = socketio.Client(reconnection=False, websocket_extra_options=self.websockets.options)
        self.received: list[tuple[str, str, object]] = []
        self.arrived = threading.Condition()
        for namespace in namespaces:
            self.client.on("*", self._recorder(namespace), namespace=namespace)
            self.client.on("disconnect", self._closed(namespace), namespace=namespace)
        self.client.connect(
            base,
            headers={"Cookie": browser.cookie},
            transports=["websocket"],
            namespaces=list(namespaces),
            wait_timeout=10,
        )

    def _recorder(self, namespace: str) -> Callable:
        """Return a handler that records any event of the namespace."""

        def record(event, *args):
            with self.arrived:
                self.received.append((namespace, event, args[0] if args else None))
                self.arrived.notify_all()

        return record

    def _closed(self, namespace: str) -> Callable:
        """Return a handler that records the server closing the namespace."""
        return lambda *_reason: self._recorder(namespace)("closed")

    def call(self, event: str, data: dict) -> dict:
        """Send a live-room event and return its acknowledgement."""
        return self.client.call(event, data, namespace=NAMESPACE, timeout=10)

    def wait(self, event: str, matches=lambda payload: True, namespace: str = NAMESPACE):
        """Return the first payload of the event that matches, waiting up to WITHIN seconds for it."""

        def found() -> list:
            return [p for n, e, p in self.received if (n, e) == (namespace, event) and matches(p)]

        with self.arrived:
            if not self.arrived.wait_for(found, timeout=WITHIN):
                pytest.fail(f"no matching {namespace} {event} within {WITHIN} s; received {self.received}")
            return found()[0]

    def rejoin(self, meeting) -> dict:
        """Join the meeting again, as a reloaded page does, and return the full state it gets."""
        with self.arrived:
            self.received.clear()
        assert self.call("join", {"meeting_id": meeting.id})["ok"]
        return self.wait("state")

    def close(self) -> None:
        """Close the connection if it is still open, and the WebSocket of one the server dropped."""
        try:
            if self.client.connected:
                self.client.disconnect()
        finally:
            self.websockets.close()


class Portals:
    """The two processes' base URLs, and the pages opened on them."""

    def __init__(self, a: str, b: str):
        self.a, self.b = a, b
        self.pages: list[Page] = []
        self.processes: list[subprocess.Popen] = []

    def open(self, base: str, browser: Browser, namespaces=("/", NAMESPACE)) -> Page:
        """Open a person's page on one process."""
        page = Page(base, browser, namespaces)
        self.pages.append(page)
        return page


@pytest.fixture
def portals(app, redis_url, tmp_path) -> Iterator[Portals]:
    """Two portal processes on the test's database and one Redis, with the pages opened on them."""
    env = {
        **os.environ,
        "REDIS_URL": redis_url,
        "PORTAL_LOGIN_RATE_LIMIT": f"{LOGIN_LIMIT} per 10 minutes",
        "PORTAL_PRESENCE_TTL_SECONDS": str(PRESENCE_TTL),
    }
    database_url = app.config["SQLALCHEMY_DATABASE_URI"]
    started: list[tuple[subprocess.Popen, int, Path]] = []
    portals = None
    try:
        for name in ("a", "b"):
            port, log = _free_port(), tmp_path / f"portal-{name}.log"
            with open(log, "w") as out:
                command = [sys.executable, "-m", "tests.portal_server", database_url, str(port)]
                process = subprocess.Popen(  # noqa: S603
                    command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
                )
            started.append((process, port, log))
        for process, port, log in started:
            _wait_listening(process, port, log)
        portals = Portals(*(f"http://127.0.0.1:{port}" for _, port, _ in started))
        portals.processes = [process for process, _, _ in started]
        yield portals
    finally:
        for process, _, _ in started:
            _stop(process)
        # Closed after the servers: a client closing first would wait for each server's closing
        # handshake; with the server gone it closes at once.
        for page in portals.pages if portals else ():
            page.close()


def by_id(change) -> dict[int, dict]:
    """Return a change's items by id."""
    return {item["id"]: item for item in change["items"]}


def present(payload) -> set[str]:
    """Return the names in a presence notice."""
    return {p["name"] for p in payload["presence"]}


@pytest.fixture
def meeting(town, hidden_case):
    """A practitioner meeting: a report, the household case and the case the school may not see."""
    meeting = schedule(town)
    for case_id in (None, town.case.id, hidden_case.id):
        kind = ItemKind.CASE_REVIEW if case_id else ItemKind.REPORT
        item = agenda.ItemInput(kind.value, "" if case_id else "新規登録の報告", "", 10, case_id)
        agenda.add_item(town.coordinator, meeting, item)
    db.session.commit()  # end the test's read; the servers write to the same database
    return meeting


def test_the_facilitators_moves_on_one_process_reach_a_participant_on_the_other(
    town, hidden_case, meeting, portals
):
    a, b = portals.a, portals.b
    report, _, hidden = (item.id for item in meeting.items)
    school = portals.open(b, log_in(b, town.teacher))
    facilitator = portals.open(a, log_in(a, town.facilitator))
    assert school.call("join", {"meeting_id": meeting.id})["ok"]
    state = school.wait("state")
    assert [i for i in state["items"] if i["hidden"]] == [
        {"id": hidden, "number": 3, "hidden": True, "label": "非共有"}
    ]
    assert facilitator.call("join", {"meeting_id": meeting.id})["ok"]
    # Presence is kept in the database, so each process lists the people of the other.
    school.wait("presence", lambda p: present(p) == {"鈴木", "高橋"})
    facilitator.wait("presence", lambda p: present(p) == {"鈴木", "高橋"})

    assert facilitator.call("start", {"meeting_id": meeting.id}) == {"ok": True, "number": 1}
    started = school.wait("change", lambda p: p["number"] == 1)
    assert started["meeting"]["status"] == "live" and started["meeting"]["current_item_id"] == report

    assert facilitator.call("move", {"meeting_id": meeting.id, "item_id": hidden})["number"] == 2
    moved = school.wait("change", lambda p: p["number"] == 2)
    assert moved["meeting"]["current_item_id"] == hidden
    assert by_id(moved)[hidden] == {"id": hidden, "number": 3, "hidden": True, "label": "非共有"}
    seen = by_id(facilitator.wait("change", lambda p: p["number"] == 2))[hidden]
    assert seen["case"]["number"] == hidden_case.case_number

    notes = {"meeting_id": meeting.id, "item_id": hidden, "notes": f"{SECRET_CHILD}の登校", "version": 0}
    assert facilitator.call("notes", notes)["number"] == 3
    assert by_id(school.wait("change", lambda p: p["number"] == 3))[hidden]["hidden"]
    text = json.dumps(school.received, ensure_ascii=False)
    assert SECRET_CHILD not in text and hidden_case.case_number not in text


def test_people_served_by_a_stopped_process_leave_the_room_within_the_ttl(town, meeting, portals):
    a, b = portals.a, portals.b
    school = portals.open(b, log_in(b, town.teacher))
    facilitator = portals.open(a, log_in(a, town.facilitator))
    for page in (school, facilitator):
        assert page.call("join", {"meeting_id": meeting.id})["ok"]
    facilitator.wait("presence", lambda p: present(p) == {"鈴木", "高橋"})
    # Past the TTL both are still present: each process keeps confirming its own connections.
    time.sleep(PRESENCE_TTL + 1)
    assert present(facilitator.rejoin(meeting)) == {"鈴木", "高橋"}
    # Process B dies without running a disconnect handler; its connection's row is left behind.
    # (gunicorn's master and its worker both: the instance's process group, as a dying machine.)
    os.killpg(portals.processes[1].pid, signal.SIGKILL)
    portals.processes[1].wait(timeout=10)
    time.sleep(PRESENCE_TTL + 1)
    assert present(facilitator.rejoin(meeting)) == {"鈴木"}


def test_logging_out_through_one_process_closes_the_pages_the_other_serves(town, meeting, portals):
    a, b = portals.a, portals.b
    teacher = log_in(a, town.teacher)
    school = portals.open(b, teacher)
    facilitator = portals.open(a, log_in(a, town.facilitator))
    for page in (school, facilitator):
        assert page.call("join", {"meeting_id": meeting.id})["ok"]
    facilitator.wait("presence", lambda p: present(p) == {"鈴木", "高橋"})

    assert teacher.post(f"{a}/logout", {}) == 200
    school.wait("closed", namespace=NAMESPACE)
    school.wait("closed", namespace="/")
    # Process B forgot the closed connection, and process A's page hears it.
    facilitator.wait("presence", lambda p: present(p) == {"鈴木"})
    assert facilitator.client.connected


def test_a_reminder_sent_through_one_process_reaches_the_school_on_the_other(town, portals):
    a, b = portals.a, portals.b
    period = current_period(town.council, today_in_japan())
    school = portals.open(b, log_in(a, town.teacher), namespaces=("/",))
    nursery = portals.open(b, log_in(b, town.nursery_head), namespaces=("/",))
    coordinator = log_in(a, town.coordinator)
    form = {"period": period.key, "agency_id": [town.school.id]}
    assert coordinator.post(f"{a}/reports/board/remind?council={town.council.id}", form) == 200
    notice = school.wait("notification", namespace="/")
    assert notice["title"] == f"{period.label}の定期報告が未提出です" and notice["unread"] == 1
    time.sleep(0.5)  # a notice to the nursery would have come right after the school's
    assert nursery.received == []


def test_login_attempts_are_counted_across_both_processes(portals):
    wrong = {"login_id": "nobody", "password": "not-the-password"}
    bases = [portals.a, portals.b] * LOGIN_LIMIT
    statuses = [Browser().post(f"{base}/login", wrong) for base in bases[: LOGIN_LIMIT + 1]]
    assert statuses == [200] * LOGIN_LIMIT + [429]
