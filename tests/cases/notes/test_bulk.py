"""Case notes written in a batch (a report's submission): the rules of one note, one audit row per case."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.exceptions import Forbidden

from cases.ledger import reading, registration
from cases.notes import services as note_services
from cases.notes.models import CaseNote
from cases.notes.services import NoteInput
from portal.audit import AuditEntry
from portal.dates import today_in_japan
from portal.extensions import db
from portal.refusals import Refusal
from tests.cases.conftest import household_input

SOURCE = "bulk-test"


def note(case, child=None, body="<p>元気に登校</p>", **overrides) -> NoteInput:
    """Return one note of a batch about a child of a case (or the household)."""
    values = {
        "case_id": case.id,
        "occurred_on": date(2025, 6, 10),
        "kind": "observation",
        "body": body,
        "child_id": child.id if child else None,
        "source": SOURCE,
    }
    values.update(overrides)
    return NoteInput(**values)


def note_audit_rows() -> list[AuditEntry]:
    """Return the case.note_add audit rows, oldest first."""
    return list(
        db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "case.note_add").order_by(AuditEntry.seq)
        )
    )


def written() -> int:
    """Return how many notes of the batch are stored."""
    return db.session.scalar(select(func.count(CaseNote.id)).where(CaseNote.source == SOURCE))


@pytest.fixture
def second_case(town):
    """Register a second household whose child also goes to the school."""
    data = household_input(town, received_on=date(2025, 6, 3))
    data.children = data.children[:1]
    data.children[0].name = "川口 そうた"
    return registration.register_case(town.coordinator, data)


def test_batch_writes_each_note_in_the_agency_name_with_one_audit_row_per_case(town, second_case):
    other = second_case.children[0]
    notes = note_services.add_notes(
        town.coordinator,
        [note(town.case, town.haruto), note(town.case, town.yui), note(second_case, other)],
    )
    db.session.commit()
    assert written() == 3
    assert {(n.case_id, n.child_id, n.agency_id, n.author_id) for n in notes} == {
        (town.case.id, town.haruto.id, town.center.id, town.coordinator.id),
        (town.case.id, town.yui.id, town.center.id, town.coordinator.id),
        (second_case.id, other.id, town.center.id, town.coordinator.id),
    }
    rows = note_audit_rows()
    assert [(r.target_id, r.actor_id) for r in rows] == [
        (str(town.case.id), town.coordinator.id),
        (str(second_case.id), town.coordinator.id),
    ]
    assert rows[0].detail_data == {"note_ids": [notes[0].id, notes[1].id], "kinds": ["observation"]}
    assert rows[1].detail_data == {"note_id": notes[2].id, "kind": "observation"}


def test_each_case_access_history_shows_who_wrote_its_notes(town, second_case):
    note_services.add_notes(
        town.teacher, [note(town.case, town.haruto), note(second_case, second_case.children[0])]
    )
    db.session.commit()
    for case in (town.case, second_case):
        _case, entries = reading.access_history(town.coordinator, case.id, reading.AccessHistoryFilters())
        writes = [e for e in entries if e.action == "case.note_add"]
        assert [(e.actor_id, e.actor_agency_id) for e in writes] == [(town.teacher.id, town.school.id)]


def test_batch_cleans_the_html_of_every_body(town):
    body = '<p onclick="x()">欠席<script>alert(1)</script><a href="javascript:x">連絡</a></p><img src=x>'
    (stored,) = note_services.add_notes(town.teacher, [note(town.case, town.haruto, body=body)])
    db.session.commit()
    assert db.session.get(CaseNote, stored.id).body == "<p>欠席alert(1)連絡</p>"


@pytest.mark.parametrize(
    ("who", "about", "overrides", "refusal"),
    [
        # The school sees only its own pupil's part of the household.
        ("teacher", "yui", {}, Forbidden),
        ("teacher", "household", {}, Forbidden),
        ("nursery_head", "haruto", {}, Forbidden),
        # Agencies outside the case, and people without a case role, write nothing.
        ("other_teacher", "haruto", {}, Forbidden),
        ("admin", "haruto", {}, Forbidden),
        # A child of another household named under this case.
        ("coordinator", "other", {}, Refusal),
        ("coordinator", "haruto", {"kind": "gossip"}, Refusal),
        ("coordinator", "haruto", {"body": "<script></script>"}, Refusal),
        ("coordinator", "haruto", {"occurred_on": "tomorrow"}, Refusal),
    ],
)
def test_one_refused_note_refuses_the_whole_batch(town, second_case, who, about, overrides, refusal):
    children = {"haruto": town.haruto, "yui": town.yui, "household": None, "other": second_case.children[0]}
    if overrides.get("occurred_on") == "tomorrow":
        overrides["occurred_on"] = today_in_japan() + timedelta(days=1)
    user = getattr(town, who)
    batch = [note(town.case, children[about], **overrides)]
    if who in ("teacher", "coordinator"):
        # A note the person may write comes first; it is not kept either.
        batch.insert(0, note(town.case, town.haruto))
    with pytest.raises(refusal):
        note_services.add_notes(user, batch)
    db.session.rollback()
    assert written() == 0
    assert note_audit_rows() == []


def test_an_empty_batch_writes_nothing(town):
    assert note_services.add_notes(town.coordinator, []) == []
    assert note_audit_rows() == []


def test_one_note_keeps_its_audit_row(town):
    stored = note_services.add_note(
        town.teacher,
        town.case,
        occurred_on=date(2025, 6, 10),
        kind="call",
        body="電話",
        child_id=town.haruto.id,
    )
    (row,) = note_audit_rows()
    assert (row.target_id, row.actor_id) == (str(town.case.id), town.teacher.id)
    assert row.detail_data == {"note_id": stored.id, "kind": "call"}
