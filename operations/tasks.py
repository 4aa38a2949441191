"""Celery tasks of the top of the house: thin, idempotent wrappers around the services (STYLE rule 4).

The beat schedule (settings CELERY_BEAT_SCHEDULE "sweep-due-deadlines") sends `timers_sweep_task` every
TIMER_SWEEP_SECONDS. Nothing due is ever kept in the broker: the sweep reads the due times from the database, so a
lost message, a flushed Redis or a killed worker only delays the next sweep.
"""

from __future__ import annotations

from celery import shared_task

from . import sweep


@shared_task(name="operations.tasks.timers_sweep_task", acks_late=True, ignore_result=True)
def timers_sweep_task() -> dict[str, int]:
    return sweep.timers_sweep()
