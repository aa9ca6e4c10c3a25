"""The ledger (進行管理台帳): filtered, sorted, paginated in the database; CSV and Excel exports.

The ledger lists the cases whose ledger part the person may see (policy.visible_cases). Names
are shown only where the basic part is visible for that child. Every listing and export is
audited in the same transaction, with a link to each case it showed.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from openpyxl import Workbook
from sqlalchemy import and_, exists, func, insert, or_, select
from sqlalchemy.orm import selectinload

from cases import codes, policy
from cases.models import RISK_LABELS, Case, CaseRead, Child, Guardian, Part, Status
from cases.search import like_pattern
from portal import audit
from portal.dates import today_in_japan, wareki
from portal.extensions import db
from portal.models import User

PAGE_SIZE = 50
READ_LINKS_PER_INSERT = 1000
NOT_SHARED = "（非共有）"
# The 部会 filter's value for cases without one (the council form refuses it as a 部会 name).
NO_SECTION = "-"

SORTS = {
    "number": Case.case_number,
    "received": Case.received_on,
    "risk": Case.risk_level,
    "review": Case.next_review_on,
    "confirmed": Case.last_confirmed_on,
    "category": Case.category,
    "section": Case.section,
}


@dataclass
class LedgerFilters:
    """What the person asked the ledger for."""

    q: str = ""
    council_id: int | None = None
    category: str = ""
    status: str = ""
    lead_agency_id: int | None = None
    enrolled_agency_id: int | None = None
    risk: int | None = None
    section: str = ""
    overdue: bool = False
    sort: str = "review"
    direction: str = "asc"
    page: int = 1

    def as_dict(self) -> dict:
        """Return the filters that are set, for the audit row and the links."""
        return {k: v for k, v in self.__dict__.items() if v not in ("", None, False)}


@dataclass
class LedgerRow:
    """One case as the person may see it in the ledger."""

    case: Case
    access: policy.CaseAccess
    children: list[Child]
    abuse_labels: list[str]

    @property
    def overdue(self) -> bool:
        """Tell whether the next review date has passed."""
        return bool(
            self.case.next_review_on
            and self.case.next_review_on < today_in_japan()
            and self.case.status != Status.CLOSED.value
        )


@dataclass
class LedgerPage:
    """One page of the ledger."""

    rows: list[LedgerRow]
    total: int
    page: int
    pages: int
    filters: LedgerFilters = field(default_factory=LedgerFilters)


def _query(user: User, filters: LedgerFilters):
    """Build the filtered, sorted query of the ledger; every rule is in SQL."""
    today = today_in_japan()
    query = policy.visible_cases(user, Part.LEDGER, today)
    if filters.council_id:
        query = query.where(Case.council_id == filters.council_id)
    if filters.category:
        query = query.where(Case.category == filters.category)
    if filters.status:
        query = query.where(Case.status == filters.status)
    if filters.lead_agency_id:
        query = query.where(Case.lead_agency_id == filters.lead_agency_id)
    if filters.risk:
        query = query.where(Case.risk_level == filters.risk)
    if filters.section:
        query = query.where(Case.section == ("" if filters.section == NO_SECTION else filters.section))
    if filters.overdue:
        query = query.where(Case.next_review_on < today, Case.status != Status.CLOSED.value)
    pattern = like_pattern(filters.q)
    # Built only when a filter needs it: it costs a query for the person's councils.
    basic_children = (
        policy.visible_children_clause(user, Part.BASIC, today)
        if filters.enrolled_agency_id or pattern
        else None
    )
    if filters.enrolled_agency_id:
        query = query.where(
            exists().where(
                Child.case_id == Case.id,
                Child.enrolled_agency_id == filters.enrolled_agency_id,
                basic_children,
            )
        )
    if pattern:
        # A name matches only where the person may see that name.
        child_match = exists().where(
            Child.case_id == Case.id, Child.search_key.like(pattern, escape="\\"), basic_children
        )
        guardian_match = and_(
            exists().where(Guardian.case_id == Case.id, Guardian.search_key.like(pattern, escape="\\")),
            policy.household_cases_clause(user, Part.BASIC, today),
        )
        number_match = Case.case_number.like(pattern, escape="\\")
        query = query.where(or_(child_match, guardian_match, number_match))
    column = SORTS.get(filters.sort, Case.next_review_on)
    ordered = column.desc() if filters.direction == "desc" else column.asc()
    return query.order_by(ordered.nulls_last(), Case.id)


def _rows(user: User, cases: list[Case]) -> list[LedgerRow]:
    """Mask each case down to what the person may see."""
    accesses = policy.access_map(user, cases)
    abuse_names = codes.labels("abuse_type")
    rows = []
    for case in cases:
        access = accesses[case.id]
        children = [c for c in case.children if access.child_visible(Part.BASIC, c.id)]
        rows.append(LedgerRow(case, access, children, [abuse_names.get(c, c) for c in case.abuse_types]))
    return rows


def _record_reads(action: str, user: User, case_ids: list[int], detail: dict) -> None:
    """Write the audit row for a listing or export and link it to each case shown."""
    entry = audit.record(action, actor=user, target_type="cases", detail=detail)
    db.session.flush()
    # One multi-row INSERT per chunk rather than one statement per case (PostgreSQL runs each of an
    # executemany on its own); chunks keep an export of every case under SQLite's parameter limit.
    for start in range(0, len(case_ids), READ_LINKS_PER_INSERT):
        chunk = case_ids[start : start + READ_LINKS_PER_INSERT]
        db.session.execute(insert(CaseRead).values([{"audit_seq": entry.seq, "case_id": i} for i in chunk]))


def ledger_page(user: User, filters: LedgerFilters) -> LedgerPage:
    """Return one page of the ledger, and audit the read."""
    query = _query(user, filters)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, filters.page), pages)
    cases = list(
        db.session.scalars(
            query.options(selectinload(Case.children)).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
        )
    )
    rows = _rows(user, cases)
    _record_reads(
        "ledger.list",
        user,
        [c.id for c in cases],
        {"filters": filters.as_dict(), "page": page, "shown": len(cases), "parts": ["basic", "ledger"]},
    )
    _commit_keeping_rows()
    return LedgerPage(rows, total, page, pages, filters)


def _commit_keeping_rows() -> None:
    """Commit the read's audit row without expiring the loaded cases.

    The page then shows exactly the rows the audit row records, and rendering it does not reload
    each case, its children and abuse types one query at a time (150 queries for 50 rows).
    """
    session = db.session()
    keep, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = keep


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
    query = _query(user, filters).options(selectinload(Case.children))
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
    for row in _rows(user, cases):
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
    _record_reads(
        "ledger.export",
        user,
        ids,
        {"format": fmt, "filters": filters.as_dict(), "rows": len(ids), "parts": ["basic", "ledger"]},
    )
    db.session.commit()
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
