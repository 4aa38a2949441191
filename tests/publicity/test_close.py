"""The set-based close keeps every rule of the per-case service, and concurrent sweepers never move a case twice."""

import re
import threading

import pytest
from django.db import connection

from applications import services
from applications.models import ApplicationEvent, Deadline, Status
from applications.selectors import replay_status
from operations.sweep import timers_sweep
from publicity import services as pub
from publicity.models import Objection, Publicity, PublicityEntry
from tests.publicity.helpers import status, submitted, sweep, system_events, travel
from zhicheng.models import Notification

S = Status
FIELDS = ("action", "from_status", "to_status", "rule", "reason", "actor_id", "actor_role")


def _event(app):
    return system_events(app).values_list(*FIELDS).get()


def _applicant_note(app):
    note = Notification.objects.filter(recipient=app.applicant.user, title__contains="状态变更").latest("id")
    return (
        note.title.replace(app.number, "N"),
        note.body.replace(app.applicant.name, "X"),
        note.link == f"/cases/{app.pk}/",
    )


@pytest.mark.postgres
@pytest.mark.django_db
def test_set_based_close_matches_the_per_case_service(world, in_window, outbound, django_capture_on_commit_callbacks):
    one, two = submitted(world, 3), submitted(world, 3)
    p1 = pub.publicity_start(kind=Publicity.Kind.UNIT, applications=one, actor=world.unit_reviewer)
    p2 = pub.publicity_start(kind=Publicity.Kind.UNIT, applications=two, actor=world.unit_reviewer)
    with travel(2024, 4, 17, 23, 59, 59):
        assert pub.publicity_close(publicity=p1, set_based=True).moved == 0
    with travel(2024, 4, 18, 0, 0), django_capture_on_commit_callbacks(execute=True):
        assert pub.publicity_close(publicity=p1, set_based=True).moved == 3
        assert pub.publicity_close(publicity=p2, set_based=False).moved == 3
        assert pub.publicity_close(publicity=p1, set_based=True).moved == 0
    assert {_event(a) for a in one} == {_event(a) for a in two} and len({_event(a) for a in one}) == 1
    assert {_applicant_note(a) for a in one} == {_applicant_note(a) for a in two}
    for a in [*one, *two]:
        a.refresh_from_db()
        assert (a.status, a.held_until, a.held_provisional) == (S.DEPT_RECHECK, None, False)
        assert replay_status(a.events.order_by("id")) == S.DEPT_RECHECK
    # The department reviewer is told once for the set-based chunk, once per case by the per-case path.
    assert Notification.objects.filter(recipient=world.dept_reviewer, title__contains="3 件").count() == 1
    # Email/SMS, queued on commit as tasks: the set-based chunk's 3 applicants' notices in one batch and its one
    # summary; the per-case path's notice to applicant and reviewer, per case (issue 12: mail never inline).
    assert sorted(len(batch) for batch in outbound) == [1, 2, 2, 2, 3]


@pytest.mark.postgres
@pytest.mark.django_db
def test_set_based_close_respects_objections_paper_and_stops(world, in_window):
    apps = submitted(world, 4)
    p = pub.publicity_start(kind=Publicity.Kind.UNIT, applications=apps, actor=world.unit_reviewer)
    with travel(2024, 4, 12, 9):
        held = pub.objection_file(application=apps[0], name="王某", contact="138", content="不实")
        stop = pub.objection_file(application=apps[1], name="张某", contact="139", content="造假")
        pub.objection_decide(objection=stop, actor=world.unit_reviewer, upheld=True, reason="属实")
    sweep(2024, 4, 18, 0, 0)
    assert [status(a) for a in apps] == [S.UNIT_PUBLICITY, S.REJECTED, S.DEPT_RECHECK, S.DEPT_RECHECK]
    p.refresh_from_db()
    assert p.closed_at is None
    assert set(p.entries.filter(left_at__isnull=False).values_list("outcome", flat=True)) == {
        PublicityEntry.Outcome.MOVED,
        PublicityEntry.Outcome.OBJECTION_UPHELD,
    }
    with travel(2024, 4, 19, 9):
        pub.objection_decide(objection=held, actor=world.unit_reviewer, upheld=False, reason="不属实")
    assert status(apps[0]) == S.DEPT_RECHECK
    sweep(2024, 4, 19, 9, 1)
    p.refresh_from_db()
    assert p.closed_at is not None
    assert ApplicationEvent.objects.filter(action="unit_publicity_end").count() == 3
    assert Objection.objects.filter(status=Objection.Status.OPEN).count() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweepers_at_once_move_each_case_once(reference, settings):
    """Two sweeps started together (real threads, real PostgreSQL row locks, small batches)."""
    import time_machine

    from tests.conftest import shanghai
    from tests.factories import World

    settings.ZHICHENG = {**settings.ZHICHENG, "TIMER_BATCH_SIZE": 3, "TIMER_CLOSE_CHUNK": 4}
    with time_machine.travel(shanghai(2024, 4, 10, 9), tick=False):
        world = World()
        apps = submitted(world, 24)
        pub.publicity_start(kind=Publicity.Kind.UNIT, applications=apps[:16], actor=world.unit_reviewer)
        for app in apps[16:]:
            services.application_request_correction(application=app, actor=world.unit_reviewer, items=["缺证书"])
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(timers_sweep())
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    with time_machine.travel(shanghai(2024, 4, 26, 9), tick=False):
        threads = [threading.Thread(target=run) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    assert not errors, errors
    assert sum(r["moved"] for r in results) == 16
    assert sum(r["abandoned"] for r in results) == 8
    for app in apps:
        assert system_events(app).count() == 1, app.number
    assert not Deadline.objects.filter(closed_at__isnull=True).exists()


def test_end_of_publicity_follows_the_state_machine():
    for state, target in [
        (S.UNIT_PUBLICITY, S.DEPT_RECHECK),
        (S.COMMITTEE_PUBLICITY, S.AWAITING_MEETING),
        (S.RESULT_PUBLICITY, S.AWAITING_PUBLICATION),
    ]:
        action, to, rule, reason = pub.end_of_publicity(state)
        assert to == target and re.search(r"〔2024〕11号", rule) and reason
