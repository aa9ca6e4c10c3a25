"""Random worlds: what each person reaches through every route equals what the policy allows.

A world is a few agencies, people, councils, households and grants drawn at random (causes,
periods, revocations, child scopes, case statuses). For every person of the world, the case page
(404 or not, which part sections are shown, which names and notes), the ledger, a search by
name and the CSV export must agree with `can_view`.
"""

import csv
import io
import itertools
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from cases import policy
from cases.ledger.search import search_key
from cases.models import Case, Child, Guardian, Part, Status
from cases.notes.models import CaseNote
from cases.sharing.models import AccessGrant, GrantCause
from portal.dates import today_in_japan
from portal.extensions import db
from portal.models import Agency, AgencyKind, Council, Role, User, UserRole
from portal.types import utcnow
from tests.factories import _DEFAULT_HASH

WORLD_NUMBERS = itertools.count(1)
NOT_SHARED = '<p class="muted not-shared">'

ROLE_SETS = [
    (Role.AGENCY_MEMBER,),
    (Role.COORDINATOR,),
    (Role.FACILITATOR,),
    (Role.AGENCY_MEMBER,),
    (Role.AGENCY_MEMBER,),
    (Role.CASEWORKER,),
    (Role.ADVISOR,),
    (Role.ADMIN,),
    (Role.AUDITOR,),
    (Role.ADMIN, Role.AGENCY_MEMBER),
]
DAY_OFFSETS = [-30, -30, -1, 0, 1]
END_OFFSETS = [None, None, -1, 0, 7]
# Part masks that occur in practice (school, meeting, whole case, plan only), and any other.
PART_MASKS = st.sampled_from([0b001111, 0b100011, 0b111111, 0b010000, 0b000001]) | st.integers(1, 63)


# What a world is made of, as drawn (indexes into the world's own lists)


@dataclass
class GrantPlan:
    case: int
    agency: int
    cause: GrantCause
    parts: int
    starts: int
    ends: int | None
    revoked: bool
    child: int | None


@dataclass
class CasePlan:
    council: int
    status: Status
    children: int
    guardians: int


@dataclass
class WorldPlan:
    agencies: int
    coordinators: list[int | None]  # the coordinating agency of each council
    people: list[tuple[int, tuple[Role, ...], bool]]  # agency, roles, active
    cases: list[CasePlan]
    grants: list[GrantPlan]
    notes: list[tuple[int, int, int | None]]  # case, agency, child


@st.composite
def world_plans(draw) -> WorldPlan:
    """Draw a small world."""
    agencies = draw(st.integers(2, 4))
    agency = st.integers(0, agencies - 1)
    coordinators = [draw(agency), draw(st.none() | agency)]
    # One or two people in every agency, so that most grants reach someone.
    people = [
        (a, roles, active)
        for a in range(agencies)
        for roles, active in draw(
            st.lists(
                st.tuples(st.sampled_from(ROLE_SETS), st.sampled_from([True, True, True, False])),
                min_size=1,
                max_size=2,
            )
        )
    ]
    cases = draw(
        st.lists(
            st.builds(
                CasePlan,
                council=st.integers(0, 1),
                status=st.sampled_from(list(Status)),
                children=st.sampled_from([1, 2, 2]),
                guardians=st.sampled_from([0, 1, 1, 2]),
            ),
            min_size=1,
            max_size=3,
        )
    )
    case = st.integers(0, len(cases) - 1)
    grants = draw(
        st.lists(
            st.builds(
                GrantPlan,
                case=case,
                agency=agency,
                cause=st.sampled_from(list(GrantCause)),
                parts=PART_MASKS,
                starts=st.sampled_from(DAY_OFFSETS),
                ends=st.sampled_from(END_OFFSETS),
                revoked=st.sampled_from([False, False, True]),
                child=st.sampled_from([None, 0, 1]),
            ),
            min_size=1,
            max_size=8,
        )
    )
    notes = draw(st.lists(st.tuples(case, agency, st.none() | st.integers(0, 1)), max_size=3))
    return WorldPlan(
        agencies=agencies,
        coordinators=coordinators,
        people=people,
        cases=cases,
        grants=grants,
        notes=notes,
    )


# The world, as built in the database


@dataclass
class World:
    people: list[User] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    children: list[Child] = field(default_factory=list)
    guardians: list[Guardian] = field(default_factory=list)
    notes: list[CaseNote] = field(default_factory=list)


def build(plan: WorldPlan) -> World:
    """Insert the world's rows directly, in one transaction; names are unique across worlds."""
    n = next(WORLD_NUMBERS)
    today = today_in_japan()
    kind = db.session.scalar(select(AgencyKind).where(AgencyKind.name == "小学校"))
    agencies = [Agency(name=f"W{n:03d}機関{i}", kind_id=kind.id) for i in range(plan.agencies)]
    councils = [Council(name=f"W{n:03d}協議会{i}", municipality=f"W{n:03d}市{i}") for i in range(2)]
    db.session.add_all(agencies + councils)
    db.session.flush()
    for council, coordinator in zip(councils, plan.coordinators, strict=True):
        council.members = list(agencies)
        council.coordinating_agency_id = agencies[coordinator].id if coordinator is not None else None
    world = World()
    for i, (a, roles, active) in enumerate(plan.people):
        user = User(
            login_id=f"w{n}u{i}",
            name=f"W{n:03d}職員{i}",
            agency_id=agencies[a].id,
            password_hash=_DEFAULT_HASH,
            must_change_password=False,
            active=active,
        )
        user.role_rows = [UserRole(role=r.value) for r in roles]
        world.people.append(user)
    db.session.add_all(world.people)
    for i, c in enumerate(plan.cases):
        case = Case(
            council_id=councils[c.council].id,
            case_number=f"W{n:03d}-{i}",
            category="protection",
            status=c.status.value,
            received_on=date(2025, 4, 1),
            registered_on=date(2025, 4, 1) if c.status != Status.INTAKE else None,
            household_note=f"<p>世帯メモW{n:03d}{i}</p>",
        )
        # Names of a fixed width, so that no name is part of another.
        case.children = [
            Child(name=f"児童{n:03d}{i}{j}", name_kana=f"じどう{n:03d}{i}{j}") for j in range(c.children)
        ]
        case.guardians = [
            Guardian(relation="mother", name=f"保護者{n:03d}{i}{j}") for j in range(c.guardians)
        ]
        for person in case.children + case.guardians:
            person.search_key = search_key(person.name, person.name_kana)
        world.cases.append(case)
        world.children += case.children
        world.guardians += case.guardians
    db.session.add_all(world.cases)
    db.session.flush()
    for g in plan.grants:
        case = world.cases[g.case]
        child = case.children[g.child] if g.child is not None and g.child < len(case.children) else None
        db.session.add(
            AccessGrant(
                case_id=case.id,
                agency_id=agencies[g.agency].id,
                cause=g.cause.value,
                parts=g.parts,
                child_id=child.id if child else None,
                valid_from=today + timedelta(days=g.starts),
                valid_until=today + timedelta(days=g.ends) if g.ends is not None else None,
                revoked_at=utcnow() if g.revoked else None,
            )
        )
    for k, (c, a, j) in enumerate(plan.notes):
        case = world.cases[c]
        child = case.children[j] if j is not None and j < len(case.children) else None
        note = CaseNote(
            case_id=case.id,
            child_id=child.id if child else None,
            agency_id=agencies[a].id,
            occurred_on=today,
            kind="visit",
            body=f"<p>記録W{n:03d}-{k}</p>",
        )
        world.notes.append(note)
    db.session.add_all(world.notes)
    db.session.commit()
    return world


# What the routes show


def logged_in(app, user: User):
    """Return a client with the person's session, without a password round trip (argon2 is slow)."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    return client


def page_text(response) -> str:
    """Return a response body as text."""
    return response.get_data(as_text=True)


def ledger_rows(response) -> dict[int, str]:
    """Return the ledger's rows by case id (empty when none is listed)."""
    page = page_text(response)
    assert response.status_code == 200
    if '<table class="list ledger">' not in page:
        return {}
    body = page.split("<tbody>")[1].split("</tbody>")[0]
    rows = {}
    for row in body.split("<tr")[1:]:
        case_id = int(re.search(r'href="/cases/(\d+)"', row).group(1))
        rows[case_id] = row
    return rows


def shown_parts(page: str) -> set[Part]:
    """Return the parts whose section of a case page shows content rather than 'not shared'."""
    shown = set()
    for part in Part:
        section = page.split(f'<section class="card" id="{part.value}">')[1].split("</section>")[0]
        if not section.split("</h2>", 1)[1].strip().startswith(NOT_SHARED):
            shown.add(part)
    return shown


def katakana(text: str) -> str:
    """Write the hiragana of a name in katakana, as someone might type it."""
    return "".join(chr(ord(ch) + 0x60) if "ぁ" <= ch <= "ゖ" else ch for ch in text)


# The property


def check_person(app, world: World, user: User) -> None:
    """Assert that every route shows this person exactly what can_view allows."""
    client = logged_in(app, user)
    accesses = {case.id: policy.access_for(user, case) for case in world.cases}
    allowed = {case.id: {p for p in Part if policy.can_view(user, case, p)} for case in world.cases}
    for case in world.cases:
        assert allowed[case.id] == set(accesses[case.id].parts)
    if not user.active:
        assert all(not parts for parts in allowed.values()), "a disabled person sees nothing"
        assert client.get("/cases/").status_code == 302, "a disabled person is sent to the login page"
        return
    in_ledger = {c.id for c in world.cases if Part.LEDGER in allowed[c.id]}
    ours = {c.id for c in world.cases}

    for case in world.cases:
        access = accesses[case.id]
        response = client.get(f"/cases/{case.id}")
        if not allowed[case.id]:
            assert response.status_code == 404, f"{case.case_number} exists for {user.login_id}"
            assert "ページが見つかりません" in page_text(response)
            continue
        assert response.status_code == 200
        page = page_text(response)
        assert shown_parts(page) == allowed[case.id], case.case_number
        for child in case.children:
            assert (child.name in page) == access.child_visible(Part.BASIC, child.id), child.name
        for guardian in case.guardians:
            assert (guardian.name in page) == access.whole(Part.BASIC), guardian.name
        memo = case.household_note.removeprefix("<p>").removesuffix("</p>")
        assert (memo in page) == access.whole(Part.BASIC), "the household note is the household's"
        for note in (n for n in world.notes if n.case_id == case.id):
            readable = Part.NOTES in allowed[case.id] and (
                access.child_visible(Part.NOTES, note.child_id) or note.agency_id == user.agency_id
            )
            assert (note.body in page) == readable, note.body
        history = client.get(f"/cases/{case.id}/history").status_code
        assert history == (200 if Part.LEDGER in allowed[case.id] else 404)

    rows = ledger_rows(client.get("/cases/"))
    assert {i for i in rows if i in ours} == in_ledger, "the ledger lists the cases whose ledger is shared"
    for case in world.cases:
        if case.id in rows:
            for child in case.children:
                shown = child.name in rows[case.id]
                assert shown == accesses[case.id].child_visible(Part.BASIC, child.id), child.name

    # Search by every name of the cases in the person's ledger, and by one name of each other case.
    for case in world.cases:
        names = [*case.children, *case.guardians][: None if case.id in in_ledger else 1]
        for person in names:
            if isinstance(person, Child):
                visible = accesses[case.id].child_visible(Part.BASIC, person.id)
                # By the kanji name, or by the kana typed in katakana, in turn.
                query = person.name if person.id % 2 else katakana(person.name_kana)
            else:
                visible = accesses[case.id].whole(Part.BASIC)
                query = person.name
            found = set(ledger_rows(client.get("/cases/", query_string={"q": query})))
            expected = {case.id} if visible and case.id in in_ledger else set()
            assert found == expected, f"{user.login_id} searched {query}"

    export = client.get("/cases/export.csv").get_data().decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(export)))[1:]
    by_number = {c.case_number: c for c in world.cases}
    exported = {by_number[line[1]].id: line for line in lines if line[1] in by_number}
    assert set(exported) == in_ledger, "the export has the ledger's cases"
    for case_id, line in exported.items():
        case = db.session.get(Case, case_id)
        names = [c.name for c in case.children if accesses[case_id].child_visible(Part.BASIC, c.id)]
        assert line[6] == ("、".join(names) if names else "（非共有）")


@settings(
    max_examples=20,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plan=world_plans())
def test_every_route_shows_what_the_policy_allows(app, plan):
    world = build(plan)
    for user in world.people:
        check_person(app, world, user)


# A meeting invitation's rule (policy.meeting_invitation_grants) over random households


@st.composite
def invitations(draw):
    """Draw a household (where each child is enrolled: the invited agency, another, none) and a tick."""
    enrolled = draw(st.lists(st.sampled_from([0, 1, None]), min_size=1, max_size=3))
    return enrolled, draw(st.booleans()), draw(st.integers(0, 2))


@settings(
    max_examples=15,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(drawn=invitations())
def test_an_invitation_shares_only_what_the_meeting_needs(app, drawn):
    """The invited agency sees the case's ledger and meeting record, its own children, and the
    household (other children, guardians, household note) only when the coordinator ticked it."""
    enrolled, household, guardians = drawn
    plan = WorldPlan(
        agencies=2,
        coordinators=[None, None],
        people=[(0, (Role.AGENCY_MEMBER,), True)],
        cases=[CasePlan(0, Status.REGISTERED, len(enrolled), guardians)],
        grants=[],
        notes=[],
    )
    world = build(plan)
    user, case = world.people[0], world.cases[0]
    agencies = [user.agency_id, db.session.scalar(select(Agency.id).where(Agency.id != user.agency_id))]
    for child, where in zip(case.children, enrolled, strict=True):
        child.enrolled_agency_id = agencies[where] if where is not None else None
    today = today_in_japan()
    for mask, child_id in policy.meeting_invitation_grants(case, user.agency_id, household):
        db.session.add(
            AccessGrant(
                case_id=case.id,
                agency_id=user.agency_id,
                cause=GrantCause.MEETING.value,
                parts=mask,
                child_id=child_id,
                valid_from=today,
                valid_until=today,
            )
        )
    db.session.commit()

    access = policy.access_for(user, case)
    assert set(access.parts) == {Part.LEDGER, Part.MEETINGS} | (
        {Part.BASIC} if household or 0 in enrolled else set()
    )
    assert access.whole(Part.BASIC) == household, "guardians and the household note only when ticked"
    for child, where in zip(case.children, enrolled, strict=True):
        assert access.child_visible(Part.BASIC, child.id) == (household or where == 0), child.name
    assert not policy.access_for(user, case, today=today + timedelta(days=1)).any, "until the day ends"
    check_person(app, world, user)
