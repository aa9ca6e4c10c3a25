"""Assessment sheets (アセスメントシート): one agency's view of one case before a meeting."""

from datetime import date, datetime

from sqlalchemy import Boolean, Column, Date, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models import Agency, User
from portal.types import UTCDateTime, utcnow

# The safety scale (セーフティスケール): 0 = not safe at all, 10 = safe.
SCALE_MIN, SCALE_MAX = 0, 10

sheet_signs = Table(
    "assessment_sheet_signs",
    db.metadata,
    Column("sheet_id", ForeignKey("assessment_sheets.id", ondelete="CASCADE"), primary_key=True),
    Column("sign_id", ForeignKey("assessment_signs.id"), primary_key=True),
)


class AssessmentSign(db.Model):
    """One sign an agency may check on a sheet (体重減少, 不自然な傷 ...); retired ones stay on old sheets."""

    __tablename__ = "assessment_signs"

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(60), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __str__(self) -> str:
        return self.label


class AssessmentSheet(db.Model):
    """What one agency saw of one case, what it did recently, and its safety scale."""

    __tablename__ = "assessment_sheets"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    assessed_on: Mapped[date] = mapped_column(Date)
    recent_actions: Mapped[str] = mapped_column(Text, default="")
    safety_scale: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    written_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    written_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    agency: Mapped[Agency] = relationship(lazy="joined")
    written_by: Mapped[User | None] = relationship(lazy="joined")
    signs: Mapped[list[AssessmentSign]] = relationship(
        secondary=sheet_signs, order_by="AssessmentSign.position", lazy="selectin"
    )

    def __str__(self) -> str:
        return f"アセスメントシート {self.id}"
