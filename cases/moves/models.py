"""Whereabouts unknown (所在不明) periods and transfers to another council (ケース移管)."""

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cases.models import RISK_LABELS, Case
from portal.extensions import db
from portal.models import Agency, Council, User
from portal.types import UTCDateTime, utcnow

HANDOVER_METHODS = {"face": "対面", "phone": "電話"}


class MissingPeriod(db.Model):
    """A time the family's whereabouts were unknown (所在不明): from when, and when they were found."""

    __tablename__ = "case_missing_periods"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    since_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    found_on: Mapped[date | None] = mapped_column(Date)
    found_note: Mapped[str] = mapped_column(Text, default="")
    found_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    case: Mapped[Case] = relationship(lazy="joined")


class TransferStatus(enum.StrEnum):
    """Where a transfer stands."""

    PENDING = "pending"  # started; waits for the receiving council (or the paper handover)
    ACCEPTED = "accepted"  # a council on the portal took the case over
    SENT = "sent"  # handed to a council elsewhere by paper and export
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        """Return the Japanese name."""
        return {
            "pending": "移管手続中",
            "accepted": "移管済（受入）",
            "sent": "移管済（送付）",
            "cancelled": "取消",
        }[self.value]


class CaseTransfer(db.Model):
    """A case handed to another council (ケース移管): on the portal, or a council elsewhere."""

    __tablename__ = "case_transfers"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    from_council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"))
    # A council on the portal, or (None) one elsewhere named in destination_name.
    to_council_id: Mapped[int | None] = mapped_column(ForeignKey("councils.id"), index=True)
    destination_name: Mapped[str] = mapped_column(String(120), default="")
    move_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")
    risk_level: Mapped[int] = mapped_column(Integer, default=2)
    status: Mapped[str] = mapped_column(String(20), default=TransferStatus.PENDING.value)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The face-to-face or phone handover a high-risk transfer needs before it completes.
    handover_method: Mapped[str] = mapped_column(String(10), default="")
    handover_on: Mapped[date | None] = mapped_column(Date)
    handover_with: Mapped[str] = mapped_column(String(120), default="")
    handover_note: Mapped[str] = mapped_column(Text, default="")
    handover_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    new_case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    child_guidance_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))

    case: Mapped[Case] = relationship(foreign_keys=[case_id], lazy="joined")
    new_case: Mapped[Case | None] = relationship(foreign_keys=[new_case_id])
    from_council: Mapped[Council] = relationship(foreign_keys=[from_council_id], lazy="joined")
    to_council: Mapped[Council | None] = relationship(foreign_keys=[to_council_id], lazy="joined")
    child_guidance_agency: Mapped[Agency | None] = relationship()
    started_by: Mapped[User | None] = relationship(foreign_keys=[started_by_id])

    @property
    def status_label(self) -> str:
        """Return the status in Japanese."""
        return TransferStatus(self.status).label

    @property
    def destination(self) -> str:
        """Return the receiving council's name."""
        return self.to_council.name if self.to_council else self.destination_name

    @property
    def risk_label(self) -> str:
        """Return the risk in Japanese."""
        return RISK_LABELS.get(self.risk_level, "")

    @property
    def high_risk(self) -> bool:
        """Tell whether the transfer needs a face-to-face or phone handover first."""
        return self.risk_level >= 3

    @property
    def handed_over(self) -> bool:
        """Tell whether the face-to-face or phone handover is recorded."""
        return bool(self.handover_method and self.handover_on)

    def __str__(self) -> str:
        return f"ケース移管 {self.id}"
