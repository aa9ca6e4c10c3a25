"""The ledger as a file: every filtered case the person may see, as CSV (UTF-8 with BOM) or Excel."""

import csv
import io
from datetime import date

from openpyxl import Workbook
from sqlalchemy.orm import selectinload

from cases import codes
from cases.ledger.queries import NOT_SHARED, LedgerFilters, filtered_query, ledger_rows
from cases.models import RISK_LABELS, Case
from cases.reads import record_read
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
    query = filtered_query(user, filters).options(selectinload(Case.children))
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
                _d(case.received_on),
                _d(case.registered_on),
                names,
                "、".join(c.name_kana for c in children),
                "、".join(_d(c.birth_date) for c in children),
                "、".join(c.enrolled_agency.name for c in children if c.enrolled_agency),
                "、".join(c.grade_class for c in children if c.grade_class),
                "、".join(_d(c.last_reported_on) for c in children if c.last_reported_on),
                "、".join(str(c.consecutive_absent_days) for c in children if c.consecutive_absent_days),
                "、".join(row.abuse_labels),
                main_abusers.get(case.main_abuser, case.main_abuser),
                routes.get(case.referral_route, case.referral_route),
                RISK_LABELS.get(case.risk_level, ""),
                case.lead_agency.name if case.lead_agency else "",
                case.key_person,
                case.section,
                _d(case.last_confirmed_on),
                _d(case.next_review_on),
                _d(case.closed_on),
                reasons.get(case.closure_reason, case.closure_reason),
            ],
        )


def _d(value: date | None) -> str:
    """Write a date in 和暦 without the weekday, as the ledger forms do."""
    return wareki(value, weekday=False) if value else ""


def export_ledger(user: User, filters: LedgerFilters, fmt: str) -> bytes:
    """Export every filtered case the person may see as CSV (UTF-8 with BOM) or Excel; audit it."""
    with transaction():
        ids, lines = [], []
        for case_id, values in _export_lines(user, filters):
            ids.append(case_id)
            lines.append(values)
        if fmt == "xlsx":
            content = _xlsx(lines)
        else:
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\r\n")
            writer.writerow(EXPORT_HEADERS)
            writer.writerows(lines)
            content = ("\ufeff" + buffer.getvalue()).encode("utf-8")
        detail = {"format": fmt, "filters": filters.as_dict(), "rows": len(ids), "parts": ["basic", "ledger"]}
        record_read("ledger.export", user, ids, detail)
    return content


def _xlsx(lines: list[list[str]]) -> bytes:
    """Build the Excel workbook of the export."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("進行管理台帳")
    sheet.append(EXPORT_HEADERS)
    for values in lines:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
