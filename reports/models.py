"""Reports from agencies: monthly status reports (定期的な情報提供), immediate reports, alerts, reminders."""

import enum
import json
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models import Agency, User
from portal.types import UTCDateTime, utcnow

# A run of this many consecutive absent days (school holidays excluded) is reported at once.
ABSENCE_ALERT_DAYS = 7


class Concern(enum.StrEnum):
    """The reporting agency's level of concern for one child this period."""

    NONE = "none"
    WATCH = "watch"
    URGENT = "urgent"

    @property
    def label(self) -> str:
        """Return the Japanese name."""
        return CONCERN_LABELS[self]


CONCERN_LABELS = {Concern.NONE: "変化なし", Concern.WATCH: "気になる", Concern.URGENT: "至急"}


class ReportState(enum.StrEnum):
    """Where a monthly report stands."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    CORRECTING = "correcting"

    @property
    def label(self) -> str:
        """Return the Japanese name."""
        return {"draft": "下書き", "submitted": "提出済み", "correcting": "訂正中（未再提出）"}[self.value]


class ImmediateReason(enum.StrEnum):
    """Why an agency reports at once instead of waiting for the monthly date."""

    ABSENCE_7DAYS = "absence_7days"
    NO_CONTACT = "no_contact"
    INJURY = "injury"
    OTHER = "other"
    # Raised by a monthly row rather than chosen by the reporter.
    URGENT_CONCERN = "urgent_concern"

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


class MonthlyReport(db.Model):
    """One agency's report to one council for one monthly period (月次報告)."""

    __tablename__ = "monthly_reports"
    __table_args__ = (UniqueConstraint("council_id", "agency_id", "year", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    # The period as it was when the report was opened; a later change of the setting keeps it.
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    school_days: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(12), default=ReportState.DRAFT.value)
    # How many times it has been submitted (1 = first submission, 2+ = corrections).
    version: Mapped[int] = mapped_column(Integer, default=0)
    first_submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    agency: Mapped[Agency] = relationship(lazy="joined")
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    rows: Mapped[list["MonthlyReportRow"]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="MonthlyReportRow.id"
    )

    @property
    def state_label(self) -> str:
        """Return the state in Japanese."""
        return ReportState(self.state).label

    @property
    def submitted(self) -> bool:
        """Tell whether the report has been submitted at least once."""
        return self.version > 0

    def __str__(self) -> str:
        return f"{self.agency.name} {self.year}年{self.month}月分"


# The row fields an agency fills in, in the order of the form and the template.
NUMBER_FIELDS = (
    "attended_days",
    "absent_notified",
    "absent_unnotified",
    "late_count",
    "early_leave_count",
    "consecutive_absent_days",
)
TEXT_FIELDS = ("absence_reason", "condition", "signs", "guardian")
ROW_FIELDS = (*NUMBER_FIELDS, "last_attended_on", *TEXT_FIELDS, "concern")


class MonthlyReportRow(db.Model):
    """One child's line of a monthly report: attendance, condition, signs, guardian, concern."""

    __tablename__ = "monthly_report_rows"
    __table_args__ = (UniqueConstraint("report_id", "child_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("monthly_reports.id", ondelete="CASCADE"))
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    attended_days: Mapped[int | None] = mapped_column(Integer)
    absent_notified: Mapped[int | None] = mapped_column(Integer)
    absent_unnotified: Mapped[int | None] = mapped_column(Integer)
    late_count: Mapped[int | None] = mapped_column(Integer)
    early_leave_count: Mapped[int | None] = mapped_column(Integer)
    consecutive_absent_days: Mapped[int | None] = mapped_column(Integer)
    last_attended_on: Mapped[date | None] = mapped_column(Date)
    absence_reason: Mapped[str] = mapped_column(Text, default="")
    condition: Mapped[str] = mapped_column(Text, default="")
    signs: Mapped[str] = mapped_column(Text, default="")
    guardian: Mapped[str] = mapped_column(Text, default="")
    concern: Mapped[str] = mapped_column(String(10), default=Concern.NONE.value)

    report: Mapped[MonthlyReport] = relationship(back_populates="rows")

    def values(self) -> dict:
        """Return the filled-in fields as plain JSON-ready values."""
        data = {name: getattr(self, name) for name in ROW_FIELDS}
        data["last_attended_on"] = self.last_attended_on.isoformat() if self.last_attended_on else None
        return data

    @property
    def concern_label(self) -> str:
        """Return the concern in Japanese."""
        return Concern(self.concern).label


class ReportSubmission(db.Model):
    """One submitted version of a monthly report, with every row as it was (the correction history)."""

    __tablename__ = "report_submissions"
    __table_args__ = (UniqueConstraint("report_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("monthly_reports.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    via: Mapped[str] = mapped_column(String(10), default="form")
    school_days: Mapped[int | None] = mapped_column(Integer)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # child id (as text) -> the row's values at this version
    snapshot: Mapped[str] = mapped_column(Text, default="{}")
    changed_children: Mapped[str] = mapped_column(Text, default="[]")

    submitted_by: Mapped[User | None] = relationship(lazy="joined")

    @property
    def rows(self) -> dict[int, dict]:
        """Return child id -> values at this version."""
        return {int(k): v for k, v in json.loads(self.snapshot or "{}").items()}

    @property
    def changed(self) -> list[int]:
        """Return the children whose rows changed from the previous version."""
        return json.loads(self.changed_children or "[]")


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
