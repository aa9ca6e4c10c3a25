"""Only system administrators reach the administration pages, through every route."""

import re

import pytest

from portal.models import Role
from tests.conftest import world_fixture
from tests.factories import AgencyFactory, CouncilFactory, UserFactory

# Every route of the blueprint, with the method to try; ids are filled in by `world`.
ROUTES = [
    ("GET", "/admin/councils"),
    ("GET", "/admin/councils/new"),
    ("POST", "/admin/councils/new"),
    ("GET", "/admin/councils/{council}"),
    ("POST", "/admin/councils/{council}"),
    ("GET", "/admin/kinds"),
    ("GET", "/admin/kinds/new"),
    ("POST", "/admin/kinds/new"),
    ("GET", "/admin/kinds/{kind}"),
    ("POST", "/admin/kinds/{kind}"),
    ("GET", "/admin/agencies"),
    ("GET", "/admin/agencies/new"),
    ("POST", "/admin/agencies/new"),
    ("GET", "/admin/agencies/{agency}"),
    ("POST", "/admin/agencies/{agency}"),
    ("GET", "/admin/people"),
    ("GET", "/admin/people/new"),
    ("POST", "/admin/people/new"),
    ("GET", "/admin/people/{person}"),
    ("POST", "/admin/people/{person}"),
    ("POST", "/admin/people/{person}/disable"),
    ("POST", "/admin/people/{person}/enable"),
    ("GET", "/admin/people/{person}/password"),
    ("POST", "/admin/people/{person}/password"),
    ("POST", "/admin/people/{person}/unlock"),
    ("POST", "/admin/people/{person}/two-factor-reset"),
]

NON_ADMIN_ROLES = [r for r in Role if r is not Role.ADMIN]


def build_world():
    """One object of each kind for the routes to name."""
    council = CouncilFactory()
    agency = AgencyFactory(councils=[council])
    person = UserFactory(agency=agency)
    return {"council": council.id, "kind": agency.kind_id, "agency": agency.id, "person": person.id}


world_file, world = world_fixture(build_world, "world")


def _call(client, method: str, url: str):
    """Open the route as a browser would; a POST carries a valid CSRF token, so only the gate stops it."""
    if method == "GET":
        return client.get(url)
    # The token comes from whatever page the person lands on (login, error page or list).
    page = client.get("/admin/councils", follow_redirects=True).get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    return client.post(url, data={"csrf_token": token, "name": "書き換え", "active": "y"})


def test_table_covers_every_route(app):
    rules = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("agencies.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    table = {
        (
            method,
            path.replace("{council}", "<id:council_id>")
            .replace("{kind}", "<id:kind_id>")
            .replace("{agency}", "<id:agency_id>")
            .replace("{person}", "<id:user_id>"),
        )
        for method, path in ROUTES
    }
    assert table == rules


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_anonymous_is_sent_to_login(client, world, method, path):
    response = _call(client, method, path.format(**world))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("role", NON_ADMIN_ROLES, ids=[r.value for r in NON_ADMIN_ROLES])
@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_non_admin_roles_are_refused(client, login, world, role, method, path):
    # Even holding every other role at once would not help; one at a time shows each is refused.
    user = UserFactory(roles=[role])
    login(user)
    response = _call(client, method, path.format(**world))
    assert response.status_code == 403
    assert "この操作は許可されていません" in response.get_data(as_text=True)


@pytest.mark.parametrize(("method", "path"), [r for r in ROUTES if r[0] == "GET"])
def test_admin_opens_every_page(client, login, world, method, path):
    login(UserFactory(roles=[Role.ADMIN]))
    response = client.get(path.format(**world))
    assert response.status_code == 200
    assert '<html lang="ja">' in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    [
        "/admin/councils/999",
        "/admin/kinds/999",
        "/admin/agencies/999",
        "/admin/people/999",
        "/admin/people/999/password",
    ],
)
def test_unknown_ids_answer_404(client, login, path):
    login(UserFactory(roles=[Role.ADMIN]))
    response = client.get(path)
    assert response.status_code == 404
    assert "ページが見つかりません" in response.get_data(as_text=True)


@pytest.mark.parametrize("action", ["disable", "enable", "unlock"])
def test_unknown_person_actions_answer_404(client, login, action):
    login(UserFactory(roles=[Role.ADMIN]))
    assert client.submit(f"/admin/people/999/{action}").status_code == 404
