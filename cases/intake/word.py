"""The 送致書 / 援助依頼書 to the 児童相談所: the 受付票, the urgency assessment and the 受理会議 decision.

The wording is the portal's own, after the fields municipal forms ask for. Marked 秘 like every export.
"""

from cases import codes
from cases.intake.models import REFERRAL_KINDS, URGENCY_ITEMS, IntakeRecord
from portal import wordfile
from portal.dates import today_in_japan, wareki, wareki_datetime

TITLES = {"sochi": "送致書", "enjo": "援助依頼書"}


def build_referral(record: IntakeRecord, agency_name: str) -> bytes:
    """Return the .docx of the referral of an intake case to the 児童相談所."""
    case = record.case
    title = TITLES.get(record.referral_kind, "送致書")
    doc = wordfile.new_document(council_name=case.council.name, title=title)
    wordfile.add_heading(doc, title, 0)
    center = case.council.coordinating_agency
    wordfile.add_text(doc, f"{agency_name} 所長 様")
    wordfile.add_text(doc, f"{wareki(today_in_japan())}　{center.name if center else case.council.name}")
    verb = "送致します" if record.referral_kind == "sochi" else "援助を依頼します"
    wordfile.add_text(doc, f"下記の児童について、児童福祉法に基づき{verb}。")
    wordfile.add_heading(doc, "子どもと世帯", 1)
    rows = [["ケース番号", case.case_number]]
    for child in case.children:
        school = child.enrolled_agency.name if child.enrolled_agency else "不明"
        born = wareki(child.birth_date, weekday=False) if child.birth_date else "不明"
        rows.append(
            ["子ども", f"{child.name}（{child.name_kana or 'ふりがな不明'}）　生年月日 {born}　所属 {school}"]
        )
    for guardian in case.guardians:
        rows.append(["保護者", f"{codes.label('relation', guardian.relation)}　{guardian.name}"])
    wordfile.add_table(doc, rows, widths_mm=[35, 135], header_column=True)
    wordfile.add_heading(doc, "受付の内容", 1)
    caller = "匿名" if record.caller_anonymous else "（通告者の情報は調整機関が保管しています）"
    wordfile.add_table(
        doc,
        [
            ["受付日時", wareki_datetime(record.received_at)],
            ["受付の方法", record.channel_label],
            ["相談経路", codes.label("referral_route", case.referral_route) or "—"],
            ["通告者", caller],
            ["見たこと・聞いたこと", record.heard],
        ],
        widths_mm=[35, 135],
        header_column=True,
    )
    wordfile.add_heading(doc, "緊急度アセスメント", 1)
    signs = [URGENCY_ITEMS[c][0] for c in record.item_list] or ["該当なし"]
    wordfile.add_table(
        doc,
        [["緊急度", record.urgency_label], ["当てはまる項目", "、".join(signs)]],
        widths_mm=[35, 135],
        header_column=True,
    )
    wordfile.add_heading(doc, "安全確認と受理会議", 1)
    sighting = (
        f"{wareki_datetime(record.sighted_at)}　{record.sighted_by}"
        if record.sighted_at
        else "未確認（48時間以内に要確認）"
    )
    wordfile.add_table(
        doc,
        [
            ["安全確認（直接目視）", sighting],
            [
                "受理会議の決定",
                f"{REFERRAL_KINDS.get(record.referral_kind, '')}（{wareki_datetime(record.decided_at)}）",
            ],
            ["決定の理由", record.decision_reason],
        ],
        widths_mm=[35, 135],
        header_column=True,
    )
    return wordfile.to_bytes(doc)
