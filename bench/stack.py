"""Run the portal as deploy/ describes, on 127.0.0.1: PostgreSQL, Redis, N gunicorn instances, nginx.

Tests (tests/deploy/) and benchmarks use it the same way:

    with Stack(folder) as stack:                 # a throwaway folder for data, config and logs
        url = stack.start_postgres()             # initdb + a database "portal" (as postgres when root)
        stack.start_redis()
        ... migrate and seed `url` ...
        stack.start_portals(2)                   # `gunicorn -c deploy/gunicorn.conf.py wsgi:app` each
        base = stack.start_nginx()               # deploy/nginx/portal.conf in front of them

Every server listens on a free port of 127.0.0.1 and runs in a process group of its own, so
`stack.kill(stack.portals[0])` SIGKILLs an instance's gunicorn master and worker at once (as a
machine dying). Everything still running is stopped when the block ends. The binaries are
Debian's: `make redis nginx` and .ci/with-postgres install them.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import closing, suppress
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NGINX_SITE = ROOT / "deploy" / "nginx" / "portal.conf"
TEMP_KINDS = ("proxy", "fastcgi", "uwsgi", "scgi")
SECRET_KEY = "stack-on-127.0.0.1-" + "0" * 40  # throwaway data only


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def missing_binaries(*names: str) -> list[str]:
    """Return which of redis-server, nginx, postgres (initdb) are not installed."""
    found = {
        "redis-server": shutil.which("redis-server"),
        "nginx": shutil.which("nginx") or (Path("/usr/sbin/nginx").exists() or None),
        "postgres": _pg_bin() is not None or None,
    }
    return [name for name in names if not found[name]]


def _pg_bin() -> Path | None:
    """Return the newest installed PostgreSQL server's bin folder."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    return found[-1].parent if found else None


@dataclass
class Server:
    """One started server: its process (group leader), port, log and a name for messages."""

    name: str
    process: subprocess.Popen
    port: int
    log: Path
    stop_signal: int = signal.SIGTERM

    @property
    def url(self) -> str:
        """Return its base URL."""
        return f"http://127.0.0.1:{self.port}"


class Stack:
    """The servers started in one folder, stopped in reverse order when the block ends."""

    def __init__(self, folder: Path, env: dict[str, str] | None = None):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.env = {**os.environ, **(env or {})}
        self.servers: list[Server] = []
        self.portals: list[Server] = []
        self.database_url = ""
        self.redis_url = ""
        self.nginx: Server | None = None
        self._cleanups: list = []

    def __enter__(self) -> "Stack":
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def close(self) -> None:
        """Stop every server still running, then run the cleanups (the PostgreSQL folder)."""
        for server in reversed(self.servers):
            self.stop(server)
        for cleanup in reversed(self._cleanups):
            cleanup()
        self._cleanups.clear()

    def _start(self, name: str, command: list, port: int, stop_signal=signal.SIGTERM, **kwargs) -> Server:
        """Start a command in a process group of its own and wait until it listens on the port."""
        log = self.folder / f"{name}.log"
        with open(log, "w") as out:
            process = subprocess.Popen(  # noqa: S603 - our own servers, argument lists
                [str(c) for c in command],
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                env=kwargs.pop("env", self.env),
                **kwargs,
            )
        server = Server(name, process, port, log, stop_signal)
        self.servers.append(server)
        wait_listening(server)
        return server

    def stop(self, server: Server, timeout: float = 15) -> None:
        """Stop a server gracefully (SIGTERM to its group), killing it if it does not end in time."""
        if server.process.poll() is None:
            _signal_group(server.process, server.stop_signal)
            try:
                server.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill(server)
        _signal_group(server.process, signal.SIGKILL)  # anything the leader left behind

    def kill(self, server: Server) -> None:
        """SIGKILL a server's whole process group (gunicorn's master and worker together)."""
        _signal_group(server.process, signal.SIGKILL)
        server.process.wait(timeout=10)

    def start_postgres(self) -> str:
        """Start a throwaway PostgreSQL server with a database "portal"; return its URL."""
        pg_bin = _pg_bin()
        if pg_bin is None:
            raise RuntimeError("PostgreSQL is not installed; .ci/with-postgres installs Debian's")
        data = Path(tempfile.mkdtemp(prefix="portal-stack-pg."))  # /tmp: readable by postgres
        self._cleanups.append(lambda: shutil.rmtree(data, ignore_errors=True))
        as_pg: list[str] = []
        if os.geteuid() == 0:  # initdb refuses root; run the server as postgres then
            shutil.chown(data, "postgres", "postgres")
            as_pg = ["runuser", "-u", "postgres", "--"]
        initdb = [*as_pg, pg_bin / "initdb", "-D", data / "db", "-U", "postgres", "-A", "trust", "-E", "UTF8"]
        subprocess.run([str(c) for c in [*initdb, "--locale=C.UTF-8"]], check=True, capture_output=True)  # noqa: S603
        port = free_port()
        options = ["-h", "127.0.0.1", "-p", port, "-k", data, "-c", "fsync=off"]
        command = [*as_pg, pg_bin / "postgres", "-D", data / "db", *options]
        self._start("postgres", command, port, stop_signal=signal.SIGINT)  # SIGINT: fast shutdown
        for _ in range(100):  # listening is not yet accepting: wait for pg_isready
            ready = subprocess.run(  # noqa: S603
                [str(pg_bin / "pg_isready"), "-h", "127.0.0.1", "-p", str(port)], capture_output=True
            )
            if ready.returncode == 0:
                break
            time.sleep(0.1)
        create = [pg_bin / "createdb", "-h", "127.0.0.1", "-p", port, "-U", "postgres", "portal"]
        subprocess.run([str(c) for c in create], check=True, capture_output=True)  # noqa: S603
        self.database_url = f"postgresql://postgres@127.0.0.1:{port}/portal"
        return self.database_url

    def start_redis(self) -> str:
        """Start a throwaway redis-server (no persistence); return its URL."""
        port = free_port()
        folder = self.folder / "redis"
        folder.mkdir(exist_ok=True)
        command = ["redis-server", "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self._start("redis", command, port, cwd=folder)
        self.redis_url = f"redis://127.0.0.1:{port}/0"
        return self.redis_url

    def portal_env(self, count: int, **extra: str) -> dict[str, str]:
        """Return the environment of a production instance (as deploy/portal.env sets it)."""
        return {
            **self.env,
            "PORTAL_ENV": "production",
            "PORTAL_INSTANCES": str(count),
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "SECRET_KEY": SECRET_KEY,
            "PORTAL_PROXY_COUNT": "1",
            **extra,
        }

    def start_portals(self, count: int, **extra: str) -> list[Server]:
        """Start `count` gunicorn instances as the systemd unit does; return them."""
        for _ in range(count):
            n, port = len(self.portals), free_port()
            env = self.portal_env(count, **extra)
            env.update(
                PORTAL_BIND=f"127.0.0.1:{port}",
                PORTAL_ACCESS_LOG=str(self.folder / f"portal-{n}.access.log"),
                PORTAL_ERROR_LOG=str(self.folder / f"portal-{n}.error.log"),
            )
            command = [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "wsgi:app"]
            self.portals.append(self._start(f"portal-{n}", command, port, cwd=ROOT, env=env))
        return self.portals

    def start_nginx(self, debug_upstream: bool = True) -> str:
        """Start nginx with deploy/nginx/portal.conf in front of the instances; return its base URL.

        With `debug_upstream` each response names the instance that served it (X-Portal-Upstream),
        for tests that pin people to instances; the deployed file has no such header.
        """
        folder = self.folder / "nginx"
        for sub in ("", "body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (folder / sub).mkdir(parents=True, exist_ok=True)
            (folder / sub).chmod(0o777)  # nginx's workers (nobody when run as root) write temp files here
        port = free_port()
        site = nginx_site(port, [p.port for p in self.portals], folder)
        if debug_upstream:
            site = site.replace(
                "    server_name",
                "    add_header X-Portal-Upstream $upstream_addr always;\n    server_name",
                1,
            )
        (folder / "portal.conf").write_text(site)
        (folder / "nginx.conf").write_text(
            f"worker_processes 1;\npid {folder}/nginx.pid;\nerror_log {folder}/main.error.log warn;\n"
            "events { worker_connections 1024; }\nhttp {\n"
            + "".join(
                f"    {kind}_temp_path {folder}/{kind};\n" for kind in ("proxy", "fastcgi", "uwsgi", "scgi")
            )
            + f"    client_body_temp_path {folder}/body;\n    include {folder}/portal.conf;\n}}\n"
        )
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        command = [binary, "-p", folder, "-c", folder / "nginx.conf", "-e", folder / "main.error.log"]
        self.nginx = self._start("nginx", [*command, "-g", "daemon off;"], port)
        return self.nginx.url


def nginx_site(port: int, upstreams: list[int], logs: Path) -> str:
    """Return deploy/nginx/portal.conf listening on 127.0.0.1:port, with these instances and log folder."""
    site = NGINX_SITE.read_text()
    servers = "".join(f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;\n" for p in upstreams)
    site, replaced = re.subn(r"(?m)^    server 127\.0\.0\.1:\d+[^\n]*\n", "", site)
    assert replaced, "deploy/nginx/portal.conf lists no upstream instance"
    site = site.replace("upstream portal {\n", "upstream portal {\n" + servers, 1)
    site = re.sub(r"(?m)^(\s*)listen [^;]+;", rf"\1listen 127.0.0.1:{port};", site)
    return site.replace("/var/log/nginx/", f"{logs}/")


def wait_listening(server: Server, timeout: float = 30) -> None:
    """Block until the server accepts connections on its port; raise with its log if it does not."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and server.process.poll() is None:
        try:
            with socket.create_connection(("127.0.0.1", server.port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{server.name} did not listen on {server.port}:\n{server.log.read_text()[-4000:]}")


def _signal_group(process: subprocess.Popen, sig: int) -> None:
    """Send a signal to the process group the process leads, if it is still there."""
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, sig)
