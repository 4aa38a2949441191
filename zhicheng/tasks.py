"""Outbound notices: e-mail and SMS for in-app notices, sent by a worker after the writing transaction commits."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from .models import Notification


@shared_task(name="zhicheng.tasks.send_notifications_task", ignore_result=True)
def send_notifications_task(notification_ids: list[int], sms: bool = True) -> int:
    """E-mail (and SMS) for in-app notices; queued on commit by `notify` and by the set-based publicity close."""
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
