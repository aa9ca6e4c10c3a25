"""Who sees a council's figures: its coordinators and facilitators, and the caseworkers of a member
児童相談所; everyone else gets 404 for the page and both copies, and no menu link."""

import pytest
from sqlalchemy import select

from cases import policy
from portal.extensions import db
from portal.models import User

COUNCIL_ROUTES = ["/figures/{id}/2025", "/figures/{id}/2025.xlsx", "/figures/{id}/2025.docx"]

# (login, sees the town's council, sees the other council)
PEOPLE = [
    ("sato", True, False),  # coordinator of the town's council
    ("suzuki", True, False),  # facilitator of the town's council
    ("ito", True, True),  # caseworker of the 児童相談所 that is a member of both councils
    ("yamada", False, True),  # coordinator of the other council only
    ("far", False, True),  # caseworker of a 児童相談所 that is a member of the other council only
    ("cgc-clerk", False, False),  # works at the member 児童相談所 but holds no caseworker role
    ("school-cw", False, False),  # holds the caseworker role at a school, not at a 児童相談所
    ("takahashi", False, False),  # teacher
    ("tanaka", False, False),  # nursery head
    ("doctor", False, False),  # hospital
    ("nakamura", False, False),  # agency member at the coordinating center, no coordinator role
    ("admin", False, False),  # system administrator
    ("auditor", False, False),  # auditor
]


def _user(login_id: str) -> User:
    return db.session.scalar(select(User).where(User.login_id == login_id))


@pytest.mark.parametrize(("login_id", "own", "other"), PEOPLE, ids=[p[0] for p in PEOPLE])
def test_the_policy_lets_through_only_those_it_names(town, login_id, own, other):
    user = _user(login_id)
    assert policy.can_view_figures(user, town.council) is own
    assert policy.can_view_figures(user, town.other_council) is other


@pytest.mark.parametrize(("login_id", "own", "other"), PEOPLE, ids=[p[0] for p in PEOPLE])
def test_pages_and_copies_answer_404_to_everyone_else(town, browser, login_id, own, other):
    client = browser(login_id)
    for council, allowed in ((town.council, own), (town.other_council, other)):
        for route in COUNCIL_ROUTES:
            response = client.get(route.format(id=council.id))
            assert response.status_code == (200 if allowed else 404), f"{login_id} {route}"
    menu = client.get("/").get_data(as_text=True)
    assert ('href="/figures/"' in menu) is (own or other)


def test_a_disabled_coordinator_sees_nothing(town):
    town.coordinator.active = False
    assert not policy.can_view_figures(town.coordinator, town.council)


def test_a_closed_council_or_one_that_does_not_exist_answers_404(town, browser):
    client = browser("sato")
    assert client.get("/figures/999999/2025").status_code == 404
    assert client.get(f"/figures/{town.council.id}/1999").status_code == 404
    assert client.get(f"/figures/{town.council.id}/2999").status_code == 404
    town.council.active = False
    db.session.commit()
    assert client.get(f"/figures/{town.council.id}/2025").status_code == 404


def test_logged_out_visitors_are_sent_to_the_login(town, client):
    response = client.get(f"/figures/{town.council.id}/2025")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
