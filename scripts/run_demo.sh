#!/usr/bin/env bash
# `make run`: the whole system on embedded defaults (SQLite + filesystem broker): web, worker and beat.
# Ctrl-C stops everything it started; running it again keeps the data.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-zhicheng.settings.local}
PORT=${PORT:-8000}
mkdir -p var/broker/out var/broker/processed var/log

$PY manage.py migrate --noinput >var/log/migrate.log
$PY manage.py load_reference_data
$PY manage.py load_demo

pids=()
cleanup() {
  trap - INT TERM EXIT
  echo; echo "正在停止……"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "已停止。"
}
trap cleanup INT TERM EXIT

$PY manage.py runserver "127.0.0.1:$PORT" --noreload >var/log/web.log 2>&1 &
pids+=($!)
$PY -m celery -A zhicheng worker --concurrency=1 --loglevel=INFO >var/log/worker.log 2>&1 &
pids+=($!)
$PY -m celery -A zhicheng beat --loglevel=INFO --schedule=var/celerybeat-schedule >var/log/beat.log 2>&1 &
pids+=($!)

for _ in $(seq 1 60); do
  if $PY - "$PORT" <<'PYEOF' 2>/dev/null; then break; fi
import socket, sys
socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1).close()
PYEOF
  sleep 0.5
done
echo
echo "职称评审业务系统已启动：http://127.0.0.1:$PORT/"
echo "后台管理：http://127.0.0.1:$PORT/admin/    日志：var/log/（web、worker、beat）"
$PY manage.py load_demo --accounts
echo "按 Ctrl-C 停止 Web、worker 和 beat。"
wait
