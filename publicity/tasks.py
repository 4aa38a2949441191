"""Celery tasks: thin, idempotent wrappers around the services (STYLE rule 4). The sweep that fires every timer
is operations.tasks.timers_sweep_task."""

from __future__ import annotations

from celery import shared_task

from zhicheng.tasks import send_notifications_task

from . import services


@shared_task(name="publicity.tasks.publicity_close_task", acks_late=True, ignore_result=True)
def publicity_close_task(publicity_id: int) -> int:
    """Close one publicity now (e.g. from the admin); the sweep would do it within a minute anyway."""
    return services.publicity_close(publicity=services.Publicity(pk=publicity_id)).moved


# Queued by the set-based close; it lives with `notify` at the bottom of the house.
__all__ = ["send_notifications_task", "publicity_close_task"]
