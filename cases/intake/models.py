"""An intake record (相談・通告受付票) with its urgency checklist, safety check and 受理会議 decision."""

from datetime import datetime, timedelta

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cases.models import Case
from portal.extensions import db
from portal.models import Agency, User
from portal.types import UTCDateTime, utcnow

SAFETY_CHECK_HOURS = 48

CHANNELS = {
    "phone": "電話",
    "visit": "来所",
    "writing": "文書",
    "mail": "メール",
    "outreach": "訪問時",
    "other": "その他",
}
SIGHTING_METHODS = {
    "home_visit": "家庭訪問で直接目視",
    "school": "学校・園で直接目視",
    "office": "来所で直接目視",
    "agency": "関係機関職員が直接目視",
}
# 緊急度アセスメント: code -> (sign, weight). A weight-3 sign makes the intake urgent (緊急度 高).
URGENCY_ITEMS = {
    "severe_injury": ("頭部・顔面・腹部のけが、乳幼児のけががある", 3),
    "wants_protection": ("子どもが帰宅を拒む・保護を求めている", 3),
    "infant_alone": ("乳幼児が放置されている", 3),
    "sexual": ("性的虐待の疑いがある", 3),
    "repeated": ("以前にも通告・相談がある", 2),
    "unseen": ("子どもの姿が確認できていない", 2),
    "guardian_unstable": ("保護者の精神状態が不安定、または強い攻撃性がある", 2),
    "dv": ("家庭内に暴力（DV）がある", 2),
    "neglect": ("食事・衣服・衛生の著しい不足がある", 2),
}
URGENCY_LABELS = {3: "高（緊急）", 2: "中", 1: "低"}
DECISIONS = {
    "register": "登録（要対協ケース）",
    "refer": "児童相談所へ送致・援助依頼",
    "advice": "助言のみで終結",
}
REFERRAL_KINDS = {"sochi": "送致", "enjo": "援助依頼"}


def urgency_level(items: list[str]) -> int:
    """Return the urgency level the checked signs give: 3 for a grave sign, 2 for any other, else 1."""
    weights = [URGENCY_ITEMS[code][1] for code in items if code in URGENCY_ITEMS]
    return max(weights, default=1)


class IntakeRecord(db.Model):
    """The 相談・通告受付票 of a case received by the coordinator, and what followed it."""

    __tablename__ = "intake_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), unique=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    channel: Mapped[str] = mapped_column(String(20))
    caller_anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    caller_name: Mapped[str] = mapped_column(String(60), default="")
    caller_relation: Mapped[str] = mapped_column(String(40), default="")
    caller_contact: Mapped[str] = mapped_column(String(80), default="")
    heard: Mapped[str] = mapped_column(Text, default="")
    abuse_report: Mapped[bool] = mapped_column(Boolean, default=True)
    urgency_items: Mapped[str] = mapped_column(String(300), default="")
    urgency_level: Mapped[int] = mapped_column(Integer, default=1)
    # The 48-hour check: the required direct sighting of the child.
    safety_due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    sighted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sighted_by: Mapped[str] = mapped_column(String(120), default="")
    sighted_how: Mapped[str] = mapped_column(String(20), default="")
    sighting_note: Mapped[str] = mapped_column(Text, default="")
    sighting_recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    overdue_alerted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The 受理会議 decision.
    decision: Mapped[str] = mapped_column(String(20), default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    referral_kind: Mapped[str] = mapped_column(String(10), default="")
    referral_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship(lazy="joined")
    received_by: Mapped[User | None] = relationship(foreign_keys=[received_by_id], lazy="joined")
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    referral_agency: Mapped[Agency | None] = relationship()

    @property
    def item_list(self) -> list[str]:
        """Return the checked urgency signs' codes."""
        return [c for c in self.urgency_items.split(",") if c]

    @property
    def urgency_label(self) -> str:
        """Return the urgency level in Japanese."""
        return URGENCY_LABELS.get(self.urgency_level, "")

    @property
    def channel_label(self) -> str:
        """Return how the report came in, in Japanese."""
        return CHANNELS.get(self.channel, self.channel)

    @property
    def decision_label(self) -> str:
        """Return the 受理会議 decision in Japanese (empty before it)."""
        label = DECISIONS.get(self.decision, "")
        if self.decision == "refer":
            label = f"児童相談所へ{REFERRAL_KINDS.get(self.referral_kind, '')}"
        return label

    @property
    def needs_sighting(self) -> bool:
        """Tell whether the 48-hour check still waits (no sighting, not closed as advice only)."""
        return self.sighted_at is None and self.decision != "advice"

    def overdue(self, now: datetime) -> bool:
        """Tell whether the check is past its 48 hours without a sighting."""
        return self.needs_sighting and now > self.safety_due_at

    def hours_left(self, now: datetime) -> int:
        """Return the whole hours left to the deadline (negative once overdue)."""
        seconds = (self.safety_due_at - now).total_seconds()
        return int(seconds // 3600) if seconds >= 0 else -int(-seconds // 3600) - 1

    @staticmethod
    def due_from(received_at: datetime) -> datetime:
        """Return when the sighting is due for a report received at `received_at`."""
        return received_at + timedelta(hours=SAFETY_CHECK_HOURS)

    def __str__(self) -> str:
        return f"受付票 {self.id}"
