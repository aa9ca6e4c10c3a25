"""Which transfers a coordinator sees: notices waiting for their council, their own, a case's both ways."""

from sqlalchemy import select

from cases import policy
from cases.models import Case
from cases.moves.models import CaseTransfer, TransferStatus
from portal.extensions import db
from portal.models import User


def notices_for(user: User) -> list[CaseTransfer]:
    """Return the transfer notices waiting for this person's council (handover sets only)."""
    ids = policy.coordinated_council_ids(user)
    if not ids:
        return []
    query = select(CaseTransfer).where(
        CaseTransfer.status == TransferStatus.PENDING.value, CaseTransfer.to_council_id.in_(ids)
    )
    return [
        t
        for t in db.session.scalars(query.order_by(CaseTransfer.started_at))
        if policy.can_receive_transfer(user, t)
    ]


def outgoing_for(user: User) -> list[CaseTransfer]:
    """Return the transfers the person's councils started, newest first."""
    ids = policy.coordinated_council_ids(user)
    if not ids:
        return []
    query = (
        select(CaseTransfer)
        .where(CaseTransfer.from_council_id.in_(ids))
        .order_by(CaseTransfer.started_at.desc())
    )
    return list(db.session.scalars(query.limit(100)))


def transfers_of(case: Case) -> tuple[list[CaseTransfer], list[CaseTransfer]]:
    """Return the transfers out of a case and into it (the link both ways)."""
    out = list(db.session.scalars(select(CaseTransfer).where(CaseTransfer.case_id == case.id)))
    into = list(db.session.scalars(select(CaseTransfer).where(CaseTransfer.new_case_id == case.id)))
    return out, into
