"""Councils (協議会): administrators create and edit them; every change is audited."""

from datetime import date

import pytest
from sqlalchemy import func, select

from cases.ledger import registration
from portal.extensions import db
from portal.models import Council, Role
from tests.agencies.conftest import audit_rows, page_text
from tests.factories import AgencyFactory, CouncilFactory, UserFactory, kind

TIERS = {
    "tier_representative": "代表者会議",
    "tier_practitioner": "実務者会議",
    "tier_individual": "個別ケース検討会議",
    "tier_joint": "合同ケース会議",
    "tier_progress": "進行管理会議",
}


def council_form(council: Council | None = None, **changes) -> dict:
    """Return the council form as the edit page fills it, with some fields changed."""
    data = {
        "name": "",
        "municipality": "",
        "coordinating_agency_id": "0",
        "report_due_day": "10",
        "child_guidance_auto_join": "abuse",
        "figures_age_basis": "year_end",
        "figures_small_counts": "exports",
        "active": "y",
    }
    data.update(TIERS)
    if council is not None:
        data.update(
            {
                field: getattr(council, field)
                for field in (
                    "name",
                    "municipality",
                    "child_guidance_auto_join",
                    "figures_age_basis",
                    "figures_small_counts",
                    *TIERS,
                )
            },
            coordinating_agency_id=str(council.coordinating_agency_id or 0),
            report_due_day=str(council.report_due_day),
        )
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_new_council_form_offers_the_usual_tier_names(client, admin):
    page = page_text(client.get("/admin/councils/new"))
    for name in TIERS.values():
        assert f'value="{name}"' in page
    assert 'value="10"' in page


def test_create_council_with_its_coordinating_agency(client, admin):
    center = AgencyFactory(name="みどり市こども家庭センター", kind=kind("こども家庭センター"))
    response = client.submit(
        "/admin/councils/new",
        council_form(
            name="みどり市要保護児童対策地域協議会", municipality="みどり市", coordinating_agency_id=center.id
        ),
        follow_redirects=True,
    )
    page = page_text(response)
    assert "協議会「みどり市要保護児童対策地域協議会」を登録しました。" in page
    assert "みどり市こども家庭センター" in page
    council = db.session.scalars(select(Council)).one()
    assert council.coordinating_agency == center
    # The coordinating body is one of the council's members.
    assert council.members == [center]
    [entry] = audit_rows()
    assert entry.action == "admin.council_create"
    assert entry.actor_id == admin.id and entry.target_id == str(council.id)
    assert entry.detail_data == {
        "name": [None, "みどり市要保護児童対策地域協議会"],
        "municipality": [None, "みどり市"],
        "coordinating_agency": [None, "みどり市こども家庭センター"],
        "members": [None, ["みどり市こども家庭センター"]],
        **{field: [None, name] for field, name in TIERS.items()},
        "report_due_day": [None, 10],
        "child_guidance_auto_join": [None, "abuse"],
        "two_factor_for_members": [None, False],
        "figures_age_basis": [None, "year_end"],
        "figures_small_counts": [None, "exports"],
        "active": [None, True],
    }


def test_edit_council_records_before_and_after(client, admin):
    council = CouncilFactory(name="あおば町要保護児童対策地域協議会")
    response = client.submit(
        f"/admin/councils/{council.id}",
        council_form(council, tier_practitioner="実務者部会", report_due_day="15"),
        follow_redirects=True,
    )
    assert "協議会「あおば町要保護児童対策地域協議会」を保存しました。" in page_text(response)
    db.session.refresh(council)
    assert council.tier_practitioner == "実務者部会" and council.report_due_day == 15
    [entry] = audit_rows()
    assert entry.action == "admin.council_update" and entry.outcome == "success"
    assert entry.detail_data == {
        "tier_practitioner": ["実務者会議", "実務者部会"],
        "report_due_day": [10, 15],
    }


def test_council_can_be_suspended(client, admin):
    council = CouncilFactory()
    client.submit(f"/admin/councils/{council.id}", council_form(council, active=None))
    db.session.refresh(council)
    assert not council.active
    assert audit_rows()[0].detail_data == {"active": [True, False]}
    assert "停止中" in page_text(client.get("/admin/councils"))


def test_saving_without_changes_writes_nothing(client, admin):
    council = CouncilFactory()
    response = client.submit(f"/admin/councils/{council.id}", council_form(council), follow_redirects=True)
    assert "変更はありませんでした。" in page_text(response)
    assert audit_rows() == []


def test_bad_input_is_refused_in_japanese_and_changes_nothing(client, admin):
    council = CouncilFactory(name="さくら市要保護児童対策地域協議会")
    response = client.submit(
        f"/admin/councils/{council.id}",
        council_form(council, name="", municipality="さくら市（改）", report_due_day="31", tier_joint=""),
    )
    page = page_text(response)
    assert response.status_code == 200
    assert "入力内容に誤りがあります" in page
    assert "協議会名を入力してください。" in page
    assert "1から28までの日を入力してください。" in page
    assert "名称を入力してください。" in page
    # What was typed stays in the form.
    assert 'value="さくら市（改）"' in page and 'value="31"' in page
    db.session.refresh(council)
    assert council.name == "さくら市要保護児童対策地域協議会" and council.report_due_day == 10
    assert council.tier_joint == "合同ケース会議"
    assert audit_rows() == []


def test_report_due_day_must_be_a_number(client, admin):
    response = client.submit(
        "/admin/councils/new", council_form(name="x", municipality="x", report_due_day="十")
    )
    assert "無効な整数です" in page_text(response)
    assert db.session.scalar(select(func.count()).select_from(Council)) == 0


def test_duplicate_council_name_is_refused(client, admin):
    CouncilFactory(name="ひかり市要保護児童対策地域協議会")
    response = client.submit(
        "/admin/councils/new", council_form(name="ひかり市要保護児童対策地域協議会", municipality="ひかり市")
    )
    assert "この名称はすでに登録されています。" in page_text(response)
    assert db.session.scalar(select(func.count()).select_from(Council)) == 1
    assert audit_rows() == []


def test_council_list_shows_settings_and_member_counts(client, admin):
    council = CouncilFactory(name="つばさ市要保護児童対策地域協議会", report_due_day=5)
    AgencyFactory(councils=[council])
    AgencyFactory(councils=[council])
    page = page_text(client.get("/admin/councils"))
    assert "つばさ市要保護児童対策地域協議会" in page
    assert "翌月5日" in page
    assert f'href="/admin/agencies?council={council.id}">2</a>' in page


def test_council_form_explains_the_child_guidance_setting_in_japanese(client, admin):
    page = page_text(client.get("/admin/councils/new"))
    assert "児童相談所が自動で加わるケース" in page
    assert "この協議会の構成機関である児童相談所を、そのケースの関係機関に自動で加えます" in page
    assert '<option selected value="abuse">虐待の種別が入力されたケース（標準）</option>' in page
    assert '<option value="all">登録されたすべてのケース</option>' in page
    assert '<option value="none">自動では加えない（ケースごとに追加する）</option>' in page


@pytest.mark.parametrize(
    ("field", "typed", "stored"),
    [
        *((field, f"{name}（改）", f"{name}（改）") for field, name in TIERS.items()),
        ("report_due_day", "28", 28),
        ("child_guidance_auto_join", "all", "all"),
        ("child_guidance_auto_join", "none", "none"),
    ],
)
def test_each_council_setting_is_editable_and_audited(client, admin, field, typed, stored):
    council = CouncilFactory()
    before = getattr(council, field)
    client.submit(f"/admin/councils/{council.id}", council_form(council, **{field: typed}))
    db.session.refresh(council)
    assert getattr(council, field) == stored
    assert audit_rows()[0].detail_data == {field: [before, stored]}
    # The edit page shows the saved value.
    page = page_text(client.get(f"/admin/councils/{council.id}"))
    selected = field == "child_guidance_auto_join"
    shown = f'<option selected value="{stored}">' if selected else f'value="{stored}"'
    assert shown in page


def test_unknown_child_guidance_setting_is_refused(client, admin):
    council = CouncilFactory()
    response = client.submit(
        f"/admin/councils/{council.id}", council_form(council, child_guidance_auto_join="sometimes")
    )
    assert "選択肢が正しくありません。" in page_text(response)
    db.session.refresh(council)
    assert council.child_guidance_auto_join == "abuse"
    assert audit_rows() == []


@pytest.mark.parametrize(
    ("setting", "abuse_types", "joins"),
    [
        ("abuse", ["neglect"], True),
        ("abuse", [], False),
        ("all", [], True),
        ("none", ["neglect"], False),
    ],
)
def test_the_setting_decides_which_cases_child_guidance_joins(client, admin, setting, abuse_types, joins):
    from cases.ledger.registration import CaseInput, ChildInput
    from cases.sharing.models import InvolvementKind
    from cases.sharing.services import has_involvement

    center = AgencyFactory(name="みどり市こども家庭センター", kind=kind("こども家庭センター"))
    council = CouncilFactory(coordinating_agency=center)
    cgc = AgencyFactory(name="県中央児童相談所", kind=kind("児童相談所"), councils=[council])
    center.councils = [council]
    db.session.commit()
    client.submit(f"/admin/councils/{council.id}", council_form(council, child_guidance_auto_join=setting))
    coordinator = UserFactory(agency=center, roles=[Role.COORDINATOR])
    case = registration.register_case(
        coordinator,
        CaseInput(
            council_id=council.id,
            category="protection",
            received_on=date(2025, 6, 2),
            abuse_types=abuse_types,
            children=[ChildInput("山本 はると", "やまもと はると", date(2016, 9, 1), "男", None, "")],
        ),
    )
    assert has_involvement(case, cgc.id, InvolvementKind.CHILD_GUIDANCE) is joins


def test_the_figures_settings_are_kept_and_checked(client, admin):
    council = CouncilFactory(name="さくら町要保護児童対策地域協議会")
    form = council_form(council, figures_age_basis="year_start", figures_small_counts="everywhere")
    client.submit(f"/admin/councils/{council.id}", form, follow_redirects=True)
    db.session.refresh(council)
    assert (council.figures_age_basis, council.figures_small_counts) == ("year_start", "everywhere")
    response = client.submit(
        f"/admin/councils/{council.id}", council_form(council, figures_small_counts="all")
    )
    assert "Not a valid choice" not in page_text(response)
    db.session.refresh(council)
    assert council.figures_small_counts == "everywhere"
