"""The ledger bench's instruments: statements and commits seen by the engine, plans, a profile."""

import cProfile
import pstats
import time
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.extensions import db


@contextmanager
def statements(engine):
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
def commit_time(engine):
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


def explain(time_ledger, user_id: int) -> None:
    """Print each statement of one ledger page with its time, and the plan of each SELECT."""
    with statements(db.engine) as seen:
        total, _, _ = time_ledger(user_id)
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


def profile(time_ledger, user_id: int) -> None:
    """Print where one ledger page spends its time in Python."""
    profiler = cProfile.Profile()
    profiler.enable()
    time_ledger(user_id)
    profiler.disable()
    stats = pstats.Stats(profiler).sort_stats("cumulative")
    print("\n--- cProfile of one ledger page: where ledger_page's time goes, then the costliest functions")
    stats.print_callees("ledger_page")
    stats.sort_stats("tottime").print_stats(12)
