"""Right choices only: the council's own agencies, the family's copies, no future dates, Japanese messages."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from cases.ledger import registration, services
from cases.models import Case, CaseChange, Part
from cases.sharing import consents
from portal.dates import today_in_japan
from portal.extensions import db
from portal.refusals import Refusal
from tests.cases.conftest import text
from tests.cases.ledger.test_views import edit_form, household_form


def checkbox_labels(page: str, name: str) -> str:
    """Return the part of a page holding the checkboxes of one field."""
    start = page.index(f'name="{name}"')
    return page[start - 2000 : start + 4000]


def test_the_consent_picker_offers_only_the_councils_own_members(town, browser):
    sato = browser(town.coordinator)
    page = text(sato.get(f"/cases/{town.case.id}/sharing"))
    offered = page.split('id="consents"')[1].split('id="emergency"')[0]
    for member in ("みどり第一小学校", "ひかり保育園", "みどり市民病院", "県中央児童相談所"):
        assert member in offered
    assert "あおば町子ども家庭センター" not in offered
    assert "情報政策課" not in offered


def test_the_plan_consent_picker_offers_only_the_councils_own_members(town, browser):
    page = text(browser(town.coordinator).get(f"/cases/{town.case.id}/plans/new"))
    assert "ひかり保育園" in page
    assert "あおば町子ども家庭センター" not in page and "情報政策課" not in page


def test_a_consent_naming_an_agency_outside_the_council_is_refused(town):
    from portal.models import Agency

    outside = db.session.scalar(select(Agency).where(Agency.name == "あおば町子ども家庭センター"))
    with pytest.raises(Refusal, match="共有先の機関が正しくありません。"):
        consents.record_consent(
            town.coordinator,
            town.case,
            given_by_name="山本 亜紀",
            given_by_relation="mother",
            given_on=today_in_japan(),
            agency_ids=[outside.id],
            parts=[Part.PLAN],
        )


def test_a_future_registration_or_closure_date_is_refused(town, browser):
    sato = browser(town.coordinator)
    tomorrow = (today_in_japan() + timedelta(days=1)).isoformat()
    page = text(sato.submit("/cases/new", household_form(town, received_on="2999-01-01")))
    assert "受理日に未来の日付は入力できません。" in page
    sato.submit("/cases/new", household_form(town, register_now="intake"))
    case = db.session.scalar(select(Case).order_by(Case.id.desc()))
    page = text(sato.submit(f"/cases/{case.id}/register", {"registered_on": tomorrow}, follow_redirects=True))
    assert "登録日に未来の日付は入力できません。" in page and case.registered_on is None
    page = text(sato.submit(f"/cases/{case.id}/close", {"closed_on": "2999-01-01", "reason": "improved"}))
    page += text(sato.get(f"/cases/{case.id}"))
    assert "終結日に未来の日付は入力できません。" in page
    db.session.refresh(case)
    assert case.closed_on is None


def test_the_services_refuse_future_dates_too(town):
    later = today_in_japan() + timedelta(days=1)
    with pytest.raises(Refusal, match="終結日に未来の日付は入力できません。"):
        services.close_case(town.coordinator, town.case, later, "improved")
    data = registration.CaseInput(**{**vars(_input(town)), "received_on": later})
    with pytest.raises(Refusal, match="受理日に未来の日付は入力できません。"):
        registration.register_case(town.coordinator, data)


def _input(town):
    from tests.cases.conftest import household_input

    return household_input(town)


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/cases/new", "abuse_types"),
        ("/cases/{id}/sharing/consents", "consent-agency_ids"),
        ("/cases/{id}/sharing/consents", "consent-parts"),
    ],
)
def test_a_multi_select_answers_in_japanese(town, browser, url, field):
    sato = browser(town.coordinator)
    data = household_form(town) if url == "/cases/new" else {"consent-given_by_name": "山本 亜紀"}
    data[field] = ["999999"] if field.endswith("agency_ids") else ["xxx"]
    page = text(sato.submit(url.format(id=town.case.id), data, follow_redirects=True))
    assert "is not a valid choice" not in page and "not valid choices" not in page
    assert "選べない項目が含まれています。選び直してください。" in page


def test_the_multi_select_message_itself_is_japanese(app):
    from portal.forms import MultiCheckboxField, Row, choices

    class Picked(Row):
        things = MultiCheckboxField("もの", choices=choices(("a", "A")))

    from werkzeug.datastructures import MultiDict

    form = Picked(MultiDict([("things", "xxx")]))
    assert not form.validate()
    assert form.things.errors == ["選べない項目が含まれています。選び直してください。"]


def test_a_risk_change_by_the_child_guidance_center_needs_a_reason_and_reaches_the_coordinator(town, browser):
    with pytest.raises(Refusal, match="理由"):
        services.update_case(town.caseworker, town.case, {"risk_level": 2}, town.case.version)
    ito = browser(town.caseworker)
    reason = "家庭訪問で父の暴言と新しいあざを確認"
    ito.submit(f"/cases/{town.case.id}/edit", edit_form(town.case, risk_level="2", risk_reason=reason))
    change = db.session.scalar(select(CaseChange).where(CaseChange.field == "risk_level"))
    assert change.reason == reason
    home = text(browser(town.coordinator).get("/"))
    panel = home.split('id="other-agency-changes"')[1].split("</section>")[0]
    assert "県中央児童相談所" in panel and "伊藤" in panel and "リスク" in panel and reason in panel
    assert 'id="other-agency-changes"' not in text(browser(town.teacher).get("/"))
