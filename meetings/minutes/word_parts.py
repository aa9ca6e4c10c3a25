"""Parts of the Word minutes: the copy's label on every page, who recorded and confirmed, the items.

共有のみ cases that only approved their policy are listed in one compact table (case, status, policy
approved, next review), so that a 25-case 実務者会議 fits in a few pages; the others get their sections.
"""

from typing import TYPE_CHECKING

from docx.enum.text import WD_ALIGN_PARAGRAPH

from meetings.minutes.models import MinutesSection, MinutesVersion
from meetings.models import Mark, Meeting
from portal import wordfile
from portal.dates import wareki
from portal.wordfile import Html

if TYPE_CHECKING:
    from meetings.minutes.word import View

NOT_SHARED = "（非共有）"
ROLE_WIDTHS = [38, 24, 83, 25]


def page_label(doc, label: str) -> None:
    """Put the copy's label (配付番号 and agency) in the header of every page, under the council's line."""
    if not label:
        return
    paragraph = wordfile.add_text(doc.sections[0].header, label, bold=True)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def signatures(version: MinutesVersion, meeting: Meeting) -> list[list[str]]:
    """Return the rows naming who recorded the minutes, who confirmed them and when."""
    recorder = meeting.recorder
    writer = f"{recorder.agency.name} {recorder.name}" if recorder else "（進行役）"
    confirmer = version.confirmed_by
    return [
        ["記録者", writer],
        ["確定者", f"{confirmer.agency.name} {confirmer.name}" if confirmer else "（未確定）"],
        ["確定日", wareki(version.confirmed_at) if version.confirmed_at else "（未確定）"],
    ]


def is_compact(section: MinutesSection) -> bool:
    """Tell whether a section is a 共有のみ case that only approved its policy (no roles, no closure)."""
    item = section.item
    return bool(
        section.case_id
        and item is not None
        and item.mark == Mark.SHARE.value
        and not section.role_list
        and not section.closure
        and not section.linked_list
    )


def shared_table(doc, sections: list[MinutesSection], view: "View") -> None:
    """Write the 共有のみ cases as one table: case, status, policy approved, next review."""
    if not sections:
        return
    wordfile.add_heading(doc, "共有のみのケース（方針案を一括承認）", 2)
    rows, hidden = [], 0
    for s in sections:
        if not view.shows(s):
            hidden += 1
            continue
        approved = "承認" if s.policy else "—"
        rows.append([f"議題{s.position}", view.heading(s), "継続", approved, s.next_review or "—"])
    if hidden:
        rows.append(["", f"{NOT_SHARED} {hidden}件", "", "", ""])
    header = ["議題", "ケース", "状況", "方針", "次回確認"]
    wordfile.add_table(doc, rows, header=header, widths_mm=[18, 72, 18, 18, 44])


def title(section: MinutesSection, view: "View") -> str:
    """Return an item's title as this copy may show it."""
    if not view.shows(section):
        return NOT_SHARED
    if section.case_id:
        return f"{section.title}　{view.heading(section)}"
    return section.title


def section(doc, section: MinutesSection, view: "View") -> None:
    """Write one item: its own heading, then what was minuted (or only 非共有)."""
    wordfile.add_heading(doc, f"議題{section.position}　{title(section, view)}", 2)
    if not view.shows(section):
        return
    for name, heading in section.fields.items():
        value = getattr(section, name)
        if value or section.case_id:
            wordfile.add_heading(doc, heading, 3)
            if value:
                wordfile.add_rich_text(doc, value)
            else:
                wordfile.add_text(doc, "—")
    if section.case_id:
        rows = [
            ["主担当機関", section.lead_agency or "—"],
            ["キーパーソン", section.key_person or "—"],
            ["次回開催予定/モニタリング時期", section.next_review or "—"],
        ]
        if section.closure:
            rows.append(["終結", section.closure])
        wordfile.add_table(doc, rows, widths_mm=[60, 110], header_column=True)
    roles = [[r["agency"], r["person"] or "—", Html(r["task"]), r["due"] or "—"] for r in section.role_list]
    if roles or section.case_id:
        wordfile.add_heading(doc, "役割分担", 3)
        header = ["機関", "担当者", "役割", "期限"]
        wordfile.add_table(doc, roles or [["—", "", "", ""]], header=header, widths_mm=ROLE_WIDTHS)
