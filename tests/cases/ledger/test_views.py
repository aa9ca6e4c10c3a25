"""The case pages, through the browser: the story of SCENARIOS.md §1 and §5, and what must never leak."""

import io
import json
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from cases.ledger import services
from cases.models import Case
from cases.notes import services as note_services
from cases.notes.models import CaseNote
from cases.sharing.models import AccessGrant, Consent, GrantCause
from portal.audit import AuditEntry
from portal.dates import today_in_japan
from portal.extensions import db
from tests.cases.conftest import text

PDF = b"%PDF-1.4\n% consent form\n"


def ledger_rows(response) -> str:
    """Return the ledger table of a page (empty when no case is listed)."""
    page = text(response)
    return page.split('<table class="list ledger">')[1].split("</table>")[0] if "list ledger" in page else ""


def audit_rows(action: str) -> list[AuditEntry]:
    """Return the audit rows of an action, oldest first."""
    return list(
        db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq))
    )


def household_form(town, **overrides) -> dict:
    """Return what 佐藤 types into the registration form for the 山本 household."""
    data = {
        "council_id": town.council.id,
        "category": "protection",
        "received_on": "2025-06-02",
        "register_now": "register",
        "referral_route": "school",
        "main_abuser": "father",
        "abuse_types": ["physical"],
        "risk_level": "3",
        "lead_agency_id": "",
        "children-0-name": "山本 はると",
        "children-0-name_kana": "やまもと はると",
        "children-0-birth_date": "2016-09-01",
        "children-0-sex": "男",
        "children-0-enrolled_agency_id": town.school.id,
        "children-0-grade_class": "3年2組",
        "children-1-name": "山本 ゆい",
        "children-1-name_kana": "やまもと ゆい",
        "children-1-birth_date": "2021-01-10",
        "children-1-sex": "女",
        "children-1-enrolled_agency_id": town.nursery.id,
        "children-1-grade_class": "ひまわり組",
        "children-2-name": "",
        "guardians-0-relation": "father",
        "guardians-0-name": "山本 健",
        "guardians-0-name_kana": "やまもと けん",
        "guardians-1-relation": "",
        "guardians-1-name": "",
        # The town already holds this household: the registrar has seen the duplicate warning.
        "confirm_new": "1",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def edit_form(case, **changes) -> dict:
    """Return the ledger edit form as shown for the case, with some fields changed."""
    data = {
        "version": case.version,
        "category": case.category,
        "referral_route": case.referral_route,
        "main_abuser": case.main_abuser,
        "abuse_types": case.abuse_types,
        "risk_level": case.risk_level,
        "lead_agency_id": case.lead_agency_id or "",
        "key_person": case.key_person,
        "support_policy": case.support_policy,
        "household_note": case.household_note,
        "last_confirmed_on": case.last_confirmed_on.isoformat() if case.last_confirmed_on else "",
        "next_review_on": case.next_review_on.isoformat() if case.next_review_on else "",
        "expected_delivery_on": "",
    }
    data.update(changes)
    return data


def write_note(user, case, child, body: str) -> None:
    """Write a case note through the service (the agency's own record)."""
    note_services.add_note(
        user, case, occurred_on=date(2025, 6, 10), kind="observation", body=body, child_id=child.id
    )


# §1 From a call to a registered case


def test_coordinator_registers_the_household_through_the_form(town, browser):
    sato = browser(town.coordinator)
    page = text(sato.get("/cases/new"))
    assert "children-2-name" in page, "at least three child rows are offered"
    response = sato.submit("/cases/new", household_form(town), follow_redirects=True)
    page = text(response)
    assert "ケースを登録しました（番号 令和7-0002）" in page
    assert "山本 はると" in page and "山本 ゆい" in page and "身体的虐待" in page
    case = db.session.scalar(select(Case).where(Case.case_number == "令和7-0002"))
    assert [c.name for c in case.children] == ["山本 はると", "山本 ゆい"], "the blank row was ignored"
    assert [g.name for g in case.guardians] == ["山本 健"]
    # The school, the nursery and the child guidance center now take part.
    teacher = browser(town.teacher)
    assert "令和7-0002" in ledger_rows(teacher.get("/cases/"))


def test_registration_problems_are_shown_with_what_was_typed(town, browser):
    sato = browser(town.coordinator)
    data = household_form(town, category="", **{"children-2-name_kana": "やまもと そら"})
    page = text(sato.submit("/cases/new", data))
    assert "登録区分を選んでください。" in page
    assert "子どもの氏名を入力してください。" in page
    assert 'value="やまもと そら"' in page and 'value="山本 はると"' in page
    assert db.session.scalar(select(func.count()).select_from(Case)) == 1


def test_service_refusal_is_shown_on_the_registration_form(town, browser):
    sato = browser(town.coordinator)
    future = (today_in_japan() + timedelta(days=3)).isoformat()
    page = text(sato.submit("/cases/new", household_form(town, **{"children-0-birth_date": future})))
    assert "山本 はると の生年月日が未来の日付です。" in page
    assert 'value="やまもと ゆい"' in page


def test_a_blank_row_can_be_added_without_saving(town, browser):
    sato = browser(town.coordinator)
    page = text(sato.submit("/cases/new", household_form(town, add_children="1")))
    assert "children-3-name" in page and 'value="山本 はると"' in page
    assert db.session.scalar(select(func.count()).select_from(Case)) == 1


@pytest.mark.parametrize("who", ["teacher", "caseworker", "doctor", "admin", "auditor"])
def test_only_coordinators_open_the_registration_form(town, browser, who):
    client = browser(getattr(town, who))
    refused = client.get("/cases/new")
    assert refused.status_code == 403
    token = re.search(r'name="csrf-token" content="([^"]+)"', text(refused)).group(1)
    assert client.post("/cases/new", data={**household_form(town), "csrf_token": token}).status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Case)) == 1


def test_intake_only_then_registered_then_closed(town, browser):
    sato = browser(town.coordinator)
    response = sato.submit("/cases/new", household_form(town, register_now="intake"), follow_redirects=True)
    assert "ケースを受理しました（番号 令和7-0002）" in text(response)
    case = db.session.scalar(select(Case).where(Case.case_number == "令和7-0002"))
    teacher = browser(town.teacher)
    assert teacher.get(f"/cases/{case.id}").status_code == 404, "no statutory sharing before registration"
    page = text(
        sato.submit(f"/cases/{case.id}/register", {"registered_on": "2025-06-05"}, follow_redirects=True)
    )
    assert "ケースを登録しました（番号 令和7-0002）" in page
    assert teacher.get(f"/cases/{case.id}").status_code == 200
    sato.submit(f"/cases/{case.id}/close", {"closed_on": "2025-12-01", "reason": "improved"})
    page = text(sato.get(f"/cases/{case.id}"))
    assert "状況の改善" in page and "令和7年12月1日" in page
    history = text(sato.get(f"/cases/{case.id}/history"))
    assert "終結理由" in history and "受理" in history and "登録" in history
    assert teacher.get(f"/cases/{case.id}").status_code == 404, "closing ends the statutory sharing"


def test_teacher_sees_haruto_but_nothing_of_yui(town, browser):
    write_note(town.nursery_head, town.case, town.yui, "ゆいちゃんの園での様子（保育園の記録）")
    write_note(town.teacher, town.case, town.haruto, "はるとくんの腕のあざ（学校の記録）")
    takahashi = browser(town.teacher)
    ledger = ledger_rows(takahashi.get("/cases/"))
    assert "令和7-0001" in ledger and "山本 はると" in ledger and "やまもと はると" in ledger
    assert "ゆい" not in ledger
    page = text(takahashi.get(f"/cases/{town.case.id}"))
    assert "山本 はると" in page and "はるとくんの腕のあざ" in page
    assert "ゆい" not in page, "neither ゆい's name nor the nursery's notes"
    assert "ひかり保育園" not in page
    assert "（非共有）この情報は共有されていません" in page, "支援計画 and 会議記録 are not the school's"


def test_nursery_head_sees_yui_only(town, browser):
    write_note(town.teacher, town.case, town.haruto, "はるとくんの腕のあざ（学校の記録）")
    tanaka = browser(town.nursery_head)
    ledger = ledger_rows(tanaka.get("/cases/"))
    assert "山本 ゆい" in ledger and "はると" not in ledger
    page = text(tanaka.get(f"/cases/{town.case.id}"))
    assert "山本 ゆい" in page
    assert "はると" not in page and "みどり第一小学校" not in page


def test_note_form_offers_only_the_persons_own_children(town, browser):
    page = text(browser(town.teacher).get(f"/cases/{town.case.id}"))
    options = re.findall(
        r'<option[^>]*value="([^"]*)"[^>]*>([^<]*)</option>', page.split('id="note-form"')[1]
    )
    targets = {label for value, label in options if value == "" or value.isdigit()}
    assert "山本 はると" in targets
    assert "山本 ゆい" not in targets and "世帯全体" not in targets


def test_teacher_cannot_write_a_note_about_yui(town, browser):
    takahashi = browser(town.teacher)
    data = {
        "occurred_on": "2025-06-10",
        "kind": "observation",
        "child_id": town.yui.id,
        "body": "書けないはず",
    }
    response = takahashi.submit(f"/cases/{town.case.id}/notes", data)
    assert response.status_code == 200 and "書けないはず" in text(response), "the form comes back as typed"
    assert db.session.scalar(select(func.count()).select_from(CaseNote)) == 0


def test_caseworker_raises_the_risk_and_the_coordinator_sees_it_in_the_history(town, browser):
    services.update_case(town.coordinator, town.case, {"risk_level": 2}, town.case.version)
    ito = browser(town.caseworker)
    ledger = ledger_rows(ito.get("/cases/"))
    assert "山本 はると" in ledger and "山本 ゆい" in ledger, "the joint ledger shows the whole household"
    form = text(ito.get(f"/cases/{town.case.id}/edit"))
    assert f'name="version" type="hidden" value="{town.case.version}"' in form
    refused = ito.submit(f"/cases/{town.case.id}/edit", edit_form(town.case, risk_level="3"))
    assert "リスクを変更する理由を入力してください。" in text(refused), "a risk change says why"
    reason = "家庭訪問で父の暴言を確認"
    response = ito.submit(
        f"/cases/{town.case.id}/edit",
        edit_form(town.case, risk_level="3", risk_reason=reason),
        follow_redirects=True,
    )
    assert "台帳を更新しました。" in text(response)
    assert '<span class="tag danger">高</span>' in text(response)
    changes = audit_rows("case.update")
    assert json.loads(changes[-1].detail)["fields"] == ["risk_level"], "only the changed field is sent"
    history = text(browser(town.coordinator).get(f"/cases/{town.case.id}/history"))
    row = history.split("<tbody>")[1].split("</tr>")[0]
    assert "伊藤" in row and "県中央児童相談所" in row and "リスク" in row
    assert "<td>中</td>" in row and "<td>高</td>" in row and reason in row


def test_a_stale_edit_is_refused_and_keeps_what_was_typed(town, browser):
    old_version = town.case.version
    services.update_case(town.coordinator, town.case, {"key_person": "佐藤"}, old_version)
    ito = browser(town.caseworker)
    data = edit_form(town.case, version=old_version, key_person="伊藤（児相）")
    page = text(ito.submit(f"/cases/{town.case.id}/edit", data))
    assert "このケースは他の人が更新しました。" in page
    assert 'value="伊藤（児相）"' in page
    db.session.refresh(town.case)
    assert town.case.key_person == "佐藤"


def test_teacher_may_not_edit_the_ledger(town, browser):
    takahashi = browser(town.teacher)
    assert takahashi.get(f"/cases/{town.case.id}/edit").status_code == 403
    response = takahashi.submit(f"/cases/{town.case.id}/edit", edit_form(town.case, risk_level="1"))
    assert response.status_code == 403
    db.session.refresh(town.case)
    assert town.case.risk_level == 3


# Nobody outside the case sees it


OUTSIDERS = ["doctor", "other_teacher", "center_nurse", "other_coordinator", "admin", "auditor"]


@pytest.mark.parametrize("who", OUTSIDERS)
def test_people_outside_the_case_get_404_and_an_empty_ledger(town, browser, who):
    client = browser(getattr(town, who))
    for url in ("", "/history", "/edit", "/sharing", "/access", "/close"):
        assert client.get(f"/cases/{town.case.id}{url}").status_code == 404, url
    assert ledger_rows(client.get("/cases/")) == ""
    assert "条件に合うケースはありません。" in text(client.get("/cases/?risk=3"))
    csv_text = client.get("/cases/export.csv").get_data().decode("utf-8-sig")
    assert csv_text.count("\r\n") == 1, "only the header row"


@pytest.mark.parametrize("who", [w for w in OUTSIDERS if w not in ("admin", "auditor")])
def test_people_outside_the_case_cannot_find_it_by_name(town, browser, who):
    client = browser(getattr(town, who))
    for query in ("やまもと", "令和7-0001"):
        assert ledger_rows(client.get("/cases/", query_string={"q": query})) == ""
    csv_text = client.get("/cases/export.csv?q=やまもと").get_data().decode("utf-8-sig")
    assert csv_text.count("\r\n") == 1


def test_a_missing_case_is_404(town, browser):
    sato = browser(town.coordinator)
    for url in ("/cases/999999", "/cases/999999/edit", "/cases/999999/history", "/cases/999999/sharing"):
        assert sato.get(url).status_code == 404
    assert sato.submit("/cases/999999/notes", {"body": "x"}).status_code == 404


# §5 Consent, withdrawal and emergency sharing


def consent_form(town, **overrides) -> dict:
    """Return what 佐藤 types to record the mother's consent to share the plan with the hospital."""
    data = {
        "consent-given_by_name": "山本 亜紀",
        "consent-given_by_relation": "mother",
        "consent-given_on": "2025-07-01",
        "consent-valid_until": "",
        "consent-agency_ids": [town.hospital.id],
        "consent-parts": ["plan"],
        "consent-wording": "切れ目のない支援のため、関係機関とプラン内容を共有することについて同意します",
    }
    data.update(overrides)
    return data


def test_consent_lets_the_hospital_see_the_plan_only_until_withdrawn(town, browser):
    sato, doctor = browser(town.coordinator), browser(town.doctor)
    assert doctor.get(f"/cases/{town.case.id}").status_code == 404
    sharing = text(sato.get(f"/cases/{town.case.id}/sharing"))
    assert "切れ目のない支援のため、関係機関とプラン内容を共有することについて同意します" in sharing
    assert "みどり市民病院" in sharing
    response = sato.submit(
        f"/cases/{town.case.id}/sharing/consents", consent_form(town), follow_redirects=True
    )
    assert "同意を記録しました。" in text(response)
    page = text(doctor.get(f"/cases/{town.case.id}"))
    plan = page.split('id="plan"')[1].split("</section>")[0]
    assert "共有されていますが、まだ記録はありません" in plan
    for part in ("basic", "ledger", "notes", "reports", "meetings"):
        section = page.split(f'id="{part}"')[1].split("</section>")[0]
        assert "（非共有）この情報は共有されていません" in section, part
    assert "山本" not in page and "身体的虐待" not in page
    assert ledger_rows(doctor.get("/cases/")) == "", "the plan alone does not open the ledger"
    consent = db.session.scalar(select(Consent))
    response = sato.submit(
        f"/cases/{town.case.id}/sharing/consents/{consent.id}/withdraw",
        {"agency_id": "", "note": "8月に撤回の申し出"},
        follow_redirects=True,
    )
    assert "同意の撤回を記録しました" in text(response)
    assert doctor.get(f"/cases/{town.case.id}").status_code == 404, "withdrawal stops sharing at once"
    access = text(sato.get(f"/cases/{town.case.id}/access?agency_id={town.hospital.id}"))
    assert "閲覧" in access and "支援計画" in access, "what the hospital read stays in the access history"


def test_consent_form_upload_is_kept_and_served_to_coordinators_only(town, browser):
    sato = browser(town.coordinator)
    data = consent_form(town, **{"consent-document": (io.BytesIO(PDF), "同意書.pdf")})
    sato.submit(f"/cases/{town.case.id}/sharing/consents", data, content_type="multipart/form-data")
    consent = db.session.scalar(select(Consent))
    url = f"/cases/{town.case.id}/sharing/consents/{consent.id}/document"
    response = sato.get(url)
    assert response.data == PDF and response.mimetype == "application/pdf"
    assert "filename*=UTF-8''%E5%90%8C%E6%84%8F%E6%9B%B8.pdf" in response.headers["Content-Disposition"]
    assert browser(town.teacher).get(url).status_code == 403
    assert browser(town.doctor).get(url).status_code == 403, "the hospital holds the consent, not the form"
    assert browser(town.other_teacher).get(url).status_code == 404


def test_a_consent_form_of_the_wrong_type_writes_nothing(town, browser):
    sato = browser(town.coordinator)
    data = consent_form(town, **{"consent-document": (io.BytesIO(b"MZ\x90\x00"), "form.exe")})
    page = text(
        sato.submit(f"/cases/{town.case.id}/sharing/consents", data, content_type="multipart/form-data")
    )
    assert "同意書のファイルは PDF、PNG、JPEG のいずれかにしてください。" in page
    assert 'value="山本 亜紀"' in page, "what was typed is kept"
    assert db.session.scalar(select(func.count()).select_from(Consent)) == 0
    assert not db.session.scalars(select(AccessGrant).where(AccessGrant.cause == "consent")).all()


def emergency_form(town, **overrides) -> dict:
    """Return an emergency share of the basic part with the hospital."""
    data = {
        "emg-agency_id": town.hospital.id,
        "emg-parts": ["basic"],
        "emg-reason": "救急搬送。既往歴の確認のため",
        "emg-legal_basis": "privacy_69_2_4",
        "emg-valid_until": (today_in_japan() + timedelta(days=3)).isoformat(),
    }
    data.update(overrides)
    return data


def test_emergency_share_by_the_coordinator_shows_the_banner(town, browser):
    sato = browser(town.coordinator)
    response = sato.submit(
        f"/cases/{town.case.id}/sharing/emergency", emergency_form(town), follow_redirects=True
    )
    assert "緊急共有を開始しました" in text(response)
    for client in (sato, browser(town.doctor)):
        page = text(client.get(f"/cases/{town.case.id}"))
        banner = page.split('class="flash flash-error emergency"')[1].split("</div>")[0]
        assert "緊急共有中" in banner and "みどり市民病院" in banner and "救急搬送" in banner
        assert "個人情報保護法第69条第2項第4号" in banner
    doctor_page = text(browser(town.doctor).get(f"/cases/{town.case.id}"))
    assert "山本 はると" in doctor_page and "山本 ゆい" in doctor_page
    grant = db.session.scalar(select(AccessGrant).where(AccessGrant.cause == GrantCause.EMERGENCY.value))
    sato.submit(f"/cases/{town.case.id}/sharing/grants/{grant.id}/revoke")
    assert browser(town.doctor).get(f"/cases/{town.case.id}").status_code == 404


def test_emergency_share_needs_a_reason_and_a_short_period(town, browser):
    sato = browser(town.coordinator)
    late = (today_in_japan() + timedelta(days=45)).isoformat()
    page = text(
        sato.submit(f"/cases/{town.case.id}/sharing/emergency", emergency_form(town, **{"emg-reason": ""}))
    )
    assert "緊急共有の理由を入力してください。" in page
    page = text(
        sato.submit(
            f"/cases/{town.case.id}/sharing/emergency", emergency_form(town, **{"emg-valid_until": late})
        )
    )
    assert "30日以内で指定してください" in page
    assert "救急搬送。既往歴の確認のため</textarea>" in page, "the reason typed is kept"
    assert not db.session.scalars(select(AccessGrant).where(AccessGrant.cause == "emergency")).all()


@pytest.mark.parametrize(
    ("who", "status"), [("teacher", 403), ("facilitator", 403), ("caseworker", 403), ("doctor", 404)]
)
def test_only_a_coordinator_may_share_in_an_emergency(town, browser, who, status):
    client = browser(getattr(town, who))
    response = client.submit(f"/cases/{town.case.id}/sharing/emergency", emergency_form(town))
    assert response.status_code == status
    assert not db.session.scalars(select(AccessGrant).where(AccessGrant.cause == "emergency")).all()
    assert not audit_rows("case.emergency_share")


def test_facilitator_manages_sharing_but_sees_no_emergency_form(town, browser):
    page = text(browser(town.facilitator).get(f"/cases/{town.case.id}/sharing"))
    assert "同意を記録" in page and "緊急共有を開始する" not in page
    assert "緊急共有を開始する" in text(browser(town.coordinator).get(f"/cases/{town.case.id}/sharing"))


def test_involvement_added_and_ended_through_the_sharing_page(town, browser):
    sato, kimura = browser(town.coordinator), browser(town.other_teacher)
    data = {
        "inv-agency_id": town.other_school.id,
        "inv-kind": "assigned",
        "inv-child_id": "",
        "inv-started_on": "2025-07-01",
        "inv-note": "兄弟の見守り",
    }
    response = sato.submit(f"/cases/{town.case.id}/sharing/involvements", data, follow_redirects=True)
    assert "関与を記録しました。" in text(response)
    assert kimura.get(f"/cases/{town.case.id}").status_code == 200
    page = text(sato.get(f"/cases/{town.case.id}/sharing"))
    involvement_id = max(int(i) for i in re.findall(r"/involvements/(\d+)/end", page))
    sato.submit(
        f"/cases/{town.case.id}/sharing/involvements/{involvement_id}/end", {"ended_on": "2025-07-31"}
    )
    assert kimura.get(f"/cases/{town.case.id}").status_code == 404


# Search, safety and the audit trail


@pytest.mark.parametrize("query", ["ヤマモト", "ﾔﾏﾓﾄ ﾊﾙﾄ", "やまもと　はると", "山本はると", " 令和7-0001 "])
def test_search_finds_the_case_however_the_name_is_typed(town, browser, query):
    assert "令和7-0001" in ledger_rows(browser(town.coordinator).get("/cases/", query_string={"q": query}))


def test_teacher_finds_the_case_by_harutos_name_but_not_by_yuis(town, browser):
    takahashi = browser(town.teacher)
    assert "令和7-0001" in ledger_rows(takahashi.get("/cases/", query_string={"q": "はると"}))
    assert ledger_rows(takahashi.get("/cases/", query_string={"q": "ゆい"})) == ""


def test_hostile_note_text_comes_out_clean(town, browser):
    ito = browser(town.caseworker)
    body = '<p>家庭訪問</p><script>alert("x")</script><img src=x onerror="alert(1)">見守り継続'
    data = {"occurred_on": "2025-06-10", "kind": "visit", "child_id": "", "body": body}
    page = text(ito.submit(f"/cases/{town.case.id}/notes", data, follow_redirects=True))
    assert "経過記録を追加しました。" in page
    assert "<p>家庭訪問</p>" in page and "見守り継続" in page
    assert "<script>alert" not in page and "onerror" not in page and "<img" not in page


def test_bad_query_values_are_ignored_with_a_message(town, browser):
    sato = browser(town.coordinator)
    response = sato.get("/cases/?risk=abc&council_id=zz&page=x&sort=evil&direction=up&status=registered")
    page = text(response)
    assert response.status_code == 200
    assert "「リスク」の指定が正しくないため" in page and "「協議会」の指定が正しくないため" in page
    assert "ページ番号の指定が正しくない" in page
    assert "令和7-0001" in ledger_rows(response), "the other filters still apply"
    assert sato.get("/cases/export.csv?risk=abc").status_code == 200
    assert sato.get("/cases/1/access?user_id=abc&date_from=yesterday").status_code == 200


def test_sort_links_and_pages_keep_the_filters(town, browser):
    page = text(browser(town.coordinator).get("/cases/?status=registered&risk=3&sort=risk&direction=asc"))
    links = re.findall(r'href="(/cases/\?[^"]*sort=risk[^"]*)"', page)
    assert links and all("risk=3" in link and "status=registered" in link for link in links)
    assert any("direction=desc" in link for link in links), "clicking the sorted column reverses it"
    assert "export.csv?" in page and "risk=3" in page.split("export.csv?")[1].split('"')[0]


def test_overdue_review_is_marked(town, browser):
    services.update_case(town.coordinator, town.case, {"next_review_on": date(2025, 9, 1)}, town.case.version)
    page = text(browser(town.teacher).get("/cases/?overdue=y"))
    assert "令和7年9月1日" in page and '<span class="tag warn">期限超過</span>' in page


def test_each_page_writes_an_audit_row_with_the_parts_read(town, browser):
    takahashi = browser(town.teacher)
    takahashi.get("/cases/")
    listing = audit_rows("ledger.list")[-1]
    assert listing.actor_name == "高橋" and json.loads(listing.detail)["parts"] == ["basic", "ledger"]
    takahashi.get(f"/cases/{town.case.id}")
    view = audit_rows("case.view")[-1]
    assert view.actor_name == "高橋" and view.target_id == str(town.case.id)
    assert json.loads(view.detail)["parts"] == ["basic", "ledger", "notes", "reports"]
    assert json.loads(view.detail)["children"] == [town.haruto.id]
    page = text(browser(town.coordinator).get(f"/cases/{town.case.id}/access?action=case.view"))
    assert "高橋" in page and "みどり第一小学校" in page and "閲覧" in page and "関係機関からの報告" in page


def test_access_history_is_for_coordinators(town, browser):
    assert browser(town.teacher).get(f"/cases/{town.case.id}/access").status_code == 403
    assert browser(town.caseworker).get(f"/cases/{town.case.id}/sharing").status_code == 403


@pytest.mark.parametrize(
    "url",
    [
        "/cases/new",
        "/cases/{id}/notes",
        "/cases/{id}/edit",
        "/cases/{id}/sharing/emergency",
        "/cases/{id}/close",
    ],
)
def test_forms_without_a_csrf_token_are_rejected(town, browser, url):
    sato = browser(town.coordinator)
    url = url.format(id=town.case.id)
    data = {"body": "x", "occurred_on": "2025-06-10", "kind": "visit", **emergency_form(town)}
    response = sato.post(url, data=data)
    assert response.status_code == 400
    assert "送信を受け付けられませんでした" in text(response)
    assert not db.session.scalars(select(AccessGrant).where(AccessGrant.cause == "emergency")).all()
    assert db.session.scalar(select(func.count()).select_from(CaseNote)) == 0


def test_the_council_column_and_filter_appear_for_the_child_guidance_center_only(town, browser):
    ito_page = text(browser(town.caseworker).get("/cases/"))
    assert '<th scope="col">協議会</th>' in ito_page
    assert "あおば町要保護児童対策地域協議会" in ito_page, "the center serves both councils"
    sato_page = text(browser(town.coordinator).get("/cases/"))
    assert '<th scope="col">協議会</th>' not in sato_page and 'name="council_id"' not in sato_page
