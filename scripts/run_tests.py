"""`make test`: pick the backends, say which in the first line, run the checks and the whole suite.

PostgreSQL and Redis are used when they answer (DATABASE_URL / CELERY_BROKER_URL, defaulting to the local
servers); otherwise SQLite and an in-memory broker, and tests marked `postgres` / `redis` are skipped by name.
Under CI=true the real servers are required: their absence fails the run.
Runs with any Python 3 (stdlib only): `make test` calls it before the virtualenv exists.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from urllib.parse import urlparse

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/test"
DEFAULT_BROKER = "redis://127.0.0.1:6379/0"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PY = os.path.join(ROOT, ".venv", "bin", "python")


def answers(url: str, default_port: int) -> bool:
    parts = urlparse(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or default_port), timeout=2):
            return True
    except OSError:
        return False


def run(cmd: list[str], env: dict) -> int:
    print("$", " ".join(cmd), flush=True)
    return subprocess.call(cmd, env=env, cwd=ROOT)


def main(argv: list[str]) -> int:
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "zhicheng.settings.test"
    db_url = env.get("DATABASE_URL", DEFAULT_DB)
    broker_url = env.get("CELERY_BROKER_URL", DEFAULT_BROKER)
    have_pg = db_url.startswith("postgres") and answers(db_url, 5432)
    have_redis = broker_url.startswith("redis") and answers(broker_url, 6379)
    if have_pg:
        env["DATABASE_URL"] = db_url
        env["ZHICHENG_TEST_POSTGRES"] = "1"
    else:
        env["DATABASE_URL"] = "sqlite:///:memory:"
    if have_redis:
        env["CELERY_BROKER_URL"] = broker_url
        env["ZHICHENG_TEST_REDIS"] = "1"
    else:
        env["CELERY_BROKER_URL"] = "memory://"
    db_label = f"PostgreSQL（{db_url}）" if have_pg else "SQLite（内存，需 PostgreSQL 的测试将跳过）"
    broker_label = f"Redis（{broker_url}）" if have_redis else "内存 broker（需 Redis 的测试将跳过）"
    print(f"测试后端：数据库 {db_label}；消息队列 {broker_label}", flush=True)
    if env.get("CI") == "true" and not (have_pg and have_redis):
        print("CI=true 时必须使用真实的 PostgreSQL 和 Redis，但它们没有响应。", file=sys.stderr)
        return 2
    # The backend line above comes first; then make sure the virtualenv is installed (a no-op when it is).
    if rc := subprocess.call(["make", "-s", "install"], cwd=ROOT):
        return rc

    for cmd in (
        [PY, "-m", "ruff", "check", "."],
        [PY, "-m", "ruff", "format", "--check", "."],
        [PY, "manage.py", "makemigrations", "--check", "--dry-run"],
    ):
        if rc := run(cmd, env):
            return rc
    rc = run([PY, "-m", "pytest", *argv], env)
    if rc == 5:
        print("没有执行任何测试：视为失败。", file=sys.stderr)
        return 1
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
