"""The auditor's view of the audit log (監査ログ): filter, page through, and export as CSV.

Reading the log ("audit.view") and exporting it ("audit.export") are themselves audited.
The page and the CSV share one query builder, `entries_query`, and both read only the
rows up to a fixed sequence number, so rows written meanwhile (the auditor's own
"audit.view" rows among them) neither shift the pages nor change what an export counted.
"""

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from urllib.parse import quote

from flask import Blueprint, Response, render_template, request, stream_with_context
from flask_login import current_user
from sqlalchemy import Row, Select, func, select

from portal import audit
from portal.audit import AuditEntry
from portal.auditlog.forms import ACTION_SUGGESTIONS, AuditFilterForm, AuditFilters
from portal.dates import TOKYO
from portal.extensions import db
from portal.gates import auditor_required
from portal.ids import arg_id, arg_page
from portal.models import Agency
from portal.spreadsheets import safe_text
from portal.transaction import transaction

bp = Blueprint("auditlog", __name__, url_prefix="/audit")

PER_PAGE = 100
EXPORT_BATCH = 1000


CSV_HEADERS = [
    "番号",
    "日時（日本時間）",
    "利用者",
    "利用者ID",
    "所属機関",
    "操作",
    "操作コード",
    "対象の種類",
    "対象ID",
    "対象",
    "結果",
    "接続元",
    "詳細",
]


def detail_text(detail: str) -> str:
    """Write a row's JSON detail as 「key: value」 pairs for reading on screen."""
    try:
        data = json.loads(detail or "{}")
    except ValueError:
        return detail
    if not isinstance(data, dict):
        return detail
    return "、".join(
        f"{key}: {json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else value}"
        for key, value in data.items()
    )


def _japan_midnight(day) -> datetime:
    """Return the start of a calendar day in Japan as an aware datetime."""
    return datetime.combine(day, time.min, tzinfo=TOKYO)


def entries_query(filters: AuditFilters, upto: int | None = None) -> Select:
    """Build the query for the audit rows the filters select, newest first, with the actor's agency."""
    query = select(AuditEntry, Agency.name.label("agency_name")).outerjoin(
        Agency, Agency.id == AuditEntry.actor_agency_id
    )
    if upto is not None:
        query = query.where(AuditEntry.seq <= upto)
    if filters.actor_id is not None:
        query = query.where(AuditEntry.actor_id == filters.actor_id)
    if filters.agency_id is not None:
        query = query.where(AuditEntry.actor_agency_id == filters.agency_id)
    if filters.action_is_prefix:
        query = query.where(AuditEntry.action.startswith(filters.action_prefix, autoescape=True))
    elif filters.action:
        query = query.where(AuditEntry.action == filters.action)
    if filters.target_type:
        query = query.where(AuditEntry.target_type == filters.target_type)
    if filters.target_id:
        query = query.where(AuditEntry.target_id == filters.target_id)
    if filters.date_from:
        query = query.where(AuditEntry.at >= _japan_midnight(filters.date_from))
    if filters.date_to:
        query = query.where(AuditEntry.at < _japan_midnight(filters.date_to + timedelta(days=1)))
    if filters.outcome:
        query = query.where(AuditEntry.outcome == filters.outcome)
    return query.order_by(AuditEntry.seq.desc())


def _count(query: Select) -> int:
    """Count the rows a query selects, in the database."""
    return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))


def latest_seq() -> int:
    """Return the number of the newest audit row (0 when there is none)."""
    return db.session.scalar(select(func.coalesce(func.max(AuditEntry.seq), 0)))


@dataclass
class AuditPage:
    """One page of the filtered log."""

    rows: list[Row]
    total: int
    page: int
    pages: int
    upto: int

    @property
    def first(self) -> int:
        """Return the position of the page's first row in the whole list (1-based)."""
        return (self.page - 1) * PER_PAGE + 1 if self.rows else 0

    @property
    def last(self) -> int:
        """Return the position of the page's last row."""
        return self.first + len(self.rows) - 1 if self.rows else 0


def read_page(viewer, filters: AuditFilters, page: int = 1, upto: int | None = None) -> AuditPage:
    """Return one page of the filtered log (rows up to `upto`), and audit that it was read."""
    with transaction(keep_loaded=True):
        upto = upto if upto is not None else latest_seq()
        query = entries_query(filters, upto)
        total = _count(query)
        pages = max(1, -(-total // PER_PAGE))
        page = min(max(page, 1), pages)
        rows = db.session.execute(query.limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
        audit.record(
            "audit.view",
            actor=viewer,
            target_type="audit_entries",
            detail={"filters": filters.as_dict(), "page": page},
        )
    return AuditPage(rows=rows, total=total, page=page, pages=pages, upto=upto)


def start_export(viewer, filters: AuditFilters) -> int:
    """Fix the rows an export covers, audit the export with their count, and return its last number."""
    with transaction():
        upto = latest_seq()
        rows = _count(entries_query(filters, upto))
        audit.record(
            "audit.export",
            actor=viewer,
            target_type="audit_entries",
            detail={"filters": filters.as_dict(), "rows": rows},
        )
    return upto


def export_rows(filters: AuditFilters, upto: int, batch: int | None = None) -> Iterator[Row]:
    """Yield the filtered rows newest first, fetching them from the database a batch at a time."""
    batch = batch or EXPORT_BATCH
    query = entries_query(filters, upto)
    while True:
        rows = db.session.execute(query.limit(batch)).all()
        yield from rows
        if len(rows) < batch:
            return
        query = query.where(AuditEntry.seq < rows[-1].AuditEntry.seq)


def csv_chunks(rows: Iterable[Row], flush_at: int = 64 * 1024) -> Iterator[str]:
    """Write rows as CSV with a BOM and Japanese headers, yielding it in chunks."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(CSV_HEADERS)
    for row in rows:
        entry = row.AuditEntry
        writer.writerow(
            safe_text(value)
            for value in (
                entry.seq,
                entry.at.astimezone(TOKYO).strftime("%Y-%m-%d %H:%M:%S"),
                entry.actor_name,
                entry.actor_id,
                row.agency_name,
                audit.action_label(entry.action),
                entry.action,
                entry.target_type,
                entry.target_id,
                entry.target_label,
                entry.outcome_label,
                entry.ip,
                entry.detail,
            )
        )
        if buffer.tell() >= flush_at:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _filter_form() -> AuditFilterForm:
    """Read the filter form from the query string."""
    return AuditFilterForm(formdata=request.args)


def _invalid(form: AuditFilterForm):
    """Show the filter form with its Japanese messages and no rows."""
    page = render_template("auditlog/index.html", form=form, result=None, args={}, **_helpers())
    return page, 400


def _helpers() -> dict:
    """Return what the template needs besides the data."""
    return {"action_label": audit.action_label, "detail_text": detail_text, "suggestions": ACTION_SUGGESTIONS}


@bp.route("/")
@auditor_required
def index():
    """List the audit log, filtered and paged, newest first."""
    form = _filter_form()
    if not form.validate():
        return _invalid(form)
    result = read_page(
        current_user._get_current_object(),
        form.filters(),
        page=arg_page(),
        upto=arg_id("upto"),
    )
    return render_template(
        "auditlog/index.html", form=form, result=result, args=form.query_args(), **_helpers()
    )


@bp.route("/export.csv")
@auditor_required
def export():
    """Download the filtered log as CSV (UTF-8 with BOM, for Excel)."""
    form = _filter_form()
    if not form.validate():
        return _invalid(form)
    filters = form.filters()
    upto = start_export(current_user._get_current_object(), filters)
    stamp = datetime.now(TOKYO).strftime("%Y%m%d-%H%M")
    disposition = (
        f"attachment; filename=\"audit-log-{stamp}.csv\"; filename*=UTF-8''{quote(f'監査ログ_{stamp}.csv')}"
    )
    return Response(
        stream_with_context(csv_chunks(export_rows(filters, upto))),
        mimetype="text/csv",
        headers={"Content-Disposition": disposition, "Cache-Control": "no-store"},
    )
