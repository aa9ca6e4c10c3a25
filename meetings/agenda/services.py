"""Editing the agenda: items added, moved, removed and marked; a change while live reaches the room."""

from dataclasses import dataclass, field

from sqlalchemy import select

from cases import policy
from cases.models import Case
from meetings import access
from meetings.live.changes import take_change_number
from meetings.models import AgendaItem, ItemKind, Mark, Meeting, MeetingStatus, Tier
from portal import audit
from portal.extensions import db
from portal.models import User
from portal.refusals import Refusal
from portal.sanitize import clean_html
from portal.transaction import transaction


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
    with transaction():
        require_editable(user, meeting)
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
        if meeting.tier == Tier.REPRESENTATIVE and (
            case is not None or linked or data.kind == ItemKind.CASE_REVIEW
        ):
            problems.append("代表者会議ではケースを扱いません（議題は報告と協議です）。")
        if problems:
            raise Refusal(*problems)
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


def require_editable(user: User, meeting: Meeting) -> None:
    """Refuse agenda changes by non-runners, and once the meeting has ended."""
    policy.require(access.can_run(user, meeting))
    if meeting.status == MeetingStatus.ENDED:
        raise Refusal("終了した会議の議題は変更できません。")


def _item(meeting: Meeting, item_id: int) -> AgendaItem:
    """Return one item of this meeting."""
    item = next((i for i in meeting.items if i.id == item_id), None)
    if item is None:
        raise Refusal("議題が見つかりません。")
    return item


def move_item(user: User, meeting: Meeting, item_id: int, to_position: int) -> list[int]:
    """Move an item to a position (1 = first); return the item ids in their new order."""
    with transaction():
        require_editable(user, meeting)
        items = list(meeting.items)
        item = _item(meeting, item_id)
        items.remove(item)
        to_position = max(1, min(to_position, len(items) + 1))
        items.insert(to_position - 1, item)
        for number, each in enumerate(items, start=1):
            each.position = number
        audit.record(
            "meeting.agenda", actor=user, target=meeting, detail={"moved": item_id, "to": to_position}
        )
        _live_change(user, meeting, "agenda", [i.id for i in items])
    db.session.refresh(meeting, ["items"])
    return [i.id for i in items]


def remove_item(user: User, meeting: Meeting, item_id: int) -> None:
    """Remove an item before the meeting starts."""
    with transaction():
        require_editable(user, meeting)
        if meeting.status != MeetingStatus.SCHEDULED:
            raise Refusal("開始後の会議の議題は削除できません。")
        item = _item(meeting, item_id)
        meeting.items.remove(item)
        for number, each in enumerate(meeting.items, start=1):
            each.position = number
        audit.record("meeting.agenda", actor=user, target=meeting, detail={"removed": item_id})


def set_mark(user: User, meeting: Meeting, item_id: int, mark: str, draft_policy: str) -> AgendaItem:
    """Override an item's triage mark and write its draft policy (approved in one step if shared only)."""
    with transaction():
        require_editable(user, meeting)
        item = _item(meeting, item_id)
        if mark not in set(Mark) or item.case_id is None:
            raise Refusal("区分を選んでください。")
        if item.mark != mark:
            item.mark_overridden = not item.mark_overridden if item.mark else True
        item.mark = mark
        item.draft_policy = clean_html(draft_policy)
        audit.record("meeting.mark", actor=user, target=meeting, detail={"item": item.id, "mark": mark})
        _live_change(user, meeting, "mark", [item.id])
    return item
