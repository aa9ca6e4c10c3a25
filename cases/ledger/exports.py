"""The ledger as a file: every filtered case the person may see, as CSV (UTF-8 with BOM) or Excel."""

from datetime import date

from sqlalchemy.orm import lazyload, selectinload

from cases import codes
from cases.ledger.queries import NOT_SHARED, LedgerFilters, filtered_query, ledger_rows
from cases.models import RISK_LABELS, Case, Status
from cases.reads import record_read
from portal import spreadsheets
from portal.dates import wareki
from portal.extensions import db
from portal.models import User
from portal.transaction import transaction

EXPORT_HEADERS = [
    "協議会",
    "ケース番号",
    "状況",
    "登録区分",
    "受理日",
    "登録日",
    "子どもの氏名",
    "ふりがな",
    "生年月日",
    "所属",
    "学年・組",
    "最終報告日",
    "連続欠席日数",
    "虐待種別",
    "主たる虐待者",
    "相談経路",
    "リスク",
    "主担当機関",
    "主たる援助者",
    "部会",
    "最終確認日",
    "次回確認時期",
    "終結日",
    "終結理由",
]


def _export_lines(user: User, filters: LedgerFilters):
    """Yield (case id, row values) for every filtered case, masked per person, in batches."""
    loading = (selectinload(Case.children), lazyload(Case.abuse_type_rows))  # abuse types: ledger_rows
    query = filtered_query(user, filters).options(*loading)
    main_abusers, routes, reasons = (
        codes.labels("main_abuser"),
        codes.labels("referral_route"),
        codes.labels("closure_reason"),
    )
    batch: list[Case] = []
    for case in db.session.scalars(query.execution_options(yield_per=500)):
        batch.append(case)
        if len(batch) == 500:
            yield from _export_batch(user, batch, main_abusers, routes, reasons)
            batch = []
    yield from _export_batch(user, batch, main_abusers, routes, reasons)


def _export_batch(user, cases, main_abusers, routes, reasons):
    """Turn a batch of cases into export rows."""
    for row in ledger_rows(user, cases):
        case = row.case
        children = row.children
        names = "、".join(c.name for c in children) if children else NOT_SHARED
        yield (
            case.id,
            [
                case.council.name,
                case.case_number,
                case.status_label,
                case.category_label,
                case.received_on,
                case.registered_on,
                names,
                "、".join(c.name_kana for c in children),
                _each(c.birth_date for c in children),
                "、".join(c.enrolled_agency.name for c in children if c.enrolled_agency),
                "、".join(c.grade_class for c in children if c.grade_class),
                _each(c.last_reported_on for c in children if c.last_reported_on),
                _each(c.consecutive_absent_days for c in children if c.consecutive_absent_days is not None),
                "、".join(row.abuse_labels),
                main_abusers.get(case.main_abuser, case.main_abuser),
                routes.get(case.referral_route, case.referral_route),
                RISK_LABELS.get(case.risk_level, ""),
                case.lead_agency.name if case.lead_agency else "",
                case.key_person,
                case.section,
                case.last_confirmed_on,
                # A closed case has no review ahead of it.
                case.next_review_on if case.status != Status.CLOSED.value else None,
                case.closed_on,
                reasons.get(case.closure_reason, case.closure_reason),
            ],
        )


def _each(values):
    """Return one child's value as itself (a date or number stays one), several children's joined as text."""
    values = [v for v in values if v is not None]
    if len(values) <= 1:
        return values[0] if values else None
    return "、".join(wareki(v, weekday=False) if isinstance(v, date) else str(v) for v in values)


def export_ledger(user: User, filters: LedgerFilters, fmt: str) -> bytes:
    """Export every filtered case the person may see as CSV (UTF-8 with BOM) or Excel; audit it."""
    with transaction():
        ids, lines = [], []
        for case_id, values in _export_lines(user, filters):
            ids.append(case_id)
            lines.append(values)
        if fmt == "xlsx":
            content = spreadsheets.xlsx_bytes([("進行管理台帳", EXPORT_HEADERS, lines)])
        else:
            content = spreadsheets.csv_bytes(EXPORT_HEADERS, lines)
        detail = {"format": fmt, "filters": filters.as_dict(), "rows": len(ids), "parts": ["basic", "ledger"]}
        record_read("ledger.export", user, ids, detail)
    return content
