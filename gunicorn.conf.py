"""gunicorn for a 2-core machine (issue 17; README「扩容」): `gunicorn zhicheng.wsgi` reads this file.

Two worker processes (one per core), one request thread each. A request is mostly Python (docs/performance.md: the
API inbox is ~4.5 ms of CPU in the worker and ~1 ms in PostgreSQL), so the cores bound throughput; measured on
the 1 M-case bench with 50 connections, 2 × 1 served the API inbox at ~350 req/s where 2 × 2 gave 260–330 and
2 × 4 270–280 (threads of one process contend for its interpreter lock), and 3 or 4 processes did worse than 2.
The price of one thread: a long request (a large Excel export, a PDF) holds its worker's other connections until it
ends. Where such requests are frequent set GUNICORN_THREADS=2. Every thread keeps its own persistent connection
(CONN_MAX_AGE): workers × threads server connections per machine. More throughput comes from more machines
(README「扩容」).
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = "gthread"
# Each worker holds at most this many client connections (keep-alive ones included); the rest wait in the listen
# backlog for whichever worker frees a slot. Without a cap one worker can accept a whole burst of connections
# while the other idles: on the bench (docs/performance.md) some runs served 50 connections on one core, half the
# throughput of the others; with 25 the bench's 50 split evenly and the slowest queue is ~25 requests (~140 ms at
# full load). 2 × 25 clients are served at once per machine; behind nginx (README「扩容」) keep its upstream
# keep-alive pool at or below that.
worker_connections = int(os.environ.get("GUNICORN_WORKER_CONNECTIONS", "25"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle a worker now and then (memory), with jitter so both do not restart together. A new worker costs ~0.5 s of
# CPU to import and set up Django, and starts with cold per-process caches (reference rows, compiled and prepared
# statements); at 5,000 requests that was a restart of each worker every ~25 s at full load (~3 % of its CPU).
# At 100,000 it is every ~8 minutes at full load and rarely more than daily at a committee office's usual load.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "100000"))
max_requests_jitter = max_requests // 10
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
# GUNICORN_PRELOAD=1 imports Django once in the master and forks workers from it: a recycled worker does not
# import and set up Django again (~0.5 s of CPU; on the bench, at a recycle every 5,000 requests, the p99 over
# 60 s was 0.6–0.7 s instead of 0.9–1.0 s; docs/performance.md), at the price that `kill -HUP` no longer loads
# new code — a deployment must restart gunicorn. Off by default: at 100,000 requests per worker a recycle is rare.
preload_app = os.environ.get("GUNICORN_PRELOAD", "0") == "1"
