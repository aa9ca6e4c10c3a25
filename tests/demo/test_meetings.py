"""The demo's monthly practitioner meeting (SCENARIOS.md 4), as `flask seed-demo` builds it."""

import pytest
from sqlalchemy import select

from cases import policy
from cases.models import Case, Child, Part, Status
from meetings.live.payloads import NOT_SHARED, Reader
from meetings.models import Mark, Meeting, Tier
from portal.extensions import db
from portal.models import Agency, User
from reports.alerts.models import Alert

# The cases to discuss (by a child's or the expectant mother's name) and the reason each must show.
DISCUSSED = {
    "井上 陽向": "alert_open",  # みどり第二小学校's immediate report of 7 days' absence, not acknowledged
    "山本 はると": "risk_up",  # 伊藤 raised the risk after a home visit (SCENARIOS.md 1.7)
    "坂本 蓮": "review_overdue",
    "菊池 友美": "review_overdue",
    "西村 葵": "no_report",  # her school's involvement ended; nobody reports on her
    "竹内 咲良": "scale_down",  # さくらこども園's newer assessment sheet is lower
}


@pytest.fixture
def meeting(app) -> Meeting:
    """Seed the whole demo town as `flask seed-demo` does; return its monthly practitioner meeting."""
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    return db.session.scalar(
        select(Meeting).where(Meeting.tier == Tier.PRACTITIONER.value, Meeting.section == "")
    )


def case_named(name: str) -> Case:
    """Return the case of a child, or of an expectant mother (by her guardian row)."""
    child = db.session.scalar(select(Child).where(Child.name == name))
    if child is not None:
        return child.case
    return next(c for c in db.session.scalars(select(Case)) if any(g.name == name for g in c.guardians))


def test_six_cases_are_discussed_for_their_reasons_and_eighteen_shared_with_draft_policies(meeting):
    assert meeting.title.endswith("月の実務者会議")
    items = [i for i in meeting.items if i.case_id]
    assert len(items) == 24
    assert {i.case_id for i in items} == set(
        db.session.scalars(
            select(Case.id).where(
                Case.council_id == meeting.council_id, Case.status == Status.REGISTERED.value
            )
        )
    )
    discussed = {i.case_id: i for i in items if i.mark == Mark.DISCUSS}
    assert set(discussed) == {case_named(name).id for name in DISCUSSED}
    for name, reason in DISCUSSED.items():
        assert reason in discussed[case_named(name).id].reason_codes, name
    assert sum(reason == "review_overdue" for reason in DISCUSSED.values()) == 2
    # Each reason shows on exactly the case told above (a case may show more, such as 山本's plan).
    for reason in ("alert_open", "risk_up", "no_report", "scale_down"):
        assert len([i for i in items if reason in i.reason_codes]) == 1, reason
    shared = [i for i in items if i.mark == Mark.SHARE]
    assert len(shared) == 18
    for item in shared:
        assert not item.reason_codes and item.draft_policy.startswith("<p>"), item.case.case_number
        assert item.draft_policy == item.case.support_policy
    # Discussed items come first, then the shared ones approved together.
    marks = [i.mark for i in sorted(items, key=lambda i: i.position)]
    assert marks == [Mark.DISCUSS.value] * 6 + [Mark.SHARE.value] * 18
    alert = db.session.scalar(select(Alert).where(Alert.case_id == case_named("井上 陽向").id))
    assert alert.acknowledged_at is None


def test_the_school_representative_sees_her_own_childrens_cases_and_nonshared_for_the_rest(meeting):
    teacher = db.session.scalar(select(User).where(User.login_id == "takahashi"))
    school = db.session.scalar(select(Agency).where(Agency.name == "みどり第一小学校"))
    own = set(
        db.session.scalars(
            select(Child.case_id)
            .join(Case, Case.id == Child.case_id)
            .where(Child.enrolled_agency_id == school.id, Case.status == Status.REGISTERED.value)
        )
    )
    assert len(own) == 6
    reader = Reader(teacher, meeting)
    views = {item.id: reader.item(item) for item in meeting.items}
    cases = [item for item in meeting.items if item.case_id]
    shown = {item.case_id for item in cases if not views[item.id]["hidden"]}
    assert shown == own
    for item in cases:
        view = views[item.id]
        if item.case_id in own:
            assert view["case"]["number"] == item.case.case_number and view["mark"] == item.mark
            assert names_of(school, item.case) <= set(view["case"]["children"])
        else:
            assert view == {"id": item.id, "number": item.position, "hidden": True, "label": NOT_SHARED}
    # A sibling at another school stays out of sight, and so does 山本 ゆい (the school's invitation
    # to their individual case meeting names its own child only).
    yamamoto = next(views[i.id] for i in cases if i.case_id == case_named("山本 はると").id)
    assert yamamoto["case"]["children"] == ["山本 はると"]
    sakamoto = next(views[i.id] for i in cases if i.case_id == case_named("坂本 蓮").id)
    assert sakamoto["case"]["children"] == ["坂本 蓮"]
    # The meeting's other item (the report of new and closed cases) is for everyone.
    others = [views[item.id] for item in meeting.items if not item.case_id]
    assert others and not any(view["hidden"] for view in others)


def names_of(school: Agency, case: Case) -> set[str]:
    """Return the names of the case's children enrolled at the school."""
    return {c.name for c in case.children if c.enrolled_agency_id == school.id}


def test_the_case_meeting_invitation_shares_only_what_the_meeting_needs(meeting, client):
    """みどり第二小学校 (no child in the 山本 household) is invited to its case meeting: it sees the
    ledger and the meeting, never ゆい's details, the guardians or the household note (README)."""
    case = case_named("山本 はると")
    kimura = db.session.scalar(select(User).where(User.login_id == "kimura"))
    access = policy.access_for(kimura, case)
    assert set(access.parts) == {Part.LEDGER, Part.MEETINGS}
    assert not any(access.child_visible(Part.BASIC, c.id) for c in case.children)
    client.submit("/login", {"login_id": "kimura", "password": "Midori-Demo-2025"})
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    for secret in ("山本 ゆい", "きりん組", "山本 健", "山本 亜紀", "夜勤"):
        assert secret not in page, secret
    # 高橋 and 田中 see their own child only, as README says.
    for login, own in (("takahashi", "山本 はると"), ("tanaka", "山本 ゆい")):
        person = db.session.scalar(select(User).where(User.login_id == login))
        access = policy.access_for(person, case)
        names = {c.name for c in case.children if access.child_visible(Part.BASIC, c.id)}
        assert names == {own}, login
        assert not access.whole(Part.BASIC), login
