"""The shared cache and the sessions kept in it (issue 17): one redis-py client per pool, and sessions read from the
cache but never lost with it."""

from __future__ import annotations

import os

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.web.test_pages import login
from zhicheng.cache import RedisCache

pytestmark = pytest.mark.django_db


@pytest.mark.redis
def test_one_redis_client_serves_every_call_and_stores_as_django_does():
    backend = RedisCache(os.environ["CELERY_BROKER_URL"], {"KEY_PREFIX": "zc-cache-test"})
    inner = backend._cache
    assert inner.get_client("a") is inner.get_client("b") is inner.get_client("c", write=True)
    backend.set("k", {"值": [1, 2]}, 30)
    assert backend.get("k") == {"值": [1, 2]}
    assert backend.add("k2", 1, 30) and backend.incr("k2") == 2
    assert backend.get("k2") == 2
    backend.delete_many(["k", "k2"])
    assert backend.get("k") is None and backend.get("k2") is None


def test_a_signed_in_page_reads_its_session_from_the_cache(client, world):
    login(client, world.clerk)
    client.get("/inbox/")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/inbox/").status_code == 200
    assert not [q for q in ctx.captured_queries if "django_session" in q["sql"]], ctx.captured_queries


def test_a_session_outlives_the_cache(client, world):
    """A Redis restart or a culled entry signs nobody out: the session is read back from the database."""
    login(client, world.clerk)
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/inbox/")
    assert response.status_code == 200 and response.wsgi_request.user == world.clerk
    assert [q for q in ctx.captured_queries if "django_session" in q["sql"]]


def test_signing_out_ends_the_cached_session(client, world):
    login(client, world.clerk)
    cookie = client.cookies["sessionid"].value
    client.post("/logout/")
    client.cookies["sessionid"] = cookie  # the old cookie, replayed
    response = client.get("/inbox/")
    assert response.status_code == 302 and "/login/" in response["Location"]
