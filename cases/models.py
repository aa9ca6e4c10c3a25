"""Case data: households, children, guardians, the parts of a case, code lists, history and read links."""

import enum
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models import Agency, Council, User
from portal.types import UTCDateTime, utcnow


class Category(enum.StrEnum):
    """登録区分."""

    PROTECTION = "protection"
    SUPPORT = "support"
    PREGNANT = "pregnant"

    @property
    def label(self) -> str:
        """Return the Japanese name."""
        return {"protection": "要保護児童", "support": "要支援児童", "pregnant": "特定妊婦"}[self.value]


class Status(enum.StrEnum):
    """Where a case stands: received (受理), registered (登録) or closed (終結)."""

    INTAKE = "intake"
    REGISTERED = "registered"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        """Return the Japanese name."""
        return {"intake": "受理", "registered": "登録", "closed": "終結"}[self.value]


RISK_LABELS = {3: "高", 2: "中", 1: "低"}


class Part(enum.StrEnum):
    """A part of a case that is shared on its own."""

    BASIC = "basic"
    LEDGER = "ledger"
    NOTES = "notes"
    REPORTS = "reports"
    PLAN = "plan"
    MEETINGS = "meetings"

    @property
    def bit(self) -> int:
        """Return this part's bit in a grant's part mask."""
        return _PART_BITS[self]

    @property
    def label(self) -> str:
        """Return the Japanese name."""
        return PART_LABELS[self]


_PART_BITS = {part: 1 << n for n, part in enumerate(Part)}

PART_LABELS = {
    Part.BASIC: "基本情報",
    Part.LEDGER: "台帳の状況",
    Part.NOTES: "経過記録",
    Part.REPORTS: "関係機関からの報告",
    Part.PLAN: "支援計画",
    Part.MEETINGS: "会議記録",
}
ALL_PARTS_MASK = sum(p.bit for p in Part)


def parts_mask(parts) -> int:
    """Pack parts into a bit mask."""
    return sum(Part(p).bit for p in set(parts))


def mask_parts(mask: int) -> set[Part]:
    """Unpack a bit mask into parts."""
    return {p for p in Part if mask & p.bit}


class CodeItem(db.Model):
    """An entry of a managed code list (abuse types, referral routes, main abusers, ...)."""

    __tablename__ = "code_items"
    __table_args__ = (UniqueConstraint("list_name", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    list_name: Mapped[str] = mapped_column(String(30), index=True)
    code: Mapped[str] = mapped_column(String(30))
    label: Mapped[str] = mapped_column(String(60))
    sort_order: Mapped[int] = mapped_column(Integer, default=100)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Case(db.Model):
    """A registered household (世帯) in a council's ledger (進行管理台帳)."""

    __tablename__ = "cases"
    __table_args__ = (
        UniqueConstraint("council_id", "case_number"),
        Index("ix_cases_council_status", "council_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"))
    case_number: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default=Status.INTAKE.value)
    received_on: Mapped[date] = mapped_column(Date)
    registered_on: Mapped[date | None] = mapped_column(Date)
    referral_route: Mapped[str] = mapped_column(String(30), default="")
    main_abuser: Mapped[str] = mapped_column(String(30), default="")
    risk_level: Mapped[int] = mapped_column(Integer, default=2)
    lead_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    key_person: Mapped[str] = mapped_column(String(120), default="")
    # The 部会 of the practitioner meeting that follows the case (one of the council's sections).
    section: Mapped[str] = mapped_column(String(40), default="")
    support_policy: Mapped[str] = mapped_column(Text, default="")
    household_note: Mapped[str] = mapped_column(Text, default="")
    expected_delivery_on: Mapped[date | None] = mapped_column(Date)
    last_confirmed_on: Mapped[date | None] = mapped_column(Date)
    next_review_on: Mapped[date | None] = mapped_column(Date, index=True)
    closed_on: Mapped[date | None] = mapped_column(Date)
    closure_reason: Mapped[str] = mapped_column(String(30), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    council: Mapped[Council] = relationship(lazy="joined")
    lead_agency: Mapped[Agency | None] = relationship(lazy="joined")
    children: Mapped[list["Child"]] = relationship(
        back_populates="case", order_by="[Child.birth_date, Child.id]", cascade="all, delete-orphan"
    )
    guardians: Mapped[list["Guardian"]] = relationship(
        back_populates="case", order_by="Guardian.id", cascade="all, delete-orphan"
    )
    abuse_type_rows: Mapped[list["CaseAbuseType"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="CaseAbuseType.code"
    )

    @property
    def abuse_types(self) -> list[str]:
        """Return the abuse type codes of this case."""
        return [row.code for row in self.abuse_type_rows]

    @property
    def category_label(self) -> str:
        """Return the category in Japanese."""
        return Category(self.category).label

    @property
    def status_label(self) -> str:
        """Return the status in Japanese."""
        return Status(self.status).label

    @property
    def risk_label(self) -> str:
        """Return the risk level in Japanese."""
        return RISK_LABELS.get(self.risk_level, "")

    def __str__(self) -> str:
        # Audit rows name a case by its number only, never by a child's name.
        return f"ケース {self.case_number}"


class CaseAbuseType(db.Model):
    """One abuse type (虐待種別) of a case; a case may have several."""

    __tablename__ = "case_abuse_types"
    __table_args__ = (UniqueConstraint("case_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(30))


class Child(db.Model):
    """A child of the household (or, for 特定妊婦, the expectant mother's other children)."""

    __tablename__ = "children"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    name_kana: Mapped[str] = mapped_column(String(60), default="")
    birth_date: Mapped[date | None] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(10), default="")
    enrolled_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    grade_class: Mapped[str] = mapped_column(String(30), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    search_key: Mapped[str] = mapped_column(String(200), default="", index=True)
    # The subject of a 特定妊婦 case is the pregnant woman herself: she stands where a child would,
    # her 医療機関 as her enrolled agency; the baby joins the case as a child after the birth.
    expectant_mother: Mapped[bool] = mapped_column(Boolean, default=False)
    # Kept by the reports feature when an agency reports on the child; the ledger shows them.
    last_reported_on: Mapped[date | None] = mapped_column(Date)
    consecutive_absent_days: Mapped[int | None] = mapped_column(Integer)

    case: Mapped[Case] = relationship(back_populates="children")
    enrolled_agency: Mapped[Agency | None] = relationship(lazy="joined")

    def __str__(self) -> str:
        return self.name


class Guardian(db.Model):
    """A guardian (保護者) or other adult of the household; for 特定妊婦 the expectant mother."""

    __tablename__ = "guardians"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    relation: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(60))
    name_kana: Mapped[str] = mapped_column(String(60), default="")
    birth_date: Mapped[date | None] = mapped_column(Date)
    phone: Mapped[str] = mapped_column(String(40), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    search_key: Mapped[str] = mapped_column(String(200), default="", index=True)

    case: Mapped[Case] = relationship(back_populates="guardians")

    def __str__(self) -> str:
        return self.name


class CaseChange(db.Model):
    """One field of a case changed: who, when, before, after (the case history)."""

    __tablename__ = "case_changes"
    __table_args__ = (Index("ix_case_changes_case_at", "case_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    field: Mapped[str] = mapped_column(String(40))
    before: Mapped[str] = mapped_column(Text, default="")
    after: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(60), default="")
    reason: Mapped[str] = mapped_column(Text, default="")  # why (required for a risk change)

    user: Mapped[User | None] = relationship(lazy="joined")
    agency: Mapped[Agency | None] = relationship(lazy="joined")


class CaseRead(db.Model):
    """Links an audit row to each case it read, so a case's access history is one query."""

    __tablename__ = "case_reads"

    audit_seq: Mapped[int] = mapped_column(ForeignKey("audit_entries.seq"), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)

    __table_args__ = (Index("ix_case_reads_case", "case_id"),)
