"""Time the ledger's first page against one bare SQL query, for a coordinator and a school user.

Usage: .venv/bin/python bench/ledger.py [--cases 20000] [--seed 7] [--db PATH] [--rounds 30]
                                        [--explain] [--profile] [--analyze]

SQLite by default: the world is built once per (N, seed, generator, migrations) into a cached file
(in the temp dir, or --db PATH, or DATABASE_URL=sqlite:///PATH) and each run measures on a copy of
it. With DATABASE_URL naming a PostgreSQL database whose name contains "test", that database is
wiped, migrated and filled. See bench/README.md for what the columns mean.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from flask import current_app  # noqa: E402

from bench import logins  # noqa: E402
from bench.ledger_bare import BareReadWrite, bare_case_ids, bare_sql  # noqa: E402
from bench.ledger_tools import commit_time, explain, profile, statements  # noqa: E402
from bench.ledger_world import pick_users, prepare_postgres, prepare_sqlite  # noqa: E402
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


def main(argv: list[str] | None = None) -> None:
    """Parse the arguments, prepare the database, measure, print the table and the summary line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--db", type=Path, help="SQLite file holding the built world (built when missing)")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--analyze", action="store_true", help="run ANALYZE on SQLite first (always on PG)")
    parser.add_argument("--explain", action="store_true", help="time each SQL statement and show its plan")
    parser.add_argument("--profile", action="store_true", help="cProfile one ledger page per user")
    parser.add_argument("--quick", action="store_true", help="a small run for CI: 500 cases, 5 rounds")
    args = parser.parse_args(argv)
    if args.quick:
        args.cases, args.rounds, args.warmup = 500, 5, 1
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
    """Load the person afresh in a request of their own, as the page would, and time one first ledger page.

    Return the wall-clock ms, the page, and the ms of CPU this thread used (on SQLite that includes
    the database's own work; waiting for the disk or for a busy machine's cores is left out).
    """
    app = current_app._get_current_object()
    with app.app_context(), app.test_request_context("/cases/"):  # a fresh session and g, as a request has
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


def _time_bare_rw(read_write: BareReadWrite) -> float:
    """Time the bare reads, audit writes and commit of one page; return ms."""
    started = time.perf_counter()
    read_write(db.engine)
    return (time.perf_counter() - started) * 1000


def _time_view(client) -> float:
    """Time one GET of the ledger page through the whole app (login check, query, template); return ms."""
    started = time.perf_counter()
    response = client.get("/cases/")
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"GET /cases/ answered {response.status_code}")
    return elapsed


def _measure_person(app, args, label: str, user_id: int) -> tuple[list[str], dict]:
    """Measure ledger_page, both baselines and the whole page for one person; return cells and figures."""
    with app.app_context():
        user = db.session.get(User, user_id)
        sql, read_write = bare_sql(user), BareReadWrite(user)
        for _ in range(args.warmup):
            _time_ledger(user_id)
            _time_bare(sql)
            _time_bare_rw(read_write)
        ledger, bare, bare_rw = [], [], []
        for _ in range(args.rounds):  # taken in turns, so a busy moment of the machine hits all alike
            ledger.append(_time_ledger(user_id))
            bare.append(_time_bare(sql))
            bare_rw.append(_time_bare_rw(read_write))
        page = ledger[-1][1]
        with db.engine.connect() as conn:
            if [row.case.id for row in page.rows] != bare_case_ids(conn, sql):
                sys.exit(f"{label}: the bare query lists other cases than the ledger page; fix bare_sql.")
        in_sql, commit, count = _breakdown(user_id)
        if args.explain:
            explain(_time_ledger, user_id)
        if args.profile:
            profile(_time_ledger, user_id)
        engine = db.engine
    client = app.test_client()
    with app.app_context():
        logins.log_in_client(client, db.session.get(User, user_id), BENCH_PASSWORD)
    for _ in range(args.warmup):
        _time_view(client)
    view = [_time_view(client) for _ in range(args.rounds)]
    with statements(engine) as seen:
        _time_view(client)
    times = [ms for ms, _, _ in ledger]
    figures = {
        "median": statistics.median(times),
        "p95": p95(times),
        "bare": statistics.median(bare),
        "rw": statistics.median(bare_rw),
        "page_p95": p95(view),
    }
    figures["ratio_rw"] = figures["median"] / figures["rw"]
    cells = [
        label,
        f"{page.total}",
        f"{figures['median']:.1f}",
        f"{figures['p95']:.1f}",
        f"{statistics.median(ms for _, _, ms in ledger):.1f}",
        f"{count}",
        f"{in_sql:.1f}",
        f"{commit:.1f}",
        f"{figures['bare']:.1f}",
        f"{figures['rw']:.1f}",
        f"{p95(bare_rw):.1f}",
        f"{figures['median'] / figures['bare']:.1f}x",
        f"{figures['ratio_rw']:.1f}x",
        f"{statistics.median(view):.1f}",
        f"{figures['page_p95']:.1f}",
        f"{len(seen)}",
    ]
    return cells, figures


def _breakdown(user_id: int, rounds: int = 7) -> tuple[float, float, int]:
    """Return the median ms a ledger page spends in SQL statements and in its commit, and its statements."""
    in_sql, commits, counts = [], [], []
    for _ in range(rounds):
        with statements(db.engine) as seen, commit_time(db.engine) as commit:
            _time_ledger(user_id)
        ran = seen[2:]  # not the two that load the person
        in_sql.append(sum(ms for ms, _, _ in ran))
        commits.append(sum(commit))
        counts.append(len(ran))
    return statistics.median(in_sql), statistics.median(commits), max(counts)


HEADER = [
    ("person", "<"),
    ("visible", ">"),
    ("median", ">"),
    ("p95", ">"),
    ("cpu", ">"),
    ("SQL", ">"),
    ("in SQL", ">"),
    ("commit", ">"),
    ("read", ">"),
    ("r+w", ">"),
    ("r+w p95", ">"),
    ("read", ">"),
    ("r+w", ">"),
    ("median", ">"),
    ("p95", ">"),
    ("SQL", ">"),
]
GROUPS = [("", 2), ("ledger_page() ms", 6), ("bare SQL median ms", 3), ("ratio", 2), ("GET /cases/ ms", 3)]


def _measure(app, args, build: str) -> None:
    """Measure both people and print the table (and, when asked, plans and profiles), then the summary."""
    with app.app_context():
        dialect = db.engine.dialect.name
        total_cases = db.session.scalar(sa.select(sa.func.count()).select_from(Case))
        people = pick_users()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{dialect}, {total_cases} cases, world {build}")
    print(f"{args.rounds} rounds after {args.warmup} warm-up; load average {load} on {os.cpu_count()} cores")
    results = [_measure_person(app, args, label, user_id) for label, user_id in people]
    print(table(HEADER, GROUPS, [cells for cells, _ in results]))
    (_, coordinator), (_, school) = results
    met = all(f["page_p95"] <= TARGET_P95_MS and f["ratio_rw"] <= TARGET_RATIO for _, f in results)
    print(
        f"targets (GET /cases/ p95 <= {TARGET_P95_MS} ms, ledger_page median within {TARGET_RATIO:g}x"
        f" of the bare reads and writes): {'met' if met else 'MISSED'}"
    )
    print(
        f"result: ledger coordinator_page_p95_ms={coordinator['page_p95']:.1f}"
        f" school_page_p95_ms={school['page_p95']:.1f} coordinator_ratio_rw={coordinator['ratio_rw']:.2f}"
        f" school_ratio_rw={school['ratio_rw']:.2f}"
    )


if __name__ == "__main__":
    main()
