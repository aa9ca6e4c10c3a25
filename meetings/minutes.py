"""Minutes (会議録): a draft assembled from the meeting's record, edited, confirmed (locked), corrected.

A version is a snapshot: header, attendees and one section per agenda item (with the item's case
and role assignments as they were), so later changes to the case or the live record never change
confirmed minutes. A correction is a new version with its reason; earlier versions stay.
"""

import enum
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from markupsafe import escape
from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cases import codes
from cases.models import Case
from meetings import access, live, triage
from meetings.models import AgendaItem, Meeting, MeetingStatus
from meetings.services import JST, MeetingError
from portal import audit
from portal.dates import wareki, wareki_datetime
from portal.extensions import db
from portal.models import User
from portal.sanitize import clean_html
from portal.types import UTCDateTime, utcnow

MINUTES_ACTION_LABELS = {
    "minutes.draft": "会議録の作成",
    "minutes.edit": "会議録の編集",
    "minutes.confirm": "会議録の確定",
    "minutes.correct": "会議録の訂正（新しい版）",
    "minutes.handouts": "配付資料の回収の設定",
    "minutes.download": "会議録のダウンロード",
    "minutes.packet": "会議資料のダウンロード",
}
# Rich-text fields of a section, with their headings in the form and the Word file.
CASE_FIELDS = {
    "situation": "協議内容（現状・リスク）",
    "discussion": "協議の経過",
    "policy": "援助方針",
    "short_goals": "短期目標",
    "long_goals": "長期目標",
}
OTHER_FIELDS = {"discussion": "内容", "policy": "決定事項"}
TEXT_LIMIT = 20000


class VersionStatus(enum.StrEnum):
    """Whether a version may still be edited."""

    DRAFT = "draft"
    CONFIRMED = "confirmed"

    @property
    def label(self) -> str:
        """Return the Japanese name."""
        return {"draft": "下書き", "confirmed": "確定"}[self.value]


class Minutes(db.Model):
    """The minutes of one meeting: its versions, and whether handouts are collected after it."""

    __tablename__ = "meeting_minutes"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), unique=True)
    # 配付資料は会議終了後に回収: printed on the minutes and the packet when set.
    collect_handouts: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    meeting: Mapped[Meeting] = relationship()
    versions: Mapped[list["MinutesVersion"]] = relationship(
        back_populates="minutes", cascade="all, delete-orphan", order_by="MinutesVersion.number"
    )

    def __str__(self) -> str:
        return f"会議録（{self.meeting}）"

    @property
    def latest(self) -> "MinutesVersion | None":
        """Return the newest version."""
        return self.versions[-1] if self.versions else None

    @property
    def confirmed(self) -> "MinutesVersion | None":
        """Return the newest confirmed version (what participants read)."""
        done = [v for v in self.versions if v.status == VersionStatus.CONFIRMED]
        return done[-1] if done else None


class MinutesVersion(db.Model):
    """One version of the minutes: a draft being edited, or confirmed and locked."""

    __tablename__ = "minutes_versions"
    __table_args__ = (UniqueConstraint("minutes_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("meeting_minutes.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default=VersionStatus.DRAFT.value)
    # Why this version corrects the one before (empty for the first).
    reason: Mapped[str] = mapped_column(Text, default="")
    title: Mapped[str] = mapped_column(String(200))
    held: Mapped[str] = mapped_column(String(120), default="")
    place: Mapped[str] = mapped_column(String(200), default="")
    # [{"agency_id", "agency", "name", "title"}]: who attended, by agency.
    attendees: Mapped[str] = mapped_column(Text, default="[]")
    remarks: Mapped[str] = mapped_column(Text, default="")
    # Counts saves, so two editors cannot overwrite each other unseen.
    revision: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    minutes: Mapped[Minutes] = relationship(back_populates="versions")
    confirmed_by: Mapped[User | None] = relationship(foreign_keys=[confirmed_by_id])
    sections: Mapped[list["MinutesSection"]] = relationship(
        back_populates="version", cascade="all, delete-orphan", order_by="MinutesSection.position"
    )

    @property
    def attendee_list(self) -> list[dict]:
        """Return the attendees."""
        return json.loads(self.attendees or "[]")

    @property
    def locked(self) -> bool:
        """Tell whether the version is confirmed (never edited again)."""
        return self.status == VersionStatus.CONFIRMED

    @property
    def status_label(self) -> str:
        """Return the status in Japanese."""
        return VersionStatus(self.status).label


class MinutesSection(db.Model):
    """One agenda item as minuted: a case item's situation, policy, goals, roles; other items' notes."""

    __tablename__ = "minutes_sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("minutes_versions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id", ondelete="SET NULL"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200), default="")
    case_number: Mapped[str] = mapped_column(String(20), default="")
    # [{"id", "name"}]: the case's children, shown to each reader as the policy allows.
    children: Mapped[str] = mapped_column(Text, default="[]")
    # [{"id", "number", "children": [{"id", "name"}]}]: the further cases the item took up; the
    # section is shown only to readers who may see each of them.
    linked: Mapped[str] = mapped_column(Text, default="[]")
    situation: Mapped[str] = mapped_column(Text, default="")
    discussion: Mapped[str] = mapped_column(Text, default="")
    policy: Mapped[str] = mapped_column(Text, default="")
    short_goals: Mapped[str] = mapped_column(Text, default="")
    long_goals: Mapped[str] = mapped_column(Text, default="")
    lead_agency: Mapped[str] = mapped_column(String(120), default="")
    key_person: Mapped[str] = mapped_column(String(120), default="")
    next_review: Mapped[str] = mapped_column(String(60), default="")
    closure: Mapped[str] = mapped_column(String(60), default="")
    # [{"agency", "person", "task", "due"}]: the role assignments (役割分担) as decided.
    roles: Mapped[str] = mapped_column(Text, default="[]")

    version: Mapped[MinutesVersion] = relationship(back_populates="sections")
    item: Mapped[AgendaItem | None] = relationship()

    @property
    def child_list(self) -> list[dict]:
        """Return the case's children as minuted."""
        return json.loads(self.children or "[]")

    @property
    def linked_list(self) -> list[dict]:
        """Return the further cases the item took up, as minuted."""
        return json.loads(self.linked or "[]")

    @property
    def case_ids(self) -> list[int]:
        """Return the ids of every case the section is about (none for an item without a case)."""
        own = [self.case_id] if self.case_id else []
        return own + [linked["id"] for linked in self.linked_list]

    @property
    def role_list(self) -> list[dict]:
        """Return the role assignments as minuted."""
        return json.loads(self.roles or "[]")

    @property
    def fields(self) -> dict[str, str]:
        """Return the rich-text fields of this kind of section, with their headings."""
        return CASE_FIELDS if self.case_id or self.case_number else OTHER_FIELDS


def _html(text: str) -> str:
    """Return typed text or stored HTML as sanitized HTML; typed line breaks are kept."""
    text = (text or "").strip()
    if not text:
        return ""
    if "<" not in text:
        return "".join(f"<p>{escape(line)}</p>" for line in text.splitlines() if line.strip())
    return clean_html(text)


def _children(case: Case) -> list[dict]:
    """Return a case's children as minuted (each reader sees the names the policy allows)."""
    return [{"id": c.id, "name": c.name} for c in case.children]


def _section(item: AgendaItem) -> MinutesSection:
    """Assemble one section from an agenda item and what the meeting recorded on it."""
    section = MinutesSection(
        position=item.position,
        item_id=item.id,
        kind=item.kind,
        title=item.title or item.kind_label,
        discussion=_html(item.notes),
        policy=_html(item.decision or item.draft_policy),
        roles=json.dumps(
            [
                {"agency": a.agency.name, "person": a.person, "task": a.task, "due": wareki(a.due_on)}
                for a in item.assignments
            ],
            ensure_ascii=False,
        ),
    )
    case = item.case
    if case is None:
        return section
    reasons = "、".join(triage.reason_labels(item))
    situation = [f"状況: {case.status_label}　リスク: {case.risk_label}"]
    situation += [
        f"ケース {other.case_number}　状況: {other.status_label}　リスク: {other.risk_label}"
        for other in item.cases[1:]
    ]
    if reasons:
        situation.append(f"協議の理由: {reasons}")
    lead = item.lead_agency or case.lead_agency
    section.case_id = case.id
    section.case_number = case.case_number
    section.children = json.dumps(_children(case), ensure_ascii=False)
    section.linked = json.dumps(
        [{"id": c.id, "number": c.case_number, "children": _children(c)} for c in item.cases[1:]],
        ensure_ascii=False,
    )
    section.situation = _html("\n".join(situation))
    section.lead_agency = lead.name if lead else ""
    section.key_person = case.key_person
    section.next_review = wareki(item.next_review_on or case.next_review_on)
    if item.closure_reason:
        section.closure = codes.label("closure_reason", item.closure_reason)
    return section


def _held(meeting: Meeting) -> str:
    """Return when the meeting was held: 令和7年4月1日（火）14:00～15:30."""
    start = meeting.started_at or meeting.starts_at
    end = meeting.ended_at or start + timedelta(minutes=meeting.minutes_planned)
    return f"{wareki_datetime(start)}～{end.astimezone(JST):%H:%M}"


def attendees_of(meeting: Meeting) -> list[dict]:
    """Return who attended: people who joined the room, and agencies that answered 出席 without joining."""
    rows = [
        {"agency_id": a.agency_id, "agency": a.agency.name, "name": a.user.name, "title": a.user.title}
        for a in live.attendance_of(meeting)
    ]
    joined = {r["agency_id"] for r in rows}
    for invitee in meeting.invitees:
        if invitee.response == "attending" and invitee.agency_id not in joined:
            person = invitee.user.name if invitee.user else ""
            agency = invitee.agency
            rows.append({"agency_id": agency.id, "agency": agency.name, "name": person, "title": ""})
            joined.add(invitee.agency_id)
    return sorted(rows, key=lambda r: (r["agency"], r["name"]))


def minutes_of(meeting: Meeting) -> Minutes | None:
    """Return the meeting's minutes, if any were started."""
    return db.session.scalar(select(Minutes).where(Minutes.meeting_id == meeting.id))


def _minutes_row(meeting: Meeting) -> Minutes:
    """Return the meeting's minutes row, adding it when missing."""
    minutes = minutes_of(meeting)
    if minutes is None:
        minutes = Minutes(meeting_id=meeting.id, meeting=meeting)
        db.session.add(minutes)
    return minutes


def _require_runner(user: User, meeting: Meeting) -> None:
    """Refuse anyone but the council's coordinating staff."""
    if not access.can_run(user, meeting):
        raise MeetingError("会議録を編集できるのは調整機関の担当者だけです。")


def draft(user: User, meeting: Meeting) -> MinutesVersion:
    """Return the minutes being written, assembling version 1 from the ended meeting the first time."""
    _require_runner(user, meeting)
    minutes = _minutes_row(meeting)
    if minutes.latest is not None:
        return minutes.latest
    if meeting.status != MeetingStatus.ENDED:
        raise MeetingError("会議録は会議の終了後に作成できます。")
    version = MinutesVersion(
        number=1,
        title=str(meeting),
        held=_held(meeting),
        place=meeting.place + ("（オンライン併用）" if meeting.online_url else ""),
        attendees=json.dumps(attendees_of(meeting), ensure_ascii=False),
        created_by_id=user.id,
        sections=[_section(item) for item in meeting.items],
    )
    minutes.versions.append(version)
    db.session.flush()
    audit.record("minutes.draft", actor=user, target=minutes, detail={"version": 1})
    db.session.commit()
    return version


@dataclass
class SectionEdit:
    """What the editor changes in one section."""

    fields: dict[str, str] = field(default_factory=dict)
    lead_agency: str = ""
    key_person: str = ""
    next_review: str = ""


@dataclass
class MinutesEdit:
    """What the editor changes in a draft."""

    title: str
    held: str
    place: str
    remarks: str = ""
    sections: dict[int, SectionEdit] = field(default_factory=dict)


def edit(user: User, version: MinutesVersion, data: MinutesEdit, base_revision: int) -> MinutesVersion:
    """Save a draft's text (rich text through the sanitizer); refuse a confirmed or stale one."""
    _require_runner(user, version.minutes.meeting)
    if version.locked:
        raise MeetingError("確定した会議録は編集できません。訂正する場合は新しい版を作成してください。")
    if version.revision != base_revision:
        raise MeetingError("他の人が先に保存しました。画面を開き直してから編集してください。")
    if not data.title.strip():
        raise MeetingError("会議名を入力してください。")
    texts = [data.remarks] + [t for s in data.sections.values() for t in s.fields.values()]
    if any(len(t or "") > TEXT_LIMIT for t in texts):
        raise MeetingError(f"一つの欄は{TEXT_LIMIT}字までです。")
    version.title, version.held, version.place = data.title.strip()[:200], data.held[:120], data.place[:200]
    version.remarks = clean_html(data.remarks)
    for section in version.sections:
        change = data.sections.get(section.id)
        if change is None:
            continue
        for name in section.fields:
            if name in change.fields:
                setattr(section, name, clean_html(change.fields[name]))
        if section.case_id or section.case_number:
            section.lead_agency = change.lead_agency.strip()[:120]
            section.key_person = change.key_person.strip()[:120]
            section.next_review = change.next_review.strip()[:60]
    version.revision += 1
    version.updated_at = utcnow()
    audit.record("minutes.edit", actor=user, target=version.minutes, detail={"version": version.number})
    db.session.commit()
    return version


def confirm(user: User, version: MinutesVersion) -> MinutesVersion:
    """Confirm a draft: it is locked from now on."""
    _require_runner(user, version.minutes.meeting)
    if version.locked:
        raise MeetingError("この版はすでに確定しています。")
    version.status = VersionStatus.CONFIRMED.value
    version.confirmed_at = utcnow()
    version.confirmed_by_id = user.id
    audit.record("minutes.confirm", actor=user, target=version.minutes, detail={"version": version.number})
    db.session.commit()
    return version


_COPIED = [c.key for c in MinutesSection.__table__.columns if c.key not in ("id", "version_id")]


def correct(user: User, minutes: Minutes, reason: str) -> MinutesVersion:
    """Start a correction of confirmed minutes: a new draft version copied from the last, with a reason."""
    _require_runner(user, minutes.meeting)
    last = minutes.latest
    if last is None or not last.locked:
        raise MeetingError("訂正できるのは確定した会議録だけです。下書きはそのまま編集してください。")
    if not reason.strip():
        raise MeetingError("訂正の理由を入力してください。")
    version = MinutesVersion(
        number=last.number + 1,
        reason=reason.strip()[:2000],
        title=last.title,
        held=last.held,
        place=last.place,
        attendees=last.attendees,
        remarks=last.remarks,
        created_by_id=user.id,
        sections=[MinutesSection(**{k: getattr(s, k) for k in _COPIED}) for s in last.sections],
    )
    minutes.versions.append(version)
    db.session.flush()
    audit.record(
        "minutes.correct", actor=user, target=minutes, detail={"version": version.number, "reason": reason}
    )
    db.session.commit()
    return version


def set_collect_handouts(user: User, meeting: Meeting, collect: bool) -> Minutes:
    """Mark whether handouts are collected after the meeting (printed on the minutes and the packet)."""
    _require_runner(user, meeting)
    minutes = _minutes_row(meeting)
    minutes.collect_handouts = collect
    db.session.flush()
    audit.record("minutes.handouts", actor=user, target=minutes, detail={"collect": collect})
    db.session.commit()
    return minutes
