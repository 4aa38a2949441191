"""The audit trail is append-only (a PostgreSQL trigger refuses UPDATE/DELETE), and two reviewers acting at the
same moment on one case: exactly one wins, the other gets a conflict and writes nothing (issue: case lifecycle)."""

import threading

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from applications import services
from applications.models import Application, ApplicationEvent, Status
from applications.selectors import replay_status
from tests.factories import UserFactory, answers, grant, submit
from zhicheng.errors import TransitionConflict
from zhicheng.roles import Role


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgres_trigger_refuses_update_and_delete(world, in_window):
    app = submit(world.draft())
    event = app.events.first()
    for sql in (
        "UPDATE applications_applicationevent SET reason = 'tampered' WHERE id = %s",
        "DELETE FROM applications_applicationevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError) as exc, transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql, [event.pk])
        assert "pgtrigger" in str(exc.value) and "applicationevent" in str(exc.value)
    with pytest.raises(DatabaseError), transaction.atomic():
        ApplicationEvent.objects.filter(pk=event.pk).update(reason="tampered")
    event.refresh_from_db()
    assert event.reason == ""
    assert app.events.count() == 2


@pytest.mark.django_db
def test_model_refuses_update_and_delete(world, in_window):
    app = submit(world.draft())
    event = app.events.first()
    event.reason = "tampered"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()


@pytest.mark.django_db
def test_replay_reproduces_state(world, in_window):
    app = submit(world.draft())
    services.application_request_correction(application=app, actor=world.unit_reviewer, items=["缺少学历证书"])
    services.application_resubmit(application=app, actor=app.applicant.user, answers=answers(app))
    services.application_unit_approve(application=app, actor=world.unit_reviewer)
    assert replay_status(app.events.order_by("id")) == app.status == Status.UNIT_PUBLICITY


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_reviewers_at_once_exactly_one_wins(reference, in_window):
    from tests.factories import World

    world = World()
    second = grant(UserFactory(), Role.UNIT_REVIEWER, unit=world.unit)
    app = submit(world.draft())
    events_before = app.events.count()
    barrier = threading.Barrier(2)
    outcomes = {}

    def act(name, call):
        try:
            barrier.wait(timeout=10)
            call()
            outcomes[name] = "ok"
        except TransitionConflict as exc:
            outcomes[name] = exc.code
        finally:
            connection.close()

    threads = [
        threading.Thread(
            target=act,
            args=("approve", lambda: services.application_unit_approve(application=app, actor=world.unit_reviewer)),
        ),
        threading.Thread(
            target=act,
            args=(
                "correct",
                lambda: services.application_request_correction(application=app, actor=second, items=["缺少证书"]),
            ),
        ),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes.values()) == ["ok", "wrong_state"], outcomes
    app.refresh_from_db()
    winner = next(k for k, v in outcomes.items() if v == "ok")
    assert app.status == {"approve": Status.UNIT_PUBLICITY, "correct": Status.CORRECTION}[winner]
    assert app.events.count() == events_before + 1
    if winner == "approve":
        assert not app.deadlines.exists()  # the loser's correction deadline was never written
    assert replay_status(app.events.order_by("id")) == app.status


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_refresh_from_many_threads_at_once_never_trips_the_protected_field(reference, in_window):
    """django-fsm-2's own refresh flips `protected` on the field object shared by every instance, so two threads
    refreshing at once could see "Direct status modification is not allowed" (a 500 under gunicorn threads).
    Application, Meeting and MeetingFiling refresh by copying a fresh row instead (zhicheng.fsm)."""
    from review.models import Meeting, MeetingFiling
    from tests.factories import World

    for model in (Application, Meeting, MeetingFiling):
        assert model.refresh_from_db.__qualname__.startswith("ConcurrentSafeRefreshMixin"), model
    app = submit(World().draft())
    field = Application._meta.get_field("status")
    errors, barrier = [], threading.Barrier(4)

    def refresh_many():
        mine = Application.objects.get(pk=app.pk)
        try:
            barrier.wait(timeout=10)
            for _ in range(150):
                mine.refresh_from_db()
                mine.refresh_from_db(fields=["status"])
                assert field.protected is True
        except Exception as exc:  # noqa: BLE001 — any error in a thread is the failure
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=refresh_many) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    fresh = Application.objects.get(pk=app.pk)
    with pytest.raises(AttributeError):
        fresh.status = Status.CERTIFIED  # still protected against direct writes
