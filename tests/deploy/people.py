"""People using the portal through nginx: a browser's cookies and pages as python-socketio clients.

A Person keeps the cookies nginx and the portal set (the route cookie pins them to an instance).
A LivePage behaves as the live-room page does: polling first then the WebSocket upgrade, and after
a reconnect it joins again with its last change number, so it receives only what it missed.
"""

import http.cookiejar
import os
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import requests
import socketio

from tests.factories import DEFAULT_PASSWORD, code_for_login
from tests.websockets import OwnedWebSockets

NAMESPACE = "/meetings"
WITHIN = 5.0


class Person:
    """One person's browser through nginx."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.upstream = ""

    def get(self, path: str) -> tuple[int, str]:
        """Open a page; return its status and text, noting which instance served it."""
        try:
            with self.opener.open(f"{self.base}{path}", timeout=10) as response:
                self.upstream = response.headers.get("X-Portal-Upstream", "")
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            self.upstream = error.headers.get("X-Portal-Upstream", "")
            body = error.read().decode()
            error.close()
            return error.code, body

    def post(self, path: str, fields: dict) -> int:
        """Submit a form with the CSRF token of the login page; return the final status."""
        _, page = self.get("/login")
        token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({**fields, "csrf_token": token}, doseq=True).encode()
        try:
            with self.opener.open(f"{self.base}{path}", data=body, timeout=10) as response:
                self.upstream = response.headers.get("X-Portal-Upstream", "")
                self.url = response.geturl()
                return response.status
        except urllib.error.HTTPError as error:
            error.close()
            return error.code

    def log_in(self, user) -> "Person":
        """Log in through the login form."""
        password = {"login_id": user.login_id, "password": DEFAULT_PASSWORD}
        status = self.post("/login", password)
        if self.url.endswith("/login/enrol"):
            # Production asks coordinators and caseworkers for a second factor: enrol an app, type its code.
            code = code_for_login(user)
            self.post("/login", password)
            status = self.post("/login/code", {"code": code})
        elif self.url.endswith("/login/code"):
            status = self.post("/login/code", {"code": code_for_login(user)})
        assert status == 200 and not self.url.endswith(("/login", "/login/code", "/login/enrol"))
        assert "portal_session" in self.cookie
        return self

    @property
    def cookie(self) -> str:
        """Return every cookie as a Cookie header."""
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)


def pinned(base: str, upstream: str) -> Person:
    """Return a new browser that nginx pins to the instance at the upstream address."""
    for _ in range(200):
        person = Person(base)
        person.get("/login")
        if person.upstream == upstream:
            return person
    raise AssertionError(f"no route cookie led to {upstream}")


class LivePage:
    """An open page: the default namespace (notices) and the live room, reconnecting as the page does."""

    def __init__(self, person: Person, meeting_id: int | None = None, namespaces=("/", NAMESPACE)):
        self.person = person
        self.meeting_id = meeting_id
        self.number = None  # the last change number the page has
        self.items: dict[int, dict] = {}
        self.received: list[tuple[str, str, object]] = []
        self.connects = 0
        self.rejoined: list[float] = []  # when each rejoin after a reconnect was acknowledged
        self.lost: list[float] = []  # when the live-room connection dropped
        self.errors: list[str] = []
        self.arrived = threading.Condition()
        # The polling transport's HTTP session is the page's own, closed with it: python-engineio
        # (4.x) drops a session it made itself without closing it, and its keep-alive socket would
        # be found unclosed by the garbage collector in some later test.
        self.http = requests.Session()
        self.websockets = OwnedWebSockets()  # and its WebSockets (see tests/websockets.py)
        self.client = socketio.Client(
            http_session=self.http,
            websocket_extra_options=self.websockets.options,
            reconnection=True,
            reconnection_delay=0.1,
            reconnection_delay_max=0.5,
            randomization_factor=0,
            logger=bool(os.environ.get("DEBUG_SIO")),
            engineio_logger=bool(os.environ.get("DEBUG_SIO")),
        )
        for namespace in namespaces:
            self.client.on("*", self._recorder(namespace), namespace=namespace)
        self.client.on("connect", self._connected, namespace=NAMESPACE)
        self.client.on("disconnect", self._disconnected, namespace=NAMESPACE)
        # Headers as a function: each (re)connection sends the browser's cookies of that moment, and
        # python-engineio (4.15.1) deletes the Cookie entry of a headers dict on the WebSocket upgrade,
        # so a dict would reconnect without a login.
        self.client.connect(
            person.base,
            headers=lambda: {"Cookie": person.cookie},
            namespaces=list(namespaces),
            wait_timeout=10,
        )

    def _recorder(self, namespace: str):
        return lambda event, *args: self._record(namespace, event, args[0] if args else None)

    def _record(self, namespace: str, event: str, payload) -> None:
        with self.arrived:
            if namespace == NAMESPACE and event in {"state", "change"}:
                if event == "state":
                    self.items = {}
                self.items.update({i["id"]: i for i in payload.get("items", ())})
                self.number = payload.get("number", payload.get("meeting", {}).get("change_number"))
            self.received.append((namespace, event, payload))
            self.arrived.notify_all()

    def _disconnected(self, *_reason) -> None:
        self.lost.append(time.monotonic())
        self._record(NAMESPACE, "closed", None)

    def _connected(self) -> None:
        """On every (re)connection, join the meeting again with the last number the page has."""
        self.connects += 1
        if self.meeting_id is not None and self.connects > 1:
            threading.Thread(target=self._rejoin, daemon=True).start()

    def _rejoin(self) -> None:
        try:
            ack = self.join()
        except Exception as error:  # the connection dropped again: the next connect rejoins
            self.errors.append(repr(error))
            return
        self.errors.append(repr(ack))
        if ack.get("ok"):
            with self.arrived:
                self.rejoined.append(time.monotonic())
                self.arrived.notify_all()

    def join(self) -> dict:
        """Join the meeting (again), asking for what came after the page's last number."""
        data = {"meeting_id": self.meeting_id}
        if self.number is not None:
            data["last_number"] = self.number
        return self.call("join", data)

    def call(self, event: str, data: dict, timeout: float = 5) -> dict:
        """Send a live-room event and return its acknowledgement."""
        return self.client.call(
            event, {"meeting_id": self.meeting_id, **data}, namespace=NAMESPACE, timeout=timeout
        )

    def wait(self, event: str, matches=lambda p: True, namespace: str = NAMESPACE, within: float = WITHIN):
        """Return the first payload of the event that matches, waiting for it."""

        def found():
            return [p for n, e, p in self.received if (n, e) == (namespace, event) and matches(p)]

        with self.arrived:
            if not self.arrived.wait_for(found, timeout=within):
                raise AssertionError(
                    f"no matching {namespace} {event} within {within} s: {self.received[-5:]}"
                )
            return found()[0]

    def wait_for(self, condition, within: float = WITHIN) -> float:
        """Wait until the condition of the page holds; return how long it took."""
        start = time.monotonic()
        with self.arrived:
            if not self.arrived.wait_for(condition, timeout=within):
                seen = [(n, e) for n, e, _ in self.received[-8:]]
                raise AssertionError(f"not there within {within} s: {seen} {self.connects} {self.errors}")
        return time.monotonic() - start

    def close(self) -> None:
        """Close the page and its HTTP connections and WebSockets."""
        try:
            self.client.disconnect()
        finally:
            self.http.close()
            self.websockets.close()
