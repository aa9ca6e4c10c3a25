"""Home pages that say what to do today: the coordinator, the 児相 caseworker, the center's 母子保健 nurse."""

from datetime import date

from cases.ledger import home, services
from cases.plans import services as plans
from tests.cases.conftest import text
from tests.cases.ledger.test_expectant_mother import register_akari
from tests.cases.plans.test_services import plan_input


def panel(page: str, anchor: str) -> str:
    """Return one home-page panel's HTML."""
    return page.split(f'id="{anchor}"')[1].split("</section>")[0]


def test_the_coordinator_sees_overdue_reviews_and_other_agencies_changes(town, browser):
    services.update_case(town.coordinator, town.case, {"next_review_on": date(2025, 9, 1)}, town.case.version)
    services.update_case(
        town.caseworker, town.case, {"risk_level": 2}, town.case.version, reason="面接の結果"
    )
    page = text(browser(town.coordinator).get("/"))
    assert town.case.case_number in panel(page, "overdue-reviews") and "日超過" in panel(
        page, "overdue-reviews"
    )
    changes = panel(page, "other-agency-changes")
    assert "県中央児童相談所" in changes and "面接の結果" in changes


def test_the_caseworker_sees_the_changes_since_the_last_visit(town, browser):
    browser(town.caseworker)  # a first visit
    services.update_case(town.coordinator, town.case, {"key_person": "佐藤（センター）"}, town.case.version)
    page = text(browser(town.caseworker).get("/"))
    changes = panel(page, "changes-since-last-visit")
    assert "主たる援助者" in changes and "佐藤（センター）" in changes and "みどり市" in changes
    assert 'id="changes-since-last-visit"' not in text(browser(town.coordinator).get("/"))
    since, _changes = home.changes_since_last_visit(town.caseworker)
    assert since is not None


def test_the_center_nurse_sees_the_pregnancies_she_supports_and_her_plan_reviews(town, browser):
    case = register_akari(town)
    plans.create_plan(
        town.center_nurse, case, child_id=None, caseworker_id=town.center_nurse.id, data=plan_input()
    )
    page = text(browser(town.center_nurse).get("/"))
    pregnancies = panel(page, "pregnancies")
    assert "小林 あかり" in pregnancies and "あと140日" in pregnancies
    assert case.case_number in panel(page, "my-plan-reviews")
    assert 'id="pregnancies"' not in text(browser(town.teacher).get("/"))


def test_a_teacher_sees_her_reports_due_not_the_coordinators_panels(town, browser):
    page = text(browser(town.teacher).get("/"))
    assert 'id="overdue-reviews"' not in page and 'id="other-agency-changes"' not in page
