"""Each role's gates, as a table: which areas a person holding one role opens, and which refuse them.

The town has one registered abuse case: a boy at みどり第一小学校, managed by the council whose
調整機関 is みどり市こども家庭センター. The system administrator works at that very center, to show
that an administrator sees no case data even where the cases are kept.
"""

from dataclasses import dataclass
from datetime import date

import pytest

from cases.ledger import registration
from cases.ledger.registration import CaseInput, ChildInput
from portal.models import Role
from tests.factories import DEFAULT_PASSWORD, AgencyFactory, CouncilFactory, UserFactory, kind

CHILD = "山本 はると"

# Where each role's person works in the town.
WORKPLACE = {
    Role.COORDINATOR: "center",
    Role.FACILITATOR: "center",
    Role.AGENCY_MEMBER: "school",
    Role.CASEWORKER: "cgc",
    Role.ADVISOR: "university",
    Role.ADMIN: "center",
    Role.AUDITOR: "city_it",
}

# The areas, each with the page that stands for it ({case} is the town's case).
AREAS = {
    "home": "/",
    "admin_people": "/admin/people",
    "admin_councils": "/admin/councils",
    "audit_log": "/audit/",
    "audit_export": "/audit/export.csv",
    "ledger": "/cases/",
    "ledger_export": "/cases/export.csv",
    "new_case": "/cases/new",
    "case": "/cases/{case}",
    "case_history": "/cases/{case}/history",
    "case_sharing": "/cases/{case}/sharing",
    "case_access_log": "/cases/{case}/access",
}

OK = 200
NO = 403  # the role may not open this area at all
HIDDEN = 404  # a case the person may not see answers 404, so its existence is not revealed

# role: what each area answers, in the order of AREAS. The ledger and its export open for every
# role but list only the cases the access policy allows (test_ledger_lists_the_case_only_...).
# fmt: off
GATES = {
    #                    home adm_p adm_c audit a_csv  ledger l_csv  new     case    history sharing access
    Role.COORDINATOR:   (OK,  NO,   NO,   NO,   NO,    OK,    OK,    OK,     OK,     OK,     OK,     OK),
    Role.FACILITATOR:   (OK,  NO,   NO,   NO,   NO,    OK,    OK,    OK,     OK,     OK,     OK,     OK),
    Role.AGENCY_MEMBER: (OK,  NO,   NO,   NO,   NO,    OK,    OK,    NO,     OK,     OK,     NO,     NO),
    Role.CASEWORKER:    (OK,  NO,   NO,   NO,   NO,    OK,    OK,    NO,     OK,     OK,     NO,     NO),
    Role.ADVISOR:       (OK,  NO,   NO,   NO,   NO,    OK,    OK,    NO,     HIDDEN, HIDDEN, HIDDEN, HIDDEN),
    Role.ADMIN:         (OK,  OK,   OK,   NO,   NO,    OK,    OK,    NO,     HIDDEN, HIDDEN, HIDDEN, HIDDEN),
    Role.AUDITOR:       (OK,  NO,   NO,   OK,   OK,    OK,    OK,    NO,     HIDDEN, HIDDEN, HIDDEN, HIDDEN),
}
# fmt: on

# The menu links each role is offered.
MENU = {
    Role.COORDINATOR: {"進行管理台帳"},
    Role.FACILITATOR: {"進行管理台帳"},
    Role.AGENCY_MEMBER: {"進行管理台帳"},
    Role.CASEWORKER: {"進行管理台帳"},
    Role.ADVISOR: {"進行管理台帳"},
    Role.ADMIN: {"システム管理"},
    Role.AUDITOR: {"監査ログ"},
}
MENU_LINKS = {"進行管理台帳": "/cases/", "システム管理": "/admin/people", "監査ログ": "/audit/"}


@dataclass
class Town:
    """The agencies of the town and its one case."""

    agencies: dict
    case_id: int
    case_number: str


@pytest.fixture
def town(app) -> Town:
    """Build the town and register the household case (an abuse case, so the 児童相談所 joins)."""
    council = CouncilFactory(name="みどり市要保護児童対策地域協議会")
    agencies = {
        "center": AgencyFactory(name="みどり市こども家庭センター", kind=kind("こども家庭センター")),
        "school": AgencyFactory(name="みどり第一小学校", kind=kind("小学校")),
        "cgc": AgencyFactory(name="県中央児童相談所", kind=kind("児童相談所")),
        "university": AgencyFactory(name="みどり福祉大学", kind=kind("その他")),
        "city_it": AgencyFactory(name="みどり市情報政策課", kind=kind("その他")),
    }
    council.members = [agencies[a] for a in ("center", "school", "cgc")]
    council.coordinating_agency = agencies["center"]
    registrar = UserFactory(agency=agencies["center"], roles=[Role.COORDINATOR])
    case = registration.register_case(
        registrar,
        CaseInput(
            council_id=council.id,
            category="protection",
            received_on=date(2025, 6, 2),
            abuse_types=["physical"],
            children=[
                ChildInput(CHILD, "やまもと はると", date(2016, 9, 1), "男", agencies["school"].id, "3年2組")
            ],
        ),
    )
    return Town(agencies=agencies, case_id=case.id, case_number=case.case_number)


@pytest.fixture
def person_with(app, town):
    """Log in, on a browser of their own, a person holding one role at the role's workplace."""

    def log_in(role: Role):
        user = UserFactory(roles=[role], agency=town.agencies[WORKPLACE[role]])
        browser = app.test_client()
        response = browser.submit("/login", {"login_id": user.login_id, "password": DEFAULT_PASSWORD})
        assert response.status_code == 302
        return browser

    return log_in


def _cells():
    """Yield (role, area, status) for every cell of the table."""
    for role, statuses in GATES.items():
        assert len(statuses) == len(AREAS), f"row {role} has {len(statuses)} cells"
        for area, status in zip(AREAS, statuses, strict=True):
            yield pytest.param(role, area, status, id=f"{role.value}-{area}")


def test_table_has_a_row_for_every_role():
    assert set(GATES) == set(Role) == set(WORKPLACE) == set(MENU)


@pytest.mark.parametrize(("role", "area", "status"), list(_cells()))
def test_role_gate(town, person_with, role, area, status):
    browser = person_with(role)
    response = browser.get(AREAS[area].format(case=town.case_id))
    assert response.status_code == status
    if status in (NO, HIDDEN):
        page = response.get_data(as_text=True)
        assert '<html lang="ja">' in page
        assert "この操作は許可されていません" in page if status == NO else "ページが見つかりません" in page
    if status != OK or area in {"home", "admin_people", "admin_councils", "audit_log", "audit_export"}:
        # Nothing of the case leaks through a refusal, nor through a page that is not about cases.
        assert CHILD not in response.get_data(as_text=True)


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_ledger_lists_the_case_only_to_roles_that_may_see_it(town, person_with, role):
    sees_case = GATES[role][list(AREAS).index("case")] == OK
    browser = person_with(role)
    ledger = browser.get("/cases/").get_data(as_text=True)
    export = browser.get("/cases/export.csv").get_data(as_text=True)
    assert (town.case_number in ledger) is sees_case
    assert (town.case_number in export) is sees_case


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_menu_offers_what_the_role_may_open(town, person_with, role):
    page = person_with(role).get("/").get_data(as_text=True)
    nav = page.split('class="main-nav"')[1].split("</nav>")[0]
    offered = {label for label in MENU_LINKS if label in nav}
    assert offered == MENU[role]
    for label in offered:
        assert f'href="{MENU_LINKS[label]}">{label}</a>' in nav


def test_administrator_holding_every_admin_page_sees_no_case_data(town, person_with):
    browser = person_with(Role.ADMIN)
    for path in ("/", "/admin/people", "/admin/agencies", "/admin/councils", "/cases/"):
        page = browser.get(path).get_data(as_text=True)
        assert CHILD not in page and town.case_number not in page, path
