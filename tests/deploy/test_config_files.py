"""The files of deploy/ are valid for the programs that read them (nginx -t, gunicorn --check-config)."""

import shutil
import subprocess
import sys

import pytest

from bench.stack import NGINX_SITE, ROOT, missing_binaries


def test_the_nginx_site_passes_nginx_t_as_debian_includes_it(tmp_path):
    if missing_binaries("nginx"):
        pytest.skip("nginx not installed: `make nginx` installs Debian's")
    for kind in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp_path / kind).mkdir()
    site = NGINX_SITE.read_text().replace("/var/log/nginx/", f"{tmp_path}/")
    (tmp_path / "portal.conf").write_text(site)
    temp = "".join(f"{k}_temp_path {tmp_path}/{k};\n" for k in ("proxy", "fastcgi", "uwsgi", "scgi"))
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nevents {{}}\nhttp {{\n{temp}client_body_temp_path {tmp_path}/body;\n"
        f"include {tmp_path}/portal.conf;\n}}\n"
    )
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    command = [
        binary,
        "-t",
        "-p",
        str(tmp_path),
        "-c",
        str(tmp_path / "nginx.conf"),
        "-e",
        str(tmp_path / "e.log"),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=30)  # noqa: S603
    assert done.returncode == 0, done.stderr
    assert "syntax is ok" in done.stderr


def test_the_gunicorn_settings_load():
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        "deploy/gunicorn.conf.py",
        "--check-config",
        "wsgi:app",
    ]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)  # noqa: S603
    assert done.returncode == 0, done.stderr


def test_a_worker_freezes_what_it_loaded_and_collects_garbage_less_often():
    """post_worker_init, run in a fresh interpreter as a worker runs it: frozen objects, raised thresholds."""
    script = (
        "import gc, runpy\n"
        "settings = runpy.run_path('deploy/gunicorn.conf.py')\n"
        "assert gc.get_freeze_count() == 0\n"
        "settings['post_worker_init'](None)\n"
        "print(gc.get_freeze_count(), *gc.get_threshold(), *settings['GC_THRESHOLDS'])\n"
    )
    command = [sys.executable, "-c", script]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)  # noqa: S603
    assert done.returncode == 0, done.stderr
    frozen, *numbers = map(int, done.stdout.split())
    assert frozen > 1000
    assert numbers[:3] == numbers[3:] and numbers[0] > 700
