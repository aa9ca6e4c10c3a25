"""The live bench's servers, each in a process of its own: the portal, or a bare python-socketio one."""

import http.cookiejar
import json
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from contextlib import closing, contextmanager
from pathlib import Path

import socketio

from bench import logins
from bench.live_world import NAMESPACE, PASSWORD, config
from bench.serving import serve
from portal import create_app

ROOT = Path(__file__).resolve().parent.parent


def serve_portal(url: str, port: int) -> None:
    """Serve the portal as production does (gunicorn, one gthread worker, threading mode)."""
    serve(lambda: create_app(config(url)), port)


def serve_bare(port: int) -> None:
    """Serve a bare python-socketio server that broadcasts a payload of the asked size to one room."""
    serve(_bare_app, port)


def _bare_app():
    """Return the bare python-socketio WSGI app (built in the gunicorn worker)."""
    sio = socketio.Server(async_mode="threading")

    @sio.on("join", namespace=NAMESPACE)
    def join(sid, data):
        sio.enter_room(sid, "room", namespace=NAMESPACE)
        return {"ok": True}

    @sio.on("move", namespace=NAMESPACE)
    def move(sid, data):
        body = {"number": data["number"], "pad": ""}
        body["pad"] = "x" * max(0, data["size"] - len(json.dumps(body, separators=(",", ":"))))
        sio.emit("change", body, to="room", namespace=NAMESPACE)
        return {"ok": True, "number": data["number"]}

    return socketio.WSGIApp(sio)


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def server(args: list[str], log: Path):
    """Run `bench/live.py --serve ...` in its own process until the block ends; yield its base URL."""
    port = free_port()
    with open(log, "w") as out:
        command = [sys.executable, str(ROOT / "bench" / "live.py"), "--port", str(port), *args]
        proc = subprocess.Popen(command, stdout=out, stderr=out)  # noqa: S603 - this very script
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"the server did not start:\n{log.read_text()}") from None
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def log_in(base: str, login_id: str) -> str:
    """Log in through the login form (with its CSRF token); return the session cookie header."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/login").read().decode()
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"login_id": login_id, "password": PASSWORD, "csrf_token": token})
    answer = opener.open(f"{base}/login", data=form.encode())
    page = answer.read().decode()
    if answer.geturl().endswith("/login/code"):  # a coordinator's second factor (bench/logins.py)
        token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode({"code": logins.code(), "csrf_token": token})
        opener.open(f"{base}/login/code", data=form.encode()).read()
    cookie = next((c for c in jar if c.name == "portal_session"), None)
    if cookie is None:
        raise SystemExit(f"{login_id} could not log in")
    return f"{cookie.name}={cookie.value}"
