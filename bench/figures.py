"""Time a council's figures for a 年度: the page, the Excel copy and the Word copy (goal: median <= 1 s).

Usage: .venv/bin/python bench/figures.py [--council-cases 20000] [--rounds 7] [--quick]

The benchmark world (bench/world) is built so that its largest council, ひなた市, holds about
--council-cases cases (registered, received and closed over six years); a coordinator of that council
then asks for the last closed 年度's page and both copies through the app, each round. SQLite in a
temp dir by default; with DATABASE_URL naming a PostgreSQL database whose name contains "test", that
database is wiped and migrated. `--quick` builds a small world and runs few rounds (for the tests).
The last line is `result: figures page_median_ms=… xlsx_median_ms=… docx_median_ms=…`.
"""

import argparse
import math
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from bench import logins  # noqa: E402
from bench.world import BENCH_PASSWORD, build_world  # noqa: E402
from bench.world.names import TOWNS  # noqa: E402
from cases.models import Case  # noqa: E402
from figures.services import last_closed_year  # noqa: E402
from portal import create_app  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.models import Council, Role, User, UserRole  # noqa: E402

TARGET_MEDIAN_MS = 1000


def _database_url(work: str) -> str:
    """Return the database to use: a wiped PostgreSQL test database, or SQLite in the temp dir."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return f"sqlite:///{work}/bench.db"
    if "test" not in url.rsplit("/", 1)[-1]:
        raise SystemExit("DATABASE_URL must name a database whose name contains 'test'")
    url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()
    return url


def _largest_council() -> tuple[Council, User, int]:
    """Return the council with the most cases, one of its coordinators and its number of cases."""
    council_id, count = db.session.execute(
        sa.select(Case.council_id, sa.func.count(Case.id))
        .group_by(Case.council_id)
        .order_by(sa.func.count(Case.id).desc())
    ).first()
    council = db.session.get(Council, council_id)
    coordinator = db.session.scalars(
        sa.select(User)
        .join(UserRole)
        .where(User.agency_id == council.coordinating_agency_id, UserRole.role == Role.COORDINATOR.value)
        .order_by(User.id)
    ).first()
    return council, coordinator, count


def _time(client, url: str, rounds: int) -> list[float]:
    """Return the milliseconds each GET of the url took (each must answer 200)."""
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    return times


def main() -> None:
    """Build the world, time the page and both copies, print the medians and the result line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--council-cases", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="a small world and three rounds")
    args = parser.parse_args()
    if args.quick:
        args.council_cases, args.rounds = 400, 3
    share = max(town.share for town in TOWNS)
    with tempfile.TemporaryDirectory(prefix="portal-bench-figures-") as work:
        url = _database_url(work)
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False})
        with app.app_context():
            upgrade()
            built = build_world(math.ceil(args.council_cases / share), seed=15)
            council, coordinator, count = _largest_council()
            year = last_closed_year()
            print(
                f"database: {url.split(':', 1)[0]}  world {built['cases']} cases in {built['seconds']:.0f} s"
            )
            print(f"council: {council.name}  {count} cases  年度 {year}  as {coordinator.login_id}")
            client = app.test_client()
            logins.log_in_client(client, coordinator, BENCH_PASSWORD)
            base = f"/figures/{council.id}/{year}"
            medians = {}
            for label, path in (("page", base), ("xlsx", f"{base}.xlsx"), ("docx", f"{base}.docx")):
                _time(client, path, 1)  # warm-up: templates, fonts, statement caches
                times = _time(client, path, args.rounds)
                medians[label] = statistics.median(times)
                verdict = "ok" if medians[label] <= TARGET_MEDIAN_MS else "SLOW"
                print(f"  {label}: median {medians[label]:.0f} ms  max {max(times):.0f} ms", end="  ")
                print(f"({args.rounds} rounds; target <= {TARGET_MEDIAN_MS} ms: {verdict})")
    print(
        "result: figures "
        + " ".join(f"{label}_median_ms={medians[label]:.0f}" for label in ("page", "xlsx", "docx"))
    )


if __name__ == "__main__":
    main()
