"""The case counts of a council's figures, computed in the database: one grouped query per table,
each giving the 年度 and the year before side by side (conditional sums), never a case at a time."""

from datetime import date

from sqlalchemy import and_, case, distinct, exists, func, literal, literal_column, or_, select, union_all
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


def _cases(clause):
    """Return COUNT(DISTINCT the case's id WHEN clause): cases, on rows joined to their children."""
    return func.count(distinct(case((clause, Case.id))))


def _kids(clause):
    """Return COUNT(the child's id WHEN clause): children, on rows joined to their case."""
    return func.count(case((clause, Child.id)))


def _has_abuse() -> ColumnElement[bool]:
    """Return the rule for a case with at least one abuse type."""
    return exists().where(CaseAbuseType.case_id == Case.id)


def _years(year: Year) -> tuple[Year, Year]:
    """Return the 年度 and the one before."""
    return year, year.previous()


def by_category(council: Council, year: Year) -> dict[str, list[int]]:
    """Return category -> [cases, of which abuse, children] for the year, then the same for the one before."""
    abused = _has_abuse()
    columns = []
    for each in _years(year):
        at_end = registered_at_end(each)
        columns += [_cases(at_end), _cases(and_(at_end, abused)), _kids(at_end)]
    rows = db.session.execute(
        select(Case.category, *columns)
        .outerjoin(Child, Child.case_id == Case.id)
        .where(Case.council_id == council.id, or_(*(registered_at_end(y) for y in _years(year))))
        .group_by(Case.category)
    )
    return {row[0]: [int(v) for v in row[1:]] for row in rows}


def flow(council: Council, year: Year) -> dict[str, list[int]]:
    """Return "new" and "closed" -> [cases, children] for the year, then the one before."""
    columns = []
    for each in _years(year):
        columns += [_cases(registered_during(each)), _kids(registered_during(each))]
        columns += [_cases(closed_during(each)), _kids(closed_during(each))]
    row = db.session.execute(
        select(*columns)
        .select_from(Case)
        .outerjoin(Child, Child.case_id == Case.id)
        .where(
            Case.council_id == council.id,
            or_(*(c(y) for c in (registered_during, closed_during) for y in _years(year))),
        )
    ).one()
    values = [int(v) for v in row]
    return {"new": values[0:2] + values[4:6], "closed": values[2:4] + values[6:8]}


def _grouped(council: Council, key, clauses: list, join_abused: bool = False) -> dict[str, list[int]]:
    """Return key -> [cases where each clause holds] grouped in one query."""
    query = select(key, *[_sum(c) for c in clauses]).where(Case.council_id == council.id, or_(*clauses))
    if join_abused:
        query = query.where(_has_abuse())
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
    columns = []
    for each in _years(year):
        columns += [_cases(registered_at_end(each)), _kids(registered_at_end(each))]
    rows = db.session.execute(
        select(CaseAbuseType.code, *columns)
        .join(Case, Case.id == CaseAbuseType.case_id)
        .outerjoin(Child, Child.case_id == Case.id)
        .where(Case.council_id == council.id, or_(*(registered_at_end(y) for y in _years(year))))
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
    """Return age band -> [children of cases registered at the end of the year, the year before].

    Each child's band and population in both years are worked out once (an inner query), then
    grouped: a few rows come back however many children there are.
    """
    names = [name for name, _ in AGE_BANDS] + [UNKNOWN_AGE]
    now, before = _years(year)
    inner = (
        select(
            _band(now).label("band_now"),
            _band(before).label("band_before"),
            case((registered_at_end(now), 1), else_=0).label("in_now"),
            case((registered_at_end(before), 1), else_=0).label("in_before"),
        )
        .select_from(Child)
        .join(Case, Case.id == Child.case_id)
        .where(Case.council_id == council.id, or_(registered_at_end(now), registered_at_end(before)))
        .subquery()
    )
    columns = (inner.c.band_now, inner.c.band_before, inner.c.in_now, inner.c.in_before)
    found = {name: [0, 0] for name in names}
    for band_now, band_before, in_now, in_before, count in db.session.execute(
        select(*columns, func.count()).group_by(*columns)
    ):
        if in_now:
            found[band_now][0] += count
        if in_before:
            found[band_before][1] += count
    return found


def by_month(council: Council, year: Year) -> dict[str, list[int]]:
    """Return "YYYY-MM" -> [new registrations, closures] for the 24 months of both years.

    The database counts per day (at most 731 rows for the two years); the days are added into months.
    """
    first, last = year.previous().first, year.last
    new = (
        select(literal_column("'new'").label("what"), Case.registered_on.label("day"), func.count())
        .where(Case.council_id == council.id, Case.registered_on.between(first, last))
        .group_by(Case.registered_on)
    )
    closed = (
        select(literal_column("'closed'"), Case.closed_on, func.count())
        .where(
            Case.council_id == council.id,
            Case.registered_on.is_not(None),
            Case.closed_on.between(first, last),
        )
        .group_by(Case.closed_on)
    )
    found = {f"{y}-{m:02d}": [0, 0] for each in reversed(_years(year)) for y, m in each.months()}
    for what, day, count in db.session.execute(union_all(new, closed)):
        day = day if isinstance(day, date) else date.fromisoformat(str(day)[:10])
        found[f"{day.year}-{day.month:02d}"][0 if what == "new" else 1] += count
    return found
