"""Tests: PostgreSQL and Redis when they answer (tests/conftest.py decides), else SQLite and an in-memory broker."""

import os

from .base import *  # noqa: F403
from .base import DATABASES, MIDDLEWARE, ZHICHENG

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "memory://")
CELERY_TASK_ALWAYS_EAGER = False
ZHICHENG = {**ZHICHENG, "TEST_CLOCK_ENABLED": True}
ALLOWED_HOSTS = ["*"]
# The test-only clock (zhicheng/testclock.py): browser tests move the live server's time through it.
MIDDLEWARE = [MIDDLEWARE[0], "zhicheng.testclock.TestClockMiddleware", *MIDDLEWARE[1:]]
if DATABASES["default"]["ENGINE"] == "zhicheng.db.postgresql":
    DATABASES["default"]["ENGINE"] = "zhicheng.db.postgresql_test"  # flush lifts the audit TRUNCATE refusal
# Throttle counters per test process (tests clear them); the cross-process test points its processes at Redis.
_cache_url = os.environ.get("ZHICHENG_TEST_CACHE_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "zhicheng.cache.RedisCache", "LOCATION": _cache_url}
        if _cache_url
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
