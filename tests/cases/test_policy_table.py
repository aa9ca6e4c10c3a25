"""The access policy as a table: who x situation x case status -> which parts of which child they see.

Each row is checked four ways that must agree: `can_view` for the household and for each child,
and the SQL of `visible_cases(user, part)` and `visible_children_clause(user, part)`.

Parts are written with one letter each: B 基本情報, L 台帳, N 経過記録, R 報告, P 支援計画, M 会議記録.
"""

from datetime import timedelta

import pytest
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from cases import policy
from cases.models import Case, Child, Part, Status
from cases.sharing import consents
from cases.sharing import services as sharing
from cases.sharing.models import AccessGrant, GrantCause, Involvement, InvolvementKind
from portal.dates import today_in_japan
from portal.extensions import db
from portal.models import Role
from tests.factories import AgencyFactory, UserFactory, kind

LETTERS = {
    "B": Part.BASIC,
    "L": Part.LEDGER,
    "N": Part.NOTES,
    "R": Part.REPORTS,
    "P": Part.PLAN,
    "M": Part.MEETINGS,
}
ALL = "BLNRPM"
SCHOOL = "BLNR"  # what an enrolled school or nursery shares on the statutory basis, for its own child
MEETING = "LM"  # what a meeting invitee sees while invited: the case's ledger and the meeting's record
HOUSEHOLD = "BLM"  # ... and the whole household, when the coordinator ticks it with a reason


def parts(letters: str) -> set[Part]:
    """Return the parts named by their letters."""
    return {LETTERS[letter] for letter in letters}


def days(n: int):
    """Return the date n days from today (in Japan)."""
    return today_in_japan() + timedelta(days=n)


# Situations: each sets up the case and returns the person whose view is checked.


def _consent(town, agency, letters="BP", **kwargs):
    """Record the mother's consent to share the given parts with one agency."""
    kwargs.setdefault("given_on", days(-30))
    return consents.record_consent(
        town.coordinator,
        town.case,
        given_by_name="山本 亜紀",
        given_by_relation="mother",
        agency_ids=[agency.id],
        parts=sorted(parts(letters)),
        **kwargs,
    )


def _consent_grant(town, agency) -> AccessGrant:
    """Return the consent grant of an agency."""
    return db.session.scalar(
        select(AccessGrant).where(
            AccessGrant.agency_id == agency.id, AccessGrant.cause == GrantCause.CONSENT.value
        )
    )


def _emergency(town, letters="BN") -> AccessGrant:
    """Share parts with the hospital in an emergency, for three days."""
    return sharing.emergency_share(
        town.coordinator,
        town.case,
        agency_id=town.hospital.id,
        parts=sorted(parts(letters)),
        reason="救急搬送。既往歴の確認のため",
        legal_basis="privacy_69_2_4",
        valid_until=days(3),
    )


def _meeting(town, start: int, end: int, agency=None, household=False):
    """Invite the hospital (or another agency) to a meeting on the case for the given days."""
    sharing.add_involvement(
        town.coordinator,
        town.case,
        (agency or town.hospital).id,
        InvolvementKind.MEETING,
        days(start),
        ended_on=days(end),
        household=household,
        reason="父母との面談の調整のため" if household else "",
    )


def health_nurse(town):
    """Return a nurse of the city's health center (保健センター), a member agency with no role in the case."""
    center = AgencyFactory(name="みどり市保健センター", kind=kind("保健センター"), councils=[town.council])
    return UserFactory(login_id="hoken", name="保健師", agency=center)


def s_consent(town):
    nurse = health_nurse(town)
    _consent(town, nurse.agency)
    return nurse


def s_consent_withdrawn(town):
    nurse = health_nurse(town)
    consent = _consent(town, nurse.agency)
    consents.withdraw_consent(town.coordinator, town.case, consent.id, "母から撤回の申し出")
    return nurse


def s_consent_withdrawn_for_another_agency(town):
    nurse = health_nurse(town)
    consent = consents.record_consent(
        town.coordinator,
        town.case,
        given_by_name="山本 亜紀",
        given_by_relation="mother",
        given_on=days(-30),
        agency_ids=[nurse.agency.id, town.hospital.id],
        parts=[Part.BASIC, Part.PLAN],
    )
    consents.withdraw_consent(town.coordinator, town.case, consent.id, agency_ids=[town.hospital.id])
    return nurse


def s_consent_expired(town):
    nurse = health_nurse(town)
    _consent(town, nurse.agency, given_on=days(-60), valid_until=days(-1))
    return nurse


def s_consent_ends_today(town):
    nurse = health_nurse(town)
    _consent(town, nurse.agency, given_on=days(-60), valid_until=days(0))
    return nurse


def s_consent_not_started(town):
    nurse = health_nurse(town)
    _consent(town, nurse.agency, given_on=days(0))
    # A consent signed today for sharing from next week (the service refuses a future signing date).
    _consent_grant(town, nurse.agency).valid_from = days(7)
    db.session.commit()
    return nurse


def s_emergency(town):
    _emergency(town)
    return town.doctor


def s_emergency_expired(town):
    grant = _emergency(town)
    grant.valid_from, grant.valid_until = days(-10), days(-1)
    db.session.commit()
    return town.doctor


def s_emergency_revoked(town):
    grant = _emergency(town)
    sharing.revoke_grant(town.coordinator, town.case, grant.id)
    return town.doctor


def s_meeting_today(town):
    _meeting(town, 0, 0)
    return town.doctor


def s_meeting_household(town):
    _meeting(town, 0, 0, household=True)
    return town.doctor


def s_meeting_school(town):
    _meeting(town, 0, 0, agency=town.school)
    return town.teacher


def s_meeting_other_school(town):
    _meeting(town, 0, 0, agency=town.other_school)
    return town.other_teacher


def s_meeting_over(town):
    _meeting(town, -7, -1)
    return town.doctor


def s_meeting_next_week(town):
    _meeting(town, 7, 7)
    return town.doctor


def s_other_center_caseworker(town):
    center = AgencyFactory(name="県北児童相談所", kind=kind("児童相談所"), councils=[town.council])
    return UserFactory(login_id="kita", name="北", agency=center, roles=[Role.CASEWORKER])


def s_teacher_with_consent(town):
    _consent(town, town.school)
    return town.teacher


def s_school_left(town):
    """The school's involvement ended yesterday (はると changed schools)."""
    involvement = next(i for i in _involvements(town) if i.agency_id == town.school.id)
    sharing.end_involvement(town.coordinator, town.case, involvement.id, days(-1))
    return town.teacher


def _involvements(town):
    return db.session.scalars(select(Involvement).where(Involvement.case_id == town.case.id)).all()


def s_disabled(name):
    def situation(town):
        user = getattr(town, name)
        user.active = False
        db.session.commit()
        return user

    return situation


def s_person(name):
    return lambda town: getattr(town, name)


SITUATIONS = {
    "coordinator of the council": s_person("coordinator"),
    "facilitator of the council": s_person("facilitator"),
    "coordinator of another council": s_person("other_coordinator"),
    "member of the coordinating agency": s_person("center_nurse"),
    "teacher of はると's school": s_person("teacher"),
    "teacher of はると's school, school left": s_school_left,
    "teacher of はると's school, with consent B+P": s_teacher_with_consent,
    "head of ゆい's nursery": s_person("nursery_head"),
    "teacher of another school": s_person("other_teacher"),
    "caseworker of the involved 児童相談所": s_person("caseworker"),
    "caseworker of a 児童相談所 not involved": s_other_center_caseworker,
    "health center, consent B+P": s_consent,
    "health center, consent withdrawn": s_consent_withdrawn,
    "health center, consent withdrawn for another agency": s_consent_withdrawn_for_another_agency,
    "health center, consent expired yesterday": s_consent_expired,
    "health center, consent ends today": s_consent_ends_today,
    "health center, consent not yet started": s_consent_not_started,
    "hospital, emergency share B+N": s_emergency,
    "hospital, emergency share expired": s_emergency_expired,
    "hospital, emergency share revoked": s_emergency_revoked,
    "hospital, invited to today's meeting": s_meeting_today,
    "hospital, invited to today's meeting, household shared": s_meeting_household,
    "teacher of はると's school, invited to today's meeting": s_meeting_school,
    "teacher of another school, invited to today's meeting": s_meeting_other_school,
    "hospital, after the meeting": s_meeting_over,
    "hospital, before next week's meeting": s_meeting_next_week,
    "system administrator (of the coordinating agency)": s_person("admin"),
    "auditor": s_person("auditor"),
    "disabled coordinator": s_disabled("coordinator"),
    "disabled teacher": s_disabled("teacher"),
    "disabled caseworker": s_disabled("caseworker"),
}

# who, case status, what they see of はると, what they see of ゆい
TABLE = [
    ("coordinator of the council", "registered", ALL, ALL),
    ("coordinator of the council", "intake", ALL, ALL),
    ("coordinator of the council", "closed", ALL, ALL),
    ("facilitator of the council", "registered", ALL, ALL),
    ("facilitator of the council", "intake", ALL, ALL),
    ("coordinator of another council", "registered", "", ""),
    ("member of the coordinating agency", "registered", "", ""),
    ("teacher of はると's school", "registered", SCHOOL, ""),
    ("teacher of はると's school", "intake", "", ""),
    ("teacher of はると's school", "closed", "", ""),
    ("teacher of はると's school, school left", "registered", "", ""),
    ("teacher of はると's school, with consent B+P", "registered", SCHOOL + "P", "BP"),
    ("teacher of はると's school, with consent B+P", "closed", "BP", "BP"),
    ("head of ゆい's nursery", "registered", "", SCHOOL),
    ("head of ゆい's nursery", "intake", "", ""),
    ("teacher of another school", "registered", "", ""),
    ("caseworker of the involved 児童相談所", "registered", ALL, ALL),
    ("caseworker of the involved 児童相談所", "intake", "", ""),
    ("caseworker of the involved 児童相談所", "closed", "", ""),
    ("caseworker of a 児童相談所 not involved", "registered", "", ""),
    ("health center, consent B+P", "registered", "BP", "BP"),
    ("health center, consent B+P", "intake", "BP", "BP"),
    ("health center, consent B+P", "closed", "BP", "BP"),
    ("health center, consent withdrawn", "registered", "", ""),
    ("health center, consent withdrawn for another agency", "registered", "BP", "BP"),
    ("health center, consent expired yesterday", "registered", "", ""),
    ("health center, consent ends today", "registered", "BP", "BP"),
    ("health center, consent not yet started", "registered", "", ""),
    ("hospital, emergency share B+N", "registered", "BN", "BN"),
    ("hospital, emergency share B+N", "intake", "BN", "BN"),
    ("hospital, emergency share expired", "registered", "", ""),
    ("hospital, emergency share revoked", "registered", "", ""),
    ("hospital, invited to today's meeting", "registered", MEETING, MEETING),
    ("hospital, invited to today's meeting", "closed", MEETING, MEETING),
    ("hospital, invited to today's meeting, household shared", "registered", HOUSEHOLD, HOUSEHOLD),
    # An invitation names the agency's own child only, never the household's other children.
    ("teacher of はると's school, invited to today's meeting", "registered", SCHOOL + "M", MEETING),
    ("teacher of another school, invited to today's meeting", "registered", MEETING, MEETING),
    ("hospital, after the meeting", "registered", "", ""),
    ("hospital, before next week's meeting", "registered", "", ""),
    ("system administrator (of the coordinating agency)", "registered", "", ""),
    ("auditor", "registered", "", ""),
    ("disabled coordinator", "registered", "", ""),
    ("disabled teacher", "registered", "", ""),
    ("disabled caseworker", "registered", "", ""),
]


def set_status(case: Case, status: str) -> None:
    """Put the case in a status (受理, 登録, 終結)."""
    case.status = status
    if status == Status.INTAKE.value:
        case.registered_on = None
    if status == Status.CLOSED.value:
        case.closed_on = days(-1)
        case.closure_reason = "improved"
    db.session.commit()


def sql_cases(user, part) -> set[int]:
    """Return the ids of the cases `visible_cases` lists for the person."""
    return set(db.session.scalars(policy.visible_cases(user, part).with_only_columns(Case.id)))


def sql_households(user, part) -> set[int]:
    """Return the ids of the cases whose `part` the SQL clause shows the person for the whole household."""
    return set(db.session.scalars(select(Case.id).where(policy.household_cases_clause(user, part))))


def sql_children(user, part) -> set[int]:
    """Return the ids of the children whose `part` the SQL clause shows the person."""
    query = select(Child.id).join(Case, Case.id == Child.case_id)
    return set(db.session.scalars(query.where(policy.visible_children_clause(user, part))))


@pytest.mark.parametrize(
    ("who", "status", "haruto_sees", "yui_sees"), TABLE, ids=[f"{r[0]}|{r[1]}" for r in TABLE]
)
def test_policy_table(town, who, status, haruto_sees, yui_sees):
    user = SITUATIONS[who](town)
    set_status(town.case, status)
    case, haruto, yui = town.case, town.haruto, town.yui
    expected = {haruto.id: parts(haruto_sees), yui.id: parts(yui_sees)}
    anything = parts(haruto_sees) | parts(yui_sees)

    got_case = {p for p in Part if policy.can_view(user, case, p)}
    got_sql = {p for p in Part if case.id in sql_cases(user, p)}
    assert got_case == anything, "can_view for the household"
    assert got_sql == anything, "visible_cases(user, part) in SQL"
    assert (case.id in sql_cases(user, None)) == bool(anything), "visible_cases(user) at all"
    # No row shares a part with each child separately: the household sees what both children do.
    household = parts(haruto_sees) & parts(yui_sees)
    got_household = {p for p in Part if policy.access_for(user, case).whole(p)}
    assert got_household == household, "guardians and the household note"
    assert {p for p in Part if case.id in sql_households(user, p)} == household, "household_cases_clause"
    for child in (haruto, yui):
        got_child = {p for p in Part if policy.can_view(user, case, p, child.id)}
        got_child_sql = {p for p in Part if child.id in sql_children(user, p)}
        assert got_child == expected[child.id], f"can_view for {child.name}"
        assert got_child_sql == expected[child.id], f"visible_children_clause for {child.name}"


@pytest.mark.parametrize("status", [s.value for s in Status])
def test_get_case_or_404_follows_the_table(town, status):
    """A person with no part of the case gets 404; with some, the loader answers per part."""
    set_status(town.case, status)
    for who in ("teacher", "other_teacher", "coordinator", "admin"):
        user = getattr(town, who)
        access = policy.access_for(user, town.case)
        for part in Part:
            if access.can(part):
                case, _access = policy.get_case_or_404(user, town.case.id, part)
                assert case.id == town.case.id
            else:
                with pytest.raises(NotFound):
                    policy.get_case_or_404(user, town.case.id, part)
