"""Socket.IO checks the Origin: a page of another site that a logged-in person opens cannot connect.

Served by the real server (the browser tests' live server), so Engine.IO's handshake runs as in use.
The login cookie is the person's own; only the Origin header says which site's page asks.
"""

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request

import websocket

from tests.factories import DEFAULT_PASSWORD, UserFactory


def _login_cookie(base: str, login_id: str) -> str:
    """Log in through the form and return the session cookie header."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/login", timeout=10).read().decode()
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"login_id": login_id, "password": DEFAULT_PASSWORD, "csrf_token": token})
    opener.open(f"{base}/login", data=body.encode(), timeout=10).read()
    cookie = next(c for c in jar if c.name == "portal_session")
    return f"{cookie.name}={cookie.value}"


def _polling_handshake(base: str, cookie: str, origin: str | None) -> int:
    """Open Engine.IO's polling transport with this Origin (None: not a browser); return the status."""
    headers = {"Cookie": cookie} | ({"Origin": origin} if origin else {})
    request = urllib.request.Request(f"{base}/socket.io/?EIO=4&transport=polling", headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - the test's own server
            return response.status
    except urllib.error.HTTPError as error:
        error.close()
        return error.code


def _websocket_handshake(base: str, cookie: str, origin: str) -> int:
    """Open Engine.IO's websocket transport with this Origin, as a browser page would; return the status."""
    url = base.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
    try:
        connection = websocket.create_connection(url, origin=origin, cookie=cookie, timeout=5)
    except websocket.WebSocketBadStatusException as error:
        return error.status_code
    connection.close()
    return 101


def test_only_the_portals_own_pages_may_open_a_connection(live_server):
    with live_server.app.app_context():
        login_id = UserFactory().login_id
    base = live_server.url
    cookie = _login_cookie(base, login_id)
    assert _polling_handshake(base, cookie, base) == 200
    assert _polling_handshake(base, cookie, None) == 200
    assert _polling_handshake(base, cookie, "https://evil.example") == 400
    assert _polling_handshake(base, cookie, "null") == 400
    assert _websocket_handshake(base, cookie, base) == 101
    assert _websocket_handshake(base, cookie, "https://evil.example") == 400
