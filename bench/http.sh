#!/usr/bin/env bash
# Over HTTP (issue 17): gunicorn with gunicorn.conf.py (2 workers × 4 threads) on loopback, wrk with 50 connections
# against the API inbox of the bench unit reviewer. Bounded: DURATION seconds, loopback only.
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench1m bash bench/http.sh
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?DATABASE_URL of a set built by bench/scale_data.py}"
DURATION=${DURATION:-20}
PORT=${PORT:-8917}
USERNAME=${BENCH_USER:-bench_unit}
export DJANGO_SETTINGS_MODULE=zhicheng.settings.test DB_CONN_MAX_AGE=${DB_CONN_MAX_AGE:-60}
export ZHICHENG_PUBLIC_API_RATE=1000000/min GUNICORN_BIND=127.0.0.1:$PORT
.venv/bin/gunicorn zhicheng.wsgi --pid var/bench-gunicorn.pid --daemon
trap 'kill "$(cat var/bench-gunicorn.pid)"' EXIT
for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/verify/" && break; sleep 0.2; done
TOKEN=$(curl -sf -d "username=$USERNAME&password=bench-pass-17" "http://127.0.0.1:$PORT/api/v1/auth/token/" |
  .venv/bin/python -c 'import json,sys; print(json.load(sys.stdin)["token"])')
echo "# $(uptime)"
for path in /api/v1/applications/ /api/v1/public/publicities/ /gongshi/; do
  echo "## GET $path"
  wrk -t2 -c50 -d"${DURATION}s" --latency -H "Authorization: Token $TOKEN" "http://127.0.0.1:$PORT$path" |
    grep -E "Requests/sec|Latency  |50%|99%|Non-2xx|Socket errors"
done
echo "# $(uptime)"
