"""The ledger's optional columns (年齢, 保護者, 援助方針, ...) and compact mode, kept for each person."""

from datetime import date, datetime

from sqlalchemy import Boolean, ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column

from cases.models import Guardian, Part
from cases.sharing.models import Involvement, InvolvementKind
from portal import audit
from portal.dates import today_in_japan
from portal.extensions import db
from portal.models import User
from portal.transaction import transaction
from portal.types import UTCDateTime, utcnow

# The columns a person may add beside the ledger's own, in the order they are shown.
OPTIONAL_COLUMNS = {
    "age": "年齢",
    "guardians": "保護者",
    "policy": "援助方針",
    "cgc": "児相関与",
    "closed_on": "終結日",
    "last_report": "最終報告",
    "absence": "連続欠席",
}
DEFAULT_COLUMNS = ["last_report", "absence"]  # what the ledger showed before the chooser


class LedgerPreference(db.Model):
    """How one person likes the ledger: the optional columns shown and whether it is compact."""

    __tablename__ = "ledger_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    columns: Mapped[str] = mapped_column(String(200), default="")
    compact: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


def preferences(user: User) -> tuple[list[str], bool]:
    """Return the person's chosen columns (in display order) and compact mode."""
    row = db.session.get(LedgerPreference, user.id)
    if row is None:
        return list(DEFAULT_COLUMNS), False
    chosen = set(row.columns.split(",")) if row.columns else set()
    return [name for name in OPTIONAL_COLUMNS if name in chosen], row.compact


def save_preferences(user: User, columns: list[str], compact: bool) -> None:
    """Remember the person's columns and compact mode (unknown column names are dropped)."""
    chosen = [name for name in OPTIONAL_COLUMNS if name in set(columns)]
    with transaction():
        row = db.session.get(LedgerPreference, user.id)
        if row is None:
            row = LedgerPreference(user_id=user.id)
            db.session.add(row)
        row.columns = ",".join(chosen)
        row.compact = compact
        audit.record(
            "ledger.preferences", actor=user, target=user, detail={"columns": chosen, "compact": compact}
        )


def age(birth: date | None, today: date) -> int | None:
    """Return a person's age in whole years on a day."""
    if birth is None:
        return None
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def extras(rows, columns: list[str]) -> dict[int, dict]:
    """Return, per case id, the chosen columns' values the person may see (a few queries for the page)."""
    ids = [row.case.id for row in rows]
    today = today_in_japan()
    guardians: dict[int, list[str]] = {}
    if "guardians" in columns and ids:
        query = select(Guardian).where(Guardian.case_id.in_(ids)).order_by(Guardian.id)
        for guardian in db.session.scalars(query):
            guardians.setdefault(guardian.case_id, []).append(guardian.name)
    with_cgc: set[int] = set()
    if "cgc" in columns and ids:
        query = select(Involvement.case_id).where(
            Involvement.case_id.in_(ids),
            Involvement.kind == InvolvementKind.CHILD_GUIDANCE.value,
            (Involvement.ended_on.is_(None)) | (Involvement.ended_on >= today),
        )
        with_cgc = set(db.session.scalars(query))
    found = {}
    for row in rows:
        case, access = row.case, row.access
        found[case.id] = {
            "age": [(c.name, age(c.birth_date, today)) for c in row.children],
            # Household items follow the whole-household rule, as on the case page.
            "guardians": guardians.get(case.id, []) if access.whole(Part.BASIC) else None,
            "policy": case.support_policy if access.can(Part.LEDGER) else None,
            "cgc": case.id in with_cgc,
        }
    return found
