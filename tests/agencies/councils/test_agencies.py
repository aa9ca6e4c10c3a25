"""Agencies (関係機関): registered with their kind and the councils they are members of."""

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Agency
from tests.agencies.conftest import audit_rows, page_text
from tests.factories import DEFAULT_PASSWORD, AgencyFactory, CouncilFactory, UserFactory, kind


def agency_form(agency: Agency | None = None, **changes) -> dict:
    """Return the agency form as the edit page fills it, with some fields changed."""
    data = {"name": "", "kind_id": "0", "address": "", "phone": "", "council_ids": [], "active": "y"}
    if agency is not None:
        data.update(
            name=agency.name,
            kind_id=str(agency.kind_id),
            address=agency.address,
            phone=agency.phone,
            council_ids=[str(c.id) for c in agency.councils],
        )
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_child_guidance_center_joins_several_councils(client, admin):
    north = CouncilFactory(name="北市要保護児童対策地域協議会")
    south = CouncilFactory(name="南町要保護児童対策地域協議会")
    guidance = kind("児童相談所")
    response = client.submit(
        "/admin/agencies/new",
        agency_form(
            name="中央児童相談所",
            kind_id=str(guidance.id),
            address="北市本町1-1",
            phone="０１２－３４５－６７８９",
            council_ids=[str(north.id), str(south.id)],
        ),
        follow_redirects=True,
    )
    page = page_text(response)
    assert "関係機関「中央児童相談所」を登録しました。" in page
    assert "北市要保護児童対策地域協議会、南町要保護児童対策地域協議会" in page
    agency = db.session.scalars(select(Agency).where(Agency.name == "中央児童相談所")).one()
    assert agency.councils == [north, south]
    assert agency.phone == "012-345-6789"  # full-width digits folded
    [entry] = audit_rows()
    assert entry.action == "admin.agency_create" and entry.target_id == str(agency.id)
    assert entry.detail_data == {
        "name": [None, "中央児童相談所"],
        "kind": [None, "児童相談所"],
        "address": [None, "北市本町1-1"],
        "phone": [None, "012-345-6789"],
        "councils": [None, ["北市要保護児童対策地域協議会", "南町要保護児童対策地域協議会"]],
        "active": [None, True],
    }


def test_edit_agency_membership_and_kind(client, admin):
    north = CouncilFactory(name="北市要保護児童対策地域協議会")
    south = CouncilFactory(name="南町要保護児童対策地域協議会")
    agency = AgencyFactory(name="ひまわり保育園", councils=[north])
    response = client.submit(
        f"/admin/agencies/{agency.id}",
        agency_form(agency, kind_id=str(kind("保育所").id), council_ids=[str(south.id)]),
        follow_redirects=True,
    )
    assert "関係機関「ひまわり保育園」を保存しました。" in page_text(response)
    db.session.refresh(agency)
    assert agency.kind.name == "保育所" and agency.councils == [south]
    [entry] = audit_rows()
    assert entry.action == "admin.agency_update"
    assert entry.detail_data == {
        "kind": ["小学校", "保育所"],
        "councils": [["北市要保護児童対策地域協議会"], ["南町要保護児童対策地域協議会"]],
    }


def test_agency_is_disabled_not_deleted(client, admin):
    agency = AgencyFactory(name="旧分校")
    client.submit(f"/admin/agencies/{agency.id}", agency_form(agency, active=None))
    db.session.refresh(agency)
    assert not agency.active
    assert audit_rows()[0].detail_data == {"active": [True, False]}
    page = page_text(client.get("/admin/agencies"))
    assert "旧分校" in page and "停止中" in page


def test_agency_validation_keeps_input_and_saves_nothing(client, admin):
    agency = AgencyFactory(name="みなみ小学校", phone="03-1111-2222")
    response = client.submit(
        f"/admin/agencies/{agency.id}",
        agency_form(agency, kind_id="0", phone="電話してください", address="みなみ町2-3"),
    )
    page = page_text(response)
    assert "機関種別を選んでください。" in page
    assert "電話番号は数字とハイフンで入力してください。" in page
    assert 'value="みなみ町2-3"' in page
    db.session.refresh(agency)
    assert agency.phone == "03-1111-2222" and agency.address == "" and agency.kind.name == "小学校"
    assert audit_rows() == []


def test_duplicate_agency_name_is_refused(client, admin):
    AgencyFactory(name="あさひ中学校")
    count = db.session.scalar(select(func.count()).select_from(Agency))
    response = client.submit(
        "/admin/agencies/new", agency_form(name="あさひ中学校", kind_id=str(kind("中学校").id))
    )
    assert "この名称はすでに登録されています。" in page_text(response)
    assert db.session.scalar(select(func.count()).select_from(Agency)) == count
    assert audit_rows() == []


def test_agency_list_filters_by_council_and_kind(client, admin):
    north = CouncilFactory()
    south = CouncilFactory()
    AgencyFactory(name="北小学校", councils=[north])
    AgencyFactory(name="北保育所", kind=kind("保育所"), councils=[north])
    AgencyFactory(name="南小学校", councils=[south])

    by_council = page_text(client.get(f"/admin/agencies?council={north.id}"))
    assert "北小学校" in by_council and "北保育所" in by_council and "南小学校" not in by_council

    by_both = page_text(client.get(f"/admin/agencies?council={north.id}&kind={kind('保育所').id}"))
    assert "北保育所" in by_both and "北小学校" not in by_both and "南小学校" not in by_both

    nothing = page_text(client.get(f"/admin/agencies?council={south.id}&kind={kind('保育所').id}"))
    assert "条件に合う関係機関はありません。" in nothing


def test_agency_list_pages_through_many_agencies(client, admin):
    for n in range(55):
        AgencyFactory(name=f"保育所{n:02d}", kind=kind("保育所"))
    first = page_text(client.get(f"/admin/agencies?kind={kind('保育所').id}"))
    assert "1 / 2 ページ（全55件）" in first
    assert f"/admin/agencies?page=2&amp;kind={kind('保育所').id}" in first
    second = page_text(client.get(f"/admin/agencies?kind={kind('保育所').id}&page=2"))
    assert "保育所54" in second and "保育所00" not in second


def test_post_without_csrf_token_is_refused(client, admin):
    response = client.post("/admin/agencies/new", data=agency_form(name="偽装", kind_id="2"))
    assert response.status_code == 400
    assert db.session.scalar(select(Agency).where(Agency.name == "偽装")) is None


def browser_of(app, user):
    """Log a person in on a browser of their own and return it."""
    other = app.test_client()
    other.submit("/login", {"login_id": user.login_id, "password": DEFAULT_PASSWORD})
    assert other.get("/").status_code == 200
    return other


def test_disabling_an_agency_logs_its_people_out_and_keeps_them_out(app, client, admin):
    school = AgencyFactory(name="旧分校")
    teacher = UserFactory(name="高橋 直子", agency=school)
    nurse = UserFactory(name="中村 由美", agency=school)
    elsewhere = UserFactory(name="木村 誠")
    teachers_browser = browser_of(app, teacher)
    others_browser = browser_of(app, elsewhere)

    response = client.submit(
        f"/admin/agencies/{school.id}", agency_form(school, active=None), follow_redirects=True
    )
    assert "関係機関「旧分校」を保存しました。" in page_text(response)
    [entry] = audit_rows()
    assert entry.action == "admin.agency_update"
    assert entry.detail_data == {"active": [True, False], "logged_out": ["中村 由美", "高橋 直子"]}

    # Logged out at the next request; people of other agencies are not touched.
    assert teachers_browser.get("/").headers["Location"].startswith("/login")
    assert others_browser.get("/").status_code == 200
    # The right password no longer lets them in, and the refusal says why in the audit log only.
    again = teachers_browser.submit(
        "/login", {"login_id": nurse.login_id, "password": DEFAULT_PASSWORD}, follow_redirects=True
    )
    assert "ログインIDまたはパスワードが正しくありません。" in page_text(again)
    assert teachers_browser.get("/").status_code == 302
    [refusal] = audit_rows("login.failure")
    assert refusal.actor_id == nurse.id and refusal.detail_data == {"reason": "agency_disabled"}
    # The people list tells the administrator why they cannot log in.
    listed = page_text(client.get(f"/admin/people?agency={school.id}&status=inactive"))
    assert "高橋 直子" in listed and "所属機関が停止中" in listed


def test_reenabling_an_agency_lets_back_only_people_whose_account_is_active(app, client, admin):
    school = AgencyFactory(name="みなみ小学校")
    teacher = UserFactory(agency=school)
    suspended = UserFactory(agency=school, active=False)
    old_session = browser_of(app, teacher)
    client.submit(f"/admin/agencies/{school.id}", agency_form(school, active=None))
    client.submit(f"/admin/agencies/{school.id}", agency_form(school, active="y"))
    db.session.refresh(school)
    assert school.active
    assert [e.detail_data for e in audit_rows()] == [
        {"active": [True, False], "logged_out": [teacher.name]},
        {"active": [False, True]},
    ]
    # A session from before the agency was disabled does not come back to life.
    assert old_session.get("/").status_code == 302
    browser_of(app, teacher)  # but logging in again works
    refused = app.test_client().submit(
        "/login", {"login_id": suspended.login_id, "password": DEFAULT_PASSWORD}
    )
    assert refused.status_code == 200 and "正しくありません" in page_text(refused)


def test_admin_cannot_disable_own_agency(client, admin):
    response = client.submit(
        f"/admin/agencies/{admin.agency_id}", agency_form(admin.agency, active=None), follow_redirects=True
    )
    assert "自分の所属機関は停止できません。" in page_text(response)
    db.session.refresh(admin.agency)
    assert admin.agency.active
    [entry] = audit_rows()
    assert entry.action == "admin.agency_update" and entry.outcome == "denied"
    assert entry.detail_data == {"active": [True, False], "reason": "self"}
    assert client.get("/admin/agencies").status_code == 200  # still logged in
