"""A small town for case tests: the 山本 household of SCENARIOS.md and the agencies around it."""

from dataclasses import dataclass
from datetime import date

import pytest

from cases.ledger import registration
from cases.ledger.registration import CaseInput, ChildInput, GuardianInput
from portal.models import Role
from tests.conftest import world_fixture
from tests.factories import DEFAULT_PASSWORD, AgencyFactory, CouncilFactory, UserFactory, kind


@dataclass
class Town:
    """The people, agencies and the household case of a test town."""

    council: object
    other_council: object
    center: object
    school: object
    nursery: object
    cgc: object
    hospital: object
    other_school: object
    coordinator: object
    facilitator: object
    teacher: object
    nursery_head: object
    caseworker: object
    doctor: object
    other_teacher: object
    admin: object
    auditor: object
    center_nurse: object
    other_coordinator: object
    case: object = None

    @property
    def haruto(self):
        """The boy at the school."""
        return self.case.children[0] if self.case.children[0].name == "山本 はると" else self.case.children[1]

    @property
    def yui(self):
        """The girl at the nursery."""
        return self.case.children[1] if self.case.children[1].name == "山本 ゆい" else self.case.children[0]


def household_input(town: Town, **overrides) -> CaseInput:
    """Return the registration of the 山本 household (はると at school, ゆい at nursery)."""
    data = CaseInput(
        council_id=town.council.id,
        category="protection",
        received_on=date(2025, 6, 2),
        referral_route="school",
        main_abuser="father",
        abuse_types=["physical"],
        risk_level=3,
        children=[
            ChildInput("山本 はると", "やまもと はると", date(2016, 9, 1), "男", town.school.id, "3年2組"),
            ChildInput("山本 ゆい", "やまもと ゆい", date(2021, 1, 10), "女", town.nursery.id, "ひまわり組"),
        ],
        guardians=[GuardianInput("father", "山本 健", "やまもと けん"), GuardianInput("mother", "山本 亜紀")],
    )
    for key, value in overrides.items():
        setattr(data, key, value)
    return data


def build_town() -> Town:
    """Build the town and register the household case."""
    council = CouncilFactory(name="みどり市要保護児童対策地域協議会", municipality="みどり市")
    other_council = CouncilFactory(name="あおば町要保護児童対策地域協議会", municipality="あおば町")
    center = AgencyFactory(
        name="みどり市こども家庭センター", kind=kind("こども家庭センター"), councils=[council]
    )
    school = AgencyFactory(name="みどり第一小学校", kind=kind("小学校"), councils=[council])
    nursery = AgencyFactory(name="ひかり保育園", kind=kind("保育所"), councils=[council])
    cgc = AgencyFactory(name="県中央児童相談所", kind=kind("児童相談所"), councils=[council, other_council])
    hospital = AgencyFactory(name="みどり市民病院", kind=kind("医療機関"), councils=[council])
    other_school = AgencyFactory(name="みどり第二小学校", kind=kind("小学校"), councils=[council])
    aoba_center = AgencyFactory(
        name="あおば町子ども家庭センター", kind=kind("こども家庭センター"), councils=[other_council]
    )
    it_dept = AgencyFactory(name="情報政策課", kind=kind("その他"))
    council.coordinating_agency = center
    other_council.coordinating_agency = aoba_center
    from portal.extensions import db

    db.session.commit()
    town = Town(
        council=council,
        other_council=other_council,
        center=center,
        school=school,
        nursery=nursery,
        cgc=cgc,
        hospital=hospital,
        other_school=other_school,
        coordinator=UserFactory(login_id="sato", name="佐藤", agency=center, roles=[Role.COORDINATOR]),
        facilitator=UserFactory(login_id="suzuki", name="鈴木", agency=center, roles=[Role.FACILITATOR]),
        teacher=UserFactory(login_id="takahashi", name="高橋", agency=school),
        nursery_head=UserFactory(login_id="tanaka", name="田中", agency=nursery),
        caseworker=UserFactory(login_id="ito", name="伊藤", agency=cgc, roles=[Role.CASEWORKER]),
        doctor=UserFactory(login_id="doctor", name="医師", agency=hospital),
        other_teacher=UserFactory(login_id="kimura", name="木村", agency=other_school),
        admin=UserFactory(login_id="admin", name="管理者", agency=center, roles=[Role.ADMIN]),
        auditor=UserFactory(login_id="auditor", name="監査", agency=it_dept, roles=[Role.AUDITOR]),
        center_nurse=UserFactory(login_id="nakamura", name="中村", agency=center, roles=[Role.AGENCY_MEMBER]),
        other_coordinator=UserFactory(
            login_id="yamada", name="山田", agency=aoba_center, roles=[Role.COORDINATOR]
        ),
    )
    town.case = registration.register_case(town.coordinator, household_input(town))
    return town


# Built once per test module (a copy for each test): see tests/conftest.py world_fixture.
town_file, town = world_fixture(build_town, "town")


@pytest.fixture
def browser(app):
    """Open a logged-in browser for a person; several may be open at once."""

    def open_as(user):
        client = app.test_client()
        response = client.submit("/login", {"login_id": user.login_id, "password": DEFAULT_PASSWORD})
        assert response.status_code == 302, "login failed"
        return client

    return open_as


def text(response) -> str:
    """Return the page as text."""
    return response.get_data(as_text=True)
