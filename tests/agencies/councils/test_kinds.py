"""Agency kinds (機関種別): a managed list administrators extend and adjust."""

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import AgencyKind
from tests.agencies.conftest import audit_rows, page_text
from tests.factories import AgencyFactory, kind


def test_kinds_list_shows_the_seeded_kinds_with_japanese_categories(client, admin):
    page = page_text(client.get("/admin/kinds"))
    assert "児童相談所" in page and "保育・幼児教育施設" in page and "教育委員会" in page


def test_create_kind(client, admin):
    response = client.submit(
        "/admin/kinds/new",
        {"name": "放課後児童クラブ", "category": "welfare", "sort_order": "215", "active": "y"},
        follow_redirects=True,
    )
    assert "機関種別「放課後児童クラブ」を登録しました。" in page_text(response)
    created = kind("放課後児童クラブ")
    assert created.category_label == "福祉" and created.sort_order == 215
    [entry] = audit_rows()
    assert entry.action == "admin.kind_create"
    assert entry.detail_data == {
        "name": [None, "放課後児童クラブ"],
        "category": [None, "welfare"],
        "sort_order": [None, 215],
        "active": [None, True],
    }


def test_edit_kind_and_stop_offering_it(client, admin):
    npo = kind("NPO")
    agency = AgencyFactory(name="こども食堂ひまわり", kind=npo)
    response = client.submit(
        f"/admin/kinds/{npo.id}",
        {"name": "NPO法人", "category": "welfare", "sort_order": str(npo.sort_order)},
        follow_redirects=True,
    )
    assert "機関種別「NPO法人」を保存しました。" in page_text(response)
    [entry] = audit_rows()
    assert entry.action == "admin.kind_update"
    assert entry.detail_data == {
        "name": ["NPO", "NPO法人"],
        "category": ["other", "welfare"],
        "active": [True, False],
    }
    # A stopped kind is not offered for new agencies, but agencies that have it keep it.
    assert "NPO法人" not in page_text(client.get("/admin/agencies/new"))
    edit_page = page_text(client.get(f"/admin/agencies/{agency.id}"))
    assert f'<option selected value="{npo.id}">NPO法人</option>' in edit_page


def test_kind_validation_is_japanese_and_saves_nothing(client, admin):
    count = db.session.scalar(select(func.count()).select_from(AgencyKind))
    response = client.submit(
        "/admin/kinds/new", {"name": "", "category": "nonsense", "sort_order": "-1", "active": "y"}
    )
    page = page_text(response)
    assert "種別名を入力してください。" in page
    assert "選択肢が正しくありません" in page
    assert "0から9999までの数を入力してください。" in page
    assert db.session.scalar(select(func.count()).select_from(AgencyKind)) == count
    assert audit_rows() == []


def test_duplicate_kind_name_is_refused(client, admin):
    school = kind("中学校")
    response = client.submit(
        f"/admin/kinds/{school.id}", {"name": "小学校", "category": "school", "sort_order": "30"}
    )
    assert "この名称はすでに登録されています。" in page_text(response)
    db.session.refresh(school)
    assert school.name == "中学校" and school.active
    assert audit_rows() == []
