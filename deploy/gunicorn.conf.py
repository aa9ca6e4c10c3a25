"""gunicorn settings for one portal instance: `gunicorn -c deploy/gunicorn.conf.py wsgi:app`.

Flask-SocketIO's deployment guide for the threading mode with simple-websocket: one worker process
per instance (gunicorn's own balancer has no sticky sessions, which Socket.IO's polling needs) with
many threads, since every open WebSocket holds a thread. For more capacity run more instances, each
on its own port, behind nginx (deploy/nginx/portal.conf) with REDIS_URL set in every one.

Environment: PORTAL_BIND (default 127.0.0.1:5000), PORTAL_THREADS (default 100),
PORTAL_ACCESS_LOG / PORTAL_ERROR_LOG (default "-", the standard streams).
"""

import os
import sys

bind = [os.environ.get("PORTAL_BIND", "127.0.0.1:5000")]
workers = 1
worker_class = "gthread"
threads = int(os.environ.get("PORTAL_THREADS", "100"))
# A WebSocket or a long-polling request stays open; gunicorn must not take it for a stuck worker.
timeout = 120
# On stop, open WebSockets would hold the worker to the end of this; pages reconnect to another instance.
graceful_timeout = 3
keepalive = 5
# The path only: no query string (a search may name a child) and no referrer (whose query would).
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
accesslog = os.environ.get("PORTAL_ACCESS_LOG", "-")
errorlog = os.environ.get("PORTAL_ERROR_LOG", "-")
loglevel = "info"
proc_name = "yotaikyo-portal"
# gunicorn 27's control socket is one path per user: several instances would fight over it.
control_socket_disable = True
# Trust X-Forwarded-* only as the portal does (PORTAL_PROXY_COUNT through ProxyFix), not here.
forwarded_allow_ips = "127.0.0.1"


def on_starting(server) -> None:
    """Refuse to start an unsafe production configuration before any worker is forked."""
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from portal.startup import unsafe_start_problems

    problems = unsafe_start_problems()
    if problems:
        for problem in problems:
            print(f"起動を中止しました: {problem}", file=sys.stderr)
        sys.exit(2)


# Collect the youngest generation after this many new container objects (Python's default: 700).
GC_THRESHOLDS = (50_000, 20, 10)


def post_worker_init(worker) -> None:
    """Put the loaded app's objects out of the garbage collector's way (gc.freeze) before serving.

    They live as long as the worker (the app, SQLAlchemy's mappers, compiled templates); left in
    the collected generations, every full collection walks all ~180,000 of them, a pause of about
    35 ms (measured on this app) that lands on whichever request or live-room broadcast runs then.

    What serving makes after that (open connections, caches) still grows, and requests leave many
    objects in reference cycles for the collector (one collection below freed 25,000).
    In one bench/live.py run (100 logins and joins, 66 moves) Python's default thresholds (700, 10,
    10) made about 800 young, 80 middle (1-1.5 ms) and 7 full collections walking 53,000-94,000
    objects (12-21 ms each); a move that met a full one reached its last participant in 80-95 ms
    instead of 60-65. With GC_THRESHOLDS the same run made 3 young collections of 8-17 ms and no
    other: the time lost to pauses fell from about 250 ms to 40 ms. Cyclic garbage waits longer
    before it is freed: up to 50,000 new objects, and what outlived a young collection up to about
    a million (the worker's peak memory in that run: 195 MB). Python 3.14 changed what the three
    numbers mean: measure again when the runtime moves on.
    """
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
