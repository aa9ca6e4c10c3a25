"""Serve one portal process for the several-process tests: `python -m tests.portal_server DB_URL PORT`.

The config is production's (REDIS_URL and PORTAL_LOGIN_RATE_LIMIT come from the environment) on
the given database, with a fixed secret key so that a login made through one process counts in
the other. It is served as production serves it, by gunicorn with deploy/gunicorn.conf.py (one
gthread worker), on 127.0.0.1 until the process is terminated.
"""

import sys

from bench.serving import serve
from portal import create_app

SECRET_KEY = "several-processes-test"  # throwaway test data


def main() -> None:
    """Create the app on the given database and serve it on 127.0.0.1 at the given port."""
    url, port = sys.argv[1], int(sys.argv[2])
    serve(lambda: create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET_KEY}), port)


if __name__ == "__main__":
    main()
