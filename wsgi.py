"""Entry point for the WSGI server: `gunicorn -c deploy/gunicorn.conf.py wsgi:app` serves `app`."""

from portal import create_app

app = create_app()
