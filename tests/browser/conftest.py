"""Browser fixtures: a live portal served by the real Socket.IO-capable server, chromium, a page per test."""

import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, sync_playwright
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from portal import create_app
from portal.config import ROOT
from portal.extensions import db
from tests import factories
from tests.browser import accessibility
from tests.conftest import _test_config

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = ROOT / "test-artifacts"


@dataclass
class LiveServer:
    """A portal app served over HTTP on 127.0.0.1; create data inside `with live.app.app_context():`."""

    url: str
    app: Flask


def _free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_listening(port: int, timeout: float = 10.0) -> None:
    """Block until the port accepts connections, or fail the test."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.02)
    pytest.fail(f"the live server did not answer on port {port}")


class _QuietRequestHandler(WSGIRequestHandler):
    """werkzeug's request handler without its access log line.

    A request the browser still has in flight when a test ends (a script, a stylesheet) is served
    by a daemon thread after the test: its log line went to the stream pytest had already closed,
    printing "--- Logging error ---" into the run's output. Errors are still logged.
    """

    def log_request(self, code="-", size="-") -> None:
        """Write nothing for a served request."""


@pytest.fixture
def live_server(database, tmp_path) -> Iterator[LiveServer]:
    """Serve a portal app on its own fresh database from a background thread."""
    app = create_app(_test_config(database.fresh_url(tmp_path)))
    # socketio.run() would block in werkzeug's run_simple with no handle to stop it. make_server is
    # the same threaded werkzeug server it starts, and it can be shut down. The Flask app's wsgi_app
    # is Flask-SocketIO's middleware, and werkzeug hands simple-websocket the raw socket
    # (environ["werkzeug.socket"]), so Socket.IO and its websockets work through it.
    port = _free_port()
    server: BaseWSGIServer = make_server(
        "127.0.0.1", port, app, threaded=True, request_handler=_QuietRequestHandler
    )
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="live-server", daemon=True
    )
    thread.start()
    try:
        _wait_until_listening(port)
        with app.app_context():
            factories.bind(db.session)
        yield LiveServer(url=f"http://127.0.0.1:{port}", app=app)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.session.remove()
            database.reset(db.engine)
            db.engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's chromium, headless, for the whole session (Playwright's own browsers are not used)."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing; run `make browser` to install Debian's chromium")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server, request) -> Iterator[Page]:
    """A fresh Japanese browser context and page on the live server; screenshot saved at the end."""
    context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo", base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    violations: list[str] = []
    # The portal's Content-Security-Policy is on in these tests as in use: a page that breaks it
    # (an inline script or style, a foreign source) fails its test.
    page.on(
        "console",
        lambda m: (
            violations.append(f"{page.url} {m.location}: {m.text[:90]}")
            if "Content Security Policy" in m.text
            else None
        ),
    )
    # Every page the test opens is checked with axe-core; a serious or critical violation fails it.
    inaccessible: list[str] = []
    accessibility.watch(page, inaccessible)
    try:
        yield page
        assert violations == [], f"the page broke the Content-Security-Policy: {violations}"
        assert inaccessible == [], "axe-core found serious or critical violations:\n" + "\n".join(
            dict.fromkeys(inaccessible)
        )
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid.removeprefix("tests/browser/"))
        if not page.is_closed():
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        context.close()


@pytest.fixture
def log_in(page) -> Callable[..., None]:
    """Log a person in through the login form, as they would type it."""

    def do_log_in(login_id: str, password: str = factories.DEFAULT_PASSWORD) -> None:
        page.goto("/login")
        page.get_by_label("ログインID", exact=True).fill(login_id)
        page.get_by_label("パスワード", exact=True).fill(password)
        # The page the form leads to (home, the second factor, or the form again) has arrived
        # before the test goes on, so nothing the test does lands on the login page.
        with page.expect_navigation():
            page.get_by_role("button", name="ログイン", exact=True).click()

    return do_log_in
