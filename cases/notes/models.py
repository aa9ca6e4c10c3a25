"""Case notes (経過記録): dated entries of the case record written by the involved agencies."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cases.models import Child
from portal.extensions import db
from portal.models import Agency, User
from portal.types import UTCDateTime, utcnow


class CaseNote(db.Model):
    """A dated entry of the case record (経過記録) by an involved agency."""

    __tablename__ = "case_notes"
    __table_args__ = (Index("ix_case_notes_case_date", "case_id", "occurred_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    child_id: Mapped[int | None] = mapped_column(ForeignKey("children.id", ondelete="SET NULL"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    occurred_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(30))
    body: Mapped[str] = mapped_column(Text)
    # Where a note came from when another feature wrote it (e.g. "monthly_report:12").
    source: Mapped[str] = mapped_column(String(60), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    agency: Mapped[Agency] = relationship(lazy="joined")
    author: Mapped[User | None] = relationship(lazy="joined")
    child: Mapped[Child | None] = relationship(lazy="joined")
