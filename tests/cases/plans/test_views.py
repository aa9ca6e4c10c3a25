"""The plan and resource pages: writing and reviewing through the forms, who reaches which page."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from cases.plans import resources
from cases.plans.models import LocalResource, SupportPlan
from cases.plans.resources import ResourceInput
from portal.audit import AuditEntry
from portal.dates import today_in_japan
from portal.extensions import db
from tests.cases.conftest import text
from tests.cases.plans.test_services import consent_to, make_plan
from tests.factories import DEFAULT_PASSWORD


@pytest.fixture
def browser(app):
    """Open a logged-in client for a person; several may be open at once."""

    def open_as(user):
        client = app.test_client()
        response = client.submit("/login", {"login_id": user.login_id, "password": DEFAULT_PASSWORD})
        assert response.status_code == 302, "login failed"
        return client

    return open_as


def plan_form(town, **overrides) -> dict:
    """Return what 佐藤 types into the plan form with the 山本 family for ゆい."""
    today = today_in_japan()
    data = {
        "child_id": town.yui.id,
        "caseworker_id": town.coordinator.id,
        "made_on": today.isoformat(),
        "next_review_on": (today + timedelta(days=60)).isoformat(),
        "child_wish": "ほいくえんでいっぱいあそびたい",
        "guardian_wish": "朝、落ち着いて送り出したい",
        "issues": "登園の遅れ\n家庭での叱責",
        "family_actions": "8時までに登園する",
        "short_term_goal": "週5日登園",
        "long_term_goal": "安心して暮らす",
        "satisfaction": "40",
        "supports-0-resource_id": "",
        "supports-0-kind": "consultation",
        "supports-0-content": "家庭訪問",
        "supports-0-provider": "中村",
        "supports-0-frequency": "週1回",
        "supports-0-starts_on": today.isoformat(),
        "supports-1-resource_id": "",
        "supports-2-resource_id": "",
        "consent_given": "y",
        "consent_name": "山本 亜紀",
        "consent_relation": "mother",
        "consent_on": today.isoformat(),
        "consent_agency_ids": [town.nursery.id],
        "consent_wording": "切れ目のない支援のため、関係機関とプラン内容を共有することについて同意します",
    }
    data.update(overrides)
    return data


def test_a_caseworker_writes_a_plan_and_the_named_nursery_sees_it(town, browser):
    sato, tanaka, takahashi = browser(town.coordinator), browser(town.nursery_head), browser(town.teacher)
    form = text(sato.get(f"/cases/{town.case.id}/plans/new?child_id={town.yui.id}"))
    assert f'<option selected value="{town.yui.id}">山本 ゆい</option>' in form
    assert "切れ目のない支援のため" in form
    response = sato.submit(f"/cases/{town.case.id}/plans/new", plan_form(town))
    plan = db.session.scalar(select(SupportPlan))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/cases/{town.case.id}/plans/{plan.id}")
    page = text(sato.get(response.headers["Location"]))
    assert "サポートプランを作成しました。" in page
    assert "ほいくえんでいっぱいあそびたい" in page and "家庭訪問" in page and "ひかり保育園" in page
    seen = text(tanaka.get(f"/cases/{town.case.id}/plans/{plan.id}"))
    assert "ほいくえんでいっぱいあそびたい" in seen and "見直す" not in seen
    assert "撤回" not in seen  # the consent's management stays with the center
    case_page = text(tanaka.get(f"/cases/{town.case.id}"))
    assert "サポートプランを見る（1件）" in case_page
    assert takahashi.get(f"/cases/{town.case.id}/plans/{plan.id}").status_code == 404
    assert takahashi.get(f"/cases/{town.case.id}/plans").status_code == 404
    view = db.session.scalar(
        select(AuditEntry).where(
            AuditEntry.action == "plan.view", AuditEntry.actor_id == town.nursery_head.id
        )
    )
    assert view.detail_data == {"parts": ["plan"], "plan_id": plan.id, "version": 1}


def test_a_refused_plan_is_shown_again_with_what_was_typed(town, browser):
    sato = browser(town.coordinator)
    response = sato.submit(
        f"/cases/{town.case.id}/plans/new",
        plan_form(town, issues="", consent_agency_ids=[], satisfaction="120"),
    )
    page = text(response)
    assert response.status_code == 200
    assert "0から100の間で入力してください。" in page
    assert "ほいくえんでいっぱいあそびたい" in page
    response = sato.submit(
        f"/cases/{town.case.id}/plans/new", plan_form(town, issues="", consent_agency_ids=[])
    )
    page = text(response)
    assert "解決すべき課題を入力してください。" in page and "共有先の機関を選んでください。" in page
    assert db.session.scalar(select(SupportPlan)) is None


def test_adding_a_support_row_saves_nothing(town, browser):
    sato = browser(town.coordinator)
    page = text(sato.submit(f"/cases/{town.case.id}/plans/new", plan_form(town, add_supports="1")))
    assert 'name="supports-3-content"' in page and "家庭訪問" in page
    assert db.session.scalar(select(SupportPlan)) is None


def test_a_review_starts_from_the_last_version_and_keeps_it(town, browser):
    plan = make_plan(town)
    sato = browser(town.coordinator)
    form = text(sato.get(f"/cases/{town.case.id}/plans/{plan.id}/review"))
    assert "朝の登園が遅れがちで、家庭で叱責が続いている" in form and "第2版を作成します" in form
    data = plan_form(town, evaluation="登園は週4日になった", issues="登園を続ける", consent_given="")
    response = sato.submit(f"/cases/{town.case.id}/plans/{plan.id}/review", data, follow_redirects=True)
    page = text(response)
    assert "見直しを記録し、第2版を作成しました。" in page and "登園は週4日になった" in page
    old = text(sato.get(f"/cases/{town.case.id}/plans/{plan.id}?v=1"))
    assert "これは以前の版です。" in old and "朝の登園が遅れがちで、家庭で叱責が続いている" in old
    assert sato.get(f"/cases/{town.case.id}/plans/{plan.id}?v=9").status_code == 404


ROUTES = {
    "index": "/cases/{case}/plans",
    "detail": "/cases/{case}/plans/{plan}",
    "word": "/cases/{case}/plans/{plan}/v1/family.docx",
    "new": "/cases/{case}/plans/new",
    "review": "/cases/{case}/plans/{plan}/review",
    "resources": "/cases/resources",
    "board": "/cases/plans/review-board",
}
# Who reaches which page of ゆい's plan, shared by consent with the nursery.
EXPECTED = {
    "coordinator": dict.fromkeys(ROUTES, 200),
    "facilitator": dict.fromkeys(ROUTES, 200),
    "nursery_head": {
        "index": 200,
        "detail": 200,
        "word": 200,
        "new": 403,
        "review": 403,
        "resources": 403,
        "board": 403,
    },
    # The 児童相談所 sees every part of the case on its statutory basis, but writes no plan.
    "caseworker": {
        "index": 200,
        "detail": 200,
        "word": 200,
        "new": 403,
        "review": 403,
        "resources": 403,
        "board": 403,
    },
    "teacher": {
        "index": 404,
        "detail": 404,
        "word": 404,
        "new": 403,
        "review": 403,
        "resources": 403,
        "board": 403,
    },
    "doctor": {
        "index": 404,
        "detail": 404,
        "word": 404,
        "new": 404,
        "review": 404,
        "resources": 403,
        "board": 403,
    },
    "other_coordinator": {
        "index": 404,
        "detail": 404,
        "word": 404,
        "new": 404,
        "review": 404,
        "resources": 200,
        "board": 200,
    },
    "center_nurse": {
        "index": 404,
        "detail": 404,
        "word": 404,
        "new": 404,
        "review": 404,
        "resources": 403,
        "board": 403,
    },
    "admin": {
        "index": 404,
        "detail": 404,
        "word": 404,
        "new": 404,
        "review": 404,
        "resources": 403,
        "board": 403,
    },
}


@pytest.mark.parametrize("who", list(EXPECTED))
def test_who_reaches_which_plan_page(town, browser, who):
    plan = make_plan(town, consent=consent_to(town.nursery))
    client = browser(getattr(town, who))
    got = {
        name: client.get(url.format(case=town.case.id, plan=plan.id)).status_code
        for name, url in ROUTES.items()
    }
    assert got == EXPECTED[who]


def test_withdrawing_on_the_plan_page_stops_the_nursery_at_once(town, browser):
    plan = make_plan(town, consent=consent_to(town.nursery, town.hospital))
    sato, tanaka = browser(town.coordinator), browser(town.nursery_head)
    assert tanaka.get(f"/cases/{town.case.id}/plans/{plan.id}").status_code == 200
    consent_id = plan.current.consent_id
    page = text(sato.get(f"/cases/{town.case.id}/plans/{plan.id}"))
    assert "ひかり保育園 への共有の同意を撤回" in page
    response = sato.submit(
        f"/cases/{town.case.id}/plans/{plan.id}/consents/{consent_id}/withdraw",
        {"agency_id": town.nursery.id, "note": "保護者の申し出"},
        follow_redirects=True,
    )
    assert "同意の撤回を記録しました。" in text(response)
    assert tanaka.get(f"/cases/{town.case.id}/plans/{plan.id}").status_code == 404
    assert browser(town.doctor).get(f"/cases/{town.case.id}/plans/{plan.id}").status_code == 200
    # What the nursery read before the withdrawal stays in the case's access history.
    history = text(sato.get(f"/cases/{town.case.id}/access?user_id={town.nursery_head.id}"))
    assert "サポートプランの閲覧" in history and "田中" in history
    forged = tanaka.submit(
        f"/cases/{town.case.id}/plans/{plan.id}/consents/{consent_id}/withdraw",
        {"agency_id": town.hospital.id},
    )
    assert forged.status_code in (403, 404)


def test_plan_pages_show_hostile_text_as_harmless_text(town, browser):
    plan = make_plan(town, guardian_wish='<script>alert(1)</script><img src=x onerror="x()"><b>本当</b>')
    page = text(browser(town.coordinator).get(f"/cases/{town.case.id}/plans/{plan.id}"))
    assert "<script>alert(1)" not in page and "onerror" not in page
    assert "<b>本当</b>" in page


def test_coordinators_keep_the_resource_list_that_plans_pick_from(town, browser):
    sato = browser(town.coordinator)
    response = sato.submit(
        "/cases/resources/new",
        {
            "council_id": town.council.id,
            "name": "みどり子ども食堂",
            "kind": "living",
            "contact": "090-0000-0000",
            "active": "y",
        },
        follow_redirects=True,
    )
    assert "地域資源「みどり子ども食堂」を追加しました。" in text(response)
    resource = db.session.scalar(select(LocalResource))
    assert "みどり子ども食堂（生活・住まい）" in text(sato.get(f"/cases/{town.case.id}/plans/new"))
    twin = sato.submit(
        "/cases/resources/new", {"council_id": town.council.id, "name": "みどり子ども食堂", "kind": "living"}
    )
    assert "同じ名称の地域資源が既にあります。" in text(twin)
    response = sato.submit(
        f"/cases/resources/{resource.id}/edit",
        {"council_id": town.council.id, "name": "みどり子ども食堂", "kind": "living", "contact": ""},
        follow_redirects=True,
    )
    assert "使用停止" in text(response)
    assert "みどり子ども食堂（" not in text(sato.get(f"/cases/{town.case.id}/plans/new"))
    aoba = browser(town.other_coordinator)
    assert aoba.get(f"/cases/resources/{resource.id}/edit").status_code == 404
    assert "みどり子ども食堂" not in text(aoba.get("/cases/resources"))
    stolen = aoba.submit(
        "/cases/resources/new", {"council_id": town.council.id, "name": "x", "kind": "living"}
    )
    assert (
        stolen.status_code == 200
        and db.session.scalar(select(LocalResource).where(LocalResource.name == "x")) is None
    )
    assert [
        e.action for e in db.session.scalars(select(AuditEntry).where(AuditEntry.action.like("resource.%")))
    ] == [
        "resource.create",
        "resource.update",
    ]


def test_a_resource_of_another_council_cannot_be_picked_by_a_forged_form(town, browser):
    aoba_resource = resources.save_resource(
        town.other_coordinator, ResourceInput(town.other_council.id, "あおば相談室", "consultation")
    )
    sato = browser(town.coordinator)
    response = sato.submit(
        f"/cases/{town.case.id}/plans/new", plan_form(town, **{"supports-0-resource_id": aoba_resource.id})
    )
    assert "支援1：地域資源が正しくありません。" in text(response)
    assert db.session.scalar(select(SupportPlan)) is None
