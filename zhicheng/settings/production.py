"""Production: PostgreSQL and Redis from the environment; refuses to start without them."""

import os

from .base import *  # noqa: F403
from .base import ZHICHENG

DEBUG = False
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
if "DATABASE_URL" not in os.environ or "CELERY_BROKER_URL" not in os.environ:
    raise RuntimeError("生产环境必须设置 DATABASE_URL 和 CELERY_BROKER_URL")
SESSION_COOKIE_SECURE = os.environ.get("DJANGO_SECURE_COOKIES", "1") == "1"
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# The test clock can never be switched on in production.
ZHICHENG = {**ZHICHENG, "TEST_CLOCK_ENABLED": False}
