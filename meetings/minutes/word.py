"""The minutes as Word files: each reader's own copy, and numbered copies for the attending agencies.

What a copy shows is decided by cases.policy for the person or agency it is for, with the rule the
live room uses (meetings.access.shared_case_ids): a case item they may not see is only 非共有.
Every download is recorded (which copy, for which agency, by whom) with an audit row.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, select
from sqlalchemy.orm import Mapped, mapped_column

from cases import policy
from cases.models import Case, Part
from meetings import access
from meetings.minutes import word_parts as parts
from meetings.minutes.models import Minutes, MinutesSection, MinutesVersion
from meetings.minutes.services import attendees_of
from meetings.models import Meeting, MeetingStatus
from portal import audit, wordfile
from portal.extensions import db
from portal.models import Agency, User
from portal.transaction import transaction
from portal.types import UTCDateTime, utcnow

NOT_SHARED = "（非共有）"
COLLECT_LINE = "配付資料は会議終了後に回収します。"
COMPLETE_LABEL = "調整機関控え（完全版）"


class MinutesCopy(db.Model):
    """One downloaded copy of the minutes or the packet: which copy, for which agency, by whom."""

    __tablename__ = "minutes_copies"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    document: Mapped[str] = mapped_column(String(10))  # "minutes" or "packet"
    version_number: Mapped[int | None] = mapped_column(Integer)
    # 配付番号 of the agency's copy; 0 for the coordinator's complete copy; None when unnumbered.
    copy_number: Mapped[int | None] = mapped_column(Integer)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    label: Mapped[str] = mapped_column(String(200), default="")
    downloaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


@dataclass
class Copy:
    """Whose copy a file is: an agency's numbered copy, a reader's own, or the complete one."""

    viewer: User
    agency: Agency | None
    number: int | None
    complete: bool = False

    @property
    def label(self) -> str:
        """Return the line printed at the top of the copy."""
        if self.complete:
            return COMPLETE_LABEL
        name = f"{self.agency.name} 様" if self.agency else ""
        return f"配付番号 {self.number}　{name}" if self.number else name


def recipients(meeting: Meeting, attending: bool | None = None) -> list[Agency]:
    """Return the agencies given numbered copies, in 配付番号 order.

    After the meeting (or with `attending`): the agencies that attended and every agency given a task;
    before it, those invited and not declining. The minutes and the 会議資料 number from the same
    list, so every 配付番号 on the page opens both documents.
    """
    if attending is None:
        attending = meeting.status == MeetingStatus.ENDED
    if attending:
        ids = {row["agency_id"] for row in attendees_of(meeting)}
        ids |= {a.agency_id for item in meeting.items for a in item.assignments}
    else:
        ids = {i.agency_id for i in meeting.invitees if i.response != "declined"}
    agencies = [db.session.get(Agency, i) for i in ids if i is not None]
    return sorted((a for a in agencies if a is not None), key=lambda a: (a.name, a.id))


def copy_for(
    user: User, meeting: Meeting, agency_id: int | None, attending: bool | None = None
) -> Copy | None:
    """Return the copy this person may take: their own, or (running the meeting) an agency's numbered one."""
    numbered = recipients(meeting, attending)
    number_of = {a.id: n for n, a in enumerate(numbered, start=1)}
    if agency_id is None:
        if access.can_run(user, meeting):
            return Copy(user, None, 0, complete=True)
        return Copy(user, user.agency, number_of.get(user.agency_id))
    if not access.can_run(user, meeting) or agency_id not in number_of:
        return None
    agency = db.session.get(Agency, agency_id)
    return Copy(access.agency_viewer(agency), agency, number_of[agency_id])


class View:
    """What one copy shows: which cases' items, and which of their children by name."""

    def __init__(self, viewer: User, case_ids: set[int]):
        cases = list(db.session.scalars(select(Case).where(Case.id.in_(case_ids)))) if case_ids else []
        self.access = policy.access_map(viewer, cases)
        self.shared = access.shared_case_ids(viewer, cases)

    def keep_seen(self, viewer: User, sections: list[MinutesSection]) -> None:
        """Keep showing the items the viewer's agency could see at the meeting (a case closed there)."""
        for section in sections:
            if section.item is not None and viewer.agency_id in section.item.seen_agency_ids:
                self.shared |= set(section.case_ids)

    @classmethod
    def of_sections(cls, viewer: User, sections: list[MinutesSection]) -> "View":
        """Return the view of these minuted sections (every case each is about, linked ones too)."""
        return cls(viewer, {case_id for s in sections for case_id in s.case_ids})

    def sees(self, *case_ids: int | None) -> bool:
        """Tell whether the copy shows an item about these cases: every one shared (no case: shown)."""
        return all(case_id is None or case_id in self.shared for case_id in case_ids)

    def shows(self, section: MinutesSection) -> bool:
        """Tell whether the copy shows a section: the reader may see every case it is about."""
        return self.sees(*section.case_ids)

    def part(self, case_id: int, part: Part) -> bool:
        """Tell whether the copy shows this part of the case."""
        return self.sees(case_id) and self.access[case_id].can(part)

    def children(self, case_id: int, children: list[dict]) -> list[str]:
        """Return the names of the children this copy may name."""
        found = self.access.get(case_id)
        return [c["name"] for c in children if found and found.child_visible(Part.BASIC, c["id"])]

    def case_label(self, case_id: int, number: str, children: list[dict]) -> str:
        """Return one case as this copy names it: its number and the children it may name."""
        names = "、".join(self.children(case_id, children))
        return f"ケース {number}" + (f"（{names}）" if names else "")

    def heading(self, section: MinutesSection) -> str:
        """Return a case section's cases as this copy names them (its own, then the linked ones)."""
        if not section.case_id:
            return ""
        labels = [self.case_label(section.case_id, section.case_number, section.child_list)]
        labels += [self.case_label(c["id"], c["number"], c["children"]) for c in section.linked_list]
        return "・".join(labels)


def record_copy(user: User, meeting: Meeting, document: str, copy: Copy, version: int | None) -> None:
    """Record who took which copy, with its audit row, in one transaction."""
    with transaction():
        row = MinutesCopy(
            meeting_id=meeting.id,
            document=document,
            version_number=version,
            copy_number=copy.number,
            agency_id=copy.agency.id if copy.agency else None,
            label=copy.label,
            downloaded_by_id=user.id,
        )
        db.session.add(row)
        action = "minutes.download" if document == "minutes" else "minutes.packet"
        detail = {"copy": copy.label, "copy_number": copy.number, "version": version}
        detail["agency_id"] = row.agency_id
        audit.record(action, actor=user, target=meeting, detail=detail)


def build(version: MinutesVersion, copy: Copy) -> bytes:
    """Return the .docx of one version of the minutes as this copy may show it."""
    minutes: Minutes = version.minutes
    meeting = minutes.meeting
    view = View.of_sections(copy.viewer, version.sections)
    view.keep_seen(copy.viewer, version.sections)
    doc = wordfile.new_document(council_name=meeting.council.name, title=f"会議録 {version.title}")
    parts.page_label(doc, copy.label)
    wordfile.add_heading(doc, "会議録" + ("" if version.locked else "（下書き）"), 0)
    wordfile.add_text(doc, copy.label, align="right", bold=True)
    if version.number > 1:
        wordfile.add_text(doc, f"第{version.number}版（訂正の理由: {version.reason}）")
    hidden = [s for s in version.sections if not view.shows(s)]
    shown_cases = [view.heading(s) for s in version.sections if s.case_id and view.shows(s)]
    rows = [
        ["会議名", version.title],
        ["日時", version.held],
        ["場所", version.place or "—"],
        ["対象ケース", "\n".join(shown_cases + ([f"{NOT_SHARED} {len(hidden)}件"] if hidden else [])) or "—"],
    ]
    if minutes.collect_handouts:
        rows.append(["配付資料の回収", COLLECT_LINE])
    rows += parts.signatures(version, meeting)
    wordfile.add_table(doc, rows, widths_mm=[35, 135], header_column=True)
    wordfile.add_heading(doc, "出席機関・出席者", 1)
    people = [
        [a["agency"], a["name"] or "—", a["title"] or "", a.get("remark", "")] for a in version.attendee_list
    ]
    header = ["機関", "氏名", "職名", "備考"]
    wordfile.add_table(doc, people or [["—", "", "", ""]], header=header, widths_mm=[62, 40, 40, 28])
    wordfile.add_heading(doc, "議題", 1)
    for section in version.sections:
        wordfile.add_text(doc, f"{section.position}. {parts.title(section, view)}")
    compact = [s for s in version.sections if parts.is_compact(s)]
    parts.shared_table(doc, compact, view)
    for section in version.sections:
        if section not in compact:
            parts.section(doc, section, view)
    if version.remarks:
        wordfile.add_heading(doc, "その他", 1)
        wordfile.add_rich_text(doc, version.remarks)
    if minutes.collect_handouts:
        wordfile.add_text(doc, f"※ {COLLECT_LINE}", bold=True)
    return wordfile.to_bytes(doc)
