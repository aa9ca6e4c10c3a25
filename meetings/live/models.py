"""The live room's records: numbered changes (for resynchronising), open connections, who attended."""

import json
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models import Agency, User
from portal.types import UTCDateTime, utcnow


class MeetingChange(db.Model):
    """One numbered change of a live meeting; a reconnecting page asks for the changes after its number."""

    __tablename__ = "meeting_changes"
    __table_args__ = (UniqueConstraint("meeting_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    # Ids of the agenda items the change touched (their content is rendered per reader on sending).
    item_ids: Mapped[str] = mapped_column(String(2000), default="[]")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def touched(self) -> list[int]:
        """Return the ids of the items the change touched."""
        return json.loads(self.item_ids or "[]")


class Presence(db.Model):
    """One open live-room connection; who is present is read from here (works across processes)."""

    __tablename__ = "meeting_presence"

    sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Confirmed by the serving process every few seconds; a row left by a stopped process goes stale.
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Attendance(db.Model):
    """One person's attendance (出席者), kept as a record for the minutes and the numbered copies.

    Joining the live room adds a row; the facilitator or 記録係 marks who attended, adds people in the
    room without a device (user_id empty) and people of agencies without accounts (agency_name),
    and notes late arrivals and early leaves.
    """

    __tablename__ = "meeting_attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    first_joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # For a person without an account: the name, and the agency's name when it has no account.
    name: Mapped[str] = mapped_column(String(60), default="")
    agency_name: Mapped[str] = mapped_column(String(120), default="")
    title: Mapped[str] = mapped_column(String(60), default="")
    attended: Mapped[bool] = mapped_column(Boolean, default=True)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    left_early: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(String(120), default="")

    user: Mapped[User | None] = relationship(lazy="joined")
    agency: Mapped[Agency | None] = relationship(lazy="joined")

    @property
    def person_name(self) -> str:
        """Return who attended, by name."""
        return self.user.name if self.user else self.name

    @property
    def agency_label(self) -> str:
        """Return the agency's name (an agency without an account by its typed name)."""
        return self.agency.name if self.agency else self.agency_name

    @property
    def person_title(self) -> str:
        """Return the person's role (職名)."""
        return self.title or (self.user.title if self.user else "")

    @property
    def remark(self) -> str:
        """Return 遅参・早退 and the note, as the minutes print them."""
        marks = [m for m, on in (("遅参", self.late), ("早退", self.left_early)) if on]
        return "・".join(marks + ([self.note] if self.note else []))
