"""The handover set of a transfer (ケース移管): what the receiving council needs, and nothing more.

The same set is what a receiving council on the portal sees before it accepts, and what the
ケース移管通知書 (Word) and the structured export (xlsx / JSON) carry to a council elsewhere.
"""

import json
from dataclasses import asdict, dataclass, field

from sqlalchemy import select

from cases import codes
from cases.models import Case
from cases.moves.models import CaseTransfer
from cases.sharing.models import Involvement, InvolvementKind
from portal import wordfile
from portal.dates import wareki
from portal.extensions import db
from portal.sanitize import plain_text
from portal.spreadsheets import xlsx_bytes


@dataclass
class HandoverSet:
    """The fields a handover needs, as text (dates in 和暦)."""

    case_number: str
    from_council: str
    to_council: str
    move_on: str
    reason: str
    risk: str
    category: str
    abuse_types: list[str]
    children: list[dict] = field(default_factory=list)
    guardians: list[dict] = field(default_factory=list)
    support_policy: str = ""
    household_note: str = ""
    child_guidance: str = ""
    last_confirmed_on: str = ""
    next_review_on: str = ""
    contact: str = ""
    handover: str = ""


def child_guidance_agencies(case: Case) -> list:
    """Return the 児童相談所 agencies with an open involvement in the case."""
    query = select(Involvement).where(
        Involvement.case_id == case.id,
        Involvement.kind == InvolvementKind.CHILD_GUIDANCE.value,
        Involvement.ended_on.is_(None),
    )
    return [i.agency for i in db.session.scalars(query)]


def handover_set(transfer: CaseTransfer) -> HandoverSet:
    """Return the handover set of a transfer."""
    case = transfer.case
    center = case.council.coordinating_agency
    abuse = codes.labels("abuse_type")
    return HandoverSet(
        case_number=case.case_number,
        from_council=case.council.name,
        to_council=transfer.destination,
        move_on=wareki(transfer.move_on),
        reason=transfer.reason,
        risk=transfer.risk_label,
        category=case.category_label,
        abuse_types=[abuse.get(c, c) for c in case.abuse_types],
        children=[
            {
                "name": c.name,
                "name_kana": c.name_kana,
                "birth_date": wareki(c.birth_date, weekday=False),
                "sex": c.sex,
                "enrolled": c.enrolled_agency.name if c.enrolled_agency else "",
            }
            for c in case.children
        ],
        guardians=[{"relation": codes.label("relation", g.relation), "name": g.name} for g in case.guardians],
        support_policy=plain_text(case.support_policy),
        household_note=plain_text(case.household_note),
        child_guidance="、".join(a.name for a in child_guidance_agencies(case)),
        last_confirmed_on=wareki(case.last_confirmed_on, weekday=False),
        next_review_on=wareki(case.next_review_on, weekday=False),
        contact=f"{center.name}（{center.phone}）"
        if center and center.phone
        else (center.name if center else ""),
        handover=_handover_text(transfer),
    )


def _handover_text(transfer: CaseTransfer) -> str:
    """Return the recorded face-to-face or phone handover as one line."""
    if not transfer.handed_over:
        return ""
    method = {"face": "対面", "phone": "電話"}.get(transfer.handover_method, "")
    return f"{wareki(transfer.handover_on)} {method}（{transfer.handover_with}）"


LABELS = {
    "case_number": "送付元ケース番号",
    "from_council": "送付元",
    "to_council": "移管先",
    "move_on": "転居日",
    "reason": "移管の理由",
    "risk": "リスク",
    "category": "登録区分",
    "abuse_types": "虐待種別",
    "support_policy": "援助方針",
    "household_note": "世帯の状況",
    "child_guidance": "児童相談所の関与",
    "last_confirmed_on": "最終確認日",
    "next_review_on": "次回確認時期",
    "contact": "連絡先",
    "handover": "対面・電話での引継ぎ",
}


def _rows(data: HandoverSet) -> list[list[str]]:
    """Return the set's single-valued fields as (label, value) rows."""
    values = asdict(data)
    rows = []
    for key, label in LABELS.items():
        value = values[key]
        rows.append([label, "、".join(value) if isinstance(value, list) else value or "—"])
    return rows


def to_json(data: HandoverSet) -> bytes:
    """Return the handover set as UTF-8 JSON."""
    return json.dumps(
        {"format": "ケース移管 引継ぎ情報 v1", **asdict(data)}, ensure_ascii=False, indent=2
    ).encode()


def to_xlsx(data: HandoverSet) -> bytes:
    """Return the handover set as an Excel workbook (sheets: fields, children, guardians)."""
    return xlsx_bytes(
        [
            ("引継ぎ情報", ["項目", "内容"], _rows(data)),
            (
                "子ども",
                ["氏名", "ふりがな", "生年月日", "性別", "所属"],
                [
                    [c["name"], c["name_kana"], c["birth_date"], c["sex"], c["enrolled"]]
                    for c in data.children
                ],
            ),
            ("保護者", ["続柄", "氏名"], [[g["relation"], g["name"]] for g in data.guardians]),
        ]
    )


def to_docx(data: HandoverSet) -> bytes:
    """Return the ケース移管通知書 as Word."""
    doc = wordfile.new_document(council_name=data.from_council, title="ケース移管通知書")
    wordfile.add_heading(doc, "ケース移管通知書", 0)
    wordfile.add_text(doc, f"{data.to_council} 御中")
    wordfile.add_text(
        doc, "下記の世帯が貴自治体に転居しましたので、ケースを移管します。支援の継続をお願いします。"
    )
    wordfile.add_table(doc, _rows(data), widths_mm=[40, 130], header_column=True)
    wordfile.add_heading(doc, "子ども", 1)
    children = [[c["name"], c["name_kana"], c["birth_date"], c["sex"], c["enrolled"]] for c in data.children]
    wordfile.add_table(
        doc, children or [["—"] * 5], header=["氏名", "ふりがな", "生年月日", "性別", "転居前の所属"]
    )
    wordfile.add_heading(doc, "保護者", 1)
    guardians = [[g["relation"], g["name"]] for g in data.guardians]
    wordfile.add_table(doc, guardians or [["—", "—"]], header=["続柄", "氏名"])
    return wordfile.to_bytes(doc)
