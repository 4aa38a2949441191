#!/usr/bin/env bash
# Over HTTP (issue 17): gunicorn with gunicorn.conf.py (GUNICORN_WORKERS × GUNICORN_THREADS) on loopback, wrk with 50
# connections against the API inbox of the bench unit reviewer, the public API and /gongshi/. Bounded: DURATION
# seconds per path, loopback only. CACHE_URL (Redis) gives the workers one shared cache, as production has.
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench1m CACHE_URL=redis://127.0.0.1:6379/5 bash bench/http.sh
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?DATABASE_URL of a set built by bench/scale_data.py}"
DURATION=${DURATION:-20}
PORT=${PORT:-8917}
USERNAME=${BENCH_USER:-bench_unit}
export DJANGO_SETTINGS_MODULE=zhicheng.settings.test DB_CONN_MAX_AGE=${DB_CONN_MAX_AGE:-60}
export ZHICHENG_PUBLIC_API_RATE=1000000/min GUNICORN_BIND=127.0.0.1:$PORT ZHICHENG_TEST_CACHE_URL=${CACHE_URL:-}
PATHS=${PATHS:-/api/v1/applications/ /api/v1/public/publicities/ /gongshi/}
mkdir -p var
rm -f var/bench-gunicorn.pid
.venv/bin/gunicorn zhicheng.wsgi --pid var/bench-gunicorn.pid --daemon
for _ in $(seq 100); do [ -s var/bench-gunicorn.pid ] && break; sleep 0.1; done
GPID=$(cat var/bench-gunicorn.pid)
stop() { kill "$GPID"; while kill -0 "$GPID" 2>/dev/null; do sleep 0.2; done; }  # the port is free again after
trap stop EXIT
for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/verify/" && break; sleep 0.2; done
TOKEN=$(curl -sf -d "username=$USERNAME&password=bench-pass-17" "http://127.0.0.1:$PORT/api/v1/auth/token/" |
  .venv/bin/python -c 'import json,sys; print(json.load(sys.stdin)["token"])')
echo "# $(uptime); gunicorn ${GUNICORN_WORKERS:-2} × ${GUNICORN_THREADS:-1} (≤ ${GUNICORN_WORKER_CONNECTIONS:-25} connections each)"
for path in $PATHS; do
  echo "## GET $path"
  wrk -t2 -c50 -d"${DURATION}s" --latency -H "Authorization: Token $TOKEN" "http://127.0.0.1:$PORT$path" |
    grep -E "Requests/sec|Latency  |50%|99%|Non-2xx|Socket errors"
done
echo "# $(uptime)"
