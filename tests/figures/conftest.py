"""The town of the case tests with a few more cases across the 年度 2024 and 2025, for the figures."""

from datetime import date

import pytest

from cases.ledger import registration
from cases.ledger import services as ledger
from cases.ledger.registration import ChildInput
from portal.models import Role
from tests.cases.conftest import Town, build_town, household_input
from tests.conftest import world_fixture
from tests.factories import AgencyFactory, UserFactory, kind

__all__ = ["Town"]


def build_figures_town() -> Town:
    """Build the town and register cases: 2 in 2024 (one closed in 2025), 6 in 2025, one on 3/31."""
    town = build_town()
    dates = [date(2024, 5, 1), date(2024, 9, 1), date(2025, 3, 31), date(2025, 4, 1)]
    dates += [date(2025, 6, 1), date(2025, 7, 1), date(2025, 8, 1), date(2026, 3, 31)]
    for n, day in enumerate(dates):
        data = household_input(
            town,
            received_on=day,
            category=["protection", "support"][n % 2],
            referral_route=["school", "police", "family"][n % 3],
            abuse_types=["neglect"] if n % 2 else ["physical"],
            children=[ChildInput(f"統計 子{n}", "", date(2015, 4, 1 + n), "女", town.school.id, "")],
            guardians=[],
        )
        case = registration.register_case(town.coordinator, data)
        if n == 1:
            ledger.close_case(town.coordinator, case, date(2025, 10, 1), "improved")
    # A caseworker of a 児童相談所 that is no member of the council, and a center colleague of the
    # caseworker who holds no caseworker role.
    far = AgencyFactory(name="遠方児童相談所", kind=kind("児童相談所"), councils=[town.other_council])
    UserFactory(login_id="far", name="遠方", agency=far, roles=[Role.CASEWORKER])
    UserFactory(login_id="cgc-clerk", name="事務", agency=town.cgc, roles=[Role.AGENCY_MEMBER])
    UserFactory(login_id="school-cw", name="学校", agency=town.school, roles=[Role.CASEWORKER])
    return town


town_file, town = world_fixture(build_figures_town, "town")


@pytest.fixture
def browser(app):
    """Open a logged-in test client for a person."""
    from tests.factories import DEFAULT_PASSWORD

    def open_as(login_id: str):
        client = app.test_client()
        response = client.submit("/login", {"login_id": login_id, "password": DEFAULT_PASSWORD})
        assert response.status_code == 302, "login failed"
        return client

    return open_as
