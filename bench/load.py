"""A load test of the production setup: 100 people of mixed roles, all at work for 3 minutes, through nginx.

Usage: .venv/bin/python bench/load.py [--users 100] [--minutes 3] [--ramp 60] [--instances 2] [--quick]

bench/stack.py starts PostgreSQL, Redis, the gunicorn instances (production mode) and nginx on
127.0.0.1; the bench migrates the database and seeds a council with 30 cases, its people and a
live meeting (bench/live_world.py) with an account for every simulated person (as many
coordinators as the mix has), gives those whose work needs it a second factor, then runs
Locust headless (bench/load_users.py) against nginx: the people arrive over the ramp (a morning's
logins, not a herd), then all of them work together for the minutes asked. It prints requests per
second, p50/p95/p99 per kind of request and the errors, and ends with
`result: load errors=… p95_ms=… rps=…` (p95 of the slowest kind). Traffic goes to 127.0.0.1 only.
"""

import argparse
import csv
import json
import math
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.stack import Stack, missing_binaries  # noqa: E402
from bench.tables import table  # noqa: E402

TARGET_P95_MS = 300
# The share of coordinators among the people besides the facilitator (bench/load_users.py's weights).
COORDINATOR_SHARE = 3 / 18
SEED = """
import json, sys
import pyotp
from bench import live_world
from portal import create_app
from portal.auth import two_factor
from portal.extensions import db
from portal.models import Role, User, UserRole
from portal.types import utcnow
from sqlalchemy import select

app = create_app(live_world.config(sys.argv[1]))
with app.app_context():
    world = live_world.build(int(sys.argv[2]))
    boss = db.session.scalar(select(User).where(User.login_id == "bench-000"))
    for n in range(int(sys.argv[3])):  # more of the center's coordinators than live_world's three
        user = User(login_id=f"bench-c{n:03d}", name=f"調整担当{n:03d}", agency=boss.agency,
                    password_hash=boss.password_hash, must_change_password=False)
        user.role_rows = [UserRole(role=Role.COORDINATOR.value)]
        db.session.add(user)
    db.session.flush()
    people = {}
    for user in db.session.scalars(select(User).where(User.login_id.like("bench-%"))):
        secret = None
        if two_factor.required(user):  # enrolled as if each had scanned the QR code
            secret = user.totp_secret = pyotp.random_base32()
            user.totp_confirmed_at = utcnow()
        roles = sorted(r.value for r in user.roles)
        people[user.login_id] = {"roles": roles, "secret": secret}
    db.session.commit()
    world["people"] = people
    print(json.dumps(world))
"""


def _run(command: list, env: dict, **kwargs) -> subprocess.CompletedProcess:
    """Run a command of the bench's own; stop with its output when it fails."""
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, **kwargs)  # noqa: S603
    if done.returncode:
        raise SystemExit(f"{command[:3]} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done


def seed(stack: Stack, users: int) -> dict:
    """Migrate the stack's database and seed an account for each of `users` people; return the world.

    live_world makes the facilitator, three coordinators and one member of an agency per further
    participant; the coordinators the mix of bench/load_users.py asks beyond those three are added.
    """
    url = stack.database_url.replace("postgresql://", "postgresql+psycopg://", 1)
    env = {**os.environ, "DATABASE_URL": url, "FLASK_APP": "wsgi.py"}
    _run([sys.executable, "-m", "flask", "db", "upgrade"], env)
    coordinators = max(0, math.ceil((users - 1) * COORDINATOR_SHARE) - 3)
    command = [sys.executable, "-c", SEED, url, str(users + 4), str(coordinators)]
    return json.loads(_run(command, env).stdout.splitlines()[-1])


def run_locust(base: str, world_file: Path, users: int, ramp: int, seconds: int, out: Path) -> Path:
    """Run Locust headless against nginx: people arrive over `ramp` s, then all work for `seconds` s."""
    env = {**os.environ, "LOAD_WORLD": str(world_file)}
    rate = str(users / ramp)
    command = [
        sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "load_users.py"), "--headless",
        "--host", base, "-u", str(users), "-r", rate, "-t", f"{ramp + seconds}s",
        "--stop-timeout", "10", "--csv", str(out / "load"), "--only-summary", "--loglevel", "WARNING",
    ]  # fmt: skip
    timeout = ramp + seconds + 120
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout)  # noqa: S603
    if not (out / "load_stats.csv").exists():
        raise SystemExit(f"locust wrote no statistics:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return out / "load_stats.csv"


def report(stats_file: Path) -> tuple[int, float, float]:
    """Print the table per kind of request; return (errors, p95 of the slowest kind, requests per second)."""
    with stats_file.open() as stats:
        rows = list(csv.DictReader(stats))
    kinds = [r for r in rows if r["Name"] != "Aggregated"]
    total = next(r for r in rows if r["Name"] == "Aggregated")
    lines = [
        [r["Type"], r["Name"], r["Request Count"], r["Failure Count"], r["50%"], r["95%"], r["99%"]]
        for r in kinds
    ]
    header = [("種類", "<"), ("リクエスト", "<"), ("件数", ">"), ("エラー", ">")]
    header += [("p50 ms", ">"), ("p95 ms", ">"), ("p99 ms", ">")]
    print(table(header, [("", 4), ("応答時間", 3)], lines))
    errors = int(total["Failure Count"])
    failures = stats_file.with_name("load_failures.csv")
    if errors and failures.exists():
        with failures.open() as found:
            for failure in list(csv.DictReader(found))[:10]:
                what = f"{failure['Method']} {failure['Name']}: {failure['Error'][:160]}"
                print(f"error: {what} ×{failure['Occurrences']}")
    p95 = max((float(r["95%"]) for r in kinds if r["95%"] not in ("", "N/A")), default=0.0)
    return errors, p95, float(total["Requests/s"])


def main(argv: list[str] | None = None) -> None:
    """Start the stack, seed it, run the people, print the figures and the summary line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--minutes", type=float, default=3)
    parser.add_argument("--ramp", type=int, default=60, help="seconds over which the people arrive (≥ 1)")
    parser.add_argument("--instances", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="a small run for CI: 8 people, 4 s + 15 s")
    args = parser.parse_args(argv)
    if args.ramp < 1:
        parser.error("--ramp must be at least 1 second")
    if args.quick:
        args.users, args.minutes, args.ramp = 8, 0.25, 4
    missing = missing_binaries("postgres", "redis-server", "nginx")
    if missing:
        raise SystemExit(f"{', '.join(missing)} missing: `make postgres redis nginx` installs Debian's")
    seconds = max(5, int(args.minutes * 60))
    with tempfile.TemporaryDirectory(prefix="portal-load-") as work, Stack(Path(work)) as stack:
        stack.start_postgres()
        stack.start_redis()
        world = seed(stack, args.users)
        world_file = Path(work) / "world.json"
        world_file.write_text(json.dumps(world))
        # Everyone logs in from 127.0.0.1 within the ramp; the throttle itself is tested elsewhere.
        stack.start_portals(args.instances, PORTAL_LOGIN_RATE_LIMIT="10000 per minute",
                            PORTAL_LOGIN_ADDRESS_LIMIT="10000 per minute")  # fmt: skip
        base = stack.start_nginx(debug_upstream=False)
        print(
            f"{args.users} people arriving over {args.ramp} s, then {seconds} s all together, "
            f"{args.instances} instances behind nginx at {base}"
        )
        errors, p95, rps = report(run_locust(base, world_file, args.users, args.ramp, seconds, Path(work)))
    print(f"goal: 0 errors, p95 ≤ {TARGET_P95_MS} ms for every kind of request")
    print(f"result: load errors={errors} p95_ms={p95:.0f} rps={rps:.1f}")


if __name__ == "__main__":
    main()
