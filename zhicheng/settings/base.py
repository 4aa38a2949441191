"""Settings shared by every environment. Environment variables override the defaults (README「配置」)."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("ZHICHENG_VAR_DIR", BASE_DIR / "var"))

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = False
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_fsm",
    "pgtrigger",
    "django_htmx",
    "axes",
    "csp",
    "zhicheng",
    "organisations",
    "applications",
    "publicity",
    "review",
    "operations",  # the top of the house: the timer sweep, calendar changes and what they move, the demo loader
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Issue 16: every error under /api/ in the one JSON shape, whoever produced it (Django, a proxy rule, a 500).
    "zhicheng.middleware.ApiErrorShapeMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Chinese 400/403/404/405/429/500 pages, DEBUG on or off (zhicheng/error_pages.py).
    "zhicheng.error_pages.ErrorPageMiddleware",
    # Must be last: locks an account/IP out after repeated failed logins.
    "axes.middleware.AxesMiddleware",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Username, ID document number or mobile phone + password (ModelBackend underneath).
    "applications.auth.IdOrPhoneBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("ZHICHENG_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("ZHICHENG_LOGIN_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "zhicheng.views.lockout_response"  # Chinese page, or the API error shape under /api/
AXES_CLIENT_IP_CALLABLE = "zhicheng.throttle.axes_client_ip"  # the trusted-proxy rule of our throttles

# The shared cache holds the rate-limit counters of every process (issue 16) and the public 公示 page per committee
# office (issue 17): Redis when CACHE_URL is set (production requires it), otherwise a file cache under var/ that
# the demo's web server and worker share.
CACHE_URL = os.environ.get("CACHE_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "zhicheng.cache.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(VAR_DIR / "cache")}
    )
}
# Sessions are read from that cache and written through to the database (Django's cached_db): a signed-in request
# costs a cache read instead of a query on django_session (~1 ms of ORM work per request, issue 17), and a session
# the cache has lost or culled is read back from the database, so nobody is signed out by a Redis restart.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Content-Security-Policy (django-csp): scripts only from our own static files (no inline script anywhere: the
# templates have none, Swagger UI is served in its split, file-based form); inline style attributes are allowed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "frame-ancestors": ["'self'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

ROOT_URLCONF = "zhicheng.urls"
CSRF_FAILURE_VIEW = "zhicheng.error_pages.csrf_failure"
WSGI_APPLICATION = "zhicheng.wsgi.application"
AUTH_USER_MODEL = "zhicheng.User"
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Persistent connections (issue 17: a new connection per request cost 5× on the verification API); health checks
# drop a connection the server closed. DB_CONN_MAX_AGE=0 goes back to one connection per request (e.g. behind
# PgBouncer in transaction mode).
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# A read replica for public pages, dashboards and exports (zhicheng/db_router.py, README「扩容」).
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["zhicheng.db_router.ReplicaRouter"]
# Every PostgreSQL alias takes the project's backend (zhicheng/db/postgresql: the health check without a round trip
# when the connection is idle and quiet).
# Prepared statements (issue 17): the driver binds parameters on the server and prepares a statement after its 5th
# run on a connection, so PostgreSQL stops planning the same request again (the API inbox's PostgreSQL CPU halved,
# docs/performance.md). DB_PREPARED_STATEMENTS=0 turns it off, e.g. behind PgBouncer in transaction mode.
for _db in DATABASES.values():
    if _db["ENGINE"] == "django.db.backends.postgresql":
        _db["ENGINE"] = "zhicheng.db.postgresql"
    if os.environ.get("DB_PREPARED_STATEMENTS", "1") == "1" and _db["ENGINE"].endswith("postgresql"):
        _db.setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded materials live outside any static path and are served only through a view that checks access.
MEDIA_ROOT = VAR_DIR / "private-media"
FILE_UPLOAD_PERMISSIONS = 0o600

REST_FRAMEWORK = {
    # Token first: an anonymous call is told 401 with `WWW-Authenticate: Token`; pages use the session (with CSRF).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "applications.auth.ApplicantTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "zhicheng.api.Cursor",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "zhicheng.api.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["zhicheng.renderers.FastJSONRenderer"],
    "DEFAULT_THROTTLE_RATES": {
        "objection": os.environ.get("ZHICHENG_OBJECTION_RATE", "10/hour"),
        "public": os.environ.get("ZHICHENG_PUBLIC_API_RATE", "120/min"),
        # Issue 16: certificate checks (page and API) and failed sign-ins per client address (beside axes' per user).
        "verify": os.environ.get("ZHICHENG_VERIFY_RATE", "30/hour"),
        "login_ip": os.environ.get("ZHICHENG_LOGIN_IP_FAILURE_RATE", "20/hour"),
        # Sign-ups (applicants and units, page and API): per client address, and all addresses together, so a flood
        # from rotating addresses is held too (the total is the ceiling of a whole city's busiest hour).
        "register": os.environ.get("ZHICHENG_REGISTER_RATE", "10/hour"),
        "register_all": os.environ.get("ZHICHENG_REGISTER_TOTAL_RATE", "600/hour"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "职称评审业务系统 API",
    "DESCRIPTION": "镇江 2024 职称评审与初定。错误统一为 {code, message, source, fields}；说明见 docs/api.md。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "zhicheng.api.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ApplicationStatusEnum": "applications.models.case.Status",
        "MaterialKindEnum": "applications.models.case.Material.Kind",
        "DeadlineKindEnum": "applications.models.case.Deadline.Kind",
        "PublicityKindEnum": "publicity.models.Publicity.Kind",
        "ObjectionStatusEnum": "publicity.models.Objection.Status",
        "CertificateStatusEnum": "publicity.models_certificates.Certificate.Status",
        "MeetingStatusEnum": "review.models.Meeting.Status",
        "FilingStatusEnum": "review.models.MeetingFiling.Status",
        "PublicityEntryOutcomeEnum": "publicity.models.PublicityEntry.Outcome",
        "RoleEnum": "zhicheng.roles.Role",  # memberships' role and events' actor_role: one enum
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Celery: the broker is a setting; the beat schedule is defined here, not in a database.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
TIMER_SWEEP_SECONDS = int(os.environ.get("ZHICHENG_TIMER_SWEEP_SECONDS", "60"))
CELERY_BEAT_SCHEDULE = {
    "sweep-due-deadlines": {
        "task": "operations.tasks.timers_sweep_task",
        "schedule": timedelta(seconds=TIMER_SWEEP_SECONDS),
    },
    # Case counters (issue 17): deltas folded hourly; a full recount every night reports and corrects any drift.
    "compact-case-counters": {"task": "applications.tasks.compact_counters_task", "schedule": timedelta(hours=1)},
    "reconcile-case-counters": {
        "task": "applications.tasks.reconcile_counters_task",
        "schedule": crontab(hour=2, minute=30),
    },
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "zhicheng@localhost")

# Domain knobs (configurable data, README「配置」).
ZHICHENG = {
    # Key of the HMAC that indexes ID document numbers (ApplicantProfile.id_hash); defaults to SECRET_KEY.
    "ID_HASH_KEY": os.environ.get("ZHICHENG_ID_HASH_KEY", ""),
    "MATERIAL_MAX_BYTES": int(os.environ.get("ZHICHENG_MATERIAL_MAX_BYTES", str(20 * 1024 * 1024))),
    # What one upload may cost to check (issue 16): pages, PDF objects, inflated stream bytes, seconds of parsing.
    "MATERIAL_MAX_PAGES": int(os.environ.get("ZHICHENG_MATERIAL_MAX_PAGES", "500")),
    "MATERIAL_MAX_OBJECTS": int(os.environ.get("ZHICHENG_MATERIAL_MAX_OBJECTS", "100000")),
    "MATERIAL_MAX_INFLATED_BYTES": int(os.environ.get("ZHICHENG_MATERIAL_MAX_INFLATED_BYTES", str(256 * 1024 * 1024))),
    "MATERIAL_MAX_INFLATE_RATIO": int(os.environ.get("ZHICHENG_MATERIAL_MAX_INFLATE_RATIO", "100")),
    "MATERIAL_PARSE_SECONDS": float(os.environ.get("ZHICHENG_MATERIAL_PARSE_SECONDS", "5")),
    # The reference data directory (reference/ and rules/ below it; empty: <BASE_DIR>/data). A year is added there.
    "DATA_DIR": os.environ.get("ZHICHENG_DATA_DIR", ""),
    "CORRECTION_WORKING_DAYS": int(os.environ.get("ZHICHENG_CORRECTION_WORKING_DAYS", "10")),
    "REMINDER_WORKING_DAYS": int(os.environ.get("ZHICHENG_REMINDER_WORKING_DAYS", "2")),
    "RESULT_PUBLICITY_WORKING_DAYS": int(os.environ.get("ZHICHENG_RESULT_PUBLICITY_WORKING_DAYS", "5")),
    # The timer sweep: deadlines locked per transaction, and cases moved per SQL statement when a publicity closes.
    "TIMER_BATCH_SIZE": int(os.environ.get("ZHICHENG_TIMER_BATCH_SIZE", "200")),
    "TIMER_CLOSE_CHUNK": int(os.environ.get("ZHICHENG_TIMER_CLOSE_CHUNK", "10000")),
    "SMS_BACKEND": os.environ.get("ZHICHENG_SMS_BACKEND", "zhicheng.notify.LogSmsBackend"),
    # From this day of December the days are provisional while the next year's arrangement is unknown
    # (docs/timers.md「日历变更」: the arrangement of a year often moves the last days of the year before).
    "CALENDAR_PROVISIONAL_DECEMBER_FROM": int(os.environ.get("ZHICHENG_CALENDAR_PROVISIONAL_DECEMBER_FROM", "25")),
    # A public objection's content needs at least this many letters or characters (publicity.services).
    "OBJECTION_MIN_CHARS": int(os.environ.get("ZHICHENG_OBJECTION_MIN_CHARS", "4")),
    # The site's public address: the certificate's QR code opens {PUBLIC_BASE_URL}/verify/?number=…&name=….
    "PUBLIC_BASE_URL": os.environ.get("ZHICHENG_PUBLIC_BASE_URL", "http://127.0.0.1:8000"),
    # Issue 16: how many reverse proxies append to X-Forwarded-For in front of the app (0: none, trust the socket).
    "TRUSTED_PROXIES": int(os.environ.get("ZHICHENG_TRUSTED_PROXIES", "0")),
    # API tokens expire this many hours after they were issued (and on every password change).
    "API_TOKEN_TTL_HOURS": int(os.environ.get("ZHICHENG_API_TOKEN_TTL_HOURS", "12")),
    # Objections from the public (seed 000 五(一)): per case per day, per contact per day (and one open per contact
    # and case).
    "OBJECTIONS_PER_CASE_PER_DAY": int(os.environ.get("ZHICHENG_OBJECTIONS_PER_CASE_PER_DAY", "10")),
    "OBJECTIONS_PER_CONTACT_PER_DAY": int(os.environ.get("ZHICHENG_OBJECTIONS_PER_CONTACT_PER_DAY", "3")),
    # The OpenAPI schema and Swagger UI: public here, behind sign-in in production (issue 16).
    "API_DOCS_REQUIRE_LOGIN": os.environ.get("ZHICHENG_API_DOCS_REQUIRE_LOGIN", "0") == "1",
    # A test-only clock: production settings force it off.
    "TEST_CLOCK_ENABLED": False,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Issue 16: every handler masks 身份证号 and mobile numbers and drops `q=` from logged URLs.
    "formatters": {"masked": {"()": "zhicheng.logfilters.MaskingFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "masked"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # runserver's and gunicorn's request lines go through the same masking handler.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
