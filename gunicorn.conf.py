"""gunicorn for a 2-core machine (issue 17; README「扩容」): `gunicorn zhicheng.wsgi` reads this file.

Two worker processes (one per core) with 4 threads each. A request is mostly Python (docs/performance.md: the
database work of an inbox page is 1–5 ms of it), so throughput is bounded by the cores, not by threads; the
threads overlap the few PostgreSQL round trips and keep a slow request from holding a whole process, and no third
process competes for the cores with PostgreSQL itself. Every thread keeps its own persistent connection
(CONN_MAX_AGE), so 2 × 4 = 8 server connections per machine. Override with GUNICORN_WORKERS / GUNICORN_THREADS
(rule of thumb: workers = cores, threads 2–4); more throughput comes from more machines (README「扩容」).
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
# Each worker holds at most this many client connections (keep-alive ones included); the rest wait in the listen
# backlog for whichever worker frees a slot. Without a cap one worker can accept a whole burst of connections
# while the other idles: on the bench (docs/performance.md) some runs served 50 connections on one core, half the
# throughput of the others. Behind nginx (README「扩容」) the upstream keep-alive pool stays well under it.
worker_connections = int(os.environ.get("GUNICORN_WORKER_CONNECTIONS", "32"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
max_requests = 5000  # recycle a worker now and then (memory), with jitter so both do not restart together
max_requests_jitter = 500
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
