"""Entry point: `python wsgi.py` serves the portal with Flask-SocketIO; WSGI servers import `app`."""

import os

from portal import create_app
from portal.extensions import socketio

app = create_app()

if __name__ == "__main__":
    socketio.run(
        app,
        host=os.environ.get("PORTAL_HOST", "127.0.0.1"),
        port=int(os.environ.get("PORTAL_PORT", "5000")),
        allow_unsafe_werkzeug=True,
    )
