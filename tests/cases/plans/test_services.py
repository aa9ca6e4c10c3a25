"""Support plans: writing with the family, versioning by review, the rules, and consent-scoped sharing."""

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.exceptions import Forbidden, NotFound

from cases import policy
from cases.ledger import registration, services
from cases.models import Part
from cases.plans import reading as plan_reading
from cases.plans import resources
from cases.plans import services as plans
from cases.plans.models import PlanVersion, SupportPlan
from cases.plans.resources import ResourceInput
from cases.plans.services import ConsentInput, PlanInput, SupportInput, add_months
from cases.sharing.models import AccessGrant, Consent
from portal.audit import AuditEntry
from portal.dates import today_in_japan
from portal.extensions import db
from portal.refusals import Refusal

WISH = "保育園でおともだちとあそびたい"


def plan_input(**overrides) -> PlanInput:
    """Return a plan as a caseworker writes it with the 山本 family today."""
    today = today_in_japan()
    data = PlanInput(
        made_on=today,
        next_review_on=today + timedelta(days=60),
        child_wish=WISH,
        guardian_wish="朝、落ち着いて子どもを送り出したい",
        child_worries="おとうさんがおこるとこわい",
        guardian_worries="夫が手をあげてしまうことがある",
        child_hopes="ママといっしょにいたい",
        guardian_hopes="子育ての相談相手がほしい",
        issues="朝の登園が遅れがちで、家庭で叱責が続いている",
        family_actions="毎朝8時までに登園する",
        child_actions="こまったら先生にいう",
        short_term_goal="週5日、時間どおりに登園する",
        short_term_until=today + timedelta(days=30),
        long_term_goal="家族が安心して暮らせる",
        satisfaction=40,
        supports=[
            SupportInput(
                kind="consultation",
                content="家庭訪問と面談",
                provider="こども家庭センター",
                frequency="週1回",
            )
        ],
    )
    return replace(data, **overrides)


def consent_to(*agencies, **overrides) -> ConsentInput:
    """Return the mother's consent to share the plan with the named agencies."""
    data = ConsentInput(
        given_by_name="山本 亜紀",
        given_by_relation="mother",
        given_on=today_in_japan(),
        agency_ids=[a.id for a in agencies],
        wording="切れ目のない支援のため、関係機関とプラン内容を共有することについて同意します",
    )
    return replace(data, **overrides)


def make_plan(town, child=None, by=None, **overrides) -> SupportPlan:
    """Write a plan for a child of the town's case (ゆい by default) as the coordinator."""
    child = child if child is not None else town.yui
    user = by or town.coordinator
    return plans.create_plan(
        user,
        town.case,
        child_id=child.id if child else None,
        caseworker_id=town.coordinator.id,
        data=plan_input(**overrides),
    )


def actions(name: str) -> list[AuditEntry]:
    """Return the audit rows of an action, oldest first."""
    return list(
        db.session.scalars(select(AuditEntry).where(AuditEntry.action == name).order_by(AuditEntry.seq))
    )


def test_a_plan_keeps_the_family_words_supports_and_review_date(town):
    resource = resources.save_resource(
        town.coordinator, ResourceInput(town.council.id, "ひかり子育てひろば", "community", "0120-000-000")
    )
    support = SupportInput(resource_id=resource.id, frequency="月2回")
    plan = make_plan(
        town,
        guardian_wish='<script>alert(1)</script><b onclick="x()">夜も眠れない</b>',
        supports=[support, SupportInput(content="<p>家庭訪問</p>", provider="中村", frequency="週1回")],
    )
    version = plan.current
    assert (plan.current_number, version.number, version.is_review) == (1, 1, False)
    assert version.child_wish == WISH
    assert version.guardian_wish == "alert(1)<b>夜も眠れない</b>"
    assert plan.next_review_on == version.next_review_on == today_in_japan() + timedelta(days=60)
    picked, typed = version.supports
    # The resource's name, kind and (as the default) provider are copied into the version.
    assert (picked.service_name, picked.kind, picked.provider) == (
        "ひかり子育てひろば",
        "community",
        "ひかり子育てひろば",
    )
    assert (typed.content, typed.provider, typed.service_name) == ("<p>家庭訪問</p>", "中村", "")
    (entry,) = actions("plan.create")
    assert entry.detail_data["plan_id"] == plan.id and entry.target_id == str(town.case.id)
    assert "山本" not in entry.target_label  # audit rows name the case number, not the child


def test_a_review_adds_a_version_and_keeps_the_old_one_unchanged(town):
    plan = make_plan(town)
    first_id = plan.current.id
    next_date = today_in_japan() + timedelta(days=80)
    version = plans.review_plan(
        town.facilitator,
        plan,
        plan_input(
            evaluation="登園は週4日に増えた。朝の叱責は減った。",
            issues="朝の登園を続ける",
            satisfaction=65,
            next_review_on=next_date,
        ),
    )
    assert (version.number, version.is_review, plan.current_number) == (2, True, 2)
    assert plan.next_review_on == next_date
    old = db.session.get(PlanVersion, first_id)
    assert (old.number, old.issues, old.satisfaction, old.evaluation) == (
        1,
        "朝の登園が遅れがちで、家庭で叱責が続いている",
        40,
        "",
    )
    assert version.evaluation == "登園は週4日に増えた。朝の叱責は減った。"
    assert [v.number for v in plan.versions] == [1, 2]
    assert plan.version(1).id == first_id and plan.version(3) is None
    assert actions("plan.review")[0].detail_data["version"] == 2


def test_renaming_a_resource_leaves_old_versions_as_written(town):
    resource = resources.save_resource(
        town.coordinator, ResourceInput(town.council.id, "子ども食堂", "living")
    )
    plan = make_plan(town, supports=[SupportInput(resource_id=resource.id)])
    resources.save_resource(
        town.coordinator, ResourceInput(town.council.id, "みどり子ども食堂", "living"), resource
    )
    db.session.expire_all()
    assert plan.current.supports[0].service_name == "子ども食堂"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"child_wish": "", "guardian_wish": "<p></p>"}, "意向を入力してください"),
        ({"issues": " "}, "解決すべき課題を入力してください"),
        ({"supports": []}, "支援の種類と内容を一つ以上"),
        ({"supports": [SupportInput(frequency="週1回")]}, "内容を入力するか、地域資源を選んで"),
        ({"supports": [SupportInput(content="x", kind="magic")]}, "種類が正しくありません"),
        ({"next_review_on": today_in_japan()}, "作成日より後"),
        ({"next_review_on": add_months(today_in_japan(), 3) + timedelta(days=1)}, "3か月ごと"),
        ({"made_on": today_in_japan() + timedelta(days=1)}, "作成日が未来"),
        ({"satisfaction": 101}, "0から100"),
        ({"short_term_until": today_in_japan() - timedelta(days=1)}, "短期目標の期限"),
    ],
)
def test_a_plan_that_breaks_a_rule_is_refused_and_nothing_is_saved(town, overrides, message):
    with pytest.raises(Refusal) as refused:
        make_plan(town, **overrides)
    assert any(message in m for m in refused.value.messages)
    assert db.session.scalar(select(func.count(SupportPlan.id))) == 0


def test_a_registered_case_may_be_reviewed_exactly_three_months_ahead(town):
    plan = make_plan(town, next_review_on=add_months(today_in_japan(), 3))
    assert plan.next_review_on == add_months(today_in_japan(), 3)


def test_add_months_keeps_the_day_or_takes_the_months_last():
    from datetime import date

    assert add_months(date(2025, 11, 30), 3) == date(2026, 2, 28)
    assert add_months(date(2025, 6, 15), 3) == date(2025, 9, 15)
    assert add_months(date(2025, 10, 31), 3) == date(2026, 1, 31)


def test_one_plan_per_child_and_unknown_children_and_resources_are_refused(town):
    make_plan(town)
    with pytest.raises(Refusal, match="既にあります"):
        make_plan(town)
    other = registration.register_case(town.other_coordinator, _aoba_case(town))
    with pytest.raises(Refusal) as refused:
        make_plan(town, child=other.children[0])
    assert "対象の子どもが正しくありません。" in refused.value.messages
    aoba_resource = resources.save_resource(
        town.other_coordinator, ResourceInput(town.other_council.id, "あおば食堂", "living")
    )
    with pytest.raises(Refusal, match="地域資源が正しくありません"):
        make_plan(town, child=town.haruto, supports=[SupportInput(resource_id=aoba_resource.id)])


def _aoba_case(town):
    """Return a registration in あおば町."""
    from tests.cases.conftest import household_input

    data = household_input(town, council_id=town.other_council.id)
    for child in data.children:
        child.enrolled_agency_id = None
    return data


def test_review_needs_an_evaluation_and_a_date_not_before_the_last(town):
    plan = make_plan(town)
    with pytest.raises(Refusal) as refused:
        plans.review_plan(town.coordinator, plan, plan_input(made_on=today_in_japan() - timedelta(days=1)))
    assert set(refused.value.messages) >= {
        "前回からの振り返り（評価）を入力してください。",
        "見直し日が前の版の作成日より前です。",
    }
    assert plan.current_number == 1 and len(plan.versions) == 1


def test_only_the_coordinating_body_writes_plans_and_a_closed_case_takes_none(town):
    for outsider in (town.teacher, town.caseworker, town.center_nurse, town.other_coordinator):
        with pytest.raises(Forbidden):
            make_plan(town, by=outsider)
    make_plan(town, by=town.facilitator)
    services.close_case(town.coordinator, town.case, today_in_japan(), "improved")
    with pytest.raises(Refusal, match="終結したケース"):
        make_plan(town, child=town.haruto)


def sees_plan(user, town, plan) -> bool:
    """Tell whether the person can open this plan (the loader answers 404 otherwise)."""
    try:
        plan_reading.load_plan(user, town.case.id, plan.id)
    except NotFound:
        return False
    return True


def test_consent_on_a_plan_shares_that_plan_and_nothing_else(town):
    haruto_plan = make_plan(town, child=town.haruto, consent=consent_to(town.hospital))
    yui_plan = make_plan(town, consent=consent_to(town.nursery))
    doctor_access = policy.access_for(town.doctor, town.case)
    assert doctor_access.parts == [Part.PLAN]
    assert sees_plan(town.doctor, town, haruto_plan)
    assert not sees_plan(town.doctor, town, yui_plan)  # the consent covered はると's plan only
    assert sees_plan(town.nursery_head, town, yui_plan)
    assert not sees_plan(town.nursery_head, town, haruto_plan)
    # The nursery's statutory share (for ゆい) stays as it was; the plan part is added for ゆい only.
    nursery = policy.access_for(town.nursery_head, town.case)
    assert nursery.child_visible(Part.PLAN, town.yui.id) and not nursery.child_visible(
        Part.PLAN, town.haruto.id
    )
    assert not nursery.child_visible(Part.NOTES, town.haruto.id)
    assert not sees_plan(town.teacher, town, haruto_plan)  # the school was not named
    grant = db.session.scalar(select(AccessGrant).where(AccessGrant.agency_id == town.hospital.id))
    assert (grant.cause, grant.part_set, grant.child_id) == ("consent", {Part.PLAN}, town.haruto.id)
    consent = haruto_plan.current.consent
    assert (consent.given_by_name, consent.part_set) == ("山本 亜紀", {Part.PLAN})


def test_withdrawing_the_consent_stops_the_sharing_at_once(town):
    plan = make_plan(town, child=town.haruto, consent=consent_to(town.hospital, town.nursery))
    consent_id = plan.current.consent_id
    plans.withdraw_plan_consent(town.coordinator, plan, consent_id, [town.nursery.id], "8月に撤回の申し出")
    assert not sees_plan(town.nursery_head, town, plan)
    assert sees_plan(town.doctor, town, plan)
    plans.withdraw_plan_consent(town.coordinator, plan, consent_id)
    assert not sees_plan(town.doctor, town, plan)
    assert policy.access_for(town.doctor, town.case).parts == []
    assert db.session.get(Consent, consent_id).withdrawn_at is not None
    with pytest.raises(Refusal, match="撤回できる共有がありません"):
        plans.withdraw_plan_consent(town.coordinator, plan, consent_id)


def test_a_consent_of_another_plan_cannot_be_withdrawn_through_this_one(town):
    haruto_plan = make_plan(town, child=town.haruto, consent=consent_to(town.hospital))
    yui_plan = make_plan(town)
    with pytest.raises(Refusal, match="このプランの同意ではありません"):
        plans.withdraw_plan_consent(town.coordinator, yui_plan, haruto_plan.current.consent_id)


def test_a_refused_consent_saves_no_plan(town):
    with pytest.raises(Refusal) as refused:
        make_plan(town, consent=consent_to(given_by_name=" ", given_on=today_in_japan() + timedelta(days=2)))
    assert set(refused.value.messages) >= {
        "同意した人の氏名を入力してください。",
        "同意日が未来の日付です。",
        "共有先の機関を選んでください。",
    }
    assert db.session.scalar(select(func.count(SupportPlan.id))) == 0
    assert db.session.scalar(select(func.count(Consent.id))) == 0


def test_a_review_can_add_a_consent_for_more_agencies(town):
    plan = make_plan(town, child=town.haruto, consent=consent_to(town.hospital))
    assert not sees_plan(town.teacher, town, plan)
    plans.review_plan(town.coordinator, plan, plan_input(evaluation="順調", consent=consent_to(town.school)))
    assert sees_plan(town.teacher, town, plan) and sees_plan(town.doctor, town, plan)
    assert [c.id for c in plan_reading.plan_consents(plan)] == [
        plan.version(2).consent_id,
        plan.version(1).consent_id,
    ]


def test_two_reviews_at_once_do_not_both_become_version_two(town):
    plan = make_plan(town)
    assert [v.number for v in plan.versions] == [1]
    # Someone else's review lands between this person opening the plan and saving it.
    db.session.add(
        PlanVersion(plan_id=plan.id, number=2, made_on=today_in_japan(), next_review_on=plan.next_review_on)
    )
    with pytest.raises(Refusal, match="同時に保存されました"):
        plans.review_plan(town.coordinator, plan, plan_input(evaluation="振り返り"))
    assert db.session.scalar(select(func.count(PlanVersion.id))) == 1
    assert not actions("plan.review")
