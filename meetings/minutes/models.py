"""Minutes (会議録) as stored: one row per meeting, its versions (snapshots) and their sections.

A version is a snapshot: header, attendees and one section per agenda item (with the item's cases
and role assignments as they were), so later changes to the case or the live record never change
confirmed minutes. A correction is a new version with its reason; earlier versions stay.
"""

import enum
import json
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meetings.models import AgendaItem, Meeting
from portal.extensions import db
from portal.models import User
from portal.types import UTCDateTime, utcnow

MINUTES_ACTION_LABELS = {
    "minutes.draft": "会議録の作成",
    "minutes.edit": "会議録の編集",
    "minutes.confirm": "会議録の確定",
    "minutes.correct": "会議録の訂正（新しい版）",
    "minutes.handouts": "配付資料の回収の設定",
    "minutes.download": "会議録のダウンロード",
    "minutes.packet": "会議資料のダウンロード",
}
# Rich-text fields of a section, with their headings in the form and the Word file.
CASE_FIELDS = {
    "situation": "協議内容（現状・リスク）",
    "discussion": "協議の経過",
    "policy": "援助方針",
    "short_goals": "短期目標",
    "long_goals": "長期目標",
}
OTHER_FIELDS = {"discussion": "内容", "policy": "決定事項"}
TEXT_LIMIT = 20000


class VersionStatus(enum.StrEnum):
    """Whether a version may still be edited."""

    DRAFT = "draft"
    CONFIRMED = "confirmed"

    @property
    def label(self) -> str:
        """Return the Japanese name."""
        return {"draft": "下書き", "confirmed": "確定"}[self.value]


class Minutes(db.Model):
    """The minutes of one meeting: its versions, and whether handouts are collected after it."""

    __tablename__ = "meeting_minutes"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), unique=True)
    # 配付資料は会議終了後に回収: printed on the minutes and the packet when set.
    collect_handouts: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    meeting: Mapped[Meeting] = relationship()
    versions: Mapped[list["MinutesVersion"]] = relationship(
        back_populates="minutes", cascade="all, delete-orphan", order_by="MinutesVersion.number"
    )

    def __str__(self) -> str:
        return f"会議録（{self.meeting}）"

    @property
    def latest(self) -> "MinutesVersion | None":
        """Return the newest version."""
        return self.versions[-1] if self.versions else None

    @property
    def confirmed(self) -> "MinutesVersion | None":
        """Return the newest confirmed version (what participants read)."""
        done = [v for v in self.versions if v.status == VersionStatus.CONFIRMED]
        return done[-1] if done else None


class MinutesVersion(db.Model):
    """One version of the minutes: a draft being edited, or confirmed and locked."""

    __tablename__ = "minutes_versions"
    __table_args__ = (UniqueConstraint("minutes_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("meeting_minutes.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default=VersionStatus.DRAFT.value)
    # Why this version corrects the one before (empty for the first).
    reason: Mapped[str] = mapped_column(Text, default="")
    title: Mapped[str] = mapped_column(String(200))
    held: Mapped[str] = mapped_column(String(120), default="")
    place: Mapped[str] = mapped_column(String(200), default="")
    # [{"agency_id", "agency", "name", "title"}]: who attended, by agency.
    attendees: Mapped[str] = mapped_column(Text, default="[]")
    remarks: Mapped[str] = mapped_column(Text, default="")
    # Counts saves, so two editors cannot overwrite each other unseen.
    revision: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    minutes: Mapped[Minutes] = relationship(back_populates="versions")
    confirmed_by: Mapped[User | None] = relationship(foreign_keys=[confirmed_by_id])
    sections: Mapped[list["MinutesSection"]] = relationship(
        back_populates="version", cascade="all, delete-orphan", order_by="MinutesSection.position"
    )

    @property
    def attendee_list(self) -> list[dict]:
        """Return the attendees."""
        return json.loads(self.attendees or "[]")

    @property
    def locked(self) -> bool:
        """Tell whether the version is confirmed (never edited again)."""
        return self.status == VersionStatus.CONFIRMED

    @property
    def status_label(self) -> str:
        """Return the status in Japanese."""
        return VersionStatus(self.status).label


class MinutesSection(db.Model):
    """One agenda item as minuted: a case item's situation, policy, goals, roles; other items' notes."""

    __tablename__ = "minutes_sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("minutes_versions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id", ondelete="SET NULL"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200), default="")
    case_number: Mapped[str] = mapped_column(String(20), default="")
    # [{"id", "name"}]: the case's children, shown to each reader as the policy allows.
    children: Mapped[str] = mapped_column(Text, default="[]")
    # [{"id", "number", "children": [{"id", "name"}]}]: the further cases the item took up; the
    # section is shown only to readers who may see each of them.
    linked: Mapped[str] = mapped_column(Text, default="[]")
    situation: Mapped[str] = mapped_column(Text, default="")
    discussion: Mapped[str] = mapped_column(Text, default="")
    policy: Mapped[str] = mapped_column(Text, default="")
    short_goals: Mapped[str] = mapped_column(Text, default="")
    long_goals: Mapped[str] = mapped_column(Text, default="")
    lead_agency: Mapped[str] = mapped_column(String(120), default="")
    key_person: Mapped[str] = mapped_column(String(120), default="")
    next_review: Mapped[str] = mapped_column(String(60), default="")
    closure: Mapped[str] = mapped_column(String(60), default="")
    # [{"agency", "person", "task", "due"}]: the role assignments (役割分担) as decided.
    roles: Mapped[str] = mapped_column(Text, default="[]")

    version: Mapped[MinutesVersion] = relationship(back_populates="sections")
    item: Mapped[AgendaItem | None] = relationship()

    @property
    def child_list(self) -> list[dict]:
        """Return the case's children as minuted."""
        return json.loads(self.children or "[]")

    @property
    def linked_list(self) -> list[dict]:
        """Return the further cases the item took up, as minuted."""
        return json.loads(self.linked or "[]")

    @property
    def case_ids(self) -> list[int]:
        """Return the ids of every case the section is about (none for an item without a case)."""
        own = [self.case_id] if self.case_id else []
        return own + [linked["id"] for linked in self.linked_list]

    @property
    def role_list(self) -> list[dict]:
        """Return the role assignments as minuted."""
        return json.loads(self.roles or "[]")

    @property
    def fields(self) -> dict[str, str]:
        """Return the rich-text fields of this kind of section, with their headings."""
        return CASE_FIELDS if self.case_id or self.case_number else OTHER_FIELDS
