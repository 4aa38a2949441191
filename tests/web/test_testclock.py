"""The test-only clock: on under test settings, impossible to switch on in production."""

import datetime as dt
import importlib
import sys

import pytest
from django.test import override_settings
from django.utils import timezone

from zhicheng import testclock

pytestmark = pytest.mark.django_db


def test_clock_moves_and_resets(client):
    try:
        response = client.post(testclock.PATH, {"to": "2024-04-18T10:00:00+08:00"})
        assert response.status_code == 200
        assert timezone.localtime().date() == dt.date(2024, 4, 18)
        assert client.get(testclock.PATH).json()["travelling"] is True
    finally:
        client.post(testclock.PATH, {"to": "reset"})
    assert timezone.now().year >= 2025
    assert not testclock.is_travelling()


def test_clock_refuses_a_naive_time(client):
    assert client.post(testclock.PATH, {"to": "2024-04-18T10:00:00"}).status_code == 400
    assert not testclock.is_travelling()


def test_clock_is_inert_when_disabled(client, settings):
    settings.ZHICHENG = {**settings.ZHICHENG, "TEST_CLOCK_ENABLED": False}
    assert client.post(testclock.PATH, {"to": "2024-04-18T10:00:00+08:00"}).status_code == 404
    assert not testclock.is_travelling()
    with pytest.raises(RuntimeError):
        testclock.travel_to(dt.datetime(2024, 1, 1, tzinfo=dt.UTC))


def test_middleware_refuses_to_load_when_disabled(settings):
    from django.core.exceptions import MiddlewareNotUsed

    settings.ZHICHENG = {**settings.ZHICHENG, "TEST_CLOCK_ENABLED": False}
    with pytest.raises(MiddlewareNotUsed):
        testclock.TestClockMiddleware(lambda request: None)


def test_production_settings_force_the_clock_off(monkeypatch):
    monkeypatch.setenv("DJANGO_SECRET_KEY", "x" * 50)
    monkeypatch.setenv("DATABASE_URL", "postgres://u@127.0.0.1:5432/prod")
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
    # issue 16: production also refuses to start without real mail and SMS backends
    monkeypatch.setenv("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
    monkeypatch.setenv("ZHICHENG_SMS_BACKEND", "vendor.sms.Backend")
    sys.modules.pop("zhicheng.settings.production", None)
    production = importlib.import_module("zhicheng.settings.production")
    try:
        assert production.ZHICHENG["TEST_CLOCK_ENABLED"] is False
        assert "zhicheng.testclock.TestClockMiddleware" not in production.MIDDLEWARE
        # Even with the middleware listed by mistake, production settings keep the endpoint a 404.
        with override_settings(
            ZHICHENG=production.ZHICHENG,
            MIDDLEWARE=["zhicheng.testclock.TestClockMiddleware", *production.MIDDLEWARE],
        ):
            from django.test import Client

            assert Client().post(testclock.PATH, {"to": "2024-04-18T10:00:00+08:00"}).status_code == 404
        assert not testclock.is_travelling()
    finally:
        sys.modules.pop("zhicheng.settings.production", None)
