"""Every table of the figures agrees with a plain count of generated worlds: registrations on 3/31
and 4/1, closures and re-registrations across years, children turning a band's age on the day ages
are taken, meetings and alerts either side of midnight at a 年度's edge, and a second council whose
rows must not count."""

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings

from cases import codes
from cases.models import Case, CaseAbuseType, Child, Status
from figures.tables import figures_of
from meetings.models import AgendaItem, Invitee, Meeting, Response, Tier
from portal.extensions import db
from portal.models import Agency, Council
from reports.alerts.models import Alert, ImmediateReport
from reports.monthly.models import MonthlyReport
from tests.factories import kind
from tests.figures.plain import expected
from tests.figures.worlds import YEAR, World, utc, worlds

YEAR_DAY = date(YEAR, 6, 1)


def _councils(n: int) -> list[Council]:
    """Add two councils, each with a school and a nursery that report, a hospital and a closed school."""
    councils = []
    for i in range(2):
        council = Council(
            name=f"例{n}-{i}協議会", municipality=f"例{n}-{i}市", sections="乳幼児部会\n学齢部会"
        )
        db.session.add(council)
        members = [
            Agency(name=f"例{n}-{i}小学校", kind=kind("小学校")),
            Agency(name=f"例{n}-{i}保育園", kind=kind("保育所")),
            Agency(name=f"例{n}-{i}病院", kind=kind("医療機関")),
            Agency(name=f"例{n}-{i}旧小学校", kind=kind("小学校"), active=False),
        ]
        council.members = members
        councils.append(council)
    db.session.flush()
    return councils


def _cases(world: World, councils: list[Council]) -> list[Case]:
    """Add the planned cases (status as the dates say) with their abuse types and children."""
    added = []
    for n, plan in enumerate(world.cases):
        status = Status.CLOSED if plan.closed else Status.REGISTERED if plan.registered else Status.INTAKE
        case = Case(
            council_id=councils[plan.council].id,
            case_number=f"W-{n:04d}",
            category=plan.category,
            status=status.value,
            received_on=plan.received,
            registered_on=plan.registered,
            closed_on=plan.closed,
            closure_reason=plan.reason,
            referral_route=plan.route,
            main_abuser=plan.abuser,
            section=plan.section,
        )
        case.abuse_type_rows = [CaseAbuseType(code=code) for code in plan.abuse]
        case.children = [Child(name=f"子{n}-{i}", birth_date=b) for i, b in enumerate(plan.births)]
        db.session.add(case)
        added.append(case)
    # Cases of the other council that the meetings and alerts point at (never counted for council 0).
    anchors = [
        Case(council_id=councils[1].id, case_number=f"ANCHOR-{i}", category="support", received_on=YEAR_DAY)
        for i in range(3)
    ]
    for anchor in anchors:
        anchor.children = [Child(name="起点")]
        db.session.add(anchor)
    db.session.flush()
    return anchors


def _meetings(world: World, councils: list[Council], cases: list[Case]) -> None:
    """Add the planned meetings with their attendance answers and case items."""
    for plan in world.meetings:
        council = councils[plan.council]
        meeting = Meeting(
            council_id=council.id,
            tier=plan.tier,
            title="会議",
            section=plan.section,
            starts_at=plan.starts,
            status="ended" if plan.ended else "scheduled",
        )
        db.session.add(meeting)
        db.session.flush()
        school = council.members[0]
        answers = [Response.ATTENDING] * plan.attending + [Response.DECLINED] * plan.declined
        for answer in answers:
            db.session.add(Invitee(meeting_id=meeting.id, agency_id=school.id, response=answer.value))
        if plan.cases:
            # One case item with its further cases, and a second item on the same case (counted once).
            item = AgendaItem(position=1, kind="case_review", case_id=cases[0].id)
            item.linked_cases = cases[1 : plan.cases]
            meeting.items = [
                item,
                AgendaItem(position=2, kind="case_review", case_id=cases[0].id),
                AgendaItem(position=3, kind="report", title="報告"),
            ]
    db.session.flush()


def _reports(world: World, councils: list[Council], anchor: Case) -> None:
    """Add the planned monthly reports, immediate reports and alerts."""
    for council_index, year, month, version in world.reports.monthly:
        council = councils[council_index]
        db.session.add(
            MonthlyReport(
                council_id=council.id,
                agency_id=council.members[0].id,
                year=year,
                month=month,
                period_start=date(year, month, 1),
                period_end=date(year, month, 28),
                version=version,
            )
        )
    child = anchor.children[0]
    for council_index, at in world.reports.immediate:
        db.session.add(
            ImmediateReport(
                council_id=councils[council_index].id,
                agency_id=councils[council_index].members[0].id,
                case_id=anchor.id,
                child_id=child.id,
                reason="injury",
                occurred_on=at.date(),
                reported_at=utc(at),
            )
        )
    for council_index, at, hours in world.reports.alerts:
        db.session.add(
            Alert(
                council_id=councils[council_index].id,
                agency_id=councils[council_index].members[0].id,
                case_id=anchor.id,
                child_id=child.id,
                reasons="injury",
                created_at=utc(at),
                acknowledged_at=None if hours is None else utc(at) + timedelta(hours=hours),
            )
        )
    db.session.flush()


def _nonzero(rows: dict) -> dict:
    """Return the rows with any number (a code no case uses may be listed with zeros)."""
    return {k: v for k, v in rows.items() if any(x for x in v)}


COUNTER = iter(range(10**9))


@settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(world=worlds)
def test_every_table_agrees_with_a_plain_count(app, world):
    try:
        councils = _councils(next(COUNTER))
        councils[0].figures_age_basis = world.age_basis
        anchors = _cases(world, councils)
        _meetings(world, councils, anchors)
        _reports(world, councils, anchors[0])
        labels = {
            name: codes.labels(name)
            for name in ("closure_reason", "abuse_type", "main_abuser", "referral_route")
        }
        tier_names = {t.value: t.name_in(councils[0]) for t in Tier}
        want = expected(world, labels, tier_names)
        found = figures_of(councils[0], YEAR, world.today)
        assert [t.key for t in found.tables] == [
            "registered",
            "flow",
            "closures",
            "ages",
            "abuse_types",
            "abusers",
            "routes",
            "sections",
            "meetings",
            "reports",
            "months",
        ]
        for table in found.tables:
            rows = {row.label: row.values for row in table.rows}
            assert len(rows) == len(table.rows), f"{table.key}: a label twice"
            if table.key in ("reports", "months"):
                assert rows == want[table.key], table.key
            else:
                assert _nonzero(rows) == _nonzero(want[table.key]), table.key
    finally:
        db.session.rollback()
