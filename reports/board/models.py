"""Notices to people (a reminder to report, ...) and the reminders sent from the submission board."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.types import UTCDateTime, utcnow


class Notification(db.Model):
    """An in-portal notice to one person (a reminder to report, ...), read or not."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_read", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Reminder(db.Model):
    """A reminder sent to a late agency for one month's report."""

    __tablename__ = "report_reminders"
    __table_args__ = (Index("ix_report_reminders_key", "council_id", "agency_id", "year", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recipients: Mapped[int] = mapped_column(Integer, default=0)
    emailed: Mapped[int] = mapped_column(Integer, default=0)
