"""Monthly status reports (定期的な情報提供): one per agency, council and month, its rows and versions."""

import enum
import json
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
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
