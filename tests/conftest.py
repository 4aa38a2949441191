import datetime as dt
import io
import os
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

HAVE_PG = os.environ.get("ZHICHENG_TEST_POSTGRES") == "1"
HAVE_REDIS = os.environ.get("ZHICHENG_TEST_REDIS") == "1"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "postgres" in item.keywords and not HAVE_PG:
            item.add_marker(pytest.mark.skip(reason=f"需要 PostgreSQL：{item.name}"))
        if "redis" in item.keywords and not HAVE_REDIS:
            item.add_marker(pytest.mark.skip(reason=f"需要 Redis：{item.name}"))


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The per-process caches (public pages, throttles, reference rows) must not carry one test's rows into the next."""
    from django.core.cache import cache
    from django.db import connections

    from applications import refcache

    cache.clear()
    refcache.clear()
    for conn in connections.all(initialized_only=True):  # statements kept by zhicheng/db/statements.py
        conn.__dict__.pop("_zc_statements", None)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Reference data is loaded once for the session (transactional tests reload it: see `reference`)."""
    with django_db_blocker.unblock():
        call_command("load_reference_data", stdout=io.StringIO())


@pytest.fixture
def reference(db):
    """The 2024 reference data, reloaded if a transactional test flushed it."""
    from applications.models import ReviewCycle

    if not ReviewCycle.objects.exists():
        call_command("load_reference_data", stdout=io.StringIO())


@pytest.fixture
def world(reference):
    from tests.factories import World

    return World()


def shanghai(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def in_window():
    """2024-04-10 09:00 in Zhenjiang: inside row 1's first window and the 初定 window."""
    with time_machine.travel(shanghai(2024, 4, 10, 9, 0), tick=False) as traveller:
        yield traveller


@pytest.fixture
def eager_tasks():
    """Celery tasks queued during the test run at once, in-process (e.g. the e-mail and SMS of a notice)."""
    from zhicheng.celery import app as celery_app

    old = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = old
