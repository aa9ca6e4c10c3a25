"""Identity: councils (要対協), agencies (関係機関) and the people who work in them."""

import enum
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.types import UTCDateTime, utcnow


class Role(enum.StrEnum):
    """What a person may do in the portal; several may be held at once."""

    COORDINATOR = "coordinator"
    FACILITATOR = "facilitator"
    AGENCY_MEMBER = "agency_member"
    CASEWORKER = "caseworker"
    ADVISOR = "advisor"
    ADMIN = "admin"
    AUDITOR = "auditor"

    @property
    def label(self) -> str:
        """Return the Japanese name shown in the UI."""
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.COORDINATOR: "調整機関担当",
    Role.FACILITATOR: "進行役（統括支援員）",
    Role.AGENCY_MEMBER: "関係機関職員",
    Role.CASEWORKER: "児童相談所 児童福祉司",
    Role.ADVISOR: "スーパーバイザー",
    Role.ADMIN: "システム管理者",
    Role.AUDITOR: "監査担当",
}


class AgencyCategory(enum.StrEnum):
    """The broad kind of an agency, which later decides what it reports and sees."""

    MUNICIPAL = "municipal"
    SCHOOL = "school"
    NURSERY = "nursery"
    CHILD_GUIDANCE = "child_guidance"
    HEALTH = "health"
    MEDICAL = "medical"
    POLICE = "police"
    EDUCATION_BOARD = "education_board"
    WELFARE = "welfare"
    OTHER = "other"

    @property
    def label(self) -> str:
        """Return the Japanese name shown in the UI."""
        return CATEGORY_LABELS[self]


CATEGORY_LABELS = {
    AgencyCategory.MUNICIPAL: "市区町村（調整機関）",
    AgencyCategory.SCHOOL: "学校",
    AgencyCategory.NURSERY: "保育・幼児教育施設",
    AgencyCategory.CHILD_GUIDANCE: "児童相談所",
    AgencyCategory.HEALTH: "保健",
    AgencyCategory.MEDICAL: "医療",
    AgencyCategory.POLICE: "警察",
    AgencyCategory.EDUCATION_BOARD: "教育委員会",
    AgencyCategory.WELFARE: "福祉",
    AgencyCategory.OTHER: "その他",
}


council_members = Table(
    "council_members",
    db.metadata,
    Column("council_id", ForeignKey("councils.id", ondelete="CASCADE"), primary_key=True),
    Column("agency_id", ForeignKey("agencies.id", ondelete="CASCADE"), primary_key=True),
)


class Council(db.Model):
    """A 要保護児童対策地域協議会: one per municipality, with its own settings."""

    __tablename__ = "councils"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    municipality: Mapped[str] = mapped_column(String(60))
    coordinating_agency_id: Mapped[int | None] = mapped_column(
        ForeignKey("agencies.id", use_alter=True, ondelete="SET NULL")
    )
    # Names of the meeting tiers differ between towns, so they are settings.
    tier_representative: Mapped[str] = mapped_column(String(40), default="代表者会議")
    tier_practitioner: Mapped[str] = mapped_column(String(40), default="実務者会議")
    tier_individual: Mapped[str] = mapped_column(String(40), default="個別ケース検討会議")
    tier_joint: Mapped[str] = mapped_column(String(40), default="合同ケース会議")
    tier_progress: Mapped[str] = mapped_column(String(40), default="進行管理会議")
    # Monthly reports from schools and nurseries are due on this day of the following month.
    report_due_day: Mapped[int] = mapped_column(Integer, default=10)
    # A monthly period starts on this day (1 = the calendar month; 21 = the 21st to the 20th).
    report_period_start_day: Mapped[int] = mapped_column(Integer, default=1)
    # Which agency categories (AgencyCategory values, comma-separated) send monthly reports.
    report_agency_categories: Mapped[str] = mapped_column(String(120), default="school,nursery")
    # Which registered cases the council's 児童相談所 joins by itself (共同管理台帳):
    # "abuse" = every case with an abuse type, "all" = every case, "none" = only when added.
    child_guidance_auto_join: Mapped[str] = mapped_column(String(10), default="abuse")
    # Whether the people of member agencies (schools, nurseries, ...) must use a second factor too;
    # coordinators, facilitators, 児相 caseworkers and administrators always must.
    two_factor_for_members: Mapped[bool] = mapped_column(Boolean, default=False)
    # The 部会 the practitioner meeting is split into (e.g. 乳幼児部会), one name a line; empty for none.
    sections: Mapped[str] = mapped_column(Text, default="")
    # The figures of the 代表者会議: a child's age for the age bands is taken on the last day of the
    # 年度 ("year_end") or its first ("year_start"); counts of 1–2 are shown as "3未満" in the Word and
    # Excel copies ("exports"), on the page too ("everywhere"), or not at all ("never").
    figures_age_basis: Mapped[str] = mapped_column(String(12), default="year_end")
    figures_small_counts: Mapped[str] = mapped_column(String(12), default="exports")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    coordinating_agency: Mapped["Agency | None"] = relationship(
        foreign_keys=[coordinating_agency_id], post_update=True
    )
    members: Mapped[list["Agency"]] = relationship(
        secondary=council_members, back_populates="councils", order_by="Agency.name"
    )

    @property
    def section_names(self) -> list[str]:
        """Return the council's 部会 in their order."""
        return [line.strip() for line in (self.sections or "").splitlines() if line.strip()]

    def __str__(self) -> str:
        return self.name


class AgencyKind(db.Model):
    """A managed kind of agency (小学校, 保育所, 児童相談所, ...)."""

    __tablename__ = "agency_kinds"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    category: Mapped[str] = mapped_column(String(20), default=AgencyCategory.OTHER.value)
    sort_order: Mapped[int] = mapped_column(Integer, default=100)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    @property
    def category_label(self) -> str:
        """Return the Japanese name of the category."""
        return AgencyCategory(self.category).label

    def __str__(self) -> str:
        return self.name


class Agency(db.Model):
    """A member agency (関係機関) of one or more councils."""

    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind_id: Mapped[int] = mapped_column(ForeignKey("agency_kinds.id"), index=True)
    address: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    kind: Mapped[AgencyKind] = relationship(lazy="joined")
    councils: Mapped[list[Council]] = relationship(
        secondary=council_members, back_populates="members", order_by="Council.name"
    )
    people: Mapped[list["User"]] = relationship(back_populates="agency", order_by="User.name")

    @property
    def category(self) -> AgencyCategory:
        """Return the category of this agency's kind."""
        return AgencyCategory(self.kind.category)

    def __str__(self) -> str:
        return self.name


class UserRole(db.Model):
    """One role held by one person."""

    __tablename__ = "user_roles"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))


class User(UserMixin, db.Model):
    """A person who logs in; belongs to one agency and holds roles."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    login_id: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    name_kana: Mapped[str] = mapped_column(String(60), default="")
    email: Mapped[str] = mapped_column(String(120), default="")
    title: Mapped[str] = mapped_column(String(60), default="")
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The TOTP second factor (RFC 6238): its base32 secret, kept unconfirmed until the person has typed
    # a first code; the last time step used, so that a code cannot be used twice.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    # Rotated when the password, roles or status change, so old sessions stop working.
    session_token: Mapped[str] = mapped_column(String(32), default=lambda: secrets.token_hex(16))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    agency: Mapped[Agency] = relationship(back_populates="people", lazy="joined")
    role_rows: Mapped[list[UserRole]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by=UserRole.role
    )

    @property
    def roles(self) -> set[Role]:
        """Return the roles this person holds."""
        return {Role(r.role) for r in self.role_rows}

    def has_role(self, *roles: Role) -> bool:
        """Tell whether this person holds any of the given roles."""
        return bool(self.roles.intersection(roles))

    @property
    def councils(self) -> list[Council]:
        """Return the councils this person works in, through their agency."""
        return [c for c in self.agency.councils if c.active]

    @property
    def is_active(self) -> bool:
        """Flask-Login: a disabled person cannot log in or stay logged in."""
        return self.active

    def get_id(self) -> str:
        """Flask-Login: the session names the person and their current session token."""
        return f"{self.id}:{self.session_token}"

    def rotate_session_token(self) -> None:
        """End every session this person has open."""
        self.session_token = secrets.token_hex(16)

    def __str__(self) -> str:
        return self.name
