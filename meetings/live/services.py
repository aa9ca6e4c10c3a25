"""The live room's operations: start, move, notes (version-checked), roles, end (decisions: decisions.py).

Each operation is one transaction with its audit row and takes the meeting's next change number,
which it returns; the socket handlers send that change, built per reader, after the commit.
"""

import json
from datetime import date

from cases import policy
from cases.ledger import services as case_services
from cases.models import Case, Status
from meetings import access, notify
from meetings.live import attendance, payloads, presence
from meetings.live.changes import Change
from meetings.live.decisions import MAX_DECISION, Decision, record
from meetings.live.ops import _change, _item, _require_live, _require_recording
from meetings.models import AgendaItem, Mark, Meeting, MeetingStatus, RoleAssignment
from meetings.services import meeting_day
from portal.extensions import db
from portal.models import Agency, User
from portal.refusals import Refusal
from portal.transaction import transaction
from portal.types import utcnow

# Longest texts the live room keeps (the payload check allows more, so these messages can say so).
MAX_NOTES = 20000
MAX_TASK = 2000


class NotesConflict(Refusal):
    """Someone saved the notes since this person's copy; carries the saved text and version."""

    def __init__(self, item: AgendaItem):
        super().__init__(
            "他の人がこのメモを更新しました。最新の内容を確認してから、もう一度保存してください。"
        )
        self.item_id = item.id
        self.notes = item.notes
        self.version = item.notes_version


def start(user: User, meeting: Meeting) -> Change:
    """Open the meeting; the first item becomes current."""
    with transaction():
        policy.require(access.can_run(user, meeting))
        if meeting.status != MeetingStatus.SCHEDULED:
            raise Refusal("この会議は既に開始しています。")
        now = utcnow()
        meeting.status = MeetingStatus.LIVE.value
        meeting.started_at = now
        meeting.started_by_id = user.id
        first = meeting.items[0] if meeting.items else None
        meeting.current_item_id = first.id if first else None
        meeting.item_started_at = now if first else None
        # Everyone already in the room attends from the start (they joined before it was live).
        attendance.record_present(meeting, presence.present_users(meeting.id))
        change = _change(meeting, user, "start", [first.id] if first else [])
    db.session.refresh(meeting)
    return change


def go_to(user: User, meeting: Meeting, item_id: int) -> Change:
    """Make an item the current one; its timer starts now."""
    with transaction():
        _require_live(user, meeting)
        item = _item(meeting, item_id)
        previous = meeting.current_item_id
        meeting.current_item_id = item.id
        meeting.item_started_at = utcnow()
        meeting.paused_at = None  # taking up an item ends a pause
        touched = [i for i in (previous, item.id) if i]
        change = _change(meeting, user, "move", touched, {"item": item.id})
    db.session.refresh(meeting)
    return change


def save_notes(user: User, meeting: Meeting, item_id: int, text: str, base_version: int) -> Change:
    """Save an item's notes if nobody saved since `base_version`; otherwise raise NotesConflict."""
    with transaction():
        _require_recording(user, meeting)
        item = _item(meeting, item_id, user)
        if item.notes_version != base_version:
            raise NotesConflict(item)
        if len(text) > MAX_NOTES:
            raise Refusal(f"メモが長すぎます（{MAX_NOTES}字まで）。")
        item.notes = text
        item.notes_version += 1
        change = _change(meeting, user, "notes", [item.id], {"item": item.id, "version": item.notes_version})
    db.session.refresh(meeting)
    return change


def approve_shared(user: User, meeting: Meeting) -> Change:
    """Approve every 共有のみ case's draft policy in one step (those not yet decided)."""
    with transaction():
        _require_live(user, meeting)
        now = utcnow()
        touched = []
        for item in meeting.items:
            if item.case_id and item.mark == Mark.SHARE and item.decided_at is None:
                item.decision = item.decision or item.draft_policy
                item.decided_at = now
                touched.append(item.id)
        if not touched:
            raise Refusal("承認する共有のみのケースがありません。")
        change = _change(meeting, user, "approve", touched, {"items": len(touched)})
    db.session.refresh(meeting)
    return change


def assign(
    user: User, meeting: Meeting, item_id: int, agency_id: int, person: str, task: str, due_on: date | None
) -> Change:
    """Add a role assignment (役割分担) to an item."""
    with transaction():
        _require_recording(user, meeting)
        item = _item(meeting, item_id, user)
        problems = []
        agency = db.session.get(Agency, agency_id) if isinstance(agency_id, int) else None
        if agency is None or agency_id not in {a.id for a in meeting.council.members}:
            problems.append("担当機関は協議会の構成機関から選んでください。")
        elif agency.id != meeting.council.coordinating_agency_id and not payloads.Reader(
            access.agency_viewer(agency), meeting
        ).sees(item):
            # The task is shown on the agency's home page: never for an item it may not see.
            problems.append("この機関はこの議題のケースを見られないため、役割を割り当てられません。")
        if not task.strip():
            problems.append("役割の内容を入力してください。")
        if due_on is not None and due_on < meeting_day(meeting):
            problems.append("期限は会議の日以降にしてください。")
        if problems:
            raise Refusal(*problems)
        row = RoleAssignment(
            item_id=item.id,
            meeting_id=meeting.id,
            case_id=item.case_id,
            agency_id=agency_id,
            person=person.strip()[:60],
            task=task.strip()[:MAX_TASK],
            due_on=due_on,
            created_by_id=user.id,
        )
        db.session.add(row)
        db.session.flush()
        change = _change(meeting, user, "assign", [item.id], {"item": item.id, "assignment": row.id})
    db.session.refresh(meeting)
    return change


def unassign(user: User, meeting: Meeting, assignment_id: int) -> Change:
    """Remove a role assignment made by mistake."""
    with transaction():
        _require_recording(user, meeting)
        row = db.session.get(RoleAssignment, assignment_id) if isinstance(assignment_id, int) else None
        if row is None or row.meeting_id != meeting.id:
            raise Refusal("役割分担が見つかりません。")
        item_id = _item(meeting, row.item_id, user).id
        db.session.delete(row)
        change = _change(meeting, user, "unassign", [item_id], {"assignment": assignment_id})
    db.session.refresh(meeting)
    return change


def end(user: User, meeting: Meeting) -> Change:
    """End the meeting: decided case items go to the ledger with history, roles become tasks.

    Each item is written back in a transaction of its own (its cases' ledgers and closures with its
    written-back mark), so ending again after a failure skips what was written and completes the rest.
    """
    _require_live(user, meeting)
    day = meeting_day(meeting)
    _keep_who_saw(meeting)
    for item in meeting.items:
        if item.case is None or item.decided_at is None or item.written_back_at is not None:
            continue
        _write_back(user, meeting, item, day)
    with transaction():
        meeting.status = MeetingStatus.ENDED.value
        meeting.ended_at = utcnow()
        meeting.current_item_id = None
        meeting.paused_at = None
        # The pages stay connected (and present) so that the end reaches every one of them at once.
        change = _change(meeting, user, "end", [])
        for item in meeting.items:
            for row in item.assignments:
                notify.task(user, meeting, row)
    db.session.refresh(meeting)
    return change


def _keep_who_saw(meeting: Meeting) -> None:
    """Note on each case item the invited and attending agencies that could see it before the write-back."""
    agencies = {i.agency_id for i in meeting.invitees} | {a.agency_id for a in attendance.attended(meeting)}
    with transaction():
        readers = [
            (aid, payloads.Reader(access.agency_viewer(db.session.get(Agency, aid)), meeting))
            for aid in agencies
            if aid
        ]
        for item in meeting.items:
            if item.case_id is not None:
                item.seen_by = json.dumps(sorted(aid for aid, reader in readers if reader.sees(item)))


def _write_back(user: User, meeting: Meeting, item: AgendaItem, day: date) -> None:
    """Write one decided item into the ledger of each case it takes up (its own and the linked ones).

    All of them and the item's written-back mark are one transaction: a refusal for one case leaves
    every case of the item as it was, named in the message.
    """
    with transaction():
        for case in item.cases:
            try:
                _write_case(user, meeting, item, case, day)
            except Refusal as error:
                raise Refusal(*(f"ケース {case.case_number}: {m}" for m in error.messages)) from error
        item.written_back_at = utcnow()


def _write_case(user: User, meeting: Meeting, item: AgendaItem, case: Case, day: date) -> None:
    """Write the item's decision into one case's ledger (and close the case if decided)."""
    changes: dict = {"last_confirmed_on": day}
    if item.decision:
        changes["support_policy"] = item.decision
    if item.next_review_on:
        changes["next_review_on"] = item.next_review_on
    if item.lead_agency_id and item.lead_agency_id != case.lead_agency_id:
        changes["lead_agency_id"] = item.lead_agency_id
    if item.risk_level and item.risk_level != case.risk_level:
        changes["risk_level"] = item.risk_level
    if item.key_person and item.key_person != case.key_person:
        changes["key_person"] = item.key_person
    case_services.update_case(user, case, changes, case.version, source=f"meeting:{meeting.id}")
    if item.closure_reason and case.status != Status.CLOSED.value:
        case_services.close_case(user, case, day, item.closure_reason)


__all__ = ["MAX_DECISION", "Decision", "record"]
