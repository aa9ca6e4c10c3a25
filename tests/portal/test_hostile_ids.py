"""Hostile ids: every id in a URL, a query string or a form that the database cannot hold answers 404.

PostgreSQL's integer columns end at 2^31 - 1 and SQLite's at 2^63 - 1; a larger number must find
nothing (404), never reach a query and crash it (500). The table is every route of the app that
takes an id, for a person holding every role (so no gate stops the request before the id is read).
"""

import re

import pytest
from werkzeug.routing import AnyConverter

from portal import create_app
from portal.ids import MAX_ID, IdConverter, parse_id, parse_int
from portal.models import Role
from tests.factories import UserFactory

HOSTILE = ["9223372036854775808", "99999999999999999999", str(MAX_ID + 1), "0", "00", "-1", "1e3", "١٢"]


def _id_routes() -> list:
    """Return (method, rule) for every route that takes an id."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "collecting-routes"})
    found = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if any(isinstance(c, IdConverter) for c in rule._converters.values()):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                found.append(pytest.param(method, rule, id=f"{method} {rule.rule}"))
    return found


ID_ROUTES = _id_routes()


def _url(rule, hostile: str) -> str:
    """Write the rule's path with every id replaced by the hostile text (a file format by an allowed one)."""
    parts = re.split(r"<([^>]+)>", rule.rule)
    for index in range(1, len(parts), 2):
        name = parts[index].split(":")[-1]
        converter = rule._converters[name]
        if isinstance(converter, IdConverter):
            parts[index] = hostile
        elif isinstance(converter, AnyConverter):
            parts[index] = sorted(converter.items)[0]
        else:
            parts[index] = "x"
    return "".join(parts)


def test_a_logged_in_person_gets_404_too(client, login):
    """For someone holding every role the answer is the same: no such case, meeting or plan."""
    login(UserFactory(roles=list(Role)))
    for url in ["/cases/9223372036854775808", "/meetings/99999999999999999999", "/cases/1/plans/2147483648"]:
        assert client.get(url).status_code == 404


def test_there_are_id_routes_to_check():
    assert len(ID_ROUTES) > 40


@pytest.mark.parametrize(("method", "rule"), ID_ROUTES)
def test_every_id_route_answers_404_for_ids_the_database_cannot_hold(client, method, rule):
    """The id converter refuses them while matching the URL: no view (or query) ever gets one."""
    token = client.csrf_token()
    for hostile in HOSTILE:
        url = _url(rule, hostile)
        if method == "GET":
            response = client.get(url)
        else:
            response = client.open(url, method=method, data={"csrf_token": token})
        assert response.status_code == 404, f"{method} {url} answered {response.status_code}"
        assert "ページが見つかりません" in response.get_data(as_text=True)


QUERY_IDS = [
    "/reports/monthly?council={}",
    "/reports/board?council={}",
    "/reports/alerts?council={}",
    "/reports/immediate?council={}&child={}",
    "/reports/template.xlsx?council={}",
    "/audit/?upto={}&page={}",
    "/admin/people?page={}&agency_id={}",
    "/admin/agencies?page={}&kind_id={}",
    "/cases/?page={}&council_id={}&lead_agency_id={}&enrolled_agency_id={}",
]


@pytest.mark.parametrize("template", QUERY_IDS)
def test_ids_in_query_strings_never_crash_a_page(client, login, template):
    login(UserFactory(roles=list(Role)))
    for hostile in HOSTILE:
        url = template.replace("{}", hostile)
        response = client.get(url)
        assert response.status_code < 500, f"{url} answered {response.status_code}"


def test_parse_id_takes_only_ids_the_database_can_hold():
    assert parse_id("1") == 1 and parse_id(MAX_ID) == MAX_ID and parse_id(str(MAX_ID)) == MAX_ID
    for bad in [None, "", "0", 0, -1, MAX_ID + 1, "1.0", "1e3", " 1", "١", True, [1], {"a": 1}, 1.5]:
        assert parse_id(bad) is None, bad


def test_parse_int_keeps_to_its_bounds():
    assert parse_int("7", 0, 10) == 7 and parse_int(-3, -5, 5) == -3
    for bad in ["11", "x", "9" * 40, None, True, 3.0, [3]]:
        assert parse_int(bad, 0, 10) is None, bad
