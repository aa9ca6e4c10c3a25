"""Choices the case forms share: member agencies, 部会, risk levels, the parts of a case, consent wording."""

from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from cases.models import RISK_LABELS, Part
from portal.extensions import db
from portal.forms import choices
from portal.models import Agency, council_members

CONSENT_WORDING = "切れ目のない支援のため、関係機関とプラン内容を共有することについて同意します"
RISK_CHOICES = [SelectChoice(level, RISK_LABELS[level]) for level in (3, 2, 1)]
PART_CHOICES = [SelectChoice(p.value, p.label) for p in Part]


def agency_pairs(agencies) -> list[tuple[int, str]]:
    """Return agencies as (id, name) choices, sorted by name."""
    return [(a.id, a.name) for a in sorted(agencies, key=lambda a: a.name)]


def active_agencies() -> list[Agency]:
    """Return every active agency (consent and emergency shares may name one outside the council)."""
    return list(db.session.scalars(select(Agency).where(Agency.active).order_by(Agency.name)))


def section_choices(councils, blank: str, current: str = "") -> list[SelectChoice]:
    """Return the 部会 of the councils (each once, and the current one even if since removed)."""
    names = dict.fromkeys(name for council in councils for name in council.section_names)
    if current:
        names.setdefault(current)
    return choices(("", blank), *((name, name) for name in names))


def member_agency_pairs(councils) -> list[tuple[int, str]]:
    """Return the active member agencies of the councils as (id, name) choices, sorted by name.

    One query for the two columns: a filter lists a big council's ~300 agencies on every page.
    """
    if not councils:
        return []
    rows = db.session.execute(
        select(Agency.id, Agency.name)
        .join(council_members, council_members.c.agency_id == Agency.id)
        .where(council_members.c.council_id.in_([c.id for c in councils]), Agency.active)
        .distinct()
    )
    return agency_pairs(rows)


def member_agencies(councils) -> list[Agency]:
    """Return the active member agencies of the councils, each once."""
    found = {a.id: a for c in councils for a in c.members if a.active}
    return list(found.values())
