"""The case counts of a council's figures, computed in the database: one grouped query per table,
each giving the 年度 and the year before side by side (conditional sums), never a case at a time."""

from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.sql.elements import ColumnElement

from cases.models import Case, CaseAbuseType, Child
from figures.rules import AGE_BANDS, UNKNOWN_AGE, Year
from portal.extensions import db
from portal.models import Council


def registered_at_end(year: Year) -> ColumnElement[bool]:
    """Return the rule for a case registered on the last day of the 年度."""
    return and_(
        Case.registered_on.is_not(None),
        Case.registered_on <= year.last,
        or_(Case.closed_on.is_(None), Case.closed_on > year.last),
    )


def registered_during(year: Year) -> ColumnElement[bool]:
    """Return the rule for a case newly registered in the 年度."""
    return Case.registered_on.between(year.first, year.last)


def closed_during(year: Year) -> ColumnElement[bool]:
    """Return the rule for a registered case closed in the 年度."""
    return and_(Case.registered_on.is_not(None), Case.closed_on.between(year.first, year.last))


def _sum(clause, value=1):
    """Return SUM(value WHEN clause ELSE 0)."""
    value = value if isinstance(value, int) else func.coalesce(value, 0)
    return func.coalesce(func.sum(case((clause, value), else_=0)), 0)


def _children():
    """Return a subquery of each case's number of children."""
    return select(Child.case_id, func.count(Child.id).label("n")).group_by(Child.case_id).subquery()


def _abused():
    """Return a subquery of the cases with at least one abuse type."""
    return select(CaseAbuseType.case_id).distinct().subquery()


def _years(year: Year) -> tuple[Year, Year]:
    """Return the 年度 and the one before."""
    return year, year.previous()


def by_category(council: Council, year: Year) -> dict[str, list[int]]:
    """Return category -> [cases, of which abuse, children] for the year, then the same for the one before."""
    kids, abused = _children(), _abused()
    columns = []
    for each in _years(year):
        at_end = registered_at_end(each)
        columns += [_sum(at_end), _sum(and_(at_end, abused.c.case_id.is_not(None))), _sum(at_end, kids.c.n)]
    rows = db.session.execute(
        select(Case.category, *columns)
        .outerjoin(kids, kids.c.case_id == Case.id)
        .outerjoin(abused, abused.c.case_id == Case.id)
        .where(Case.council_id == council.id)
        .group_by(Case.category)
    )
    return {row[0]: [int(v) for v in row[1:]] for row in rows}


def flow(council: Council, year: Year) -> dict[str, list[int]]:
    """Return "new" and "closed" -> [cases, children] for the year, then the one before."""
    kids = _children()
    columns = []
    for each in _years(year):
        columns += [_sum(registered_during(each)), _sum(registered_during(each), kids.c.n)]
        columns += [_sum(closed_during(each)), _sum(closed_during(each), kids.c.n)]
    row = db.session.execute(
        select(*columns)
        .select_from(Case)
        .outerjoin(kids, kids.c.case_id == Case.id)
        .where(Case.council_id == council.id)
    ).one()
    values = [int(v) for v in row]
    return {"new": values[0:2] + values[4:6], "closed": values[2:4] + values[6:8]}


def _grouped(council: Council, key, clauses: list, join_abused: bool = False) -> dict[str, list[int]]:
    """Return key -> [cases where each clause holds] grouped in one query."""
    query = select(key, *[_sum(c) for c in clauses]).where(Case.council_id == council.id)
    if join_abused:
        abused = _abused()
        query = query.join(abused, abused.c.case_id == Case.id)
    rows = db.session.execute(query.group_by(key))
    return {row[0] or "": [int(v) for v in row[1:]] for row in rows}


def closures_by_reason(council: Council, year: Year) -> dict[str, list[int]]:
    """Return closure reason -> [closed this year, the year before]."""
    return _grouped(council, Case.closure_reason, [closed_during(y) for y in _years(year)])


def by_main_abuser(council: Council, year: Year) -> dict[str, list[int]]:
    """Return main abuser -> [abuse cases registered at the end of the year, the year before]."""
    return _grouped(council, Case.main_abuser, [registered_at_end(y) for y in _years(year)], join_abused=True)


def by_route(council: Council, year: Year) -> dict[str, list[int]]:
    """Return referral route -> [new registrations this year, the year before]."""
    return _grouped(council, Case.referral_route, [registered_during(y) for y in _years(year)])


def by_section(council: Council, year: Year) -> dict[str, list[int]]:
    """Return 部会 -> [cases registered at the end of the year, the year before]."""
    return _grouped(council, Case.section, [registered_at_end(y) for y in _years(year)])


def by_abuse_type(council: Council, year: Year) -> dict[str, list[int]]:
    """Return abuse type -> [cases, children] at the end of the year, then the year before."""
    kids = _children()
    columns = []
    for each in _years(year):
        columns += [_sum(registered_at_end(each)), _sum(registered_at_end(each), kids.c.n)]
    rows = db.session.execute(
        select(CaseAbuseType.code, *columns)
        .join(Case, Case.id == CaseAbuseType.case_id)
        .outerjoin(kids, kids.c.case_id == Case.id)
        .where(Case.council_id == council.id)
        .group_by(CaseAbuseType.code)
    )
    return {row[0]: [int(v) for v in row[1:]] for row in rows}


def _band(year: Year):
    """Return the SQL age band of a child in this 年度 (birth dates against the band's cut-off days)."""
    whens = [(Child.birth_date.is_(None), literal(UNKNOWN_AGE))]
    for name, lowest in reversed(AGE_BANDS[1:]):
        whens.append((Child.birth_date <= year.born_by(lowest), literal(name)))
    return case(*whens, else_=literal(AGE_BANDS[0][0]))


def by_age(council: Council, year: Year) -> dict[str, list[int]]:
    """Return age band -> [children of cases registered at the end of the year, the year before]."""
    names = [name for name, _ in AGE_BANDS] + [UNKNOWN_AGE]
    columns = [
        _sum(and_(registered_at_end(each), _band(each) == name)) for name in names for each in _years(year)
    ]
    row = db.session.execute(
        select(*columns)
        .select_from(Child)
        .join(Case, Case.id == Child.case_id)
        .where(Case.council_id == council.id)
    ).one()
    return {name: [int(row[2 * i]), int(row[2 * i + 1])] for i, name in enumerate(names)}


def by_month(council: Council, year: Year) -> dict[str, list[int]]:
    """Return "YYYY-MM" -> [new registrations, closures] for the 24 months of both years."""
    columns, keys = [], []
    for each in reversed(_years(year)):
        for y, m in each.months():
            first = each.first.replace(year=y, month=m, day=1)
            after = first.replace(year=y + (m == 12), month=m % 12 + 1)
            new = and_(Case.registered_on >= first, Case.registered_on < after)
            closed = and_(Case.registered_on.is_not(None), Case.closed_on >= first, Case.closed_on < after)
            columns += [_sum(new), _sum(closed)]
            keys.append(f"{y}-{m:02d}")
    row = db.session.execute(select(*columns).where(Case.council_id == council.id)).one()
    return {key: [int(row[2 * i]), int(row[2 * i + 1])] for i, key in enumerate(keys)}
