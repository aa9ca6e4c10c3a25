"""The people of the load test (Locust; run by bench/load.py, which passes the world in LOAD_WORLD).

Each simulated person logs in through the login form (and their second factor when their work needs
one), then works as their role does: the council's coordinators read the ledger, search it and open
cases; school and nursery staff open their ledger and cases and save the month's report as a draft;
the 児相 reads its cases; the facilitator moves through the live meeting's agenda while some
participants follow it on their pages. Socket.IO round trips are reported to Locust as "WS".
"""

import json
import os
import random
import re
import time
from html.parser import HTMLParser

import pyotp
import socketio
from locust import HttpUser, between, events, task

WORLD = json.loads(open(os.environ["LOAD_WORLD"]).read())  # noqa: SIM115 - read once at start
SAVED_MEANWHILE = "ほぼ同時に、この月の報告が別の画面"  # reports.monthly.services
PASSWORD = "Bench-Passw0rd-2025"  # noqa: S105 - bench/live_world.py's throwaway accounts
NAMESPACE = "/meetings"
SEARCHES = ["ベンチ", "太郎", "花子", "ベンチ 太郎1"]
_free = {"facilitator": [], "coordinator": [], "caseworker": [], "agency_member": []}
for login_id, person in sorted(WORLD["people"].items()):
    roles = person["roles"]
    kind = next((r for r in ("facilitator", "coordinator", "caseworker") if r in roles), "agency_member")
    _free[kind].append(login_id)
# When a kind's accounts run out, people share one without a second factor: an account with one is
# never shared, or the second login in the same 30 s would be refused as a replayed code.
_SHARED = sorted(login_id for login_id, person in WORLD["people"].items() if not person["secret"])


class _Form(HTMLParser):
    """Collect the fields of the page's first form with method=post, as a browser would send them."""

    def __init__(self):
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._in_form = False
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post" and not self.fields:
            self._in_form = True
        elif self._in_form and tag == "input" and a.get("name") and a.get("type") not in ("submit", "button"):
            if a.get("type") not in ("checkbox", "radio") or "checked" in a:
                self.fields.append((a["name"], a.get("value") or ""))
        elif self._in_form and tag == "select":
            self._select = a.get("name")
        elif self._in_form and tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value") or ""))
        elif self._in_form and tag == "textarea":
            self._textarea = a.get("name")
            self.fields.append((self._textarea, ""))

    def handle_data(self, data):
        if self._textarea:
            name, text = self.fields[-1]
            self.fields[-1] = (name, text + data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


class Person(HttpUser):
    """Someone of the council; their role picks what they do."""

    abstract = True
    wait_time = between(1, 3)
    kind = "agency_member"

    def on_start(self):
        """Take an account of this kind and log in with it (password, then the code if asked)."""
        pool = _free[self.kind] or _free["agency_member"]
        self.login_id = pool.pop(0) if pool else random.choice(_SHARED)
        page = self.client.get("/login", name="login page").text
        token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
        form = {"login_id": self.login_id, "password": PASSWORD, "csrf_token": token}
        response = self.client.post("/login", data=form, name="login")
        secret = WORLD["people"][self.login_id]["secret"]
        if response.url.endswith("/login/code") and secret:
            # The password step starts a fresh session: its page carries the new CSRF token.
            token = re.search(r'name="csrf-token" content="([^"]+)"', response.text).group(1)
            code = {"code": pyotp.TOTP(secret).now(), "csrf_token": token}
            with self.client.post(
                "/login/code", data=code, name="login code", catch_response=True
            ) as response:
                if response.status_code == 422:  # the code turned over while typing: type the next one
                    response.success()
                    time.sleep(31 - time.time() % 30)
                    code["code"] = pyotp.TOTP(secret).now()
                    response = self.client.post("/login/code", data=code, name="login code (retyped)")
        if response.url.endswith(("/login", "/login/code", "/login/enrol")):
            raise RuntimeError(f"{self.login_id} could not log in")
        self.cases = [
            int(n) for n in re.findall(r'href="/cases/(\d+)"', self.client.get("/cases/", name="ledger").text)
        ]

    def open_case(self):
        """Open one of the cases the ledger listed."""
        if self.cases:
            self.client.get(f"/cases/{random.choice(self.cases)}", name="case page")

    @task(4)
    def ledger(self):
        """Read the ledger's first page."""
        self.client.get("/cases/", name="ledger")

    @task(2)
    def case(self):
        """Open a case."""
        self.open_case()


class Coordinator(Person):
    """A coordinator of the こども家庭センター: the ledger, its search, the cases."""

    kind = "coordinator"
    weight = 3

    @task(3)
    def search(self):
        """Search the ledger by a name."""
        self.client.get("/cases/", params={"q": random.choice(SEARCHES)}, name="ledger search")


class Caseworker(Person):
    """A 児相 caseworker reading the cases it shares."""

    kind = "caseworker"
    weight = 1


class SchoolStaff(Person):
    """A teacher or nursery head: their ledger, their cases, and the month's report saved as a draft."""

    kind = "agency_member"
    weight = 10

    @task(2)
    def monthly_report(self):
        """Open the month's report and save it as a draft, as typed."""
        if getattr(self, "reports", True) is False:
            return
        with self.client.get("/reports/monthly", name="monthly report", catch_response=True) as page:
            # An agency that does not report monthly (a health center, the police) is refused: expected.
            if page.status_code in (403, 404):
                page.success()
                self.reports = False
                return
        if page.status_code != 200 or 'name="school_days"' not in page.text:
            return
        form = _Form()
        form.feed(page.text)
        fields = [(k, v) for k, v in form.fields if k != "action"] + [("action", "draft")]
        if not any(k == "school_days" and v for k, v in fields):
            fields = [(k, "19" if k == "school_days" else v) for k, v in fields]
        path = page.url.replace(self.host, "")
        with self.client.post(path, data=fields, name="monthly report save", catch_response=True) as saved:
            # A colleague of the same agency saved the month's first lines at the same moment: the
            # portal keeps what was typed and asks to save again, which a person then does.
            if saved.status_code == 422 and SAVED_MEANWHILE in saved.text:
                saved.success()
                self.client.post(path, data=fields, name="monthly report save (again)")


class Facilitator(Person):
    """The facilitator running the live meeting: a move to the next item every few seconds."""

    kind = "facilitator"
    weight = 1
    fixed_count = 1
    moves = 1  # the meeting was started at its first item: the next is the second

    def on_start(self):
        """Log in, then open the live room on a Socket.IO connection through nginx."""
        super().on_start()
        self.room = _connect(self)
        self.items = WORLD["items"]
        self.move()  # the room open, the facilitator takes up the next item at once

    def on_stop(self):
        """Close the page."""
        self.room.disconnect()

    @task(6)
    def move(self):
        """Move to the next item (the first after the last); the time is until the server acknowledges it."""
        item = self.items[self.moves % len(self.items)]
        self.moves += 1
        _timed_call(self.room, "move", {"meeting_id": WORLD["meeting_id"], "item_id": item}, "live move")


class Participant(Person):
    """Someone following the live meeting on their page while working in the portal."""

    kind = "agency_member"
    weight = 4

    def on_start(self):
        """Log in and open the live room."""
        super().on_start()
        self.room = _connect(self)

    def on_stop(self):
        """Close the page."""
        self.room.disconnect()

    @task(1)
    def resync(self):
        """Resynchronise, as a page does after a hiccup of the network."""
        _timed_call(self.room, "resync", {"meeting_id": WORLD["meeting_id"]}, "live resync")


def _connect(user: Person) -> socketio.Client:
    """Open a websocket Socket.IO connection with the person's cookies and join the meeting."""
    client = socketio.Client(reconnection=False)
    cookies = "; ".join(f"{c.name}={c.value}" for c in user.client.cookies)
    client.connect(
        user.host,
        headers=lambda: {"Cookie": cookies},  # engineio drops a dict's Cookie at the upgrade
        transports=["websocket"],
        namespaces=[NAMESPACE],
        wait_timeout=10,
    )
    _timed_call(client, "join", {"meeting_id": WORLD["meeting_id"], "last_number": 0}, "live join")
    return client


def _timed_call(client: socketio.Client, event: str, data: dict, name: str) -> None:
    """Emit an event, wait for its acknowledgement and report the round trip to Locust."""
    started = time.perf_counter()
    error = None
    try:
        answer = client.call(event, data, namespace=NAMESPACE, timeout=10)
        if isinstance(answer, dict) and answer.get("ok") is False:
            error = RuntimeError("; ".join(answer.get("errors") or ["refused"]))
    except Exception as failed:
        error = failed
    events.request.fire(
        request_type="WS",
        name=name,
        response_time=(time.perf_counter() - started) * 1000,
        response_length=0,
        exception=error,
        context={},
    )
