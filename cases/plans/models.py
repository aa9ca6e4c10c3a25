"""Support plans (サポートプラン) with their versions and supports, and the council's local resources."""

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cases.models import Case, Child
from cases.sharing.models import Consent
from portal.extensions import db
from portal.models import Council, User
from portal.types import UTCDateTime, utcnow

# Kinds of local resources, after the groups the towns' plan forms use.
RESOURCE_KINDS = {
    "consultation": "相談",
    "living": "生活・住まい",
    "childcare": "保育・教育・居場所",
    "health": "医療・健康",
    "money": "経済的な支援",
    "housework": "家事・育児の手伝い",
    "respite": "休息・一時預かり",
    "community": "交流・学び",
    "other": "その他",
}


class LocalResource(db.Model):
    """A service or place in the town (地域資源) that a plan may use; coordinators keep the list."""

    __tablename__ = "local_resources"
    __table_args__ = (UniqueConstraint("council_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(30))
    contact: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    council: Mapped[Council] = relationship()

    @property
    def kind_label(self) -> str:
        """Return the kind in Japanese."""
        return RESOURCE_KINDS.get(self.kind, self.kind)

    def __str__(self) -> str:
        return self.name


class SupportPlan(db.Model):
    """The support plan of one child of a case (or of the household, e.g. the expectant mother).

    The content lives in versions; a review adds a version and keeps the old ones. The next
    review date of the newest version is copied here so the review board is one query.
    """

    __tablename__ = "support_plans"
    __table_args__ = (UniqueConstraint("case_id", "child_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    child_id: Mapped[int | None] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"))
    caseworker_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    current_number: Mapped[int] = mapped_column(Integer, default=1)
    next_review_on: Mapped[date] = mapped_column(Date, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    case: Mapped[Case] = relationship(lazy="joined")
    child: Mapped[Child | None] = relationship(lazy="joined")
    caseworker: Mapped[User] = relationship(foreign_keys=[caseworker_id], lazy="joined")
    versions: Mapped[list["PlanVersion"]] = relationship(
        back_populates="plan", order_by="PlanVersion.number", cascade="all, delete-orphan"
    )

    @property
    def subject(self) -> str:
        """Return whom the plan is for: the child's name, or the household."""
        return self.child.name if self.child else "世帯（妊婦本人など）"

    @property
    def current(self) -> "PlanVersion":
        """Return the newest version."""
        return self.versions[-1]

    def version(self, number: int) -> "PlanVersion | None":
        """Return one version by its number."""
        return next((v for v in self.versions if v.number == number), None)

    def __str__(self) -> str:
        # Audit rows name the case by its number, never the child.
        return f"サポートプラン（ケース {self.case.case_number}）"


class PlanVersion(db.Model):
    """One version of a plan as written (or reviewed) with the family; never changed afterwards."""

    __tablename__ = "plan_versions"
    __table_args__ = (UniqueConstraint("plan_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("support_plans.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    made_on: Mapped[date] = mapped_column(Date)
    written_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # 意向, 気になること, 希望すること of the child and of the guardian (sanitized HTML).
    child_wish: Mapped[str] = mapped_column(Text, default="")
    guardian_wish: Mapped[str] = mapped_column(Text, default="")
    child_worries: Mapped[str] = mapped_column(Text, default="")
    guardian_worries: Mapped[str] = mapped_column(Text, default="")
    child_hopes: Mapped[str] = mapped_column(Text, default="")
    guardian_hopes: Mapped[str] = mapped_column(Text, default="")
    issues: Mapped[str] = mapped_column(Text, default="")
    family_actions: Mapped[str] = mapped_column(Text, default="")
    child_actions: Mapped[str] = mapped_column(Text, default="")
    short_term_goal: Mapped[str] = mapped_column(Text, default="")
    short_term_until: Mapped[date | None] = mapped_column(Date)
    long_term_goal: Mapped[str] = mapped_column(Text, default="")
    satisfaction: Mapped[int | None] = mapped_column(Integer)
    next_review_on: Mapped[date] = mapped_column(Date)
    # How the last period went (評価), written at the review that made this version.
    evaluation: Mapped[str] = mapped_column(Text, default="")
    # The consent to share recorded with this version, if one was.
    consent_id: Mapped[int | None] = mapped_column(ForeignKey("consents.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    plan: Mapped[SupportPlan] = relationship(back_populates="versions")
    written_by: Mapped[User | None] = relationship(lazy="joined")
    consent: Mapped[Consent | None] = relationship(lazy="joined")
    supports: Mapped[list["PlanSupport"]] = relationship(
        order_by="PlanSupport.position", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def is_review(self) -> bool:
        """Tell whether a review made this version."""
        return self.number > 1


class PlanSupport(db.Model):
    """One support of a plan version: kind, content, who, how often, from when."""

    __tablename__ = "plan_supports"
    __table_args__ = (Index("ix_plan_supports_version", "version_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("plan_versions.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    resource_id: Mapped[int | None] = mapped_column(ForeignKey("local_resources.id", ondelete="SET NULL"))
    # The resource's name and kind as they were, so a later edit of the list leaves old versions be.
    service_name: Mapped[str] = mapped_column(String(120), default="")
    kind: Mapped[str] = mapped_column(String(30), default="")
    content: Mapped[str] = mapped_column(Text, default="")
    provider: Mapped[str] = mapped_column(String(120), default="")
    frequency: Mapped[str] = mapped_column(String(60), default="")
    starts_on: Mapped[date | None] = mapped_column(Date)

    resource: Mapped[LocalResource | None] = relationship()

    @property
    def kind_label(self) -> str:
        """Return the kind in Japanese."""
        return RESOURCE_KINDS.get(self.kind, self.kind)
