"""The ledger bench's baselines: hand-written SQL for the same first page, and the same page with its audit.

`bare_sql` reads what the page shows (the 50 rows with their children) in one statement, as fast as
we can write it. `BareReadWrite` does everything `ledger_page` asks of the database, by hand: the
count, the same 50 rows and children, the same chained audit row (head row taken, SHA-256 over the
row, head updated), one multi-row INSERT of the case links, and the commit.
"""

import hashlib
import json
from datetime import UTC, datetime

from cases import policy
from cases.ledger.queries import PAGE_SIZE
from cases.models import Part, Status
from cases.sharing.models import GrantCause
from portal.dates import today_in_japan
from portal.models import User


def _where(user: User) -> str:
    """Return the rule of the cases the person sees, as SQL on `cases c` (integers and codes only).

    A council-wide person: the council's cases, or any case granted to the agency. Anyone else: the
    agency's grants first, then their cases (an uncorrelated IN, which SQLite drives from the index).
    """
    today = today_in_japan().isoformat()
    grant = (
        f"g.agency_id = {int(user.agency_id)} AND g.revoked_at IS NULL AND g.valid_from <= '{today}'"
        f" AND (g.valid_until IS NULL OR g.valid_until >= '{today}') AND (g.parts & {Part.LEDGER.bit}) <> 0"
        f" AND (g.cause <> '{GrantCause.STATUTORY.value}' OR c.status = '{Status.REGISTERED.value}')"
    )
    council_ids = policy.coordinated_council_ids(user)
    if council_ids:
        return (
            f"(c.council_id IN ({', '.join(str(i) for i in sorted(council_ids))})"  # noqa: S608
            f" OR EXISTS (SELECT 1 FROM access_grants g WHERE g.case_id = c.id AND {grant}))"
        )
    granted = grant.replace("c.status", "gc.status")
    return (
        "c.id IN (SELECT g.case_id FROM access_grants g JOIN cases gc ON gc.id = g.case_id"  # noqa: S608
        f" WHERE {granted})"
    )


def bare_sql(user: User) -> str:
    """Return one hand-written query for the same first page with its children."""
    return (
        f"SELECT p.*, ch.* FROM (SELECT * FROM cases c WHERE {_where(user)}"  # noqa: S608
        f" ORDER BY c.next_review_on NULLS LAST, c.id LIMIT {PAGE_SIZE}) AS p "
        "LEFT JOIN children ch ON ch.case_id = p.id ORDER BY p.next_review_on NULLS LAST, p.id, ch.id"
    )


def bare_count_sql(user: User) -> str:
    """Return the hand-written count of the cases the person sees."""
    return f"SELECT count(*) FROM cases c WHERE {_where(user)}"  # noqa: S608


def bare_case_ids(conn, sql: str) -> list[int]:
    """Return the case ids the bare query lists, in its order."""
    return list(dict.fromkeys(row[0] for row in conn.exec_driver_sql(sql).fetchall()))


class BareReadWrite:
    """The page's reads and writes by hand: count, rows, chained audit row, case links, commit."""

    def __init__(self, user: User):
        self.count_sql, self.page_sql = bare_count_sql(user), bare_sql(user)
        self.actor = (user.id, user.name, user.agency_id)

    def __call__(self, engine) -> None:
        """Run one page's worth of statements in one transaction and commit it."""
        with engine.begin() as conn:
            total = conn.exec_driver_sql(self.count_sql).scalar()
            ids = bare_case_ids(conn, self.page_sql)
            seq, prev = conn.exec_driver_sql(
                "UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, last_hash"
            ).one()
            at = datetime.now(UTC).replace(tzinfo=None)
            detail = json.dumps({"page": 1, "shown": len(ids), "total": total}, sort_keys=True)
            values = [seq, at.isoformat(timespec="microseconds"), *self.actor, "ledger.list", "cases", "", ""]
            values += ["success", "", detail, prev]
            digest = hashlib.sha256(json.dumps(values, ensure_ascii=False).encode()).hexdigest()
            conn.exec_driver_sql(
                "INSERT INTO audit_entries (seq, at, actor_id, actor_name, actor_agency_id, action,"
                " target_type, target_id, target_label, outcome, ip, detail, prev_hash, hash)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)".replace("?", _mark(engine)),
                (seq, at, *values[2:], digest),
            )
            conn.exec_driver_sql(
                "UPDATE audit_head SET last_hash = ? WHERE id = 1".replace("?", _mark(engine)), (digest,)
            )
            if ids:
                rows = ", ".join(f"({int(seq)}, {int(i)})" for i in ids)
                conn.exec_driver_sql(f"INSERT INTO case_reads (audit_seq, case_id) VALUES {rows}")  # noqa: S608


def _mark(engine) -> str:
    """Return the driver's parameter mark (sqlite3: ?, psycopg: %s)."""
    return "?" if engine.dialect.name == "sqlite" else "%s"
