"""The benchmark world: what `python -m bench.world` builds, and that the access policy holds in it."""

from collections import Counter

import click
import pytest
from sqlalchemy import func, select

from bench.world import BENCH_PASSWORD, build_world
from bench.world.__main__ import seed_bench
from bench.world.cases import World
from cases import policy
from cases.models import Case, Category, Child, Part, Status
from cases.sharing.models import AccessGrant, GrantCause, Involvement, InvolvementKind
from portal.extensions import db
from portal.models import Agency, AgencyKind, Council, Role, User, UserRole

N_CASES = 60


@pytest.fixture
def world(app):
    """Build a small world of 60 cases; return build_world's summary."""
    return build_world(N_CASES, seed=3)


def _count(model) -> int:
    """Return the number of rows of a model."""
    return db.session.scalar(select(func.count()).select_from(model))


def _visible_ids(user: User) -> set[int]:
    """Return the ids of the cases whose ledger part the person sees."""
    return set(db.session.scalars(policy.visible_cases(user, Part.LEDGER).with_only_columns(Case.id)))


def _member_of(agency_id: int, role: Role) -> User:
    """Return the first person of an agency holding a role."""
    return db.session.scalars(
        select(User)
        .join(UserRole)
        .where(User.agency_id == agency_id, UserRole.role == role.value)
        .order_by(User.id)
    ).first()


def test_the_world_has_a_municipality_s_size(world):
    """Count the cases, agencies and people the summary promises, spread over three councils."""
    assert _count(Case) == N_CASES == world["cases"]
    assert _count(Agency) == world["agencies"] > 300
    assert _count(User) == world["people"] > 2000
    assert _count(Council) == 3
    by_council = Counter(db.session.scalars(select(Case.council_id)))
    assert sum(by_council.values()) == N_CASES
    assert max(by_council.values()) > N_CASES // 2
    numbers = db.session.execute(select(Case.council_id, Case.case_number)).all()
    assert len(set(numbers)) == N_CASES


def test_every_case_holds_what_register_case_stores(world):
    """Each child's agency holds a child-scoped grant; the lead and the 児童相談所 join by rule."""
    for case in db.session.scalars(select(Case)):
        involvements = db.session.scalars(select(Involvement).where(Involvement.case_id == case.id)).all()
        grants = db.session.scalars(select(AccessGrant).where(AccessGrant.case_id == case.id)).all()
        statutory = {g.involvement_id: g for g in grants if g.cause == GrantCause.STATUTORY.value}
        assert {i.id for i in involvements} == set(statutory)
        if case.category != Category.PREGNANT.value:
            assert case.children
        for child in case.children:
            (enrolled,) = [i for i in involvements if i.child_id == child.id]
            assert (enrolled.kind, enrolled.agency_id) == (
                InvolvementKind.ENROLLED.value,
                child.enrolled_agency_id,
            )
            assert statutory[enrolled.id].child_id == child.id
        kinds = Counter(i.kind for i in involvements)
        assert kinds[InvolvementKind.LEAD.value] == (
            case.lead_agency_id != case.council.coordinating_agency_id
        )
        rule = case.council.child_guidance_auto_join
        joins = rule == "all" or (rule == "abuse" and bool(case.abuse_types))
        assert kinds[InvolvementKind.CHILD_GUIDANCE.value] == joins
        assert all(i.started_on == case.received_on for i in involvements)
        others = [statutory[i.id] for i in involvements if i.kind != InvolvementKind.ENROLLED.value]
        assert all(g.child_id is None for g in others)


def test_a_school_sees_exactly_the_registered_cases_of_its_children(world):
    """A teacher's ledger holds the registered cases with a child enrolled at the school, or that it leads."""
    enrolled = Counter(
        db.session.scalars(
            select(Child.enrolled_agency_id)
            .join(Agency, Agency.id == Child.enrolled_agency_id)
            .join(AgencyKind)
            .where(AgencyKind.name == "小学校")
        )
    )
    school_id = enrolled.most_common(1)[0][0]
    teacher = _member_of(school_id, Role.AGENCY_MEMBER)
    registered = select(Case.id).where(Case.status == Status.REGISTERED.value)
    expected = set(db.session.scalars(registered.join(Child).where(Child.enrolled_agency_id == school_id)))
    expected |= set(db.session.scalars(registered.where(Case.lead_agency_id == school_id)))
    assert expected
    assert _visible_ids(teacher) == expected


def test_a_coordinator_sees_every_case_of_the_council(world):
    """A coordinator of each council sees all of its cases and none of the other councils'."""
    for council in db.session.scalars(select(Council)):
        coordinator = _member_of(council.coordinating_agency_id, Role.COORDINATOR)
        own = set(db.session.scalars(select(Case.id).where(Case.council_id == council.id)))
        assert _visible_ids(coordinator) == own


def test_the_same_seed_gives_the_same_world(app):
    """Two generators with one seed queue the same households; another seed gives others."""

    def households(seed: int) -> dict:
        generator = World(seed)
        generator.build_agencies()
        generator.build_cases(20)
        return {t: rows for t, rows in generator.rows.items() if t in (Case, Child, AccessGrant)}

    assert households(5) == households(5)
    assert households(5) != households(6)
    assert _count(Case) == 0  # nothing written: the rows were only queued


def test_building_twice_is_refused(world):
    """A database that already holds the world is left as it is."""
    with pytest.raises(click.UsageError, match="既にケースがあります"):
        build_world(10)
    assert _count(Case) == N_CASES


def test_the_command_builds_the_world_and_its_people_can_log_in(app, client):
    """The bench command reports what it built; a bench person logs in with the bench password."""
    runner = app.test_cli_runner()
    result = runner.invoke(seed_bench, ["--cases", "25", "--seed", "2"])
    assert result.exit_code == 0, result.output
    assert "ケース 25 件" in result.output
    assert _count(Case) == 25
    again = runner.invoke(seed_bench, ["--cases", "25"])
    assert again.exit_code != 0
    assert "既にケースがあります" in again.output
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
    council = db.session.scalars(select(Council).order_by(Council.id)).first()
    coordinator = _member_of(council.coordinating_agency_id, Role.COORDINATOR)
    response = client.submit("/login", {"login_id": coordinator.login_id, "password": BENCH_PASSWORD})
    assert response.status_code == 302
    own = db.session.scalar(select(func.count()).where(Case.council_id == council.id))
    assert f"全{own}件" in client.get("/cases/").get_data(as_text=True)
