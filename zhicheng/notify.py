"""Notifications: in-app rows, email through Django's backend, SMS through a pluggable backend (default: the log).

Call `notify` inside a service's transaction: email and SMS leave only if it commits.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
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
    """Write the in-app rows in the caller's transaction; email and SMS go out only once it commits."""
    recipients = list({u.pk: u for u in users if u is not None}.values())
    if not recipients:
        return
    Notification.objects.bulk_create(Notification(recipient=u, title=title, body=body, link=link) for u in recipients)
    emails = [u.email for u in recipients if u.email]
    phones = [u.phone for u in recipients if u.phone] if sms else []

    def send():
        if emails:
            send_mail(title, body or title, settings.DEFAULT_FROM_EMAIL, emails, fail_silently=True)
        backend = _sms_backend() if phones else None
        for phone in phones:
            backend.send(phone, f"【职称评审】{title}")

    transaction.on_commit(send)
