"""Serve a portal app with gunicorn as production does, from Python: tests and benchmarks use it.

`serve(factory, port)` runs gunicorn in this process with deploy/gunicorn.conf.py (one gthread
worker, many threads: Flask-SocketIO's threading mode with simple-websocket) bound to
127.0.0.1:port, and builds the app with `factory()` in the worker, after the fork, as
`gunicorn wsgi:app` does. It returns when the server is stopped (SIGTERM, SIGINT).
"""

import runpy
from collections.abc import Callable
from pathlib import Path

from flask import Flask
from gunicorn.app.base import BaseApplication

CONFIG = Path(__file__).resolve().parent.parent / "deploy" / "gunicorn.conf.py"


class _Portal(BaseApplication):
    """gunicorn with the deployment's settings, the given bind and logs, and an app made by a factory."""

    def __init__(self, factory: Callable[[], Flask], options: dict):
        self.factory = factory
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        """Read deploy/gunicorn.conf.py, then apply this server's own options over it."""
        for key, value in runpy.run_path(str(CONFIG)).items():
            if key in self.cfg.settings:
                self.cfg.set(key, value)
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        """Build the app in the worker process."""
        return self.factory()


def serve(factory: Callable[[], Flask], port: int, **options) -> None:
    """Serve the factory's app with gunicorn on 127.0.0.1:port until the process is stopped."""
    _Portal(factory, {"bind": [f"127.0.0.1:{port}"], **options}).run()
