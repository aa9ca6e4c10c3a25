"""Security headers on every response; pages and downloads kept out of every cache."""

import pytest

from tests.cases.conftest import town, town_file

__all__ = ["town", "town_file"]

CSP_PARTS = [
    "script-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
]


def _check_security_headers(response) -> None:
    """Assert the headers every answer carries."""
    policy = response.headers["Content-Security-Policy"]
    for part in CSP_PARTS:
        assert part in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]


@pytest.mark.parametrize(
    "path",
    ["/", "/cases/", "/cases/1", "/cases/1/history", "/cases/export.csv", "/cases/export.xlsx", "/meetings/"],
)
def test_pages_and_files_with_case_data_carry_the_headers_and_are_never_stored(town, client, login, path):
    login(town.coordinator)
    response = client.get(path)
    assert response.status_code == 200
    _check_security_headers(response)
    assert response.headers["Cache-Control"] == "no-store"


def test_the_login_and_error_pages_carry_them_too(client):
    for path in ["/login", "/no-such-page"]:
        _check_security_headers(client.get(path))


def test_static_files_may_be_cached_and_hsts_is_sent_over_https_only(client):
    static = client.get("/static/css/portal.css")
    static.close()
    assert "no-store" not in static.headers.get("Cache-Control", "")
    assert "Strict-Transport-Security" not in client.get("/login").headers
    over_https = client.get("/login", base_url="https://portal.example")
    assert over_https.headers["Strict-Transport-Security"].startswith("max-age=31536000")
