"""The one-command demo: SQLite and a filesystem broker, so it runs on any machine without servers."""

import os

from .base import *  # noqa: F403
from .base import DATABASES, VAR_DIR

DEBUG = True
ALLOWED_HOSTS = ["*"]

_broker_dir = VAR_DIR / "broker"
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    for sub in ("out", "processed"):
        (_broker_dir / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "data_folder_processed": str(_broker_dir / "processed"),
    }
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The web server, worker and beat share one SQLite file: wait for locks instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
# Demo mail goes to files under var/mail/ instead of cluttering the console.
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = VAR_DIR / "mail"
