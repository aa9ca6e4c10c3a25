"""特定妊婦: the pregnant woman is the case's subject; the baby joins the same case; 母子保健 writes plans."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from cases import policy
from cases.ledger import registration
from cases.ledger.registration import CaseInput, ChildInput, GuardianInput
from cases.models import Child, Part
from cases.plans import services as plans
from cases.sharing import services as sharing
from cases.sharing.models import InvolvementKind
from portal.dates import today_in_japan
from portal.extensions import db
from portal.refusals import Refusal
from tests.cases.conftest import text
from tests.cases.ledger.test_views import ledger_rows
from tests.cases.plans.test_services import plan_input


def register_akari(town, **overrides):
    """Register 小林あかり, 20 weeks pregnant, with みどり市民病院 as her hospital."""
    data = CaseInput(
        council_id=town.council.id,
        category="pregnant",
        received_on=today_in_japan() - timedelta(days=30),
        expected_delivery_on=today_in_japan() + timedelta(days=140),
        mother=ChildInput("小林 あかり", "こばやし あかり", date(2001, 5, 5), "女", town.hospital.id),
        guardians=[GuardianInput("father", "小林 大輝")],
    )
    for key, value in overrides.items():
        setattr(data, key, value)
    case = registration.register_case(town.coordinator, data)
    sharing.involve(town.coordinator, case, town.center.id, InvolvementKind.ASSIGNED, today_in_japan())
    return case


def test_the_pregnant_woman_is_the_subject_where_a_child_would_be(town, browser):
    case = register_akari(town)
    mother = case.children[0]
    assert (mother.name, mother.expectant_mother, mother.enrolled_agency_id) == (
        "小林 あかり",
        True,
        town.hospital.id,
    )
    rows = ledger_rows(browser(town.coordinator).get("/cases/"))
    assert "小林 あかり" in rows and "妊婦" in rows and "出産予定" in rows
    page = text(browser(town.coordinator).get(f"/cases/{case.id}"))
    assert "妊婦・子ども" in page and "令和" in page


def test_a_guardian_marked_self_is_taken_as_the_pregnant_woman(town):
    case = register_akari(town, mother=None, guardians=[GuardianInput("self", "西田 美羽", "にしだ みう")])
    assert [(c.name, c.expectant_mother) for c in case.children] == [("西田 美羽", True)]
    assert case.guardians == []


def test_a_pregnancy_case_needs_the_woman(town):
    with pytest.raises(Refusal, match="妊婦本人の氏名"):
        register_akari(town, mother=None, guardians=[])


def test_after_the_birth_the_baby_joins_the_same_case(town, browser):
    case = register_akari(town)
    sato = browser(town.coordinator)
    data = {"name": "小林 ひなた", "name_kana": "こばやし ひなた", "birth_date": today_in_japan().isoformat()}
    page = text(
        sato.submit(f"/cases/{case.id}/children", {**data, "enrolled_agency_id": ""}, follow_redirects=True)
    )
    assert "小林 ひなた をこのケースに追加しました。" in page
    names = db.session.scalars(select(Child.name).where(Child.case_id == case.id).order_by(Child.id)).all()
    assert names == ["小林 あかり", "小林 ひなた"]
    assert "子どもの追加" in text(sato.get(f"/cases/{case.id}/history"))


def test_the_center_nurse_opens_writes_and_reviews_the_plans_and_can_be_their_caseworker(town, browser):
    case = register_akari(town)
    nurse = town.center_nurse
    access = policy.access_for(nurse, case)
    assert access.can(Part.PLAN) and policy.can_write_plan(nurse, case)
    assert nurse in plans.caseworker_candidates(case)
    plan = plans.create_plan(nurse, case, child_id=None, caseworker_id=nurse.id, data=plan_input())
    nakamura = browser(nurse)
    assert nakamura.get(f"/cases/{case.id}/plans/{plan.id}").status_code == 200
    assert nakamura.get(f"/cases/{case.id}/plans/{plan.id}/review").status_code == 200
    # Not a coordinator: the 山本 case (not a pregnancy) keeps its plans hers to read only by grant.
    assert not policy.can_write_plan(nurse, town.case)


def test_the_pregnant_woman_is_in_the_exports_as_a_child_would_be(town, browser):
    register_akari(town)
    sato = browser(town.coordinator)
    exported = sato.get("/cases/export.csv").get_data(as_text=True)
    assert "小林 あかり" in exported and "こばやし あかり" in exported
    assert sato.get("/cases/export.xlsx").status_code == 200
