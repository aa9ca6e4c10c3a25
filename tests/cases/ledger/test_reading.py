"""Reading a case: what a child-scoped share hides, whose emergency banner shows, the audited consent form."""

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from cases.ledger import reading, registration, services
from cases.ledger.registration import ChildInput, GuardianInput
from cases.models import CaseRead, Part
from cases.sharing import consents
from cases.sharing import services as sharing
from portal.audit import AuditEntry
from portal.dates import today_in_japan
from portal.extensions import db
from tests.cases.conftest import household_input, text
from tests.factories import DEFAULT_PASSWORD

PDF = b"%PDF-1.4\n% signed consent form\n"
HOUSEHOLD_NOTE = "<p>父は夜勤。ゆいの送迎は祖母が担う。</p>"


@pytest.fixture
def browser(app):
    """Open a logged-in client for a person; several may be open at once."""

    def open_as(user):
        client = app.test_client()
        response = client.submit("/login", {"login_id": user.login_id, "password": DEFAULT_PASSWORD})
        assert response.status_code == 302, "login failed"
        return client

    return open_as


def section(page: str, part: Part) -> str:
    """Return one part's section of a case page."""
    return page.split(f'id="{part.value}"')[1].split("</section>")[0]


# A child-scoped share does not reveal the household


def test_child_scoped_viewer_does_not_get_the_guardians(town):
    assert [g.name for g in reading.read_case(town.coordinator, town.case.id).guardians] == [
        "山本 健",
        "山本 亜紀",
    ]
    view = reading.read_case(town.teacher, town.case.id)
    assert [c.name for c in view.children] == ["山本 はると"]
    assert view.guardians == [], "the school's share covers はると, not his parents"


def test_child_scoped_page_shows_guardians_as_not_shared(town, browser):
    services.update_case(town.coordinator, town.case, {"household_note": HOUSEHOLD_NOTE}, town.case.version)
    basic = section(text(browser(town.teacher).get(f"/cases/{town.case.id}")), Part.BASIC)
    assert "山本 はると" in basic
    for hidden in ("山本 健", "山本 亜紀", "やまもと けん", "祖母", "ゆい"):
        assert hidden not in basic, hidden
    assert "保護者の登録はありません" not in basic, "guardians exist; the page must not say there are none"
    assert "（非共有）この情報は共有されていません" in basic.split("保護者")[1]
    whole = section(text(browser(town.coordinator).get(f"/cases/{town.case.id}")), Part.BASIC)
    assert "山本 健" in whole and "祖母" in whole


def test_whole_household_consent_shows_the_guardians_to_the_school(town):
    consents.record_consent(
        town.coordinator,
        town.case,
        given_by_name="山本 亜紀",
        given_by_relation="mother",
        given_on=today_in_japan(),
        agency_ids=[town.school.id],
        parts=[Part.BASIC],
    )
    view = reading.read_case(town.teacher, town.case.id)
    assert {g.name for g in view.guardians} == {"山本 健", "山本 亜紀"}
    assert {c.name for c in view.children} == {"山本 はると", "山本 ゆい"}


# Emergency shares: the receiving agency sees its own banner only


def emergency(town, agency, reason: str):
    """Share the basic part with an agency in an emergency, for three days."""
    return sharing.emergency_share(
        town.coordinator,
        town.case,
        agency_id=agency.id,
        parts=[Part.BASIC],
        reason=reason,
        legal_basis="privacy_69_2_4",
        valid_until=today_in_japan() + timedelta(days=3),
    )


def banners(page: str) -> list[str]:
    """Return the emergency banners of a case page."""
    return [b.split("</div>")[0] for b in page.split('class="flash flash-error emergency"')[1:]]


def test_receiving_agency_sees_only_its_own_emergency_share(town, browser):
    emergency(town, town.hospital, "救急搬送。既往歴の確認のため")
    emergency(town, town.other_school, "転校先での安全確認のため")
    doctor = banners(text(browser(town.doctor).get(f"/cases/{town.case.id}")))
    assert len(doctor) == 1
    assert "みどり市民病院" in doctor[0] and "救急搬送" in doctor[0]
    assert "転校先" not in doctor[0] and "みどり第二小学校" not in doctor[0]
    kimura = banners(text(browser(town.other_teacher).get(f"/cases/{town.case.id}")))
    assert len(kimura) == 1 and "転校先での安全確認" in kimura[0]
    assert len(banners(text(browser(town.coordinator).get(f"/cases/{town.case.id}")))) == 2


def test_an_involved_agency_sees_no_other_agencys_emergency_share(town, browser):
    emergency(town, town.hospital, "救急搬送。既往歴の確認のため")
    assert reading.read_case(town.teacher, town.case.id).emergency_grants == []
    page = text(browser(town.teacher).get(f"/cases/{town.case.id}"))
    assert "緊急共有中" not in page and "救急搬送" not in page


# The scanned consent form: audited, and only through its own case


def consent_with_form(town, case) -> int:
    """Record the mother's consent with its scanned form; return the consent id."""
    consent = consents.record_consent(
        town.coordinator,
        case,
        given_by_name="山本 亜紀",
        given_by_relation="mother",
        given_on=today_in_japan(),
        agency_ids=[town.hospital.id],
        parts=[Part.PLAN],
        document=PDF,
        document_name="同意書.pdf",
    )
    return consent.id


def second_case(town):
    """Register another household of the council (the 川口 family)."""
    data = household_input(
        town,
        received_on=date(2025, 7, 1),
        children=[ChildInput("川口 そら", "かわぐち そら", date(2017, 4, 2), "男", town.school.id)],
        guardians=[GuardianInput("mother", "川口 みほ")],
    )
    return registration.register_case(town.coordinator, data)


def test_downloading_the_consent_form_is_audited_with_a_case_read(town, browser):
    consent_id = consent_with_form(town, town.case)
    response = browser(town.coordinator).get(f"/cases/{town.case.id}/sharing/consents/{consent_id}/document")
    assert response.status_code == 200 and response.data == PDF
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "case.consent_document_view"))
    assert entry is not None, "the download is in the audit log"
    assert entry.actor_id == town.coordinator.id and entry.target_id == str(town.case.id)
    assert json.loads(entry.detail)["consent_id"] == consent_id
    read = db.session.scalar(select(CaseRead).where(CaseRead.audit_seq == entry.seq))
    assert read is not None and read.case_id == town.case.id, "it shows in the case's access history"
    history = text(browser(town.coordinator).get(f"/cases/{town.case.id}/access"))
    assert "同意書の閲覧" in history


def test_another_cases_consent_form_is_404_and_not_audited(town, browser):
    other = second_case(town)
    other_consent = consent_with_form(town, other)
    sato = browser(town.coordinator)
    response = sato.get(f"/cases/{town.case.id}/sharing/consents/{other_consent}/document")
    assert response.status_code == 404
    assert "ページが見つかりません" in text(response)
    assert sato.get(f"/cases/{town.case.id}/sharing/consents/999999/document").status_code == 404
    assert sato.get(f"/cases/{other.id}/sharing/consents/{other_consent}/document").data == PDF
    views = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "case.consent_document_view"))
    assert [e.target_id for e in views] == [str(other.id)], "only the one real download is audited"


def test_a_consent_without_a_form_has_nothing_to_download(town, browser):
    consent = consents.record_consent(
        town.coordinator,
        town.case,
        given_by_name="山本 亜紀",
        given_by_relation="mother",
        given_on=today_in_japan(),
        agency_ids=[town.hospital.id],
        parts=[Part.PLAN],
    )
    url = f"/cases/{town.case.id}/sharing/consents/{consent.id}/document"
    assert browser(town.coordinator).get(url).status_code == 404
