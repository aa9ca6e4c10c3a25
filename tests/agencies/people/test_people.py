"""People (利用者): accounts, roles, disabling, password resets and unlocking, all audited."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Role, User
from portal.passwords import check_password
from portal.types import utcnow
from tests.agencies.conftest import audit_rows, page_text
from tests.factories import DEFAULT_PASSWORD, AgencyFactory, UserFactory

NEW_PASSWORD = "Mimamori-2025!"


def person_form(user: User, **changes) -> dict:
    """Return the person form as the edit page fills it, with some fields changed."""
    data = {
        "name": user.name,
        "name_kana": user.name_kana,
        "email": user.email,
        "title": user.title,
        "agency_id": str(user.agency_id),
        "roles": sorted(r.value for r in user.roles),
    }
    data.update(changes)
    return data


def new_person_form(**changes) -> dict:
    """Return a filled-in form for a new account."""
    data = {
        "login_id": "sato.hanako",
        "name": "佐藤 花子",
        "name_kana": "さとう はなこ",
        "email": "sato@example.jp",
        "title": "教頭",
        "agency_id": str(AgencyFactory(name="さくら小学校").id),
        "roles": ["agency_member"],
        "password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD,
    }
    data.update(changes)
    return data


@pytest.fixture
def logged_in_elsewhere(app):
    """Log a person in on a second browser and return that browser."""

    def do_login(user: User, password: str = DEFAULT_PASSWORD):
        other = app.test_client()
        other.submit("/login", {"login_id": user.login_id, "password": password})
        assert other.get("/").status_code == 200
        return other

    return do_login


def assert_logged_out(browser) -> None:
    response = browser.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def people_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


# Creating accounts


def test_create_person_who_must_change_password_at_first_login(app, client, admin):
    response = client.submit("/admin/people/new", new_person_form(), follow_redirects=True)
    assert "利用者「佐藤 花子」を登録しました。" in page_text(response)
    person = db.session.scalars(select(User).where(User.login_id == "sato.hanako")).one()
    assert person.roles == {Role.AGENCY_MEMBER} and person.agency.name == "さくら小学校"
    assert person.must_change_password and check_password(person.password_hash, NEW_PASSWORD)
    [entry] = audit_rows()
    assert entry.action == "admin.user_create" and entry.target_id == str(person.id)
    assert entry.detail_data == {
        "login_id": [None, "sato.hanako"],
        "name": [None, "佐藤 花子"],
        "name_kana": [None, "さとう はなこ"],
        "email": [None, "sato@example.jp"],
        "title": [None, "教頭"],
        "agency": [None, "さくら小学校"],
        "roles": [None, ["agency_member"]],
    }
    assert NEW_PASSWORD not in entry.detail and "argon2" not in entry.detail
    # The new person logs in and is sent to change the initial password.
    browser = app.test_client()
    browser.submit("/login", {"login_id": "SATO.HANAKO", "password": NEW_PASSWORD})
    assert browser.get("/").headers["Location"] == "/account/password"


@pytest.mark.parametrize("taken", ["sato.hanako", "Sato.Hanako", "SATO.HANAKO"])
def test_duplicate_login_id_is_refused_whatever_the_case(client, admin, taken):
    UserFactory(login_id="sato.hanako")
    count = people_count()
    response = client.submit("/admin/people/new", new_person_form(login_id=taken, name="佐藤 花子（別人）"))
    page = page_text(response)
    assert "このログインIDはすでに使われています。" in page
    assert 'value="佐藤 花子（別人）"' in page  # what was typed stays
    assert people_count() == count
    assert audit_rows() == []


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Short-1", "10文字以上"),
        ("alllowercaseletters", "3種類以上"),
        ("Sato.Hanako-2025", "ログインIDを含むパスワードは使えません。"),
    ],
)
def test_weak_initial_password_is_refused(client, admin, password, message):
    count = people_count()
    response = client.submit("/admin/people/new", new_person_form(password=password, confirm=password))
    assert message in page_text(response)
    assert people_count() == count
    assert audit_rows() == []


def test_new_person_form_checks_each_field_in_japanese(client, admin):
    count = people_count()
    response = client.submit(
        "/admin/people/new",
        new_person_form(
            login_id="佐藤",
            name="",
            name_kana="Sato",
            email="not-an-address",
            agency_id="0",
            roles=[],
            confirm="something-else",
        ),
    )
    page = page_text(response)
    for message in (
        "ログインIDは半角英数字と . _ @ - で入力してください。",
        "氏名を入力してください。",
        "ふりがなはひらがなかカタカナで入力してください。",
        "メールアドレスの形式が正しくありません。",
        "所属機関を選んでください。",
        "役割を1つ以上選んでください。",
        "確認用のパスワードが一致しません。",
    ):
        assert message in page
    assert people_count() == count


# Editing accounts


def test_changing_roles_is_audited_and_ends_the_persons_sessions(client, admin, logged_in_elsewhere):
    person = UserFactory(name="鈴木 一郎", roles=[Role.AGENCY_MEMBER])
    browser = logged_in_elsewhere(person)
    response = client.submit(
        f"/admin/people/{person.id}",
        person_form(person, roles=["agency_member", "coordinator"], title="主任"),
        follow_redirects=True,
    )
    assert "利用者「鈴木 一郎」を保存しました。" in page_text(response)
    db.session.refresh(person)
    assert person.roles == {Role.AGENCY_MEMBER, Role.COORDINATOR} and person.title == "主任"
    [entry] = audit_rows()
    assert entry.action == "admin.user_update"
    assert entry.detail_data == {
        "title": ["", "主任"],
        "roles": [["agency_member"], ["agency_member", "coordinator"]],
    }
    assert_logged_out(browser)


def test_moving_a_person_to_another_agency_ends_their_sessions(client, admin, logged_in_elsewhere):
    person = UserFactory(agency=AgencyFactory(name="ひがし小学校"))
    browser = logged_in_elsewhere(person)
    new_agency = AgencyFactory(name="にし中学校")
    client.submit(f"/admin/people/{person.id}", person_form(person, agency_id=str(new_agency.id)))
    db.session.refresh(person)
    assert person.agency == new_agency
    assert audit_rows()[0].detail_data == {"agency": ["ひがし小学校", "にし中学校"]}
    assert_logged_out(browser)


def test_changing_only_the_profile_keeps_the_person_logged_in(client, admin, logged_in_elsewhere):
    person = UserFactory()
    browser = logged_in_elsewhere(person)
    client.submit(f"/admin/people/{person.id}", person_form(person, name_kana="すずき", email="s@example.jp"))
    assert audit_rows()[0].detail_data == {"name_kana": ["", "すずき"], "email": ["", "s@example.jp"]}
    assert browser.get("/").status_code == 200


def test_invalid_edit_keeps_input_and_changes_nothing(client, admin):
    person = UserFactory(name="高橋 直子", roles=[Role.AGENCY_MEMBER])
    response = client.submit(
        f"/admin/people/{person.id}", person_form(person, name="高橋 直子（改）", roles=[], email="@")
    )
    page = page_text(response)
    assert "役割を1つ以上選んでください。" in page and "メールアドレスの形式が正しくありません。" in page
    assert 'value="高橋 直子（改）"' in page
    db.session.refresh(person)
    assert person.name == "高橋 直子" and person.roles == {Role.AGENCY_MEMBER}
    assert audit_rows() == []


# Nobody changes their own roles, agency or status


def test_admin_cannot_change_own_roles(client, admin):
    response = client.submit(
        f"/admin/people/{admin.id}", person_form(admin, roles=["admin", "auditor"]), follow_redirects=True
    )
    assert "自分自身の役割・所属機関・利用状態は変更できません。" in page_text(response)
    db.session.refresh(admin)
    assert admin.roles == {Role.ADMIN}
    [entry] = audit_rows()
    assert entry.action == "admin.user_update" and entry.outcome == "denied"
    assert entry.detail_data == {"roles": [["admin"], ["admin", "auditor"]], "reason": "self"}
    assert client.get("/admin/people").status_code == 200  # still logged in


def test_admin_cannot_move_self_to_another_agency(client, admin):
    elsewhere = AgencyFactory(name="別の機関")
    client.submit(f"/admin/people/{admin.id}", person_form(admin, agency_id=str(elsewhere.id), title="係長"))
    db.session.refresh(admin)
    assert admin.agency.name == "市役所 情報政策課" and admin.title == ""  # nothing at all was saved
    [entry] = audit_rows()
    assert entry.outcome == "denied"
    assert entry.detail_data["agency"] == ["市役所 情報政策課", "別の機関"]


def test_admin_cannot_disable_self(client, admin):
    response = client.submit(f"/admin/people/{admin.id}/disable", follow_redirects=True)
    assert "自分自身の役割・所属機関・利用状態は変更できません。" in page_text(response)
    db.session.refresh(admin)
    assert admin.active
    [entry] = audit_rows()
    assert (entry.action, entry.outcome) == ("admin.user_disable", "denied")
    assert entry.detail_data == {"active": [True, False], "reason": "self"}
    assert client.get("/admin/people").status_code == 200


def test_admin_may_edit_own_profile(client, admin):
    page = page_text(client.get(f"/admin/people/{admin.id}"))
    assert "自分自身の役割・所属機関・利用状態は変更できません。" in page and "利用を停止" not in page
    client.submit(f"/admin/people/{admin.id}", person_form(admin, name="管理 太郎（情報政策課）"))
    db.session.refresh(admin)
    assert admin.name == "管理 太郎（情報政策課）"
    assert audit_rows()[0].outcome == "success"
    assert client.get("/admin/people").status_code == 200


def test_admin_resets_own_password_only_through_the_password_page(client, admin):
    response = client.submit(
        f"/admin/people/{admin.id}/password",
        {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        follow_redirects=True,
    )
    assert "自分のパスワードは「パスワード変更」画面で変更してください。" in page_text(response)
    db.session.refresh(admin)
    assert check_password(admin.password_hash, DEFAULT_PASSWORD) and not admin.must_change_password
    assert audit_rows()[0].outcome == "denied"


# Disabling and enabling


def test_disable_logs_the_person_out_and_enable_lets_them_back(client, admin, login, logged_in_elsewhere):
    person = UserFactory(name="田中 実")
    browser = logged_in_elsewhere(person)
    response = client.submit(f"/admin/people/{person.id}/disable", follow_redirects=True)
    assert "利用を停止しました。" in page_text(response)
    assert_logged_out(browser)
    refused = browser.submit("/login", {"login_id": person.login_id, "password": DEFAULT_PASSWORD})
    assert "ログインIDまたはパスワードが正しくありません" in page_text(refused)

    response = client.submit(f"/admin/people/{person.id}/enable", follow_redirects=True)
    assert "利用を再開しました。" in page_text(response)
    browser.submit("/login", {"login_id": person.login_id, "password": DEFAULT_PASSWORD})
    assert browser.get("/").status_code == 200
    actions = [(e.action, e.detail_data) for e in audit_rows()]
    assert actions == [
        ("admin.user_disable", {"active": [True, False]}),
        ("admin.user_enable", {"active": [False, True]}),
    ]


# Password reset and unlock


def test_password_reset_ends_sessions_and_forces_a_change(app, client, admin, logged_in_elsewhere):
    person = UserFactory(name="伊藤 恵")
    browser = logged_in_elsewhere(person)
    response = client.submit(
        f"/admin/people/{person.id}/password",
        {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        follow_redirects=True,
    )
    assert "初期パスワードを再設定しました。" in page_text(response)
    assert_logged_out(browser)
    # The old password no longer works; the new one does, and must be changed at once.
    old = app.test_client().submit("/login", {"login_id": person.login_id, "password": DEFAULT_PASSWORD})
    assert "正しくありません" in page_text(old)
    browser.submit("/login", {"login_id": person.login_id, "password": NEW_PASSWORD})
    assert browser.get("/").headers["Location"] == "/account/password"
    [entry] = audit_rows()
    assert entry.action == "admin.user_password_reset" and entry.target_id == str(person.id)
    assert entry.detail_data == {"must_change_password": [False, True]}
    assert NEW_PASSWORD not in entry.detail and "argon2" not in entry.detail


def test_weak_reset_password_changes_nothing(client, admin, logged_in_elsewhere):
    person = UserFactory(login_id="ito")
    browser = logged_in_elsewhere(person)
    response = client.submit(
        f"/admin/people/{person.id}/password", {"password": "ito12345", "confirm": "ito12345"}
    )
    page = page_text(response)
    assert "10文字以上" in page and "ログインIDを含むパスワードは使えません。" in page
    db.session.refresh(person)
    assert check_password(person.password_hash, DEFAULT_PASSWORD) and not person.must_change_password
    assert browser.get("/").status_code == 200
    assert audit_rows() == []


def test_unlock_lets_a_locked_out_person_log_in(app, client, admin):
    person = UserFactory(name="山本 浩")
    locked_until = utcnow() + timedelta(minutes=10)
    person.locked_until = locked_until
    person.failed_logins = 2
    db.session.commit()
    browser = app.test_client()
    locked = browser.submit("/login", {"login_id": person.login_id, "password": DEFAULT_PASSWORD})
    # The login page does not tell that the account exists and is locked; the administrator's list does.
    assert "ログインIDまたはパスワードが正しくありません" in page_text(locked)
    assert browser.get("/").status_code == 302
    assert "ロック中" in page_text(client.get("/admin/people?status=locked"))

    response = client.submit(f"/admin/people/{person.id}/unlock", follow_redirects=True)
    assert "ロックを解除しました。" in page_text(response)
    browser.submit("/login", {"login_id": person.login_id, "password": DEFAULT_PASSWORD})
    assert browser.get("/").status_code == 200
    [entry] = audit_rows()
    assert entry.action == "admin.user_unlock"
    assert entry.detail_data == {"locked_until": [locked_until.isoformat(), None], "failed_logins": [2, 0]}


# The list


def test_people_list_finds_by_name_kana_or_login_id_and_filters(client, admin):
    school = AgencyFactory(name="みどり小学校")
    UserFactory(name="佐藤 花子", name_kana="さとう はなこ", login_id="hsato", agency=school)
    UserFactory(name="木村 健", name_kana="きむら けん", login_id="kimura", roles=[Role.COORDINATOR])
    UserFactory(name="中村 優", login_id="nakamura", active=False)

    def names(query: str) -> str:
        return page_text(client.get(f"/admin/people?{query}"))

    assert "佐藤 花子" in names("q=さとう") and "木村 健" not in names("q=さとう")
    assert "木村 健" in names("q=KIMURA")
    assert "木村 健" in names("role=coordinator") and "佐藤 花子" not in names("role=coordinator")
    assert "佐藤 花子" in names(f"agency={school.id}") and "木村 健" not in names(f"agency={school.id}")
    inactive = names("status=inactive")
    assert "中村 優" in inactive and "佐藤 花子" not in inactive
    assert "条件に合う利用者はいません。" in names("q=100%")
