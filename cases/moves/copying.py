"""Copying a transferred case into the receiving council: ledger fields, household, history and notes.

The copy gets a new case number of the receiving council; history lines and notes keep their
dates, authors and agencies, and name the sending case as their source (same history).
"""

from sqlalchemy import select

from cases.ledger.registration import _next_case_number
from cases.ledger.search import search_key
from cases.models import Case, CaseAbuseType, CaseChange, Child, Guardian, Status
from cases.notes.models import CaseNote
from portal.dates import today_in_japan
from portal.extensions import db
from portal.models import Council


def copy_case(old: Case, council: Council) -> Case:
    """Copy a case into another council: ledger fields, household, history and notes (new number)."""
    today = today_in_japan()
    fields = [
        "category",
        "received_on",
        "referral_route",
        "main_abuser",
        "risk_level",
        "key_person",
        "support_policy",
        "household_note",
        "expected_delivery_on",
        "last_confirmed_on",
        "next_review_on",
    ]
    new = Case(
        council_id=council.id,
        case_number=_next_case_number(council.id, today),
        **{f: getattr(old, f) for f in fields},
    )
    new.status = Status.REGISTERED.value if old.status == Status.REGISTERED.value else Status.INTAKE.value
    new.registered_on = today if new.status == Status.REGISTERED.value else None
    new.lead_agency_id = council.coordinating_agency_id
    new.abuse_type_rows = [CaseAbuseType(code=c) for c in old.abuse_types]
    new.children = [
        Child(
            name=c.name,
            name_kana=c.name_kana,
            birth_date=c.birth_date,
            sex=c.sex,
            note=c.note,
            search_key=search_key(c.name, c.name_kana),
        )
        for c in old.children
    ]
    new.guardians = [
        Guardian(
            relation=g.relation,
            name=g.name,
            name_kana=g.name_kana,
            birth_date=g.birth_date,
            phone=g.phone,
            note=g.note,
            search_key=search_key(g.name, g.name_kana),
        )
        for g in old.guardians
    ]
    db.session.add(new)
    db.session.flush()
    child_map = {o.id: n.id for o, n in zip(old.children, new.children, strict=True)}
    source = f"移管元 {old.case_number}"
    for change in db.session.scalars(
        select(CaseChange).where(CaseChange.case_id == old.id).order_by(CaseChange.at)
    ):
        db.session.add(
            CaseChange(
                case_id=new.id,
                at=change.at,
                user_id=change.user_id,
                agency_id=change.agency_id,
                field=change.field,
                before=change.before,
                after=change.after,
                source=source[:60],
            )
        )
    for note in db.session.scalars(select(CaseNote).where(CaseNote.case_id == old.id)):
        db.session.add(
            CaseNote(
                case_id=new.id,
                child_id=child_map.get(note.child_id),
                agency_id=note.agency_id,
                author_id=note.author_id,
                occurred_on=note.occurred_on,
                kind=note.kind,
                body=note.body,
                source=source[:60],
                created_at=note.created_at,
            )
        )
    return new
