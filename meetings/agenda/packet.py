"""The practitioner meeting packet (会議資料) as Word: the agenda, and per case its ledger status,
latest monthly reports, alerts and why it is to be discussed; the same per-recipient rule as the minutes.
"""

from cases import signals
from cases.models import Case, Part
from cases.signals import AlertLine, ReportLine
from meetings.agenda import materials, triage
from meetings.minutes.services import minutes_of
from meetings.minutes.word import COLLECT_LINE, NOT_SHARED, Copy, View
from meetings.models import AgendaItem, Mark, Meeting
from portal import wordfile
from portal.dates import wareki, wareki_datetime
from portal.wordfile import Html

ALERTS_SHOWN = 3


def build(meeting: Meeting, copy: Copy) -> bytes:
    """Return the packet .docx as this copy may show it."""
    items = meeting.items
    view = View(copy.viewer, {case_id for i in items for case_id in i.case_ids})
    shown_items = [i for i in items if i.case_id and view.sees(*i.case_ids)]
    shown = [case.id for i in shown_items for case in i.cases]
    lines, alerts = signals.latest_lines(copy.viewer, shown), signals.recent_alerts(copy.viewer, shown)
    minutes = minutes_of(meeting)
    doc = wordfile.new_document(council_name=meeting.council.name, title=f"会議資料 {meeting}")
    wordfile.add_heading(doc, "会議資料", 0)
    wordfile.add_text(doc, copy.label, align="right", bold=True)
    info = [
        ["会議名", str(meeting)],
        ["日時", wareki_datetime(meeting.starts_at)],
        ["場所", meeting.place or "—"],
    ]
    if minutes is not None and minutes.collect_handouts:
        info.append(["配付資料の回収", COLLECT_LINE])
    wordfile.add_table(doc, info, widths_mm=[35, 135], header_column=True)
    wordfile.add_heading(doc, "議題", 1)
    agenda = [[str(i.position), *_agenda_row(i, view)] for i in items]
    header = ["番号", "区分", "議題", "予定"]
    wordfile.add_table(doc, agenda or [["—", "", "", ""]], header=header, widths_mm=[12, 25, 113, 20])
    attached = [m.title for m in materials.materials_for(copy.viewer, meeting) if m.kind == "docx"]
    if attached:
        wordfile.add_heading(doc, "会議資料（別添）", 1)
        for title in attached:
            wordfile.add_text(doc, f"・{title}")
    for item in items:
        if item.case_id is None:
            continue
        if item not in shown_items:
            wordfile.add_heading(doc, f"議題{item.position}　{NOT_SHARED}", 2)
            continue
        for case in item.cases:
            _case(doc, item, case, view, lines.get(case.id, []))
            _alert_lines(doc, alerts.get(case.id, []))
    return wordfile.to_bytes(doc)


def _agenda_row(item: AgendaItem, view: View) -> list[str]:
    """Return an agenda line: kind or mark, title (case number only), minutes."""
    if not view.sees(*item.case_ids):
        return ["", NOT_SHARED, ""]
    kind = Mark(item.mark).label if item.mark else item.kind_label
    title = "・".join(f"ケース {c.case_number}" for c in item.cases) if item.case else item.title
    return [kind, title, f"{item.planned_minutes}分"]


def _case(doc, item: AgendaItem, case: Case, view: View, latest: list) -> None:
    """Write one case of an item: ledger status, triage reasons and draft policy, the latest reports."""
    names = view.children(case.id, [{"id": c.id, "name": c.name} for c in case.children])
    wordfile.add_heading(
        doc, f"議題{item.position}　ケース {case.case_number}（{'、'.join(names) or '—'}）", 2
    )
    rows = [["区分", Mark(item.mark).label if item.mark else item.kind_label]]
    reasons = "、".join(triage.reason_labels(item))
    rows.append(["協議の理由", reasons or "—"])
    if view.part(case.id, Part.LEDGER):
        rows += [
            ["状況", case.status_label],
            ["リスク", case.risk_label],
            ["主担当機関", case.lead_agency.name if case.lead_agency else "—"],
            ["キーパーソン", case.key_person or "—"],
            ["最終確認日", wareki(case.last_confirmed_on) or "—"],
            ["次回確認時期", wareki(case.next_review_on) or "—"],
            ["援助方針", Html(case.support_policy or "—")],
        ]
    else:
        rows.append(["台帳の状況", "（台帳は共有されていません）"])
    if item.draft_policy:
        rows.append(["方針案", Html(item.draft_policy)])
    wordfile.add_table(doc, rows, widths_mm=[35, 135], header_column=True)
    if latest:
        wordfile.add_heading(doc, "最新の定期報告", 3)
        named = {c.id: c.name for c in case.children if c.name in names}
        lines = [_report_line(line, named) for line in latest]
        header = ["こども", "期間", "出席/欠席", "気になる度合い", "様子"]
        wordfile.add_table(doc, lines, header=header, widths_mm=[28, 32, 25, 22, 63])


def _report_line(line: ReportLine, named: dict[int, str]) -> list:
    """Return one child's newest monthly report as a table row (named only where the copy may)."""
    child = named.get(line.child_id, "—")
    return [child, line.period, line.attendance, line.concern, Html(line.condition or "—")]


def _alert_lines(doc, alerts: list[AlertLine]) -> None:
    """Write the newest alerts of the case's children this copy may see."""
    if not alerts:
        return
    wordfile.add_heading(doc, "アラート", 3)
    rows = []
    for alert in alerts[:ALERTS_SHOWN]:
        state = "確認済み" if alert.acknowledged else "未確認"
        rows.append([wareki(alert.created_at), alert.reasons, Html(alert.summary or "—"), state])
    wordfile.add_table(doc, rows, header=["日付", "理由", "内容", "対応"], widths_mm=[35, 40, 75, 20])
