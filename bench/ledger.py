"""Time the ledger's first page against one bare SQL query, for a coordinator and a school user.

Usage: .venv/bin/python bench/ledger.py [--cases 20000] [--seed 7] [--db PATH] [--rounds 30]
                                        [--explain] [--profile] [--analyze]

SQLite by default: the world is built once per (N, seed, generator, migrations) into a cached file
(in the temp dir, or --db PATH, or DATABASE_URL=sqlite:///PATH) and each run measures on a copy of
it. With DATABASE_URL naming a PostgreSQL database whose name contains "test", that database is
wiped, migrated and filled. See bench/README.md for what the columns mean.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from bench.ledger_world import (  # noqa: E402
    bare_case_ids,
    bare_sql,
    pick_users,
    prepare_postgres,
    prepare_sqlite,
)
from bench.stats import p95  # noqa: E402
from bench.tables import table  # noqa: E402
from bench.world import BENCH_PASSWORD  # noqa: E402
from cases.ledger.queries import LedgerFilters, LedgerPage, ledger_page  # noqa: E402
from cases.models import Case  # noqa: E402
from portal import create_app  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.models import User  # noqa: E402

TARGET_P95_MS = 150
TARGET_RATIO = 3.0


def main() -> None:
    """Parse the arguments, prepare the database, measure, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--db", type=Path, help="SQLite file holding the built world (built when missing)")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--analyze", action="store_true", help="run ANALYZE on SQLite first (always on PG)")
    parser.add_argument("--explain", action="store_true", help="time each SQL statement and show its plan")
    parser.add_argument("--profile", action="store_true", help="cProfile one ledger page per user")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    with tempfile.TemporaryDirectory(prefix="portal-bench-") as work:
        if url.startswith("postgres"):
            url, build = prepare_postgres(url, args)
        else:
            if url.startswith("sqlite:///"):
                args.db = Path(url.removeprefix("sqlite:///"))
            url, build = prepare_sqlite(args, Path(work))
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": url,
                "SECRET_KEY": "bench",
                "WTF_CSRF_ENABLED": False,
                "RATELIMIT_ENABLED": False,
            }
        )
        with app.app_context():
            if args.analyze or db.engine.dialect.name == "postgresql":
                with db.engine.begin() as conn:
                    conn.exec_driver_sql("ANALYZE")
        _measure(app, args, build)
        with app.app_context():
            db.engine.dispose()


def _time_ledger(user_id: int) -> tuple[float, LedgerPage, float]:
    """Load the person afresh, as a request would, and time one first ledger page.

    Return the wall-clock ms, the page, and the ms of CPU this thread used (on SQLite that includes
    the database's own work; waiting for the disk or for a busy machine's cores is left out).
    """
    db.session.remove()
    user = db.session.get(User, user_id)
    started, cpu = time.perf_counter(), time.thread_time()
    page = ledger_page(user, LedgerFilters())
    return (time.perf_counter() - started) * 1000, page, (time.thread_time() - cpu) * 1000


def _time_bare(sql: str) -> float:
    """Time the bare query, fetching every row; return ms."""
    with db.engine.connect() as conn:
        started = time.perf_counter()
        conn.exec_driver_sql(sql).fetchall()
        return (time.perf_counter() - started) * 1000


def _time_view(client) -> float:
    """Time one GET of the ledger page through the whole app (login check, query, template); return ms."""
    started = time.perf_counter()
    response = client.get("/cases/")
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"GET /cases/ answered {response.status_code}")
    return elapsed


def _measure_person(app, args, label: str, user_id: int) -> tuple[list[str], bool]:
    """Measure ledger_page, the bare query and the whole page for one person; return cells and verdict."""
    with app.app_context():
        user = db.session.get(User, user_id)
        sql, login_id = bare_sql(user), user.login_id
        for _ in range(args.warmup):
            _time_ledger(user_id)
            _time_bare(sql)
        ledger, bare = [], []
        for _ in range(args.rounds):  # taken in turns, so a busy moment of the machine hits both alike
            ledger.append(_time_ledger(user_id))
            bare.append(_time_bare(sql))
        page = ledger[-1][1]
        shown = [row.case.id for row in page.rows]
        if shown != bare_case_ids(sql):
            sys.exit(f"{label}: the bare query lists other cases than the ledger page; fix _bare_sql.")
        in_sql, commit, statements = _breakdown(user_id)
        if args.explain:
            _explain(user_id)
        if args.profile:
            _profile(user_id)
        engine = db.engine
    client = app.test_client()
    client.post("/login", data={"login_id": login_id, "password": BENCH_PASSWORD})
    for _ in range(args.warmup):
        _time_view(client)
    view = [_time_view(client) for _ in range(args.rounds)]
    with _statements(engine) as seen:
        _time_view(client)
    times = [ms for ms, _, _ in ledger]
    cpu = statistics.median(ms for _, _, ms in ledger)
    median, high = statistics.median(times), p95(times)
    bare_median, bare_p95 = statistics.median(bare), p95(bare)
    cells = [
        label,
        f"{page.total}",
        f"{len(page.rows)}",
        f"{median:.1f}",
        f"{high:.1f}",
        f"{cpu:.1f}",
        f"{statements}",
        f"{in_sql:.1f}",
        f"{commit:.1f}",
        f"{bare_median:.1f}",
        f"{bare_p95:.1f}",
        f"{median / bare_median:.1f}x",
        f"{high / bare_p95:.1f}x",
        f"{statistics.median(view):.1f}",
        f"{p95(view):.1f}",
        f"{len(seen)}",
    ]
    return cells, high < TARGET_P95_MS and median <= TARGET_RATIO * bare_median


def _breakdown(user_id: int, rounds: int = 7) -> tuple[float, float, int]:
    """Return the median ms a ledger page spends in SQL statements and in its commit, and its statements."""
    in_sql, commits, counts = [], [], []
    for _ in range(rounds):
        with _statements(db.engine) as seen, _commit_time(db.engine) as commit:
            _time_ledger(user_id)
        statements = seen[2:]  # not the two that load the person
        in_sql.append(sum(ms for ms, _, _ in statements))
        commits.append(sum(commit))
        counts.append(len(statements))
    return statistics.median(in_sql), statistics.median(commits), max(counts)


HEADER = [
    ("person", "<"),
    ("visible", ">"),
    ("rows", ">"),
    ("median", ">"),
    ("p95", ">"),
    ("cpu", ">"),
    ("SQL", ">"),
    ("in SQL", ">"),
    ("commit", ">"),
    ("median", ">"),
    ("p95", ">"),
    ("median", ">"),
    ("p95", ">"),
    ("median", ">"),
    ("p95", ">"),
    ("SQL", ">"),
]
GROUPS = [("", 3), ("ledger_page() ms", 6), ("bare query ms", 2), ("ratio", 2), ("GET /cases/ ms", 3)]


def _measure(app, args, build: str) -> None:
    """Measure both people and print the table (and, when asked, plans and profiles)."""
    with app.app_context():
        dialect = db.engine.dialect.name
        total_cases = db.session.scalar(sa.select(sa.func.count()).select_from(Case))
        people = pick_users()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{dialect}, {total_cases} cases, world {build}")
    print(f"{args.rounds} rounds after {args.warmup} warm-up; load average {load} on {os.cpu_count()} cores")
    results = [_measure_person(app, args, label, user_id) for label, user_id in people]
    print(table(HEADER, GROUPS, [cells for cells, _ in results]))
    verdict = "met" if all(ok for _, ok in results) else "MISSED"
    print(
        f"targets (ledger_page p95 < {TARGET_P95_MS} ms, median within {TARGET_RATIO:g}x of bare): {verdict}"
    )


@contextmanager
def _statements(engine):
    """Collect (ms, sql, parameters) of every statement the engine runs inside the block."""
    seen, starts = [], {}

    def before(conn, cursor, statement, parameters, context, executemany):
        starts[id(cursor)] = time.perf_counter()

    def after(conn, cursor, statement, parameters, context, executemany):
        seen.append(((time.perf_counter() - starts.pop(id(cursor))) * 1000, statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", before)
    sa.event.listen(engine, "after_cursor_execute", after)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)
        sa.event.remove(engine, "after_cursor_execute", after)


@contextmanager
def _commit_time(engine):
    """Collect the ms of each commit in the block: from the engine's commit to the session's after_commit."""
    seen, started = [], []

    def before(conn):
        started.append(time.perf_counter())

    def after(session):
        if started:
            seen.append((time.perf_counter() - started.pop()) * 1000)

    sa.event.listen(engine, "commit", before)
    sa.event.listen(Session, "after_commit", after)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "commit", before)
        sa.event.remove(Session, "after_commit", after)


def _explain(user_id: int) -> None:
    """Print each statement of one ledger page with its time, and the plan of each SELECT."""
    with _statements(db.engine) as seen:
        total, _, _ = _time_ledger(user_id)
    print(
        f"\n--- statements of one ledger page ({total:.1f} ms in all; SELECTs re-run with every row fetched)"
    )
    prefix = "EXPLAIN QUERY PLAN " if db.engine.dialect.name == "sqlite" else "EXPLAIN ANALYZE "
    for ms, statement, parameters in seen:
        select = statement.lstrip().upper().startswith("SELECT")
        if select:
            with db.engine.connect() as conn:
                started = time.perf_counter()
                conn.exec_driver_sql(statement, parameters).fetchall()
                ms = (time.perf_counter() - started) * 1000
        print(f"{ms:7.2f} ms  {' '.join(statement.split())[:150]}")
        if select and ms > 0.5:
            with db.engine.connect() as conn:
                for row in conn.exec_driver_sql(prefix + statement, parameters):
                    print("           |", " ".join(str(v) for v in row))
    print()


def _profile(user_id: int) -> None:
    """Print where one ledger page spends its time in Python."""
    profiler = cProfile.Profile()
    profiler.enable()
    _time_ledger(user_id)
    profiler.disable()
    stats = pstats.Stats(profiler).sort_stats("cumulative")
    print("\n--- cProfile of one ledger page: where ledger_page's time goes, then the costliest functions")
    stats.print_callees("ledger_page")
    stats.sort_stats("tottime").print_stats(12)


if __name__ == "__main__":
    main()
