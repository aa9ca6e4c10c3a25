"""Every read of case data is logged: one audit row per read, linked to each case it showed.

The links (CaseRead) make a case's access history one query; a listing or export links its row to
every case on it, in multi-row INSERTs (chunked under SQLite's parameter limit).
"""

from collections.abc import Iterable

from sqlalchemy import insert

from cases.models import CaseRead
from portal import audit
from portal.audit import AuditEntry
from portal.extensions import db
from portal.models import User
from portal.transaction import transaction

LINKS_PER_INSERT = 1000


def record_read(action: str, user: User, case_ids: Iterable[int], detail: dict, *, target=None) -> AuditEntry:
    """Write the audit row of a read and link it to each case read (joins the caller's transaction)."""
    ids = sorted(set(case_ids))
    with transaction():
        if target is None:
            entry = audit.record(action, actor=user, target_type="cases", detail=detail)
        else:
            entry = audit.record(action, actor=user, target=target, detail=detail)
        for start in range(0, len(ids), LINKS_PER_INSERT):
            chunk = ids[start : start + LINKS_PER_INSERT]
            links = [{"audit_seq": entry.seq, "case_id": case_id} for case_id in chunk]
            # One statement compiled once (executemany): a VALUES list of 50 pairs would be compiled
            # afresh on every read, which cost more than the insert itself.
            db.session.execute(insert(CaseRead.__table__), links)
    return entry
