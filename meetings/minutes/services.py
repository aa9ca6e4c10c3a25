"""Minutes (会議録): a draft assembled from the meeting's record, edited, confirmed (locked), corrected.

What is stored (minutes, versions, sections) is in meetings.minutes.models; this module changes it,
each operation in one transaction with its audit row.
"""

import json
from dataclasses import dataclass, field
from datetime import timedelta

from markupsafe import escape
from sqlalchemy import select

from cases import codes
from cases.models import RISK_LABELS, Case
from meetings import access
from meetings.agenda import triage
from meetings.live import attendance
from meetings.minutes.models import TEXT_LIMIT, Minutes, MinutesSection, MinutesVersion, VersionStatus
from meetings.models import AgendaItem, Meeting, MeetingStatus
from meetings.services import JST
from portal import audit
from portal.dates import wareki, wareki_datetime
from portal.extensions import db
from portal.models import User
from portal.refusals import Refusal
from portal.sanitize import clean_html
from portal.transaction import transaction
from portal.types import utcnow


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
    if item.risk_level:
        changed = RISK_LABELS.get(item.risk_level, "")
        situation.append(f"リスクの変更: {changed}（理由: {item.risk_reason}）")
    situation += [line for line in (item.situation or "").splitlines() if line.strip()]
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
    section.key_person = item.key_person or case.key_person
    section.short_goals = _html(item.short_goals)
    section.long_goals = _html(item.long_goals)
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
    """Return who attended, as the attendance record says (meetings.live.attendance)."""
    return attendance.attendee_rows(meeting)


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
        raise Refusal("会議録を編集できるのは調整機関の担当者だけです。")


def draft(user: User, meeting: Meeting) -> MinutesVersion:
    """Return the minutes being written, assembling version 1 from the ended meeting the first time."""
    with transaction():
        _require_runner(user, meeting)
        minutes = _minutes_row(meeting)
        if minutes.latest is not None:
            return minutes.latest
        if meeting.status != MeetingStatus.ENDED:
            raise Refusal("会議録は会議の終了後に作成できます。")
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
    with transaction():
        _require_runner(user, version.minutes.meeting)
        if version.locked:
            raise Refusal("確定した会議録は編集できません。訂正する場合は新しい版を作成してください。")
        if version.revision != base_revision:
            raise Refusal("他の人が先に保存しました。画面を開き直してから編集してください。")
        if not data.title.strip():
            raise Refusal("会議名を入力してください。")
        texts = [data.remarks] + [t for s in data.sections.values() for t in s.fields.values()]
        if any(len(t or "") > TEXT_LIMIT for t in texts):
            raise Refusal(f"一つの欄は{TEXT_LIMIT}字までです。")
        version.title, version.held, version.place = (
            data.title.strip()[:200],
            data.held[:120],
            data.place[:200],
        )
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
    return version


def confirm(user: User, version: MinutesVersion) -> MinutesVersion:
    """Confirm a draft: it is locked from now on."""
    with transaction():
        _require_runner(user, version.minutes.meeting)
        if version.locked:
            raise Refusal("この版はすでに確定しています。")
        version.status = VersionStatus.CONFIRMED.value
        version.confirmed_at = utcnow()
        version.confirmed_by_id = user.id
        audit.record(
            "minutes.confirm", actor=user, target=version.minutes, detail={"version": version.number}
        )
    return version


_COPIED = [c.key for c in MinutesSection.__table__.columns if c.key not in ("id", "version_id")]


def correct(user: User, minutes: Minutes, reason: str) -> MinutesVersion:
    """Start a correction of confirmed minutes: a new draft version copied from the last, with a reason."""
    with transaction():
        _require_runner(user, minutes.meeting)
        last = minutes.latest
        if last is None or not last.locked:
            raise Refusal("訂正できるのは確定した会議録だけです。下書きはそのまま編集してください。")
        if not reason.strip():
            raise Refusal("訂正の理由を入力してください。")
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
            "minutes.correct",
            actor=user,
            target=minutes,
            detail={"version": version.number, "reason": reason},
        )
    return version


def set_collect_handouts(user: User, meeting: Meeting, collect: bool) -> Minutes:
    """Mark whether handouts are collected after the meeting (printed on the minutes and the packet)."""
    with transaction():
        _require_runner(user, meeting)
        minutes = _minutes_row(meeting)
        minutes.collect_handouts = collect
        db.session.flush()
        audit.record("minutes.handouts", actor=user, target=minutes, detail={"collect": collect})
    return minutes
