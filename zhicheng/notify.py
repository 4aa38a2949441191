"""Notifications: in-app rows, email through Django's backend, SMS through a pluggable backend (default: the log).

Call `notify` inside a service's transaction: email and SMS leave only if it commits, from a worker.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from .models import Notification, User

log = logging.getLogger("zhicheng.notify")


class LogSmsBackend:
    """Default SMS backend: writes the message to the log (replace via ZHICHENG_SMS_BACKEND)."""

    def send(self, phone: str, text: str) -> None:
        log.info("短信 → %s：%s", phone, text)


def _sms_backend():
    return import_string(settings.ZHICHENG["SMS_BACKEND"])()


def notify(users: Iterable[User], title: str, body: str = "", *, link: str = "", sms: bool = False) -> None:
    """Write the in-app rows in the caller's transaction; their e-mail and SMS go out as a Celery task once it
    commits (never inline in the request)."""
    recipients = list({u.pk: u for u in users if u is not None}.values())
    if not recipients:
        return
    notes = Notification.objects.bulk_create(
        Notification(recipient=u, title=title, body=body, link=link) for u in recipients
    )
    ids = [n.pk for n in notes]
    if not any(u.email or (sms and u.phone) for u in recipients):
        return

    def queue():
        from .tasks import send_notifications_task  # late: tasks import the models

        send_notifications_task.delay(ids, sms)

    transaction.on_commit(queue)
