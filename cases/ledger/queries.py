"""The ledger (進行管理台帳): filtered, sorted, paginated in the database; CSV and Excel exports.

The ledger lists the cases whose ledger part the person may see (policy.visible_cases). Names
are shown only where the basic part is visible for that child. Every listing and export is
audited in the same transaction, with a link to each case it showed.
"""

from dataclasses import dataclass, field

from sqlalchemy import and_, bindparam, exists, func, or_, select
from sqlalchemy.orm import joinedload, lazyload, selectinload

from cases import policy
from cases.ledger.search import like_pattern
from cases.models import Case, CaseAbuseType, Child, CodeItem, Guardian, Part, Status
from cases.reads import record_read
from portal.dates import today_in_japan
from portal.extensions import db
from portal.models import Agency, User
from portal.transaction import transaction

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


def filtered_query(user: User, filters: LedgerFilters):
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


def ledger_rows(user: User, cases: list[Case]) -> list[LedgerRow]:
    """Mask each case down to what the person may see."""
    accesses = policy.access_map(user, cases)
    abuse = abuse_labels([case.id for case in cases])
    rows = []
    for case in cases:
        access = accesses[case.id]
        children = [c for c in case.children if access.child_visible(Part.BASIC, c.id)]
        rows.append(LedgerRow(case, access, children, abuse.get(case.id, [])))
    return rows


# Built once with a placeholder for the cases (building and keying it cost more than running it).
_ABUSE_LABELS = (
    select(CaseAbuseType.case_id, CaseAbuseType.code, CodeItem.label)
    .outerjoin(CodeItem, and_(CodeItem.list_name == "abuse_type", CodeItem.code == CaseAbuseType.code))
    .where(CaseAbuseType.case_id.in_(bindparam("case_ids", expanding=True)))
    .order_by(CaseAbuseType.case_id, CaseAbuseType.code)
)


def abuse_labels(case_ids: list[int]) -> dict[int, list[str]]:
    """Return each case's abuse types in Japanese (the code where the list lacks it), in code order.

    Plain rows of one query, the labels joined from the code list.
    """
    labels: dict[int, list[str]] = {}
    for case_id, code, label in db.session.execute(_ABUSE_LABELS, {"case_ids": list(case_ids)}):
        labels.setdefault(case_id, []).append(label or code)
    return labels


# What a page shows of each case, loaded with it: its children with their schools. An agency's kind
# (joined by default) is not shown, so it is left to load on first use rather than joined to every row.
# The abuse types come as plain rows (abuse_labels), not as objects (a case loads its own on first use).
PAGE_LOADING = (
    selectinload(Case.children).joinedload(Child.enrolled_agency).lazyload(Agency.kind),
    joinedload(Case.lead_agency).lazyload(Agency.kind),
    lazyload(Case.abuse_type_rows),
)


def ledger_page(user: User, filters: LedgerFilters) -> LedgerPage:
    """Return one page of the ledger, and audit the read."""
    query = filtered_query(user, filters)
    # The count of the same WHERE, without the ORDER BY and the case columns a subquery would carry.
    total = db.session.scalar(
        query.with_only_columns(func.count(), maintain_column_froms=True).order_by(None)
    )
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, filters.page), pages)
    cases = list(
        db.session.scalars(query.options(*PAGE_LOADING).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE))
    )
    rows = ledger_rows(user, cases)
    detail = {"filters": filters.as_dict(), "page": page, "shown": len(cases), "parts": ["basic", "ledger"]}
    # Keeping the loaded cases, the page shows exactly the rows the audit row records, and rendering it
    # does not reload each case, its children and abuse types one query at a time (150 for 50 rows).
    with transaction(keep_loaded=True):
        record_read("ledger.list", user, [c.id for c in cases], detail)
    return LedgerPage(rows, total, page, pages, filters)
