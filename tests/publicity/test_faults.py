"""Fault tests on the real PostgreSQL and Redis with real `celery worker -B` processes (issue: timers).

The worker uses the test database (committed data: transaction=True) and Redis db 5, which these tests alone may
flush. Due times are set a few seconds ahead of the real clock; nothing sleeps longer than it must, and every wait
is bounded.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
import time_machine
from django.db import connection
from django.utils import timezone

from applications import services
from applications.models import Application, ApplicationEvent, Deadline, Status
from publicity import services as pub
from publicity.models import Publicity, PublicityEntry
from tests.conftest import shanghai
from tests.factories import World, submit

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference"),
]
BROKER = "redis://127.0.0.1:6379/5"
ROOT = Path(__file__).resolve().parents[2]
S = Status


@pytest.fixture
def broker():
    client = redis.Redis.from_url(BROKER)
    client.flushdb()  # db 5 belongs to these tests alone
    yield client
    client.flushdb()


@pytest.fixture
def workers(tmp_path, broker):
    """Start `celery worker -B` processes on the test database; each in its own process group."""
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.publicity.worker_settings",
        "DATABASE_URL": url,
        "CELERY_BROKER_URL": BROKER,
        "PYTHONPATH": str(ROOT),
    }
    started: list[subprocess.Popen] = []

    def start(name: str) -> subprocess.Popen:
        log = open(tmp_path / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        cmd = [
            sys.executable, "-m", "celery", "-A", "zhicheng.celery", "worker", "-B", "--pool=solo",
            "-n", f"{name}@%h", "-s", str(tmp_path / f"{name}-beat"), "-l", "info",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
        ]  # fmt: skip
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        started.append(proc)
        return proc

    yield start
    for proc in started:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def kill(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGKILL)  # the worker and its embedded beat, mid-work, no cleanup
    proc.wait(timeout=10)


def wait_for(predicate, timeout: float, what: str, step: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)  # waiting for another process, not moving the clock
    raise AssertionError(f"超时：{what}")


def _clone(template: Application, n: int) -> list[Application]:
    fields = {
        f.attname: getattr(template, f.attname)
        for f in Application._meta.concrete_fields
        if f.name not in ("id", "number", "created_at", "updated_at")
    }
    return Application.objects.bulk_create(Application(**fields, number=f"{template.number}-{i:05d}") for i in range(n))


def build(publicity_cases: int, correction_cases: int, paper_cases: int):
    """Cases made through the services (one of each kind), cloned; due an hour from now until armed."""
    with time_machine.travel(shanghai(2024, 4, 10, 9), tick=False):
        world = World()
        a, b, c = (submit(world.draft()) for _ in range(3))
        p = pub.publicity_start(kind=Publicity.Kind.UNIT, applications=[a], actor=world.unit_reviewer)
        pc = pub.publicity_start(kind=Publicity.Kind.UNIT, applications=[c], actor=world.unit_reviewer)
        services.application_request_correction(application=b, actor=world.unit_reviewer, items=["缺证书"])
        with time_machine.travel(shanghai(2024, 4, 18, 9), tick=False):
            pub.publicity_close(publicity=pc)
            services.application_dept_approve(application=c, actor=world.dept_reviewer)
            pub.publicity_start(kind=Publicity.Kind.COMMITTEE, applications=[c], actor=world.clerk)
    a, b, c = (Application.objects.get(pk=x.pk) for x in (a, b, c))
    a_clones, b_clones, c_clones = (
        _clone(a, publicity_cases - 1),
        _clone(b, correction_cases - 1),
        _clone(c, paper_cases - 1),
    )
    PublicityEntry.objects.bulk_create(PublicityEntry(publicity=p, application=x) for x in a_clones)
    template_dl = {d.application_id: d for d in Deadline.objects.filter(application__in=[b, c])}
    Deadline.objects.bulk_create(
        Deadline(**{**_dl_fields(template_dl[src.pk]), "application": x})
        for src, clones in ((b, b_clones), (c, c_clones))
        for x in clones
    )
    expected = {
        "unit_publicity_end": [a.pk, *(x.pk for x in a_clones)],
        "abandon_correction": [b.pk, *(x.pk for x in b_clones)],
        "abandon_paper": [c.pk, *(x.pk for x in c_clones)],
    }
    arm(expected, 3600)  # pending: nothing is due until the test arms it
    return expected


def arm(expected: dict[str, list[int]], seconds: float) -> dt.datetime:
    """Every due time of the built cases `seconds` from now (real clock). Returns the moment."""
    due = timezone.now() + dt.timedelta(seconds=seconds)
    Publicity.objects.filter(entries__application_id__in=expected["unit_publicity_end"]).update(ends_at=due)
    Application.objects.filter(pk__in=expected["unit_publicity_end"]).update(held_until=due)
    Deadline.objects.filter(closed_at__isnull=True).update(due_at=due)
    return due


def sweeping(tmp_path, name: str) -> bool:
    log = tmp_path / f"{name}.log"
    return (
        log.exists()
        and "timers_sweep_task" in log.read_text(errors="replace")
        and "succeeded" in log.read_text(errors="replace")
    )


def none_early(expected, due: dt.datetime) -> None:
    for action, ids in expected.items():
        early = ApplicationEvent.objects.filter(
            application_id__in=ids, action=action, actor__isnull=True, created_at__lt=due
        )
        assert not early.exists(), f"{action}：有事项早于到期时间执行"


def _dl_fields(dl: Deadline) -> dict:
    return {
        f.attname: getattr(dl, f.attname)
        for f in Deadline._meta.concrete_fields
        if f.name not in ("id", "application", "created_at")
    }


def moved_counts(expected: dict[str, list[int]]) -> dict[str, dict[int, int]]:
    """For each rule, how many system events each case got."""
    out = {}
    for action, ids in expected.items():
        counts = dict.fromkeys(ids, 0)
        for app_id in ApplicationEvent.objects.filter(
            application_id__in=ids, action=action, actor__isnull=True
        ).values_list("application_id", flat=True):
            counts[app_id] += 1
        out[action] = counts
    return out


def total_events(expected) -> int:
    return sum(
        ApplicationEvent.objects.filter(action=action, actor__isnull=True, application_id__in=ids).count()
        for action, ids in expected.items()
    )


def assert_exactly_once(expected):
    for action, counts in moved_counts(expected).items():
        wrong = {k: v for k, v in counts.items() if v != 1}
        assert not wrong, f"{action}: {len(wrong)} 件不是恰好一次：{list(wrong.items())[:5]}"


def all_moved(expected) -> bool:
    return total_events(expected) >= sum(len(v) for v in expected.values())


# ---------------------------------------------------------------- (a) Redis flushed while deadlines are pending


def test_redis_flushed_while_pending_each_fires_exactly_once(workers, broker, tmp_path):
    expected = build(publicity_cases=60, correction_cases=30, paper_cases=30)
    worker = workers("flush")
    wait_for(lambda: sweeping(tmp_path, "flush"), 60, "worker 开始清扫")
    due = arm(expected, 4)
    while timezone.now() < due - dt.timedelta(seconds=0.5):
        broker.flushdb()  # Redis loses every message and binding it held, while everything is pending
        time.sleep(0.5)  # waiting for real time to pass
    wait_for(lambda: all_moved(expected), 60, "Redis 清空后所有到期事项执行完毕")
    broker.flushdb()
    time.sleep(2.5)  # more sweeps run after a further flush: they must change nothing
    assert worker.poll() is None
    assert_exactly_once(expected)
    none_early(expected, due)
    assert Application.objects.filter(pk__in=expected["abandon_paper"], status=S.ABANDONED).count() == 30


# ---------------------------------------------------------------- (b) SIGKILL in the middle of a sweep


def test_worker_killed_mid_sweep_every_case_moves_exactly_once_after_restart(workers, tmp_path):
    expected = build(publicity_cases=100, correction_cases=150, paper_cases=150)
    total = sum(len(v) for v in expected.values())
    worker = workers("kill-1")
    wait_for(lambda: sweeping(tmp_path, "kill-1"), 60, "worker 开始清扫")
    due = arm(expected, 1)
    done = wait_for(lambda: (0 < (n := total_events(expected)) < total) and n, 40, "清扫开始", step=0.01)
    kill(worker)
    after_kill = total_events(expected)
    assert 0 < done <= after_kill < total, (done, after_kill, total)
    workers("kill-2")
    wait_for(lambda: all_moved(expected), 90, "重启后全部执行完毕")
    time.sleep(2.5)  # further sweeps change nothing
    assert_exactly_once(expected)
    none_early(expected, due)


# ---------------------------------------------------------------- (c) two sweepers at the same time


def test_two_workers_with_two_beats_never_move_a_case_twice(workers, tmp_path):
    expected = build(publicity_cases=150, correction_cases=100, paper_cases=100)
    workers("twin-1")
    workers("twin-2")
    wait_for(lambda: sweeping(tmp_path, "twin-1") and sweeping(tmp_path, "twin-2"), 60, "两个 worker 开始清扫")
    due = arm(expected, 1)
    wait_for(lambda: all_moved(expected), 90, "两个清扫进程全部执行完毕")
    time.sleep(2.5)
    assert_exactly_once(expected)
    none_early(expected, due)
