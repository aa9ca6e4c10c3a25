"""Managed code lists (虐待種別, 相談経路, 主たる虐待者, 終結理由, 記録の種類, 法的根拠, 続柄)."""

from sqlalchemy import select

from cases.models import CodeItem
from portal.extensions import db

LISTS = {
    "abuse_type": "虐待種別",
    "main_abuser": "主たる虐待者",
    "referral_route": "相談経路",
    "closure_reason": "終結理由",
    "note_kind": "記録の種類",
    "legal_basis": "緊急共有の法的根拠",
    "relation": "続柄",
}


def items(list_name: str, include_inactive: bool = False) -> list[CodeItem]:
    """Return the entries of a code list in their order."""
    query = select(CodeItem).where(CodeItem.list_name == list_name)
    if not include_inactive:
        query = query.where(CodeItem.active)
    return list(db.session.scalars(query.order_by(CodeItem.sort_order, CodeItem.id)))


def choices(list_name: str, blank: str | None = None) -> list[tuple[str, str]]:
    """Return (code, label) choices for a form field, optionally with a blank first choice."""
    result = [(item.code, item.label) for item in items(list_name)]
    return ([("", blank)] if blank is not None else []) + result


def labels(list_name: str) -> dict[str, str]:
    """Return code -> label for a list, inactive entries included (old records still show)."""
    found = select(CodeItem.code, CodeItem.label).where(CodeItem.list_name == list_name)
    return {code: label for code, label in db.session.execute(found)}


def label(list_name: str, code: str | None) -> str:
    """Return the label of one code, or the code itself when unknown."""
    if not code:
        return ""
    return labels(list_name).get(code, code)
