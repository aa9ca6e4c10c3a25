"""The append-only audit log (監査ログ): who did what to which object, when, from where.

Each row carries a SHA-256 hash over its own content and the previous row's hash, so a row
altered or removed after it was written breaks the chain (`flask audit verify`). Rows are
written by `record()` in the caller's transaction; the app has no path that updates or
deletes them, and the migration adds database triggers that refuse both.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from flask import g, has_app_context
from sqlalchemy import ForeignKey, Index, Integer, String, Text, bindparam, insert, select, update
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.types import UTCDateTime, utcnow

GENESIS_HASH = "0" * 64


class Outcome:
    """The result of an audited action."""

    SUCCESS = "success"
    FAILURE = "failure"
    DENIED = "denied"


OUTCOME_LABELS = {Outcome.SUCCESS: "成功", Outcome.FAILURE: "失敗", Outcome.DENIED: "拒否"}

# Japanese names of audited actions; each feature package registers its own at start-up.
ACTION_LABELS = {
    "login.success": "ログイン成功",
    "login.failure": "ログイン失敗",
    "login.lockout": "アカウントロック",
    "login.throttled": "ログイン試行制限",
    "logout": "ログアウト",
    "account.password_change": "パスワード変更",
    "audit.view": "監査ログ閲覧",
    "audit.export": "監査ログ出力",
    "demo.seed": "デモデータ投入",
}
ACTION_GROUP_LABELS = {"admin.": "管理操作"}


def register_action_labels(labels: dict[str, str]) -> None:
    """Add a feature's Japanese action names (shown in the audit log and access histories)."""
    ACTION_LABELS.update(labels)


def action_label(code: str) -> str:
    """Return the Japanese name of an action, or the code itself when it has none."""
    if code in ACTION_LABELS:
        return ACTION_LABELS[code]
    for prefix, label in ACTION_GROUP_LABELS.items():
        if code.startswith(prefix):
            return label
    return code


class AuditEntry(db.Model):
    """One audited event; never updated or deleted."""

    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_actor_at", "actor_id", "at"),
        Index("ix_audit_entries_target", "target_type", "target_id"),
        Index("ix_audit_entries_action_at", "action", "at"),
    )

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(String(60), default="")
    actor_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    action: Mapped[str] = mapped_column(String(60))
    target_type: Mapped[str] = mapped_column(String(40), default="")
    target_id: Mapped[str] = mapped_column(String(40), default="")
    target_label: Mapped[str] = mapped_column(String(200), default="")
    outcome: Mapped[str] = mapped_column(String(10), default=Outcome.SUCCESS)
    ip: Mapped[str] = mapped_column(String(45), default="")
    detail: Mapped[str] = mapped_column(Text, default="{}")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    @property
    def detail_data(self) -> dict:
        """Return the detail as a dict."""
        return json.loads(self.detail or "{}")

    @property
    def outcome_label(self) -> str:
        """Return the outcome in Japanese."""
        return OUTCOME_LABELS.get(self.outcome, self.outcome)


class AuditHead(db.Model):
    """The single row that holds the chain's last number and hash; updating it serialises writers."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64), default=GENESIS_HASH)


_COLUMNS = tuple(AuditEntry.__table__.columns)


def _row_hash(entry: AuditEntry) -> str:
    """Compute the chained hash of one row from its stored values."""
    payload = json.dumps(
        [
            entry.seq,
            _iso(entry.at),
            entry.actor_id,
            entry.actor_name,
            entry.actor_agency_id,
            entry.action,
            entry.target_type,
            entry.target_id,
            entry.target_label,
            entry.outcome,
            entry.ip,
            entry.detail,
            entry.prev_hash,
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _iso(at: datetime) -> str:
    """Format a timestamp the same way before writing and after reading back."""
    return at.replace(tzinfo=None).isoformat(timespec="microseconds")


def record(
    action: str,
    *,
    actor=None,
    target=None,
    target_type: str = "",
    target_id: str | int = "",
    target_label: str = "",
    outcome: str = Outcome.SUCCESS,
    detail: dict | None = None,
) -> AuditEntry:
    """Add an audit row to the current transaction; the caller commits it with its change.

    `target` may be any model with an `id`; its table name and str() fill the target fields.
    """
    if target is not None:
        target_type = target_type or getattr(target, "__tablename__", type(target).__name__)
        target_id = target_id or target.id
        target_label = target_label or str(target)
    (entry,) = _write(action, actor, outcome, [(target_type, target_id, target_label, detail)])
    return entry


def record_each(action: str, *, actor, targets: list[tuple[object, dict]]) -> list[AuditEntry]:
    """Add one audit row per (target model, detail), numbered and chained together in one go.

    The same rows as calling record() for each, with the head row taken and moved once and the rows
    inserted in one statement: a saved upload writes thousands.
    """
    items = [(getattr(t, "__tablename__", type(t).__name__), t.id, str(t), d) for t, d in targets]
    return _write(action, actor, Outcome.SUCCESS, items) if items else []


def _write(action: str, actor, outcome: str, items: list[tuple]) -> list[AuditEntry]:
    """Number, chain and insert the rows of (target type, id, label, detail); move the head past them."""
    # Taking the head row first serialises concurrent writers on both databases; the same statement
    # hands back the numbers taken and the hash to chain to.
    head = db.session.execute(_TAKE_NUMBERS, {"count": len(items)}).one()
    at, ip, prev_hash, entries = utcnow(), _client_ip(), head.last_hash, []
    for number, (target_type, target_id, target_label, detail) in enumerate(items):
        entry = AuditEntry(
            seq=head.seq - len(items) + 1 + number,
            at=at,
            actor_id=getattr(actor, "id", None),
            actor_name=getattr(actor, "name", "") or "",
            actor_agency_id=getattr(actor, "agency_id", None),
            action=action,
            target_type=target_type,
            target_id=str(target_id) if target_id is not None else "",
            target_label=(target_label or "")[:200],
            outcome=outcome,
            ip=ip,
            detail=json.dumps(detail or {}, ensure_ascii=False, sort_keys=True, default=str),
            prev_hash=prev_hash,
        )
        entry.hash = prev_hash = _row_hash(entry)
        entries.append(entry)
    # Plain INSERTs in the same transaction: the rows are never changed afterwards, so the session's
    # unit of work (a flush per audited read) would only add time, not safety.
    rows = [{c.key: getattr(e, c.key) for c in _COLUMNS} for e in entries]
    db.session.execute(_INSERT_ROWS, rows)
    db.session.execute(_MOVE_HEAD, {"hash": prev_hash})
    return entries


# The statements of _write, built once: building and keying them each time cost more than running them.
_TAKE_NUMBERS = (
    update(AuditHead)
    .where(AuditHead.id == 1)
    .values(seq=AuditHead.seq + bindparam("count"))
    .returning(AuditHead.seq, AuditHead.last_hash)
    .execution_options(synchronize_session=False)
)
_INSERT_ROWS = insert(AuditEntry.__table__)
_MOVE_HEAD = (
    update(AuditHead)
    .where(AuditHead.id == 1)
    .values(last_hash=bindparam("hash"))
    .execution_options(synchronize_session=False)
)


def _client_ip() -> str:
    """Return the address the current request came from, if there is one."""
    if has_app_context():
        return g.get("client_ip", "") or ""
    return ""


@dataclass
class ChainProblem:
    """One break found in the audit chain."""

    seq: int
    reason: str


def verify_chain(batch: int = 2000) -> tuple[int, list[ChainProblem]]:
    """Walk the whole chain; return how many rows were checked and every problem found."""
    problems: list[ChainProblem] = []
    expected_seq = 1
    prev_hash = GENESIS_HASH
    checked = 0
    rows = db.session.execute(
        select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=batch)
    ).scalars()
    for entry in rows:
        checked += 1
        if entry.seq != expected_seq:
            problems.append(
                ChainProblem(expected_seq, f"行 {expected_seq}〜{entry.seq - 1} が削除されています")
            )
        if entry.prev_hash != prev_hash:
            problems.append(ChainProblem(entry.seq, "前の行とのつながり（prev_hash）が一致しません"))
        if _row_hash(entry) != entry.hash:
            problems.append(ChainProblem(entry.seq, "内容が書き込み後に変更されています"))
        prev_hash = entry.hash
        expected_seq = entry.seq + 1
    head = db.session.get(AuditHead, 1)
    if head is not None and head.seq != expected_seq - 1:
        problems.append(
            ChainProblem(expected_seq, f"末尾の行（{expected_seq}〜{head.seq}）が削除されています")
        )
    elif head is not None and checked and head.last_hash != prev_hash:
        problems.append(ChainProblem(expected_seq - 1, "末尾の行のハッシュが記録と一致しません"))
    return checked, problems
