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
import hashlib
import os
import pstats
import shutil
import statistics
import sys
import tempfile
import time
import unicodedata
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from cases import policy  # noqa: E402
from cases.bench_world import BENCH_PASSWORD, CHILD_GUIDANCE_CENTER, build_world  # noqa: E402
from cases.ledger import PAGE_SIZE, LedgerFilters, LedgerPage, ledger_page  # noqa: E402
from cases.models import AccessGrant, Case, GrantCause, Part, Status  # noqa: E402
from portal import create_app  # noqa: E402
from portal.dates import today_in_japan  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.models import Agency, AgencyKind, Council, Role, User, UserRole  # noqa: E402

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
            url, build = _prepare_postgres(url, args)
        else:
            if url.startswith("sqlite:///"):
                args.db = Path(url.removeprefix("sqlite:///"))
            url, build = _prepare_sqlite(args, Path(work))
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


def _fingerprint() -> str:
    """Name what the cached world depends on: the generator and the migrations."""
    digest = hashlib.sha256((ROOT / "cases" / "bench_world.py").read_bytes())
    for path in sorted((ROOT / "migrations" / "versions").glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def _prepare_sqlite(args, work: Path) -> tuple[str, str]:
    """Build (or reuse) the world file; return the URL of a working copy and how it was obtained."""
    cache = args.db or Path(tempfile.gettempdir()) / "portal-bench" / (
        f"ledger-{args.cases}-{args.seed}-{_fingerprint()}.db"
    )
    build = "cached"
    if not cache.exists():
        cache.parent.mkdir(parents=True, exist_ok=True)
        partial = cache.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        build = _build(f"sqlite:///{partial}", args)
        partial.rename(cache)
    copy = work / "ledger.db"
    shutil.copy(cache, copy)
    return f"sqlite:///{copy}", f"{build} ({cache})"


def _prepare_postgres(url: str, args) -> tuple[str, str]:
    """Reuse the world of the same size in the PostgreSQL test database, or wipe, migrate and fill it."""
    url = url.replace("postgresql://", "postgresql+psycopg://", 1).replace(
        "postgres://", "postgresql+psycopg://"
    )
    if "test" not in (sa.engine.make_url(url).database or ""):
        sys.exit("DATABASE_URL must name a database whose name contains 'test'; the benchmark wipes it.")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        found = None
        if sa.inspect(conn).has_table("cases"):
            cases = conn.execute(sa.text("SELECT count(*) FROM cases")).scalar()
            center = sa.text("SELECT count(*) FROM agencies WHERE name = :name")
            found = (cases, conn.execute(center, {"name": CHILD_GUIDANCE_CENTER}).scalar())
        if found == (args.cases, 1):
            engine.dispose()
            return url, "reused (a world of the same size was there)"
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()
    return url, _build(url, args)


def _build(url: str, args) -> str:
    """Migrate an empty database and build the world in it; return a line about the build."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade()
        summary = build_world(args.cases, args.seed)
        db.engine.dispose()
    line = (
        f"built in {summary['seconds']:.1f} s: {summary['cases']} cases, "
        f"{summary['agencies']} agencies, {summary['people']} people"
    )
    print(line, flush=True)
    return line


def _pick_users() -> list[tuple[str, int]]:
    """Return (label, user id) for a coordinator of the biggest council and a member of its busiest school."""
    council = db.session.execute(
        sa.select(Council.id, Council.name, Council.coordinating_agency_id)
        .join(Case, Case.council_id == Council.id)
        .group_by(Council.id, Council.name, Council.coordinating_agency_id)
        .order_by(sa.func.count().desc())
    ).first()
    coordinator = _member(council.coordinating_agency_id, Role.COORDINATOR)
    school = db.session.execute(
        sa.select(Agency.id, Agency.name)
        .join(AgencyKind, AgencyKind.id == Agency.kind_id)
        .join(AccessGrant, AccessGrant.agency_id == Agency.id)
        .join(Case, Case.id == AccessGrant.case_id)
        .where(
            AgencyKind.name == "小学校", Case.council_id == council.id, Case.status == Status.REGISTERED.value
        )
        .group_by(Agency.id, Agency.name)
        .order_by(sa.func.count(sa.distinct(Case.id)).desc())
    ).first()
    teacher = _member(school.id, Role.AGENCY_MEMBER)
    return [(f"coordinator, {council.name}", coordinator), (f"school member, {school.name}", teacher)]


def _member(agency_id: int, role: Role) -> int:
    """Return the first person of an agency holding a role."""
    return db.session.scalar(
        sa.select(User.id)
        .join(UserRole, UserRole.user_id == User.id)
        .where(User.agency_id == agency_id, UserRole.role == role.value)
        .order_by(User.id)
    )


def _bare_sql(user: User) -> str:
    """Return one hand-written query for the same first page with its children, as fast as we can write it.

    A council-wide person: the council's cases, or any case granted to the agency. Anyone else: the
    agency's grants first, then their cases (an uncorrelated IN, which SQLite drives from the index).
    """
    today = today_in_japan().isoformat()
    # Only integers and fixed codes are put into the text.
    grant = (
        f"g.agency_id = {int(user.agency_id)} AND g.revoked_at IS NULL AND g.valid_from <= '{today}'"
        f" AND (g.valid_until IS NULL OR g.valid_until >= '{today}') AND (g.parts & {Part.LEDGER.bit}) <> 0"
        f" AND (g.cause <> '{GrantCause.STATUTORY.value}' OR c.status = '{Status.REGISTERED.value}')"
    )
    council_ids = policy.coordinated_council_ids(user)
    if council_ids:
        where = (
            f"c.council_id IN ({', '.join(str(i) for i in sorted(council_ids))})"  # noqa: S608
            f" OR EXISTS (SELECT 1 FROM access_grants g WHERE g.case_id = c.id AND {grant})"
        )
    else:
        granted = grant.replace("c.status", "gc.status")
        where = (
            "c.id IN (SELECT g.case_id FROM access_grants g JOIN cases gc ON gc.id = g.case_id"  # noqa: S608
            f" WHERE {granted})"
        )
    return (
        "SELECT p.*, ch.* FROM (SELECT * FROM cases c WHERE "  # noqa: S608
        f"{where} ORDER BY c.next_review_on NULLS LAST, c.id LIMIT {PAGE_SIZE}) AS p "
        "LEFT JOIN children ch ON ch.case_id = p.id ORDER BY p.next_review_on NULLS LAST, p.id, ch.id"
    )


def _bare_case_ids(sql: str) -> list[int]:
    """Return the case ids the bare query lists, in its order."""
    with db.engine.connect() as conn:
        rows = conn.exec_driver_sql(sql).fetchall()
    return list(dict.fromkeys(row[0] for row in rows))


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


def _p95(values: list[float]) -> float:
    """Return the 95th percentile by the nearest-rank method."""
    ordered = sorted(values)
    return ordered[max(0, -(-len(ordered) * 95 // 100) - 1)]


def _measure_person(app, args, label: str, user_id: int) -> tuple[list[str], bool]:
    """Measure ledger_page, the bare query and the whole page for one person; return cells and verdict."""
    with app.app_context():
        user = db.session.get(User, user_id)
        sql, login_id = _bare_sql(user), user.login_id
        for _ in range(args.warmup):
            _time_ledger(user_id)
            _time_bare(sql)
        ledger, bare = [], []
        for _ in range(args.rounds):  # taken in turns, so a busy moment of the machine hits both alike
            ledger.append(_time_ledger(user_id))
            bare.append(_time_bare(sql))
        page = ledger[-1][1]
        shown = [row.case.id for row in page.rows]
        if shown != _bare_case_ids(sql):
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
    median, p95 = statistics.median(times), _p95(times)
    bare_median, bare_p95 = statistics.median(bare), _p95(bare)
    cells = [
        label,
        f"{page.total}",
        f"{len(page.rows)}",
        f"{median:.1f}",
        f"{p95:.1f}",
        f"{cpu:.1f}",
        f"{statements}",
        f"{in_sql:.1f}",
        f"{commit:.1f}",
        f"{bare_median:.1f}",
        f"{bare_p95:.1f}",
        f"{median / bare_median:.1f}x",
        f"{p95 / bare_p95:.1f}x",
        f"{statistics.median(view):.1f}",
        f"{_p95(view):.1f}",
        f"{len(seen)}",
    ]
    return cells, p95 < TARGET_P95_MS and median <= TARGET_RATIO * bare_median


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


def _width(text: str) -> int:
    """Return the width of text in terminal columns (kanji take two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _table(rows: list[list[str]]) -> str:
    """Lay out the header, its groups and the rows in aligned columns."""
    widths = [max(_width(r[i]) for r in [[h for h, _ in HEADER], *rows]) for i in range(len(HEADER))]

    def line(cells):
        out = []
        for (_, align), width, cell in zip(HEADER, widths, cells, strict=True):
            pad = " " * (width - _width(cell))
            out.append(cell + pad if align == "<" else pad + cell)
        return "  ".join(out)

    groups, column = [], 0
    for title, span in GROUPS:
        width = sum(widths[column : column + span]) + 2 * (span - 1)
        groups.append(title.center(width))
        column += span
    header = line([h for h, _ in HEADER])
    return "\n".join(["  ".join(groups), header, "-" * _width(header), *(line(r) for r in rows)])


def _measure(app, args, build: str) -> None:
    """Measure both people and print the table (and, when asked, plans and profiles)."""
    with app.app_context():
        dialect = db.engine.dialect.name
        total_cases = db.session.scalar(sa.select(sa.func.count()).select_from(Case))
        people = _pick_users()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{dialect}, {total_cases} cases, world {build}")
    print(f"{args.rounds} rounds after {args.warmup} warm-up; load average {load} on {os.cpu_count()} cores")
    results = [_measure_person(app, args, label, user_id) for label, user_id in people]
    print(_table([cells for cells, _ in results]))
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
