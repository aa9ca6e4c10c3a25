"""Immediate reports (至急の情報提供) and the alerts they (or a monthly row) raise for the coordinator."""

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models import Agency, User
from portal.types import UTCDateTime, utcnow
from reports.monthly.models import ABSENCE_ALERT_DAYS


class ImmediateReason(enum.StrEnum):
    """Why an agency reports at once instead of waiting for the monthly date."""

    ABSENCE_7DAYS = "absence_7days"
    NO_CONTACT = "no_contact"
    INJURY = "injury"
    OTHER = "other"
    # Raised by a monthly row rather than chosen by the reporter.
    URGENT_CONCERN = "urgent_concern"
    # Raised by the case's own watch (cases.signals alarms), not by a reporting agency.
    SAFETY_OVERDUE = "safety_overdue"
    MISSING = "missing"

    @property
    def label(self) -> str:
        """Return the Japanese name."""
        return REASON_LABELS[self]


REASON_LABELS = {
    ImmediateReason.ABSENCE_7DAYS: f"{ABSENCE_ALERT_DAYS}日以上の連続欠席",
    ImmediateReason.NO_CONTACT: "連絡のない欠席",
    ImmediateReason.INJURY: "不自然なけが",
    ImmediateReason.OTHER: "その他の心配",
    ImmediateReason.URGENT_CONCERN: "定期報告で「至急」",
    ImmediateReason.SAFETY_OVERDUE: "48時間以内の安全確認が未了",
    ImmediateReason.MISSING: "所在不明",
}


# What a coordinator records as done about an alert.
ACTION_LABELS = {
    "home_visit": "家庭訪問",
    "call_cgc": "児童相談所へ連絡",
    "call_guardian": "保護者へ電話",
    "call_agency": "報告機関へ確認",
    "meeting": "個別ケース検討会議を招集",
    "watch": "経過観察",
    "other": "その他",
}


class ImmediateReport(db.Model):
    """A report sent at once for one child (至急の情報提供)."""

    __tablename__ = "immediate_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(20))
    occurred_on: Mapped[date] = mapped_column(Date)
    consecutive_absent_days: Mapped[int | None] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text, default="")
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __str__(self) -> str:
        return f"至急の情報提供 {self.id}"


class Alert(db.Model):
    """Something the coordinator must look at now, until it is acknowledged with what was done."""

    __tablename__ = "report_alerts"
    __table_args__ = (Index("ix_report_alerts_council_ack", "council_id", "acknowledged_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"))
    # Comma-separated ImmediateReason values.
    reasons: Mapped[str] = mapped_column(String(120))
    immediate_report_id: Mapped[int | None] = mapped_column(
        ForeignKey("immediate_reports.id", ondelete="SET NULL")
    )
    report_id: Mapped[int | None] = mapped_column(ForeignKey("monthly_reports.id", ondelete="SET NULL"))
    report_version: Mapped[int | None] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(20), default="")
    action_note: Mapped[str] = mapped_column(Text, default="")

    agency: Mapped[Agency] = relationship(lazy="joined")
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id], lazy="joined")
    acknowledged_by: Mapped[User | None] = relationship(foreign_keys=[acknowledged_by_id], lazy="joined")

    @property
    def reason_list(self) -> list[ImmediateReason]:
        """Return the reasons."""
        return [ImmediateReason(r) for r in self.reasons.split(",") if r]

    @property
    def reason_labels(self) -> list[str]:
        """Return the reasons in Japanese."""
        return [r.label for r in self.reason_list]

    @property
    def action_label(self) -> str:
        """Return what was done, in Japanese."""
        return ACTION_LABELS.get(self.action, self.action)

    def __str__(self) -> str:
        return f"アラート {self.id}"
