"""Celery tasks: thin, idempotent wrappers around the services (STYLE rule 4).

The beat schedule (settings CELERY_BEAT_SCHEDULE "sweep-due-deadlines") sends `sweep_deadlines_task` every
TIMER_SWEEP_SECONDS. Nothing due is ever kept in the broker: the sweep reads the due times from the database, so a
lost message, a flushed Redis or a killed worker only delays the next sweep.
"""

from __future__ import annotations

from celery import shared_task

from zhicheng.tasks import send_notifications_task

from . import services


@shared_task(name="publicity.tasks.sweep_deadlines_task", acks_late=True, ignore_result=True)
def sweep_deadlines_task() -> dict[str, int]:
    return services.timers_sweep()


@shared_task(name="publicity.tasks.publicity_close_task", acks_late=True, ignore_result=True)
def publicity_close_task(publicity_id: int) -> int:
    """Close one publicity now (e.g. from the admin); the sweep would do it within a minute anyway."""
    return services.publicity_close(publicity=services.Publicity(pk=publicity_id)).moved


# Queued by the set-based close; it lives with `notify` at the bottom of the house.
__all__ = ["send_notifications_task", "sweep_deadlines_task", "publicity_close_task"]
