"""The case card of the current item: what the policy gives this reader's agency to talk about.

Each row says whether it is shown, not recorded (未記録) or not shared with the agency (非共有), so
the two are never confused. Ledger rows need the ledger part; report lines, absences and the safety
scale come through cases.signals, already cut to what the reader may see; open tasks are the meeting
record's (the same for every reader, read once per change). Built per reader
(meetings.live.payloads), never from another agency's view.
"""

from sqlalchemy import select

from cases import signals
from cases.models import Case, Part
from cases.policy import CaseAccess
from meetings.models import RoleAssignment
from portal.dates import wareki
from portal.extensions import db
from portal.models import User
from portal.sanitize import plain_text

SHOWN, EMPTY, HIDDEN = "shown", "empty", "hidden"
NOT_SHARED, NOT_RECORDED = "非共有", "未記録"


def _row(label: str, value, shared: bool = True) -> dict:
    """Return one row: its value, 未記録 when empty, or 非共有 when the part is not shared."""
    if not shared:
        return {"label": label, "value": NOT_SHARED, "state": HIDDEN}
    text = str(value).strip() if value not in (None, "") else ""
    return {"label": label, "value": text or NOT_RECORDED, "state": SHOWN if text else EMPTY}


def _ledger(case: Case, access: CaseAccess) -> list[dict]:
    """Return the ledger rows (登録区分, リスク, 主担当機関, 援助方針, 最終確認日, 次回確認時期)."""
    shared = access.can(Part.LEDGER)
    return [
        _row("登録区分", case.category_label, shared),
        _row("状況", case.status_label, shared),
        _row("リスク", case.risk_label, shared),
        _row("主担当機関", case.lead_agency.name if case.lead_agency else "", shared),
        _row("キーパーソン", case.key_person, shared),
        _row("援助方針（現在）", plain_text(case.support_policy), shared),
        _row("最終確認日", wareki(case.last_confirmed_on) if case.last_confirmed_on else "", shared),
        _row("次回確認時期", wareki(case.next_review_on) if case.next_review_on else "", shared),
    ]


def _reports(viewer: User, case: Case, access: CaseAccess) -> list[dict]:
    """Return each child's latest monthly report line and consecutive absences, as the reader may see."""
    children = [c for c in case.children if access.child_visible(Part.REPORTS, c.id)]
    if not children:
        return [_row("最新の定期報告", "", shared=False)]
    found = signals.latest_lines(viewer, [case.id], {case.id: access}).get(case.id, [])
    lines = {line.child_id: line for line in found}
    rows = []
    for child in children:
        name = child.name if access.child_visible(Part.BASIC, child.id) else "（氏名は非共有）"
        line = lines.get(child.id)
        absent = line.consecutive_absent_days if line else child.consecutive_absent_days
        text = ""
        if line is not None:
            parts = [line.period, f"出席/欠席 {line.attendance}"]
            parts += [f"気になる度合い {line.concern}"] if line.concern else []
            parts += [plain_text(line.condition)] if line.condition else []
            text = "　".join(parts)
        rows.append(_row(f"最新の定期報告（{name}）", text))
        rows.append(_row(f"連続欠席（{name}）", f"{absent}日" if absent is not None else ""))
    return rows


def _scales(viewer: User, case: Case, access: CaseAccess) -> list[dict]:
    """Return the safety-scale trend of each agency whose sheets the reader may read."""
    if not access.can(Part.REPORTS):
        return [_row("セーフティスケール", "", shared=False)]
    trends = signals.safety_trends(viewer, [case.id], {case.id: access}).get(case.id, [])
    if not trends:
        return [_row("セーフティスケール", "")]
    return [
        _row(
            f"セーフティスケール（{t.agency}）",
            "→".join(str(n) for n in t.scales)
            + f"（{wareki(t.last_assessed_on)}）"
            + ("　低下" if t.falling else ""),
        )
        for t in trends
    ]


class OpenTasks:
    """Cases' open tasks (役割分担 not yet done, from every meeting), read once per case.

    They are the same for every reader: one change's views share one of these.
    """

    def __init__(self):
        self._found: dict[int, list[RoleAssignment]] = {}

    def of(self, case: Case) -> list[RoleAssignment]:
        """Return the case's open tasks, by due date."""
        if case.id not in self._found:
            self._found[case.id] = db.session.scalars(
                select(RoleAssignment)
                .where(RoleAssignment.case_id == case.id, RoleAssignment.done_at.is_(None))
                .order_by(RoleAssignment.due_on, RoleAssignment.id)
            ).all()
        return self._found[case.id]


def _tasks(rows: list[RoleAssignment]) -> list[dict]:
    """Return the rows of the case's open tasks."""
    if not rows:
        return [_row("未完了の役割", "")]
    return [
        _row(
            f"未完了の役割（{a.agency.name}）",
            f"{a.task}"
            + (f"（{a.person}）" if a.person else "")
            + (f"　期限 {wareki(a.due_on)}" if a.due_on else ""),
        )
        for a in rows
    ]


def case_card(viewer: User, case: Case, access: CaseAccess, tasks: OpenTasks) -> dict:
    """Return the card of one case for this reader."""
    rows = _ledger(case, access) + _reports(viewer, case, access) + _scales(viewer, case, access)
    return {"case_id": case.id, "number": case.case_number, "rows": rows + _tasks(tasks.of(case))}
