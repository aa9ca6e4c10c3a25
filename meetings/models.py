"""Meetings of the council's tiers: invitees, agenda items and their cases, role assignments."""

import enum
import json
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cases.models import Case
from portal.extensions import db
from portal.models import Agency, Council, User
from portal.types import UTCDateTime, utcnow


class Tier(enum.StrEnum):
    """The kind of meeting; its name is the council's setting (e.g. 個別支援会議)."""

    REPRESENTATIVE = "representative"
    PRACTITIONER = "practitioner"
    INDIVIDUAL = "individual"
    JOINT = "joint"
    PROGRESS = "progress"

    def name_in(self, council: Council) -> str:
        """Return the tier's name as the council calls it."""
        return getattr(council, f"tier_{self.value}")


# Tiers whose agenda is built from the ledger (every active case, triaged).
LEDGER_TIERS = {Tier.PRACTITIONER, Tier.PROGRESS}


class MeetingStatus(enum.StrEnum):
    """Where a meeting stands."""

    SCHEDULED = "scheduled"
    LIVE = "live"
    ENDED = "ended"

    @property
    def label(self) -> str:
        """Return the Japanese name."""
        return {"scheduled": "開催予定", "live": "開催中", "ended": "終了"}[self.value]


class ItemKind(enum.StrEnum):
    """What an agenda item is."""

    REPORT = "report"
    DISCUSSION = "discussion"
    CASE_REVIEW = "case_review"

    @property
    def label(self) -> str:
        """Return the Japanese name."""
        return {"report": "報告", "discussion": "協議", "case_review": "ケース検討"}[self.value]


class Mark(enum.StrEnum):
    """How a case is taken at a practitioner meeting: approved together, or discussed."""

    SHARE = "share"
    DISCUSS = "discuss"

    @property
    def label(self) -> str:
        """Return the Japanese name."""
        return {"share": "共有のみ", "discuss": "協議"}[self.value]


class Response(enum.StrEnum):
    """An invitee's answer."""

    PENDING = "pending"
    ATTENDING = "attending"
    DECLINED = "declined"

    @property
    def label(self) -> str:
        """Return the Japanese name."""
        return {"pending": "未回答", "attending": "出席", "declined": "欠席"}[self.value]


class Meeting(db.Model):
    """One meeting of a council: when, where, its tier and its live state."""

    __tablename__ = "meetings"
    __table_args__ = (Index("ix_meetings_council_starts", "council_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"))
    tier: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(120))
    # A 部会 of the practitioner meeting (e.g. 乳幼児部会); empty for the whole meeting.
    section: Mapped[str] = mapped_column(String(40), default="")
    # The case an individual case meeting is about.
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    minutes_planned: Mapped[int] = mapped_column(Integer, default=90)
    place: Mapped[str] = mapped_column(String(120), default="")
    online_url: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(10), default=MeetingStatus.SCHEDULED.value)
    # The last change number given out; each live change takes the next one.
    change_number: Mapped[int] = mapped_column(Integer, default=0)
    # The item under discussion. Deliberately no foreign key: agenda_items already points here, and a
    # cycle between the two tables breaks ordering them (deletes, resets). Items can be removed only
    # before the meeting starts, while this is empty.
    current_item_id: Mapped[int | None] = mapped_column(Integer)
    item_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set while the meeting is paused (休憩); the item's running time stands still meanwhile.
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # 記録係: a person who types the record (notes, decisions, roles) beside the facilitator.
    recorder_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    council: Mapped[Council] = relationship(lazy="joined")
    case: Mapped[Case | None] = relationship()
    recorder: Mapped[User | None] = relationship(foreign_keys=[recorder_id])
    invitees: Mapped[list["Invitee"]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="Invitee.id"
    )
    items: Mapped[list["AgendaItem"]] = relationship(
        back_populates="meeting",
        cascade="all, delete-orphan",
        order_by="AgendaItem.position",
        foreign_keys="AgendaItem.meeting_id",
    )

    @property
    def tier_name(self) -> str:
        """Return the tier as the council names it."""
        return Tier(self.tier).name_in(self.council)

    @property
    def status_label(self) -> str:
        """Return the status in Japanese (休憩中 while a running meeting is paused)."""
        if self.status == MeetingStatus.LIVE and self.paused_at is not None:
            return "休憩中"
        return MeetingStatus(self.status).label

    def __str__(self) -> str:
        return f"{self.tier_name}（{self.title}）"


class Invitee(db.Model):
    """An agency (or one person of it) invited to a meeting, and their answer."""

    __tablename__ = "meeting_invitees"
    __table_args__ = (UniqueConstraint("meeting_id", "agency_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    # Set when one person is invited; empty when the whole agency is.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    response: Mapped[str] = mapped_column(String(10), default=Response.PENDING.value)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    responded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Whether the coordinator shared the whole household (other children, guardians) with the agency
    # for the case meeting, and why; without it the invitation shares only what the meeting needs.
    shares_household: Mapped[bool] = mapped_column(Boolean, default=False)
    household_reason: Mapped[str] = mapped_column(String(200), default="")
    # The meeting involvement an individual case meeting gave the agency.
    involvement_id: Mapped[int | None] = mapped_column(ForeignKey("involvements.id", ondelete="SET NULL"))

    meeting: Mapped[Meeting] = relationship(back_populates="invitees")
    agency: Mapped[Agency] = relationship(lazy="joined")
    user: Mapped[User | None] = relationship(foreign_keys=[user_id], lazy="joined")
    responded_by: Mapped[User | None] = relationship(foreign_keys=[responded_by_id])

    @property
    def response_label(self) -> str:
        """Return the answer in Japanese."""
        return Response(self.response).label


# Further cases an agenda item takes up beside its own (e.g. siblings registered as separate cases):
# the item is shown only to those who may see every one of them, and its decision is written to each.
agenda_item_cases = Table(
    "agenda_item_cases",
    db.metadata,
    Column("item_id", ForeignKey("agenda_items.id", ondelete="CASCADE"), primary_key=True),
    Column("case_id", ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class AgendaItem(db.Model):
    """One ordered item of the agenda; a case item also holds what the meeting decided on the case."""

    __tablename__ = "agenda_items"
    __table_args__ = (Index("ix_agenda_items_meeting_position", "meeting_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200), default="")
    presenter: Mapped[str] = mapped_column(String(120), default="")
    planned_minutes: Mapped[int] = mapped_column(Integer, default=5)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    # Triage of a ledger-built agenda: the mark, the reason codes found, and whether a person overrode it.
    mark: Mapped[str] = mapped_column(String(10), default="")
    reasons: Mapped[str] = mapped_column(String(300), default="")
    mark_overridden: Mapped[bool] = mapped_column(Boolean, default=False)
    draft_policy: Mapped[str] = mapped_column(Text, default="")
    # What the meeting records: notes (saved continuously, with a version), decision (援助方針).
    notes: Mapped[str] = mapped_column(Text, default="")
    notes_version: Mapped[int] = mapped_column(Integer, default=0)
    decision: Mapped[str] = mapped_column(Text, default="")
    # The rest of the minutes' headings: 現状, a risk change with its reason, goals, キーパーソン.
    situation: Mapped[str] = mapped_column(Text, default="")
    risk_level: Mapped[int | None] = mapped_column(Integer)
    risk_reason: Mapped[str] = mapped_column(String(200), default="")
    short_goals: Mapped[str] = mapped_column(Text, default="")
    long_goals: Mapped[str] = mapped_column(Text, default="")
    key_person: Mapped[str] = mapped_column(String(120), default="")
    next_review_on: Mapped[date | None] = mapped_column(Date)
    lead_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    closure_reason: Mapped[str] = mapped_column(String(30), default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Ids (JSON) of the agencies that could see the item when the meeting ended: their copies keep it.
    seen_by: Mapped[str] = mapped_column(Text, default="[]")
    written_back_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    meeting: Mapped[Meeting] = relationship(back_populates="items", foreign_keys=[meeting_id])
    case: Mapped[Case | None] = relationship(lazy="joined")
    lead_agency: Mapped[Agency | None] = relationship(lazy="joined")
    linked_cases: Mapped[list[Case]] = relationship(
        secondary=agenda_item_cases, order_by=Case.case_number, lazy="selectin"
    )
    assignments: Mapped[list["RoleAssignment"]] = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="RoleAssignment.id"
    )

    @property
    def kind_label(self) -> str:
        """Return the kind in Japanese."""
        return ItemKind(self.kind).label

    @property
    def cases(self) -> list[Case]:
        """Return every case the item takes up: its own first, then the linked ones."""
        own = [self.case] if self.case is not None else []
        return own + [c for c in self.linked_cases if self.case is None or c.id != self.case.id]

    @property
    def case_ids(self) -> list[int]:
        """Return the ids of every case the item takes up."""
        return [c.id for c in self.cases]

    @property
    def seen_agency_ids(self) -> set[int]:
        """Return the agencies that could see the item at the meeting."""
        return set(json.loads(self.seen_by or "[]"))

    @property
    def reason_codes(self) -> list[str]:
        """Return the triage reason codes."""
        return [r for r in self.reasons.split(",") if r]


class RoleAssignment(db.Model):
    """役割分担: an agency (and person) takes a task with a due date; a task on its home page afterwards."""

    __tablename__ = "role_assignments"
    __table_args__ = (Index("ix_role_assignments_agency_done", "agency_id", "done_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id", ondelete="CASCADE"), index=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    person: Mapped[str] = mapped_column(String(60), default="")
    task: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    item: Mapped[AgendaItem] = relationship(back_populates="assignments")
    meeting: Mapped[Meeting] = relationship()
    case: Mapped[Case | None] = relationship()
    agency: Mapped[Agency] = relationship(lazy="joined")
