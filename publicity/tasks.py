"""Celery tasks: thin, idempotent wrappers around the services (STYLE rule 4).

The beat schedule (settings CELERY_BEAT_SCHEDULE "sweep-due-deadlines") sends `sweep_deadlines_task` every
TIMER_SWEEP_SECONDS. Nothing due is ever kept in the broker: the sweep reads the due times from the database, so a
lost message, a flushed Redis or a killed worker only delays the next sweep.
"""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from zhicheng.models import Notification

from . import services


@shared_task(name="publicity.tasks.sweep_deadlines_task", acks_late=True, ignore_result=True)
def sweep_deadlines_task() -> dict[str, int]:
    return services.timers_sweep()


@shared_task(name="publicity.tasks.publicity_close_task", acks_late=True, ignore_result=True)
def publicity_close_task(publicity_id: int) -> int:
    """Close one publicity now (e.g. from the admin); the sweep would do it within a minute anyway."""
    return services.publicity_close(publicity=services.Publicity(pk=publicity_id)).moved


@shared_task(name="publicity.tasks.send_notifications_task", ignore_result=True)
def send_notifications_task(notification_ids: list[int], sms: bool = True) -> int:
    """Email (and SMS) for in-app notices written by a set-based close; queued on commit."""
    notes = Notification.objects.filter(pk__in=notification_ids).select_related("recipient")
    backend = import_string(settings.ZHICHENG["SMS_BACKEND"])() if sms else None
    sent = 0
    for note in notes:
        user = note.recipient
        if user.email:
            send_mail(
                note.title, note.body or note.title, settings.DEFAULT_FROM_EMAIL, [user.email], fail_silently=True
            )
            sent += 1
        if backend is not None and user.phone:
            backend.send(user.phone, f"【职称评审】{note.title}")
    return sent
