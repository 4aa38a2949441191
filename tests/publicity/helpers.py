"""Flows that bring cases to the timers' doors, through the services only, and small assertions."""

from __future__ import annotations

import datetime as dt

import time_machine

from applications import services
from applications.models import Application, ApplicationEvent, Status
from operations.sweep import timers_sweep
from publicity import services as pub
from publicity.models import Publicity
from tests.conftest import shanghai
from tests.factories import submit

S = Status


def travel(*args):
    return time_machine.travel(shanghai(*args), tick=False)


def at(*args) -> dt.datetime:
    return shanghai(*args)


def sweep(*args):
    """Run the sweep at the given Shanghai moment (the clock is moved there, never slept)."""
    with travel(*args):
        return timers_sweep()


def submitted(world, n: int = 1) -> list[Application]:
    """Cases in unit review; call inside the `in_window` fixture (2024-04-10)."""
    return [submit(world.draft()) for _ in range(n)]


def to_committee_review(world, apps: list[Application]) -> list[Application]:
    """Unit publicity 2024-04-10 → over at 2024-04-18 00:00 → department recheck passes (at 2024-04-18 09:00)."""
    pub.publicity_start(kind=Publicity.Kind.UNIT, applications=apps, actor=world.unit_reviewer)
    with travel(2024, 4, 18, 9):
        timers_sweep()
        for app in apps:
            app.refresh_from_db()
            assert app.status == S.DEPT_RECHECK
            services.application_dept_approve(application=app, actor=world.dept_reviewer)
    return apps


def committee_publicity(world, apps: list[Application]) -> Publicity:
    """Committee 公示 started 2024-04-18 09:00: ends 2024-04-26 00:00; paper due 2024-05-07 00:00."""
    with travel(2024, 4, 18, 9):
        return pub.publicity_start(kind=Publicity.Kind.COMMITTEE, applications=apps, actor=world.clerk)


def system_events(app: Application, action: str | None = None):
    qs = ApplicationEvent.objects.filter(application=app, actor__isnull=True, actor_role="system")
    return qs.filter(action=action) if action else qs


def status(app: Application) -> str:
    app.refresh_from_db()
    return app.status
