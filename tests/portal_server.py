"""Serve one portal process for the several-process tests: `python -m tests.portal_server DB_URL PORT`.

The config is production's (REDIS_URL and PORTAL_LOGIN_RATE_LIMIT come from the environment) on
the given database, with a fixed secret key so that a login made through one process counts in
the other. It is served by werkzeug's threaded server on 127.0.0.1 (the server `socketio.run()`
starts) until the process is terminated.
"""

import sys

from werkzeug.serving import make_server

from portal import create_app

SECRET_KEY = "several-processes-test"  # throwaway test data


def main() -> None:
    """Create the app on the given database and serve it on 127.0.0.1 at the given port."""
    url, port = sys.argv[1], int(sys.argv[2])
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET_KEY})
    server = make_server("127.0.0.1", port, app, threaded=True)
    server.serve_forever(poll_interval=0.05)


if __name__ == "__main__":
    main()
