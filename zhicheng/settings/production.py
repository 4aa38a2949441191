"""Production: PostgreSQL, Redis and real mail/SMS from the environment; refuses to start without them.

Behind a reverse proxy set ZHICHENG_TRUSTED_PROXIES (the number of proxies that append to X-Forwarded-For, usually
1): client addresses for rate limits and the sign-in lockout come from it, and the proxy's X-Forwarded-Proto tells
Django the request was HTTPS. Without a proxy (0) the app must terminate TLS itself.
"""

import os

from .base import *  # noqa: F403
from .base import CELERY_BROKER_URL, ZHICHENG

DEBUG = False
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
if "DATABASE_URL" not in os.environ or "CELERY_BROKER_URL" not in os.environ:
    raise RuntimeError("生产环境必须设置 DATABASE_URL 和 CELERY_BROKER_URL")

# Issue 16: notices must really leave — never to the console, a file or memory.
NOT_REAL_EMAIL = ("console", "locmem", "dummy", "filebased")
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "")
if not EMAIL_BACKEND or any(f".{name}." in EMAIL_BACKEND + "." for name in NOT_REAL_EMAIL):
    raise RuntimeError(
        "生产环境必须设置真实的邮件后端 EMAIL_BACKEND（如 django.core.mail.backends.smtp.EmailBackend "
        "及 EMAIL_HOST 等），不得使用 console/locmem/dummy/filebased"
    )
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "0") == "1"
EMAIL_USE_SSL = os.environ.get("EMAIL_USE_SSL", "0") == "1"
SMS_BACKEND = os.environ.get("ZHICHENG_SMS_BACKEND", "")
if not SMS_BACKEND or SMS_BACKEND == "zhicheng.notify.LogSmsBackend":
    raise RuntimeError("生产环境必须设置真实的短信发送后端 ZHICHENG_SMS_BACKEND（不得使用只写日志的 LogSmsBackend）")

# Rate-limit counters shared by every worker: Redis (CACHE_URL, else the broker's Redis).
CACHES = {
    "default": {
        "BACKEND": "zhicheng.cache.RedisCache",
        "LOCATION": os.environ.get("CACHE_URL") or CELERY_BROKER_URL,
    }
}
if not CACHES["default"]["LOCATION"].startswith(("redis://", "rediss://", "unix://")):
    raise RuntimeError("生产环境的限频计数须存放在 Redis：请设置 CACHE_URL=redis://…")

# HTTPS only (issue 16).
SESSION_COOKIE_SECURE = os.environ.get("DJANGO_SECURE_COOKIES", "1") == "1"
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = os.environ.get("DJANGO_SSL_REDIRECT", "1") == "1"
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("DJANGO_HSTS_INCLUDE_SUBDOMAINS", "1") == "1"
SECURE_HSTS_PRELOAD = os.environ.get("DJANGO_HSTS_PRELOAD", "1") == "1"
if ZHICHENG["TRUSTED_PROXIES"] > 0:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# The test clock can never be switched on; the OpenAPI schema and Swagger UI need a signed-in user.
ZHICHENG = {**ZHICHENG, "TEST_CLOCK_ENABLED": False, "SMS_BACKEND": SMS_BACKEND, "API_DOCS_REQUIRE_LOGIN": True}
