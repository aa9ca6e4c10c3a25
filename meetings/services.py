"""Scheduling meetings, inviting agencies and people, answers, and the agenda (each one transaction)."""

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select

from cases import policy
from cases.models import Case, Status
from cases.sharing import services as sharing
from cases.sharing.models import InvolvementKind
from meetings import access, notify
from meetings.models import AgendaItem, Invitee, ItemKind, Meeting, MeetingStatus, Response, Tier
from portal import audit
from portal.dates import today_in_japan
from portal.extensions import db
from portal.models import Council, User
from portal.refusals import Refusal
from portal.transaction import transaction
from portal.types import utcnow

JST = ZoneInfo("Asia/Tokyo")


@dataclass
class MeetingInput:
    """What a coordinator fills in to schedule a meeting."""

    council_id: int
    tier: str
    title: str
    starts_at: datetime
    minutes_planned: int = 90
    place: str = ""
    online_url: str = ""
    section: str = ""
    case_id: int | None = None
    agency_ids: list[int] = field(default_factory=list)
    user_ids: list[int] = field(default_factory=list)
    # Agencies the coordinator shares the whole household with (case meetings), and why.
    household_agency_ids: list[int] = field(default_factory=list)
    household_reason: str = ""


def _check(user: User, data: MeetingInput) -> Case | None:
    """Refuse a meeting the person may not schedule or that breaks the rules; return its case."""
    if data.council_id not in policy.coordinated_council_ids(user):
        raise Refusal("この協議会の会議は登録できません。")
    problems = []
    if data.tier not in set(Tier):
        problems.append("会議の種類を選んでください。")
    if not data.title.strip():
        problems.append("会議名を入力してください。")
    if data.online_url and not data.online_url.startswith("https://"):
        problems.append("オンライン会議のリンクは https:// で始まるものを入力してください。")
    council = db.session.get(Council, data.council_id)
    if data.section.strip():
        if data.tier not in {Tier.PRACTITIONER, Tier.PROGRESS}:
            problems.append("部会は実務者会議・進行管理会議でだけ選べます。")
        elif council is None or data.section.strip() not in council.section_names:
            problems.append("部会はこの協議会の設定にあるものを選んでください。")
    case = None
    if data.tier == Tier.INDIVIDUAL:
        case = db.session.get(Case, data.case_id) if data.case_id else None
        if case is None or case.council_id != data.council_id:
            problems.append("個別ケース検討会議の対象ケースを選んでください。")
    if problems:
        raise Refusal(*problems)
    return case


def schedule_meeting(user: User, data: MeetingInput) -> Meeting:
    """Schedule a meeting with its invitees; an individual case meeting shares its case with them."""
    with transaction():
        case = _check(user, data)
        meeting = Meeting(
            council_id=data.council_id,
            tier=data.tier,
            title=data.title.strip(),
            section=data.section.strip(),
            case_id=case.id if case else None,
            starts_at=data.starts_at,
            minutes_planned=data.minutes_planned,
            place=data.place.strip(),
            online_url=data.online_url.strip(),
            created_by_id=user.id,
        )
        db.session.add(meeting)
        db.session.flush()
        household = Household(set(data.household_agency_ids), data.household_reason)
        _add_invitees(user, meeting, data.agency_ids, data.user_ids, household)
        if case is not None:
            meeting.items.append(
                AgendaItem(
                    position=1,
                    kind=ItemKind.CASE_REVIEW.value,
                    title="ケース検討",
                    case_id=case.id,
                    planned_minutes=max(data.minutes_planned - 10, 5),
                )
            )
        audit.record("meeting.schedule", actor=user, target=meeting, detail={"tier": data.tier})
    return meeting


@dataclass
class Household:
    """The invited agencies a case meeting shares the whole household with, and the reason recorded."""

    agency_ids: set[int] = field(default_factory=set)
    reason: str = ""

    def check(self, meeting: Meeting, invited: set[int]) -> None:
        """Refuse a household share without a reason, outside a case meeting or for an uninvited agency."""
        if not self.agency_ids:
            return
        if meeting.case_id is None:
            raise Refusal("世帯全体の共有は個別ケース検討会議でだけ選べます。")
        if not self.reason.strip():
            raise Refusal("世帯全体（ほかの子ども・保護者）を共有する理由を入力してください。")
        if not self.agency_ids <= invited:
            raise Refusal("世帯全体を共有する機関は、招待する機関から選んでください。")


def _add_invitees(user: User, meeting: Meeting, agency_ids, user_ids, household=None) -> list[Invitee]:
    """Add invitations for agencies and people (members of the council only)."""
    household = household or Household()
    council = meeting.council
    members = {a.id for a in council.members}
    added = []
    existing = {(i.agency_id, i.user_id) for i in meeting.invitees}
    wanted = [(aid, None) for aid in sorted(set(agency_ids))]
    for uid in sorted(set(user_ids)):
        person = db.session.get(User, uid)
        if person is None:
            raise Refusal("招待する人が見つかりません。")
        wanted.append((person.agency_id, person.id))
    household.check(meeting, {agency_id for agency_id, _ in wanted})
    for agency_id, user_id in wanted:
        if agency_id not in members:
            raise Refusal("協議会の構成機関だけを招待できます。")
        if (agency_id, user_id) in existing:
            continue
        invitee = Invitee(agency_id=agency_id, user_id=user_id)
        if agency_id in household.agency_ids:
            invitee.shares_household = True
            invitee.household_reason = household.reason.strip()[:200]
        meeting.invitees.append(invitee)
        existing.add((agency_id, user_id))
        added.append(invitee)
    db.session.flush()
    if meeting.case is not None:
        _share_case(user, meeting, added)
    notify.invitations(user, meeting, added)
    return added


def _share_case(user: User, meeting: Meeting, invitees: list[Invitee]) -> None:
    """Give each newly invited agency a meeting involvement in the case until the meeting's day ends.

    What it opens is the policy's rule (policy.meeting_invitation_grants): the household only when
    the coordinator ticked it for that agency, with the reason recorded on the grant.
    """
    day = meeting_day(meeting)
    done = {i.agency_id for i in meeting.invitees if i.involvement_id}
    for invitee in invitees:
        if invitee.agency_id in done or invitee.agency_id == meeting.council.coordinating_agency_id:
            continue
        start = min(today_in_japan(), day)
        involvement = sharing.involve(
            user,
            meeting.case,
            invitee.agency_id,
            InvolvementKind.MEETING,
            start,
            ended_on=day,
            note=f"{meeting.tier_name}への招待",
            household=invitee.shares_household,
            reason=invitee.household_reason,
        )
        invitee.involvement_id = involvement.id
        done.add(invitee.agency_id)


def meeting_day(meeting: Meeting) -> date:
    """Return the meeting's date in Japan."""
    return meeting.starts_at.astimezone(JST).date()


def invite(user: User, meeting: Meeting, agency_ids=(), user_ids=(), household=None) -> list[Invitee]:
    """Invite more agencies or people to a meeting not yet ended."""
    with transaction():
        policy.require(access.can_run(user, meeting))
        if meeting.status == MeetingStatus.ENDED:
            raise Refusal("終了した会議には招待できません。")
        added = _add_invitees(user, meeting, agency_ids, user_ids, household)
        audit.record(
            "meeting.invite", actor=user, target=meeting, detail={"invitees": [i.agency_id for i in added]}
        )
    return added


def meetings_per_section(council: Council) -> dict[str, int]:
    """Count the council's meetings not yet ended under each 部会 name."""
    rows = db.session.execute(
        select(Meeting.section, func.count())
        .where(
            Meeting.council_id == council.id,
            Meeting.section != "",
            Meeting.status != MeetingStatus.ENDED.value,
        )
        .group_by(Meeting.section)
    )
    return {section: n for section, n in rows}


def recorder_candidates(meeting: Meeting) -> list[User]:
    """Return who may be the 記録係: active people of the coordinating agency or invited to the meeting."""
    agencies = {i.agency_id for i in meeting.invitees if i.user_id is None}
    people = {i.user_id for i in meeting.invitees if i.user_id is not None}
    if meeting.council.coordinating_agency_id:
        agencies.add(meeting.council.coordinating_agency_id)
    found = db.session.scalars(
        select(User).where(User.active, or_(User.agency_id.in_(agencies), User.id.in_(people)))
    ).all()
    return sorted(found, key=lambda u: (u.agency.name, u.name))


def set_recorder(user: User, meeting: Meeting, recorder_id: int | None) -> Meeting:
    """Name (or clear) the meeting's 記録係, who types notes, decisions and roles but does not run it."""
    with transaction():
        policy.require(access.can_run(user, meeting))
        if meeting.status == MeetingStatus.ENDED:
            raise Refusal("終了した会議の記録係は変更できません。")
        if recorder_id is not None and recorder_id not in {u.id for u in recorder_candidates(meeting)}:
            raise Refusal("記録係は調整機関の職員か、招待した機関の人から選んでください。")
        previous = meeting.recorder_id
        meeting.recorder_id = recorder_id
        detail = {"recorder_id": recorder_id, "previous_id": previous}
        audit.record("meeting.recorder", actor=user, target=meeting, detail=detail)
    return meeting


def respond(user: User, meeting: Meeting, response: str) -> Invitee:
    """Record a person's answer to their (or their agency's) invitation."""
    with transaction():
        invitee = access.invitation_of(user, meeting)
        if invitee is None:
            raise Refusal("この会議には招待されていません。")
        if response not in (Response.ATTENDING, Response.DECLINED):
            raise Refusal("出欠を選んでください。")
        invitee.response = response
        invitee.responded_at = utcnow()
        invitee.responded_by_id = user.id
        audit.record("meeting.respond", actor=user, target=meeting, detail={"response": response})
    return invitee


def visible_meetings(user: User, limit: int = 200) -> list[Meeting]:
    """Return the meetings the person may see, newest first."""
    return list(
        db.session.scalars(
            select(Meeting)
            .where(access.visible_meetings_clause(user))
            .order_by(Meeting.starts_at.desc())
            .limit(limit)
        )
    )


def active_cases(meeting: Meeting) -> list[Case]:
    """Return the council's registered cases (the practitioner meeting goes through every one)."""
    return list(
        db.session.scalars(
            select(Case)
            .where(Case.council_id == meeting.council_id, Case.status == Status.REGISTERED.value)
            .order_by(Case.case_number)
        )
    )
