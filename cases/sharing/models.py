"""Sharing records: involvements (who has a role in a case), consents, and the grants they carry."""

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cases.models import Child, Part, mask_parts
from portal.extensions import db
from portal.models import Agency, User
from portal.types import UTCDateTime, utcnow


class InvolvementKind(enum.StrEnum):
    """How an agency takes part in a case."""

    ENROLLED = "enrolled"
    LEAD = "lead"
    CHILD_GUIDANCE = "child_guidance"
    ASSIGNED = "assigned"
    MEETING = "meeting"

    @property
    def label(self) -> str:
        """Return the Japanese name."""
        return INVOLVEMENT_LABELS[self]


INVOLVEMENT_LABELS = {
    InvolvementKind.ENROLLED: "在籍機関",
    InvolvementKind.LEAD: "主担当機関",
    InvolvementKind.CHILD_GUIDANCE: "児童相談所",
    InvolvementKind.ASSIGNED: "支援担当",
    InvolvementKind.MEETING: "会議参加",
}


class GrantCause(enum.StrEnum):
    """Why an agency may see a part of a case."""

    STATUTORY = "statutory"
    CONSENT = "consent"
    EMERGENCY = "emergency"
    MEETING = "meeting"

    @property
    def label(self) -> str:
        """Return the Japanese name."""
        return {
            "statutory": "法定（要対協の守秘義務の下での共有）",
            "consent": "本人・保護者の同意",
            "emergency": "緊急共有",
            "meeting": "会議への参加",
        }[self.value]


class Involvement(db.Model):
    """An agency's role in a case (在籍機関, 主担当機関, 児童相談所, 支援担当, 会議参加), for a period."""

    __tablename__ = "involvements"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    child_id: Mapped[int | None] = mapped_column(ForeignKey("children.id", ondelete="SET NULL"))
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(200), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    agency: Mapped[Agency] = relationship(lazy="joined")
    child: Mapped[Child | None] = relationship()

    @property
    def kind_label(self) -> str:
        """Return the kind in Japanese."""
        return InvolvementKind(self.kind).label


class Consent(db.Model):
    """A guardian's (or the child's) consent to share parts of the case with named agencies."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    given_by_name: Mapped[str] = mapped_column(String(60))
    given_by_relation: Mapped[str] = mapped_column(String(20))
    given_on: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    parts: Mapped[int] = mapped_column(Integer)
    wording: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    withdrawal_note: Mapped[str] = mapped_column(String(200), default="")
    document_name: Mapped[str] = mapped_column(String(200), default="")
    document_type: Mapped[str] = mapped_column(String(60), default="")
    document: Mapped[bytes | None] = mapped_column(db.LargeBinary, deferred=True)

    grants: Mapped[list["AccessGrant"]] = relationship(back_populates="consent")

    @property
    def part_set(self) -> set[Part]:
        """Return the parts the consent covers."""
        return mask_parts(self.parts)


class AccessGrant(db.Model):
    """One stored grant of access to parts of a case for an agency, with its cause and period.

    A grant is never a flag on the case: it names its cause (statutory, consent, emergency,
    meeting), when it starts and ends, and is revoked (not deleted) when it stops.
    """

    __tablename__ = "access_grants"
    __table_args__ = (Index("ix_access_grants_agency_case", "agency_id", "case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    cause: Mapped[str] = mapped_column(String(20))
    parts: Mapped[int] = mapped_column(Integer)
    # Set when the grant covers one child only (an enrolled agency sees its own child).
    child_id: Mapped[int | None] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    involvement_id: Mapped[int | None] = mapped_column(ForeignKey("involvements.id", ondelete="SET NULL"))
    consent_id: Mapped[int | None] = mapped_column(ForeignKey("consents.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text, default="")
    legal_basis: Mapped[str] = mapped_column(String(30), default="")
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    agency: Mapped[Agency] = relationship(lazy="joined")
    consent: Mapped[Consent | None] = relationship(back_populates="grants")
    child: Mapped[Child | None] = relationship()
    granted_by: Mapped[User | None] = relationship(foreign_keys=[granted_by_id])

    @property
    def part_set(self) -> set[Part]:
        """Return the parts this grant covers."""
        return mask_parts(self.parts)

    @property
    def cause_label(self) -> str:
        """Return the cause in Japanese."""
        return GrantCause(self.cause).label
