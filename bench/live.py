"""Time a facilitator's move until all 100 participants of a live meeting have it, beside bare Socket.IO.

Usage: .venv/bin/python bench/live.py [--participants 100] [--moves 30] [--warmup 3] [--quick]

The portal is served as it runs (create_app under gunicorn, threading mode, in its own process) on
a fresh migrated SQLite file in a temp folder, seeded with a live practitioner meeting of 30 cases
and `--participants` people of 18 agencies (the facilitator among them; schools and nurseries see
only their own pupils' cases, the police and the health centre none), so each move is built
through the access policy for every view. Each person logs in over HTTP and opens a websocket
python-socketio client in this process, which joins the meeting as the live page does. The
facilitator then moves to the next item `--moves` times; for each move we take the time from the
emit until the last participant received its `change`. Then the same with a bare python-socketio
server (no app, no database, same gunicorn server) that broadcasts a payload of the same size
to a room of as many clients. Needs websocket-client (`pip install websocket-client`).
"""

import argparse
import itertools
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import socketio  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from bench.live_servers import log_in, serve_bare, serve_portal, server  # noqa: E402
from bench.live_world import NAMESPACE, build, config  # noqa: E402
from bench.stats import p95  # noqa: E402
from portal import create_app  # noqa: E402

TARGET_RATIO = 1.5


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


def measure_portal(args, work: Path) -> tuple[list[float], int, str]:
    """Seed, serve and drive the portal; return the spans, the mean payload size and a description."""
    url = f"sqlite:///{work}/live.db"
    with create_app(config(url)).app_context():
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


def main(argv: list[str] | None = None) -> None:
    """Measure the portal's live room and the bare broadcast, print medians, p95, ratios and the summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=100)
    parser.add_argument("--moves", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--serve", choices=["portal", "bare"], help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--quick", action="store_true", help="a small run for CI: 10 participants, 3 moves")
    args = parser.parse_args(argv)
    if args.quick:
        args.participants, args.moves, args.warmup = 10, 3, 1
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
        print(f"  {label:22} median {statistics.median(last):7.1f}  p95 {p95(last):7.1f}", end="  ")
        print(f"(first receipt {statistics.median(first):.1f}, ack {statistics.median(ack):.1f})")
    ratio = statistics.median(portal["last"]) / statistics.median(bare["last"])
    p95_ratio = p95(portal["last"]) / p95(bare["last"])
    print(f"  ratio (portal / bare)  median {ratio:7.2f}x p95 {p95_ratio:7.2f}x")
    verdict = "met" if max(ratio, p95_ratio) <= TARGET_RATIO else "MISSED"
    print(f"target (within {TARGET_RATIO:g}x of the bare broadcast, median and p95): {verdict}")
    print(f"result: live ratio_median={ratio:.2f} ratio_p95={p95_ratio:.2f}")


if __name__ == "__main__":
    main()
