"""Scheduling meetings, inviting agencies and people, answers, and the agenda (each one transaction)."""

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select, update

from cases import policy, sharing
from cases.models import Case, InvolvementKind, Status
from meetings import access
from meetings.models import (
    AgendaItem,
    Invitee,
    ItemKind,
    Mark,
    Meeting,
    MeetingChange,
    MeetingStatus,
    Response,
    Tier,
)
from portal import audit
from portal.dates import today_in_japan
from portal.extensions import db
from portal.models import Council, User
from portal.sanitize import clean_html
from portal.types import utcnow

JST = ZoneInfo("Asia/Tokyo")


class MeetingError(Exception):
    """A meeting rule refused the operation; `messages` are Japanese."""

    def __init__(self, *messages: str):
        super().__init__(*messages)
        self.messages = list(messages)


@dataclass
class Change:
    """What one operation changed: its number, kind and the items it touched."""

    number: int
    kind: str
    item_ids: list[int] = field(default_factory=list)


def take_change_number(meeting: Meeting, user: User, kind: str, item_ids: list[int]) -> Change:
    """Give the change the meeting's next number (the UPDATE serialises concurrent writers)."""
    db.session.execute(
        update(Meeting).where(Meeting.id == meeting.id).values(change_number=Meeting.change_number + 1)
    )
    number = db.session.scalar(select(Meeting.change_number).where(Meeting.id == meeting.id))
    db.session.add(
        MeetingChange(
            meeting_id=meeting.id, number=number, kind=kind, item_ids=json.dumps(item_ids), user_id=user.id
        )
    )
    return Change(number, kind, item_ids)


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


def _check(user: User, data: MeetingInput) -> Case | None:
    """Refuse a meeting the person may not schedule or that breaks the rules; return its case."""
    if data.council_id not in policy.coordinated_council_ids(user):
        raise MeetingError("この協議会の会議は登録できません。")
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
        raise MeetingError(*problems)
    return case


def schedule_meeting(user: User, data: MeetingInput) -> Meeting:
    """Schedule a meeting with its invitees; an individual case meeting shares its case with them."""
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
    _invite_in_tx(user, meeting, data.agency_ids, data.user_ids)
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
    db.session.commit()
    return meeting


def _invite_in_tx(user: User, meeting: Meeting, agency_ids, user_ids) -> list[Invitee]:
    """Add invitations for agencies and people (members of the council only)."""
    council = meeting.council
    members = {a.id for a in council.members}
    added = []
    existing = {(i.agency_id, i.user_id) for i in meeting.invitees}
    wanted = [(aid, None) for aid in sorted(set(agency_ids))]
    for uid in sorted(set(user_ids)):
        person = db.session.get(User, uid)
        if person is None:
            raise MeetingError("招待する人が見つかりません。")
        wanted.append((person.agency_id, person.id))
    for agency_id, user_id in wanted:
        if agency_id not in members:
            raise MeetingError("協議会の構成機関だけを招待できます。")
        if (agency_id, user_id) in existing:
            continue
        invitee = Invitee(agency_id=agency_id, user_id=user_id)
        meeting.invitees.append(invitee)
        existing.add((agency_id, user_id))
        added.append(invitee)
    db.session.flush()
    if meeting.case is not None:
        _share_case(user, meeting, added)
    return added


def _share_case(user: User, meeting: Meeting, invitees: list[Invitee]) -> None:
    """Give each newly invited agency a meeting involvement in the case for the meeting's day."""
    day = meeting_day(meeting)
    done = {i.agency_id for i in meeting.invitees if i.involvement_id}
    for invitee in invitees:
        if invitee.agency_id in done or invitee.agency_id == meeting.council.coordinating_agency_id:
            continue
        start = min(today_in_japan(), day)
        involvement = sharing.add_involvement_in_tx(
            user,
            meeting.case,
            invitee.agency_id,
            InvolvementKind.MEETING,
            start,
            ended_on=day,
            note=f"{meeting.tier_name}への招待",
        )
        invitee.involvement_id = involvement.id
        done.add(invitee.agency_id)


def meeting_day(meeting: Meeting) -> date:
    """Return the meeting's date in Japan."""
    return meeting.starts_at.astimezone(JST).date()


def invite(user: User, meeting: Meeting, agency_ids=(), user_ids=()) -> list[Invitee]:
    """Invite more agencies or people to a meeting not yet ended."""
    policy.require(access.can_run(user, meeting))
    if meeting.status == MeetingStatus.ENDED:
        raise MeetingError("終了した会議には招待できません。")
    added = _invite_in_tx(user, meeting, agency_ids, user_ids)
    audit.record(
        "meeting.invite", actor=user, target=meeting, detail={"invitees": [i.agency_id for i in added]}
    )
    db.session.commit()
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
    policy.require(access.can_run(user, meeting))
    if meeting.status == MeetingStatus.ENDED:
        raise MeetingError("終了した会議の記録係は変更できません。")
    if recorder_id is not None and recorder_id not in {u.id for u in recorder_candidates(meeting)}:
        raise MeetingError("記録係は調整機関の職員か、招待した機関の人から選んでください。")
    previous = meeting.recorder_id
    meeting.recorder_id = recorder_id
    detail = {"recorder_id": recorder_id, "previous_id": previous}
    audit.record("meeting.recorder", actor=user, target=meeting, detail=detail)
    db.session.commit()
    return meeting


def respond(user: User, meeting: Meeting, response: str) -> Invitee:
    """Record a person's answer to their (or their agency's) invitation."""
    invitee = access.invitation_of(user, meeting)
    if invitee is None:
        raise MeetingError("この会議には招待されていません。")
    if response not in (Response.ATTENDING, Response.DECLINED):
        raise MeetingError("出欠を選んでください。")
    invitee.response = response
    invitee.responded_at = utcnow()
    invitee.responded_by_id = user.id
    audit.record("meeting.respond", actor=user, target=meeting, detail={"response": response})
    db.session.commit()
    return invitee


@dataclass
class ItemInput:
    """An agenda item as typed in."""

    kind: str
    title: str
    presenter: str = ""
    planned_minutes: int = 5
    case_id: int | None = None
    linked_case_ids: list[int] = field(default_factory=list)


def add_item(user: User, meeting: Meeting, data: ItemInput) -> AgendaItem:
    """Add an item at the end of the agenda."""
    _require_editable(user, meeting)
    problems = []
    if data.kind not in set(ItemKind):
        problems.append("議題の種類を選んでください。")
    if not data.title.strip() and not data.case_id:
        problems.append("議題名を入力してください。")
    if not 1 <= data.planned_minutes <= 240:
        problems.append("予定時間は1〜240分で入力してください。")
    case = db.session.get(Case, data.case_id) if data.case_id else None
    if data.case_id and (case is None or case.council_id != meeting.council_id):
        problems.append("ケースはこの協議会のものを選んでください。")
    linked = _linked_cases(meeting, case, data.linked_case_ids, problems)
    taken = {case_id: i for i in meeting.items for case_id in i.case_ids}
    for each in ([case] if case else []) + linked:
        if each.id in taken:
            problems.append(f"ケース {each.case_number} は議題{taken[each.id].position}で扱っています。")
    if meeting.tier == Tier.REPRESENTATIVE and (case is not None or linked):
        problems.append("代表者会議ではケースを扱いません。")
    if problems:
        raise MeetingError(*problems)
    item = AgendaItem(
        kind=data.kind,
        title=data.title.strip(),
        presenter=data.presenter.strip(),
        planned_minutes=data.planned_minutes,
        case_id=case.id if case else None,
        linked_cases=linked,
        position=len(meeting.items) + 1,
    )
    meeting.items.append(item)
    db.session.flush()
    audit.record("meeting.agenda", actor=user, target=meeting, detail={"added": item.id})
    _live_change(user, meeting, "agenda", [item.id])
    db.session.commit()
    return item


def _linked_cases(meeting: Meeting, case: Case | None, ids: list[int], problems: list[str]) -> list[Case]:
    """Return the further cases an item takes up, checked: of this council, and only beside a case."""
    wanted = sorted(set(ids) - ({case.id} if case else set()))
    if not wanted:
        return []
    if case is None:
        problems.append("あわせて扱うケースを選ぶときは、まずケースを選んでください。")
        return []
    found = list(
        db.session.scalars(select(Case).where(Case.id.in_(wanted), Case.council_id == meeting.council_id))
    )
    if len(found) != len(wanted):
        problems.append("あわせて扱うケースはこの協議会のものを選んでください。")
    return sorted(found, key=lambda c: c.case_number)


def _live_change(user: User, meeting: Meeting, kind: str, item_ids: list[int]) -> None:
    """Number an agenda change made while the meeting is live, so the room receives it (and resyncs)."""
    if meeting.status == MeetingStatus.LIVE:
        take_change_number(meeting, user, kind, item_ids)


def _require_editable(user: User, meeting: Meeting) -> None:
    """Refuse agenda changes by non-runners, and once the meeting has ended."""
    policy.require(access.can_run(user, meeting))
    if meeting.status == MeetingStatus.ENDED:
        raise MeetingError("終了した会議の議題は変更できません。")


def _item(meeting: Meeting, item_id: int) -> AgendaItem:
    """Return one item of this meeting."""
    item = next((i for i in meeting.items if i.id == item_id), None)
    if item is None:
        raise MeetingError("議題が見つかりません。")
    return item


def move_item(user: User, meeting: Meeting, item_id: int, to_position: int) -> list[int]:
    """Move an item to a position (1 = first); return the item ids in their new order."""
    _require_editable(user, meeting)
    items = list(meeting.items)
    item = _item(meeting, item_id)
    items.remove(item)
    to_position = max(1, min(to_position, len(items) + 1))
    items.insert(to_position - 1, item)
    for number, each in enumerate(items, start=1):
        each.position = number
    audit.record("meeting.agenda", actor=user, target=meeting, detail={"moved": item_id, "to": to_position})
    _live_change(user, meeting, "agenda", [i.id for i in items])
    db.session.commit()
    db.session.refresh(meeting, ["items"])
    return [i.id for i in items]


def remove_item(user: User, meeting: Meeting, item_id: int) -> None:
    """Remove an item before the meeting starts."""
    _require_editable(user, meeting)
    if meeting.status != MeetingStatus.SCHEDULED:
        raise MeetingError("開始後の会議の議題は削除できません。")
    item = _item(meeting, item_id)
    meeting.items.remove(item)
    for number, each in enumerate(meeting.items, start=1):
        each.position = number
    audit.record("meeting.agenda", actor=user, target=meeting, detail={"removed": item_id})
    db.session.commit()


def set_mark(user: User, meeting: Meeting, item_id: int, mark: str, draft_policy: str) -> AgendaItem:
    """Override an item's triage mark and write its draft policy (approved in one step if shared only)."""
    _require_editable(user, meeting)
    item = _item(meeting, item_id)
    if mark not in set(Mark) or item.case_id is None:
        raise MeetingError("区分を選んでください。")
    if item.mark != mark:
        item.mark_overridden = not item.mark_overridden if item.mark else True
    item.mark = mark
    item.draft_policy = clean_html(draft_policy)
    audit.record("meeting.mark", actor=user, target=meeting, detail={"item": item.id, "mark": mark})
    _live_change(user, meeting, "mark", [item.id])
    db.session.commit()
    return item


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
