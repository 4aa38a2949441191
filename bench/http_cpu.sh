#!/usr/bin/env bash
# CPU per request over HTTP (issue 17): gunicorn (gunicorn.conf.py; GUNICORN_WORKERS / GUNICORN_THREADS override)
# on loopback, a 3 s warm-up, then wrk -t2 -c50 for DURATION seconds against one path with the bench unit
# reviewer's token; prints wrk's figures and the CPU time the gunicorn processes and the PostgreSQL backends of
# the database spent per request (from /proc), and the machine's busy CPU per request. The per-request CPU is less
# sensitive than req/s to how busy the shared machine is, and shows where a configuration spends its cores.
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench1m CACHE_URL=redis://127.0.0.1:6379/5 bash bench/http_cpu.sh
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?DATABASE_URL of a set built by bench/scale_data.py}"
DURATION=${DURATION:-10}
PORT=${PORT:-8931}
URLPATH=${URLPATH:-/api/v1/applications/}
DB=${DATABASE_URL##*/}
export DJANGO_SETTINGS_MODULE=zhicheng.settings.test DB_CONN_MAX_AGE=${DB_CONN_MAX_AGE:-60}
export ZHICHENG_PUBLIC_API_RATE=1000000/min GUNICORN_BIND=127.0.0.1:$PORT ZHICHENG_TEST_CACHE_URL=${CACHE_URL:-}
mkdir -p var
rm -f var/bench-gunicorn-cpu.pid
.venv/bin/gunicorn zhicheng.wsgi --pid var/bench-gunicorn-cpu.pid --daemon
for _ in $(seq 100); do [ -s var/bench-gunicorn-cpu.pid ] && break; sleep 0.1; done
GPID=$(cat var/bench-gunicorn-cpu.pid)
stop() { kill "$GPID"; while kill -0 "$GPID" 2>/dev/null; do sleep 0.2; done; }
trap stop EXIT
for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/verify/" && break; sleep 0.2; done
TOKEN=$(curl -sf -d "username=${BENCH_USER:-bench_unit}&password=bench-pass-17" "http://127.0.0.1:$PORT/api/v1/auth/token/" |
  .venv/bin/python -c 'import json,sys; print(json.load(sys.stdin)["token"])')
URL="http://127.0.0.1:$PORT$URLPATH"
wrk -t2 -c50 -d3s -H "Authorization: Token $TOKEN" "$URL" >/dev/null
ticks() { local s=0; for p in $(pgrep -f "$1"); do s=$((s + $(awk '{print $14+$15}' "/proc/$p/stat" 2>/dev/null || echo 0))); done; echo $s; }
busy() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat; }
g0=$(ticks "gunicorn zhicheng.wsgi"); p0=$(ticks "postgres: .* $DB "); m0=$(busy)
out=$(wrk -t2 -c50 -d"${DURATION}s" --latency -H "Authorization: Token $TOKEN" "$URL")
g1=$(ticks "gunicorn zhicheng.wsgi"); p1=$(ticks "postgres: .* $DB "); m1=$(busy)
n=$(echo "$out" | awk '/requests in/{print $1}')
echo "# $(uptime); gunicorn ${GUNICORN_WORKERS:-2} × ${GUNICORN_THREADS:-1}; $URLPATH"
echo "$out" | grep -E "Requests/sec|50%|99%|Non-2xx|Socket errors"
hz=$(getconf CLK_TCK)
.venv/bin/python -c "n=$n; hz=$hz; ms=lambda a,b: (b-a)*1000/hz/n
print(f'CPU ms per request: gunicorn {ms($g0,$g1):.2f}, PostgreSQL {ms($p0,$p1):.2f}, machine busy {ms($m0,$m1):.2f}')"
