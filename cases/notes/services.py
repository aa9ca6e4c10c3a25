"""Writing case notes (経過記録): one note from the case page, or many at once for another feature.

Each call runs in one transaction (or joins the caller's) with one audit row per case; the text passes
the one sanitizer.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from cases import codes, policy
from cases.models import Case, Child
from cases.notes.models import CaseNote
from portal import audit
from portal.dates import today_in_japan
from portal.extensions import db
from portal.models import User
from portal.refusals import Refusal
from portal.sanitize import clean_html
from portal.transaction import transaction


@dataclass
class NoteInput:
    """One case note (経過記録) to write: the case (and child) it is about, when, its kind and text."""

    case_id: int
    occurred_on: date
    kind: str
    body: str
    child_id: int | None = None
    source: str = ""


def add_note(
    user: User,
    case: Case,
    *,
    occurred_on: date,
    kind: str,
    body: str,
    child_id: int | None = None,
    source: str = "",
) -> CaseNote:
    """Write a case note (経過記録) in the person's agency's name."""
    (note,) = add_notes(user, [NoteInput(case.id, occurred_on, kind, body, child_id, source)])
    return note


def add_notes(user: User, entries: list[NoteInput]) -> list[CaseNote]:
    """Write case notes in the person's agency's name, all or none (in the caller's transaction, if any).

    The rules are those of one note, with access looked up once for all the cases: a note the
    person may not write refuses them all (403, or Refusal with a Japanese message). Each case
    gets one `case.note_add` audit row naming its new notes, so its access history shows who
    wrote them.
    """
    if not entries:
        return []
    case_ids = sorted({entry.case_id for entry in entries})
    cases = {c.id: c for c in db.session.scalars(select(Case).where(Case.id.in_(case_ids)))}
    if len(cases) != len(case_ids):
        raise Refusal("対象のケースが見つかりません。")
    children: dict[int, set[int]] = {case_id: set() for case_id in case_ids}
    for child_id, case_id in db.session.execute(
        select(Child.id, Child.case_id).where(Child.case_id.in_(case_ids))
    ):
        children[case_id].add(child_id)
    access = policy.access_map(user, list(cases.values()))
    kinds = codes.labels("note_kind")
    today = today_in_japan()
    notes = []
    for entry in entries:
        case = cases[entry.case_id]
        if entry.child_id is not None and entry.child_id not in children[case.id]:
            raise Refusal("対象の子どもが正しくありません。")
        policy.require(policy.can_add_note(user, case, entry.child_id, access[case.id]))
        if entry.kind not in kinds:
            raise Refusal("記録の種類を選んでください。")
        cleaned = clean_html(entry.body)
        if not cleaned:
            raise Refusal("内容を入力してください。")
        if entry.occurred_on > today:
            raise Refusal("未来の日付の記録は書けません。")
        notes.append(
            CaseNote(
                case_id=case.id,
                child_id=entry.child_id,
                agency_id=user.agency_id,
                author_id=user.id,
                occurred_on=entry.occurred_on,
                kind=entry.kind,
                body=cleaned,
                source=entry.source,
            )
        )
    with transaction():
        db.session.add_all(notes)
        db.session.flush()
        _audit_notes(user, cases, notes)
    return notes


def _audit_notes(user: User, cases: dict[int, Case], notes: list[CaseNote]) -> None:
    """Write one `case.note_add` audit row per case, naming the notes written in it."""
    by_case: dict[int, list[CaseNote]] = {}
    for note in notes:
        by_case.setdefault(note.case_id, []).append(note)
    targets = []
    for case_id, written in by_case.items():
        if len(written) == 1:
            detail = {"note_id": written[0].id, "kind": written[0].kind}
        else:
            detail = {"note_ids": [n.id for n in written], "kinds": sorted({n.kind for n in written})}
        targets.append((cases[case_id], detail))
    # One numbered, chained batch: an upload's thousands of cases do not take the head one by one.
    audit.record_each("case.note_add", actor=user, targets=targets)
