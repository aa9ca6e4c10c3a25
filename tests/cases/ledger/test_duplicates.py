"""Registration warns of likely duplicates among the cases the registrar may see; the choice is audited."""

import json
from datetime import date

from sqlalchemy import func, select

from cases.ledger import duplicates
from cases.ledger.registration import ChildInput, GuardianInput
from cases.models import Case
from portal.audit import AuditEntry
from portal.extensions import db
from tests.cases.conftest import household_input, text
from tests.cases.ledger.test_views import household_form


def cases_count() -> int:
    """Count the cases."""
    return db.session.scalar(select(func.count()).select_from(Case))


def test_the_same_child_with_the_same_birth_date_is_a_likely_duplicate(town):
    again = household_input(town, children=[ChildInput("山本 はると", "", date(2016, 9, 1))], guardians=[])
    found = duplicates.likely_duplicates(town.coordinator, again)
    assert [d.case.id for d in found] == [town.case.id]
    assert "山本 はると" in found[0].reasons[0] and found[0].children == ["山本 はると", "山本 ゆい"]


def test_a_similar_kana_or_name_with_the_same_birth_date_matches_too(town):
    for name, kana in (("山本 晴人", "ヤマモト ハルト"), ("山元 はると", ""), ("やまもと はると", "")):
        typed = household_input(town, children=[ChildInput(name, kana, date(2016, 9, 1))], guardians=[])
        assert duplicates.likely_duplicates(town.coordinator, typed), name


def test_another_birth_date_or_name_is_no_duplicate(town):
    for child in (
        ChildInput("山本 はると", "やまもと はると", date(2016, 9, 2)),
        ChildInput("佐々木 れん", "ささき れん", date(2016, 9, 1)),
    ):
        assert (
            duplicates.likely_duplicates(
                town.coordinator, household_input(town, children=[child], guardians=[])
            )
            == []
        )


def test_the_same_guardian_is_a_likely_duplicate(town):
    typed = household_input(
        town,
        children=[ChildInput("山本 そら", "", date(2023, 3, 3))],
        guardians=[GuardianInput("father", "山本　健")],
    )
    found = duplicates.likely_duplicates(town.coordinator, typed)
    assert [d.case.id for d in found] == [town.case.id] and "保護者 山本 健" in found[0].reasons[0]


def test_only_cases_the_registrar_may_see_are_compared(town):
    assert (
        duplicates.likely_duplicates(
            town.other_coordinator, household_input(town, council_id=town.other_council.id)
        )
        == []
    )


def test_the_form_warns_before_saving_and_the_registrar_confirms_a_new_case(town, browser):
    sato = browser(town.coordinator)
    page = text(sato.submit("/cases/new", household_form(town, confirm_new=None)))
    assert "同じ世帯かもしれないケースがあります" in page and town.case.case_number in page
    assert cases_count() == 1, "nothing is saved before the registrar chooses"
    page = text(
        sato.submit("/cases/new", {**household_form(town), "confirm_new": "1"}, follow_redirects=True)
    )
    assert "ケースを登録しました" in page and cases_count() == 2
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "case.duplicate_new"))
    assert json.loads(entry.detail)["candidates"] == [town.case.id]


def test_the_registrar_opens_the_existing_case_instead(town, browser):
    sato = browser(town.coordinator)
    response = sato.submit("/cases/new", household_form(town, confirm_new=None, open_case=str(town.case.id)))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/cases/{town.case.id}")
    assert cases_count() == 1
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "case.duplicate_open"))
    assert entry is not None and json.loads(entry.detail)["candidates"] == [town.case.id]
