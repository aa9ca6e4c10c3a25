"""The live room's records: numbered changes (for resynchronising), open connections, who attended."""

import json
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
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
    """A person who joined the live meeting (出席者), kept for the minutes."""

    __tablename__ = "meeting_attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    first_joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(lazy="joined")
    agency: Mapped[Agency] = relationship(lazy="joined")
