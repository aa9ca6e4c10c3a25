"""A configurable ledger: the columns each person chose, remembered; closed cases show 終結日; pickers."""

from datetime import date

from sqlalchemy import select

from cases.ledger import columns, services
from cases.ledger.pickers import case_labels
from cases.models import Case
from portal.audit import AuditEntry
from portal.extensions import db
from tests.cases.conftest import text
from tests.cases.ledger.test_views import ledger_rows


def test_the_chosen_columns_are_remembered_for_that_person_only(town, browser):
    sato = browser(town.coordinator)
    assert '<th scope="col">保護者</th>' not in ledger_rows(sato.get("/cases/"))
    data = {"columns": ["age", "guardians", "policy", "cgc", "closed_on"], "compact": "y"}
    sato.submit("/cases/columns", data)
    assert columns.preferences(town.coordinator) == (["age", "guardians", "policy", "cgc", "closed_on"], True)
    rows = ledger_rows(sato.get("/cases/"))
    for header in ("年齢", "保護者", "援助方針", "児相関与", "終結日"):
        assert f'<th scope="col">{header}</th>' in rows
    assert "山本 健、山本 亜紀" in rows and ">あり<" in rows
    assert 'class="ledger-wrap compact"' in text(sato.get("/cases/"))
    # 伊藤 still sees the ledger as it was.
    assert '<th scope="col">保護者</th>' not in ledger_rows(browser(town.caseworker).get("/cases/"))
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "ledger.preferences"))
    assert entry is not None


def test_an_unknown_column_is_dropped(town):
    columns.save_preferences(town.coordinator, ["age", "secret"], False)
    assert columns.preferences(town.coordinator) == (["age"], False)


def test_the_age_is_counted_in_whole_years():
    assert columns.age(date(2016, 9, 1), date(2025, 8, 31)) == 8
    assert columns.age(date(2016, 9, 1), date(2025, 9, 1)) == 9
    assert columns.age(None, date(2025, 9, 1)) is None


def test_a_closed_case_shows_its_closure_date_not_a_review_date(town, browser):
    services.update_case(town.coordinator, town.case, {"next_review_on": date(2025, 9, 1)}, town.case.version)
    services.close_case(town.coordinator, town.case, date(2025, 12, 1), "improved")
    rows = ledger_rows(browser(town.coordinator).get("/cases/", query_string={"status": "closed"}))
    assert "終結 令和7年12月1日" in rows and "令和7年9月1日" not in rows


def test_a_case_picker_shows_the_number_with_the_names_the_person_may_see(town, app):
    case = db.session.get(Case, town.case.id)
    assert case_labels(town.coordinator, [case]) == {case.id: f"{case.case_number} 山本 はると・山本 ゆい"}
    assert case_labels(town.teacher, [case]) == {case.id: f"{case.case_number} 山本 はると"}


def test_the_meeting_form_picks_cases_by_number_and_names(town, browser):
    page = text(browser(town.coordinator).get("/meetings/new"))
    assert f"{town.case.case_number} 山本 はると・山本 ゆい</option>" in page
