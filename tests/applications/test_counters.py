"""Counters per state (issue 17): after a random walk of transitions through the services, the set-based
publicity close and the timers, every counter equals a recount of the cases; the reconciliation reports drift."""

import random

import pytest
from django.db import connection

from applications import counters, services
from applications.models import Application, ApplicationEvent, CaseCounter, Status
from operations.sweep import timers_sweep
from publicity import services as pub
from publicity.models import Publicity
from tests.factories import submit
from tests.publicity.helpers import sweep, travel
from zhicheng.errors import DomainError

S = Status


def _acts(world, app):
    """The acts a random walk may try on a case in its current state, each with the entitled actor."""
    user = app.applicant.user
    reviewing = (S.UNIT_REVIEW, S.DEPT_RECHECK, S.COMMITTEE_REVIEW, S.ASSOCIATION_REVIEW, S.MUNICIPAL_APPROVAL)
    reviewer = world.actor_for(app) if app.status in reviewing else None
    acts = {
        S.DRAFT: [lambda: submit(app), lambda: services.application_withdraw(application=app, actor=user)],
        S.UNIT_REVIEW: [
            lambda: pub.publicity_start(  # one publicity for every case waiting: the set-based close moves a set
                kind=Publicity.Kind.UNIT,
                applications=list(Application.objects.filter(status=S.UNIT_REVIEW, unit=app.unit).order_by("pk")),
                actor=world.unit_reviewer,
            ),
            lambda: pub.publicity_start(kind=Publicity.Kind.UNIT, applications=[app], actor=world.unit_reviewer),
            lambda: services.application_reject(application=app, actor=reviewer, reason="不符合条件"),
        ],
        S.DEPT_RECHECK: [
            lambda: services.application_dept_approve(application=app, actor=world.dept_reviewer),
            lambda: services.application_return(application=app, actor=world.dept_reviewer, reason="超出受理范围"),
        ],
        S.COMMITTEE_REVIEW: [
            lambda: services.application_committee_approve(application=app, actor=world.clerk),
            lambda: services.application_return(application=app, actor=world.clerk, reason="超出受理范围"),
            lambda: services.application_request_correction(
                application=app, actor=world.clerk, items=["缺少材料"], working_days=3
            ),
        ],
        S.COMMITTEE_PUBLICITY: [lambda: services.application_mark_paper_received(application=app, actor=world.clerk)],
        S.CORRECTION: [
            lambda: services.application_resubmit(application=app, actor=user, answers={"缺少材料": "已补充说明"})
        ],
        S.RETURNED: [lambda: services.application_reopen(application=app, actor=user)],
    }.get(app.status, [])
    if app.status in (S.UNIT_REVIEW, S.DEPT_RECHECK, S.COMMITTEE_REVIEW):
        acts.append(lambda: services.application_withdraw(application=app, actor=user))
    return acts


@pytest.mark.django_db
def test_counters_equal_a_recount_after_a_random_walk(world, in_window, monkeypatch):
    rng = random.Random(17)
    apps = [world.draft() for _ in range(10)]
    closed_in_sql = []  # cases the set-based close moved (PostgreSQL): the walk must go through it
    chunk = pub._close_chunk_sql
    monkeypatch.setattr(
        pub, "_close_chunk_sql", lambda *a, **k: closed_in_sql.append(chunk(*a, **k)) or closed_in_sql[-1]
    )
    assert counters.drift() == []
    moves = 0
    for step in range(200):
        app = Application.objects.select_related("applicant__user").get(pk=rng.choice(apps).pk)
        acts = _acts(world, app)
        if acts:
            try:
                (acts[0] if rng.random() < 0.7 else rng.choice(acts))()  # mostly forward, so cases get far
                moves += 1
            except DomainError:
                pass
        if step % 20 == 19:  # time passes: publicities end (set-based on PostgreSQL), deadlines expire
            in_window.shift(60 * 60 * 24 * rng.randint(4, 9))
            timers_sweep()
    assert moves > 20
    if connection.vendor == "postgresql":
        assert sum(closed_in_sql) >= 3 and max(closed_in_sql) >= 2, closed_in_sql
    visited = set(ApplicationEvent.objects.values_list("to_status", flat=True))
    assert len(visited) >= 8, visited  # the walk went through most of the review path and its side exits
    statuses = set(Application.objects.values_list("status", flat=True))
    assert counters.drift() == []
    assert counters.by_state(CaseCounter.Dimension.ALL, [0]) == {
        s: Application.objects.filter(status=s).count() for s in statuses
    }
    unit = apps[0].unit_id
    assert sum(counters.by_state(CaseCounter.Dimension.UNIT, [unit]).values()) == len(apps)
    submitted = Application.objects.filter(submitted_at__isnull=False).count()
    assert sum(sum(s.values()) for s in counters.totals(CaseCounter.Dimension.SUBMITTED).values()) == submitted


@pytest.mark.django_db
def test_the_reconciliation_reports_and_repairs_drift(world, in_window, caplog):
    app = submit(world.draft())
    assert counters.reconcile() == []
    CaseCounter.objects.create(dimension=CaseCounter.Dimension.OFFICE, key=app.office_id, status=S.UNIT_REVIEW, n=2)
    found = counters.reconcile()
    assert {"dimension": "office", "key": app.office_id, "status": S.UNIT_REVIEW, "counter": 3, "actual": 1} in found
    assert "案件计数偏差" in caplog.text
    assert counters.drift() == []


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_set_based_close_moves_the_counters_in_its_statement(world, in_window):
    apps = [submit(world.draft()) for _ in range(3)]
    p = pub.publicity_start(kind=Publicity.Kind.UNIT, applications=apps, actor=world.unit_reviewer)
    with travel(2024, 4, 18, 0, 0):
        assert pub.publicity_close(publicity=p, set_based=True).moved == 3
    assert counters.by_state(CaseCounter.Dimension.UNIT, [apps[0].unit_id]) == {S.DEPT_RECHECK: 3}
    assert counters.drift() == []
    sweep(2024, 4, 19, 9)
    assert counters.compact() > 0
    assert counters.drift() == []
