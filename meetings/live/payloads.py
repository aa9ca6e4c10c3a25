"""What each participant receives: the meeting and its items built for them through the access policy.

A case item whose case the reader's agency may not see is only its number and 非共有, in the page
and in every socket message; nothing of it (case number, names, notes, decisions, roles) is sent.
"""

from datetime import datetime
from functools import cached_property

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from cases import codes, policy
from cases.models import Case, Part
from meetings import access
from meetings.agenda import triage
from meetings.live.card import OpenTasks, case_card
from meetings.models import AgendaItem, Mark, Meeting
from portal.dates import wareki
from portal.extensions import db
from portal.models import User
from portal.types import utcnow

NOT_SHARED = "非共有"


def _ms(value: datetime | None) -> int | None:
    """Return a timestamp in milliseconds since the epoch (what the page's clock uses)."""
    return int(value.timestamp() * 1000) if value else None


def header(meeting: Meeting) -> dict:
    """Return the meeting's shared state: status, current item and its timer start, the server's clock."""
    return {
        "id": meeting.id,
        "title": meeting.title,
        "tier": meeting.tier_name,
        "status": meeting.status,
        "status_label": meeting.status_label,
        "current_item_id": meeting.current_item_id,
        "item_started_at": _ms(meeting.item_started_at),
        "paused": meeting.paused_at is not None,
        "paused_at": _ms(meeting.paused_at),
        "started_at": _ms(meeting.started_at),
        "minutes_planned": meeting.minutes_planned,
        "server_now": _ms(utcnow()),
        "change_number": meeting.change_number,
    }


class Reader:
    """One participant's view of the meeting's case items (the same for people of one agency and roles)."""

    def __init__(
        self, user: User, meeting: Meeting, found: dict | None = None, tasks: OpenTasks | None = None
    ):
        self.user = user
        self.meeting = meeting
        self.access = (
            found if found is not None else policy.access_map(user, access.item_cases(meeting.items))
        )
        self.tasks = tasks or OpenTasks()

    @classmethod
    def each(cls, users: list[User], meeting: Meeting, items: list[AgendaItem]) -> list["Reader"]:
        """Return the readers of several views of these items at once (one query of the policy for all).

        They know only these items' cases: enough for a change about them, not for a full state.
        """
        found = policy.access_maps(users, access.item_cases(items))
        tasks = OpenTasks()  # the cards' open tasks are every reader's: read once for all
        return [cls(user, meeting, access_map, tasks) for user, access_map in zip(users, found, strict=True)]

    @cached_property
    def can_run(self) -> bool:
        """Tell whether this reader runs the meeting (looked up only where a page needs it)."""
        return access.can_run(self.user, self.meeting)

    @cached_property
    def can_record(self) -> bool:
        """Tell whether this reader types the record."""
        return access.can_record(self.user, self.meeting)

    def sees(self, item: AgendaItem) -> bool:
        """Tell whether this reader sees the item's content: every case it takes up is shared with them."""
        return all(self._shares(case_id) for case_id in item.case_ids)

    def _shares(self, case_id: int) -> bool:
        """Tell whether the case's ledger or meeting records are shared with this reader."""
        found = self.access.get(case_id)
        return found is not None and (found.can(Part.LEDGER) or found.can(Part.MEETINGS))

    def item(self, item: AgendaItem) -> dict:
        """Return one item as this reader may see it."""
        if not self.sees(item):
            return {"id": item.id, "number": item.position, "hidden": True, "label": NOT_SHARED}
        data = {
            "id": item.id,
            "number": item.position,
            "hidden": False,
            "kind": item.kind,
            "kind_label": item.kind_label,
            "title": item.title,
            "presenter": item.presenter,
            "planned_minutes": item.planned_minutes,
            "notes": item.notes,
            "notes_version": item.notes_version,
            "decision": item.decision,
            "decided": item.decided_at is not None,
            "situation": item.situation,
            "risk_level": item.risk_level,
            "risk_reason": item.risk_reason,
            "short_goals": item.short_goals,
            "long_goals": item.long_goals,
            "key_person": item.key_person,
            "next_review_on": item.next_review_on.isoformat() if item.next_review_on else None,
            "next_review_label": wareki(item.next_review_on) if item.next_review_on else "",
            "lead_agency": item.lead_agency.name if item.lead_agency else "",
            "lead_agency_id": item.lead_agency_id,
            "closure_reason": item.closure_reason,
            "closure_label": codes.label("closure_reason", item.closure_reason)
            if item.closure_reason
            else "",
            "assignments": [
                {
                    "id": a.id,
                    "agency": a.agency.name,
                    "person": a.person,
                    "task": a.task,
                    "due_on": a.due_on.isoformat() if a.due_on else None,
                    "due_label": wareki(a.due_on) if a.due_on else "",
                }
                for a in item.assignments
            ],
            "case": None,
        }
        if item.case is not None:
            data["case"] = self._case(item.case)
            data["linked"] = [self._case(case) for case in item.cases[1:]]
            data["mark"] = item.mark
            data["mark_label"] = Mark(item.mark).label if item.mark else ""
            data["reasons"] = triage.reason_labels(item)
            data["draft_policy"] = item.draft_policy
            if item.id == self.meeting.current_item_id:
                # The current item carries each case's card, built for this reader's agency.
                data["cards"] = [case_card(self.user, c, self.access[c.id], self.tasks) for c in item.cases]
        return data

    def _case(self, case: Case) -> dict:
        """Return a case as this reader sees it: number, status, and the children they may see."""
        found = self.access[case.id]
        return {
            "id": case.id,
            "number": case.case_number,
            "status": case.status_label,
            "risk": case.risk_label if found.can(Part.LEDGER) else "",
            "children": [c.name for c in case.children if found.child_visible(Part.BASIC, c.id)],
            "lead_agency": case.lead_agency.name if case.lead_agency and found.can(Part.LEDGER) else "",
        }

    def items(self, items: list[AgendaItem]) -> list[dict]:
        """Return the items as this reader may see them."""
        return [self.item(i) for i in items]


def full_state(reader: Reader, presence: list[User]) -> dict:
    """Return everything a page needs to show the room now."""
    meeting = reader.meeting
    return {
        "meeting": header(meeting),
        "items": reader.items(meeting.items),
        "order": [i.id for i in meeting.items],
        "presence": presence_list(presence),
        "can_run": reader.can_run,
        "can_record": reader.can_record,
        "full": True,
    }


def change(reader: Reader, number: int, kind: str, item_ids: set[int], loaded=None) -> dict:
    """Return one change (or several folded into one, after a reconnect) for this reader.

    `loaded` is what `touched_items` returned, shared by every view of one change.
    """
    meeting = reader.meeting
    touched, order = loaded or touched_items(meeting, item_ids)
    return {
        "number": number,
        "kind": kind,
        "meeting": header(meeting),
        "items": reader.items(touched),
        "order": order,
        "full": False,
    }


def touched_items(meeting: Meeting, item_ids: set[int]) -> tuple[list[AgendaItem], list[int]]:
    """Return the items a change is about and the order of every item, without loading every item.

    A change goes out right after its commit, which expired the meeting's items: reading all of
    them again (with their cases, councils and agencies) took half the time before the first send.
    """
    order = list(
        db.session.scalars(
            select(AgendaItem.id).where(AgendaItem.meeting_id == meeting.id).order_by(AgendaItem.position)
        )
    )
    found = db.session.scalars(
        select(AgendaItem)
        .where(AgendaItem.meeting_id == meeting.id, AgendaItem.id.in_(item_ids))
        .options(*TOUCHED_LOADING)
    )
    return sorted(found, key=lambda item: order.index(item.id)), order


# What every view's payload reads of the touched items, loaded with them rather than item by item:
# their roles, and their cases' children (the abuse types are not in a payload).
TOUCHED_LOADING = (
    selectinload(AgendaItem.assignments),
    joinedload(AgendaItem.case).selectinload(Case.children),
    joinedload(AgendaItem.case).lazyload(Case.abuse_type_rows),
    selectinload(AgendaItem.linked_cases).selectinload(Case.children),
    selectinload(AgendaItem.linked_cases).lazyload(Case.abuse_type_rows),
)


def presence_list(users: list[User]) -> list[dict]:
    """Return who is present, by agency."""
    return [{"id": u.id, "name": u.name, "agency": u.agency.name} for u in users]
