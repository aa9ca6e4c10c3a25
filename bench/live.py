"""Time a facilitator's move until all 100 participants of a live meeting have it, beside bare Socket.IO.

Usage: .venv/bin/python bench/live.py [--participants 100] [--moves 30] [--warmup 3]

The portal is served as it runs (create_app + socketio.run, threading mode, in its own process) on
a fresh migrated SQLite file in a temp folder, seeded with a live practitioner meeting of 30 cases
and `--participants` people of 18 agencies (the facilitator among them; schools and nurseries see
only their own pupils' cases, the police and the health centre none), so each move is built
through the access policy for every view. Each person logs in over HTTP and opens a websocket
python-socketio client in this process, which joins the meeting as the live page does. The
facilitator then moves to the next item `--moves` times; for each move we take the time from the
emit until the last participant received its `change`. Then the same with a bare python-socketio
server (no app, no database, same werkzeug server) that broadcasts a payload of the same size
to a room of as many clients. Needs websocket-client (`pip install websocket-client`).
"""

import argparse
import http.cookiejar
import itertools
import json
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from contextlib import closing, contextmanager
from datetime import date, datetime
from datetime import time as clock
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import socketio  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from cases import services as case_services  # noqa: E402
from cases.services import CaseInput, ChildInput, GuardianInput  # noqa: E402
from meetings import access, live, services  # noqa: E402
from meetings.models import ItemKind, Tier  # noqa: E402
from portal import create_app  # noqa: E402
from portal.dates import today_in_japan  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.extensions import socketio as portal_socketio  # noqa: E402
from portal.models import Agency, AgencyKind, Council, Role, User, UserRole  # noqa: E402
from portal.passwords import hash_password  # noqa: E402

PASSWORD = "Bench-Passw0rd-2025"  # noqa: S105 - bench accounts on throwaway data
NAMESPACE = "/meetings"
CASES = 30
# Member agencies besides the センター: (kind, how many); people are spread over them in turn.
MEMBERS = [("児童相談所", 1), ("小学校", 8), ("中学校", 3), ("保育所", 4), ("保健センター", 1), ("警察", 1)]
SCHOOLING = ("小学校", "中学校", "保育所")  # where the cases' children go


def _config(url: str) -> dict:
    """Return the app config of the bench (no login throttle: 100 logins come from one address)."""
    return {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-live", "RATELIMIT_ENABLED": False}


def build(participants: int) -> dict:
    """Seed a council, its agencies and people, 30 cases and a live meeting on them; return the logins."""
    kinds = {k.name: k for k in db.session.scalars(sa.select(AgencyKind))}
    council = Council(name="ベンチ市要保護児童対策地域協議会", municipality="ベンチ市")
    center = Agency(name="ベンチ市こども家庭センター", kind=kinds["こども家庭センター"])
    members = [
        Agency(name=f"ベンチ{kind}{n + 1}", kind=kinds[kind]) for kind, count in MEMBERS for n in range(count)
    ]
    council.members = [center, *members]
    db.session.add(council)
    db.session.flush()
    council.coordinating_agency = center
    password_hash = hash_password(PASSWORD)  # argon2 once, not 100 times

    def person(n: int, agency: Agency, *roles: Role) -> User:
        user = User(
            login_id=f"bench-{n:03d}", name=f"参加者{n:03d}", agency=agency, password_hash=password_hash
        )
        user.must_change_password = False
        user.role_rows = [UserRole(role=r.value) for r in roles]
        db.session.add(user)
        return user

    boss = person(0, center, Role.FACILITATOR, Role.COORDINATOR)
    people = [boss] + [person(n, center, Role.COORDINATOR) for n in range(1, 4)]
    for n in range(len(people), participants):
        agency = members[n % len(members)]
        role = Role.CASEWORKER if agency.kind.name == "児童相談所" else Role.AGENCY_MEMBER
        people.append(person(n, agency, role))
    db.session.commit()
    schooling = [a for a in members if a.kind.name in SCHOOLING]
    cases = []
    for n in range(CASES):
        first, second = schooling[n % len(schooling)], schooling[(n * 7 + 3) % len(schooling)]
        children = [ChildInput(f"ベンチ 太郎{n}", "", date(2015, 5, 5), "男", first.id, "4年")]
        if n % 3 == 0:  # siblings at another school: each school sees its own pupil only
            children.append(ChildInput(f"ベンチ 花子{n}", "", date(2019, 6, 6), "女", second.id, ""))
        data = CaseInput(
            council_id=council.id,
            category="protection" if n % 2 else "support",
            received_on=date(2025, 4, 1),
            abuse_types=["neglect"] if n % 2 else [],
            risk_level=1 + n % 3,
            support_policy=f"<p>見守りを続ける（{n}）</p>",
            children=children,
            guardians=[GuardianInput("mother", f"ベンチ 花子{n}")],
        )
        cases.append(case_services.register_case(boss, data))
    starts = datetime.combine(today_in_japan(), clock(10), tzinfo=services.JST)
    meeting = services.schedule_meeting(
        boss,
        services.MeetingInput(
            council.id, Tier.PRACTITIONER.value, "定例", starts, 150, agency_ids=[a.id for a in members]
        ),
    )
    services.add_item(boss, meeting, services.ItemInput(ItemKind.REPORT.value, "新規登録の報告", "佐藤", 5))
    for case in cases:
        services.add_item(boss, meeting, services.ItemInput(ItemKind.CASE_REVIEW.value, "", "", 5, case.id))
    live.start(boss, meeting)
    for item in meeting.items:
        live.save_notes(boss, meeting, item.id, "<p>出席は安定。<b>家庭訪問</b>で様子を確認した。</p>" * 3, 0)
    return {
        "meeting_id": meeting.id,
        "items": [i.id for i in meeting.items],
        "logins": [u.login_id for u in people],
        "agencies": len({u.agency_id for u in people}),
        "views": len({access.reader_key(u) for u in people}),
    }


def serve_portal(url: str, port: int) -> None:
    """Serve the portal as wsgi.py does (Flask-SocketIO on werkzeug, threading mode)."""
    app = create_app(_config(url))
    portal_socketio.run(app, host="127.0.0.1", port=port, allow_unsafe_werkzeug=True)


def serve_bare(port: int) -> None:
    """Serve a bare python-socketio server that broadcasts a payload of the asked size to one room."""
    from werkzeug.serving import run_simple

    sio = socketio.Server(async_mode="threading")

    @sio.on("join", namespace=NAMESPACE)
    def join(sid, data):
        sio.enter_room(sid, "room", namespace=NAMESPACE)
        return {"ok": True}

    @sio.on("move", namespace=NAMESPACE)
    def move(sid, data):
        body = {"number": data["number"], "pad": ""}
        body["pad"] = "x" * max(0, data["size"] - len(json.dumps(body, separators=(",", ":"))))
        sio.emit("change", body, to="room", namespace=NAMESPACE)
        return {"ok": True, "number": data["number"]}

    run_simple("127.0.0.1", port, socketio.WSGIApp(sio), threaded=True)


def _free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def server(args: list[str], log: Path):
    """Run `bench/live.py --serve ...` in its own process until the block ends; yield its base URL."""
    port = _free_port()
    with open(log, "w") as out:
        command = [sys.executable, __file__, "--port", str(port), *args]
        proc = subprocess.Popen(command, stdout=out, stderr=out)  # noqa: S603 - this very script
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"the server did not start:\n{log.read_text()}") from None
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def log_in(base: str, login_id: str) -> str:
    """Log in through the login form (with its CSRF token); return the session cookie header."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/login").read().decode()
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"login_id": login_id, "password": PASSWORD, "csrf_token": token})
    opener.open(f"{base}/login", data=form.encode()).read()
    cookie = next((c for c in jar if c.name == "portal_session"), None)
    if cookie is None:
        raise SystemExit(f"{login_id} could not log in")
    return f"{cookie.name}={cookie.value}"


class Arrivals:
    """When each participant received each change number (perf_counter), and how big it was."""

    def __init__(self, expected: int):
        self.expected = expected
        self.done = threading.Condition()
        self.times: dict[int, list[float]] = {}
        self.sizes: list[int] = []
        self.hidden = 0  # receipts with an item shown as 非共有 (the payloads really differ)

    def record(self, payload: dict) -> None:
        """Note one participant's receipt of a change."""
        now = time.perf_counter()
        size = len(json.dumps(payload, separators=(",", ":")))
        with self.done:
            self.times.setdefault(payload["number"], []).append(now)
            self.sizes.append(size)
            self.hidden += any(item.get("hidden") for item in payload.get("items", ()))
            self.done.notify_all()

    def wait(self, number: int, timeout: float = 30) -> list[float]:
        """Return the receipt times of a change once every participant has it."""
        with self.done:
            if not self.done.wait_for(lambda: len(self.times.get(number, ())) >= self.expected, timeout):
                got = len(self.times.get(number, ()))
                raise SystemExit(f"change {number}: only {got} of {self.expected} participants received it")
            return self.times[number]


def connect(base: str, arrivals: Arrivals, cookie: str | None, join: dict) -> socketio.Client:
    """Open a websocket client on the meetings namespace, join, and record each change it receives."""
    client = socketio.Client(reconnection=False)
    client.on("change", arrivals.record, namespace=NAMESPACE)
    headers = {"Cookie": cookie} if cookie else {}
    client.connect(base, headers=headers, transports=["websocket"], namespaces=[NAMESPACE], wait_timeout=10)
    ack = client.call("join", join, namespace=NAMESPACE, timeout=30)
    if not ack.get("ok"):
        raise SystemExit(f"join refused: {ack}")
    return client


def close(clients) -> None:
    """Close the clients once their server has stopped (a clean close waits 3 s for each one)."""
    for client in clients:
        client.disconnect()


class Ack:
    """When the server acknowledged one event."""

    def __init__(self):
        self.arrived = threading.Event()
        self.at = 0.0

    def __call__(self, *_answer) -> None:
        """Note the moment the acknowledgement came."""
        self.at = time.perf_counter()
        self.arrived.set()


def run_moves(clients, arrivals: Arrivals, payload, first: int, count: int) -> dict[str, list[float]]:
    """Have the first client (the facilitator) move `count` times; return ms until each milestone.

    "last": the last participant received the change (what we measure); "first": the first one did;
    "ack": the facilitator got the acknowledgement, sent once the server has queued every message.
    """
    spans: dict[str, list[float]] = {"last": [], "first": [], "ack": []}
    for k in range(count):
        number = first + k
        ack = Ack()
        started = time.perf_counter()
        clients[0].emit("move", payload(number), namespace=NAMESPACE, callback=ack)
        times = arrivals.wait(number)
        if not ack.arrived.wait(30):
            raise SystemExit(f"move {number} was not acknowledged")
        for name, at in (("last", max(times)), ("first", min(times)), ("ack", ack.at)):
            spans[name].append((at - started) * 1000)
        time.sleep(0.1)  # let the threads settle: in a meeting, moves are seconds apart
    return spans


def _p95(values: list[float]) -> float:
    """Return the 95th percentile by the nearest-rank method."""
    ordered = sorted(values)
    return ordered[max(0, -(-len(ordered) * 95 // 100) - 1)]


def measure_portal(args, work: Path) -> tuple[list[float], int, str]:
    """Seed, serve and drive the portal; return the spans, the mean payload size and a description."""
    url = f"sqlite:///{work}/live.db"
    with create_app(_config(url)).app_context():
        upgrade()
        phases = [time.perf_counter()]
        world = build(args.participants)
    meeting_id, items = world["meeting_id"], world["items"]
    with server(["--serve", "portal", "--db", url], work / "portal.log") as base:
        arrivals = Arrivals(args.participants)
        phases.append(time.perf_counter())
        cookies = [log_in(base, login) for login in world["logins"]]
        phases.append(time.perf_counter())
        clients = [connect(base, arrivals, c, {"meeting_id": meeting_id}) for c in cookies]
        phases.append(time.perf_counter())
        seed, logins, joins = (b - a for a, b in itertools.pairwise(phases))
        print(f"seed {seed:.0f} s, logins {logins:.0f} s, joins {joins:.0f} s", file=sys.stderr)
        time.sleep(1)  # the joins' presence notices have all gone out
        number = clients[0].call("resync", {"meeting_id": meeting_id}, namespace=NAMESPACE)["number"]

        def payload(number):
            return {"meeting_id": meeting_id, "item_id": items[number % len(items)]}

        run_moves(clients, arrivals, payload, number + 1, args.warmup)
        arrivals.sizes.clear()
        arrivals.hidden = 0
        spans = run_moves(clients, arrivals, payload, number + 1 + args.warmup, args.moves)
    close(clients)
    size = round(statistics.mean(arrivals.sizes))
    people = f"{args.participants} participants of {world['agencies']} agencies, {world['views']} views"
    hidden = 100 * arrivals.hidden / len(arrivals.sizes)
    return spans, size, f"{people}, {len(items)} items; {hidden:.0f}% of receipts had a 非共有 item"


def measure_bare(args, work: Path, size: int) -> list[float]:
    """Serve and drive the bare python-socketio broadcast; return the spans."""
    with server(["--serve", "bare"], work / "bare.log") as base:
        arrivals = Arrivals(args.participants)
        clients = [connect(base, arrivals, None, {}) for _ in range(args.participants)]
        time.sleep(1)

        def payload(number):
            return {"number": number, "size": size}

        run_moves(clients, arrivals, payload, 1, args.warmup)
        spans = run_moves(clients, arrivals, payload, 1 + args.warmup, args.moves)
    close(clients)
    return spans


def main() -> None:
    """Measure the portal's live room and the bare broadcast, print medians, p95 and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=100)
    parser.add_argument("--moves", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--serve", choices=["portal", "bare"], help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve == "portal":
        return serve_portal(args.db, args.port)
    if args.serve == "bare":
        return serve_bare(args.port)
    load = Path("/proc/loadavg").read_text().split()[:3]
    with tempfile.TemporaryDirectory(prefix="portal-bench-live-") as folder:
        portal, size, described = measure_portal(args, Path(folder))
        bare = measure_bare(args, Path(folder), size)
    after = Path("/proc/loadavg").read_text().split()[:3]
    print(f"{described}; mean change payload {size} bytes; {args.moves} moves")
    print(f"load average {' '.join(load)} before, {' '.join(after)} after")
    print("time from the move until the last participant received it (ms):")
    for label, spans in (("portal live room", portal), ("bare python-socketio", bare)):
        last, first, ack = spans["last"], spans["first"], spans["ack"]
        print(f"  {label:22} median {statistics.median(last):7.1f}  p95 {_p95(last):7.1f}", end="  ")
        print(f"(first receipt {statistics.median(first):.1f}, ack {statistics.median(ack):.1f})")
    ratio = statistics.median(portal["last"]) / statistics.median(bare["last"])
    p95_ratio = _p95(portal["last"]) / _p95(bare["last"])
    print(f"  ratio (portal / bare)  median {ratio:7.1f}x p95 {p95_ratio:7.1f}x")


if __name__ == "__main__":
    main()
