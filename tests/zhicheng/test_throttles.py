"""Rate limits shared by every process, the client address behind trusted proxies, objection floods, sign-in
attempts per address and API tokens (issue 16)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from publicity import objections
from publicity import services as pub
from publicity.models import Objection, Publicity
from tests.factories import submit
from zhicheng import throttle
from zhicheng.errors import TooManyRequests

pytestmark = pytest.mark.django_db
BODY = {"entry": 999999, "name": "某", "contact": "13800000000", "content": "异议"}


def _rates(settings, **rates):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **rates},
    }


def _post(ip: str, xff: str | None = None):
    extra = {"REMOTE_ADDR": ip}
    if xff is not None:
        extra["HTTP_X_FORWARDED_FOR"] = xff
    return APIClient().post("/api/v1/public/objections/", BODY, format="json", **extra).status_code


def test_client_ip_ignores_forged_forwarded_for(settings):
    meta = {"REMOTE_ADDR": "10.0.0.5", "HTTP_X_FORWARDED_FOR": "1.1.1.1, 2.2.2.2"}
    settings.ZHICHENG = {**settings.ZHICHENG, "TRUSTED_PROXIES": 0}
    assert throttle.client_ip(meta) == "10.0.0.5"
    settings.ZHICHENG = {**settings.ZHICHENG, "TRUSTED_PROXIES": 1}
    assert throttle.client_ip(meta) == "2.2.2.2"  # what our proxy saw; 1.1.1.1 was written by the client
    settings.ZHICHENG = {**settings.ZHICHENG, "TRUSTED_PROXIES": 2}
    assert throttle.client_ip(meta) == "1.1.1.1"
    assert throttle.client_ip({"REMOTE_ADDR": "10.0.0.5", "HTTP_X_FORWARDED_FOR": "not-an-ip, 2.2.2.2"}) == "10.0.0.5"
    assert throttle.client_ip({"REMOTE_ADDR": "10.0.0.5"}) == "10.0.0.5"  # fewer hops than configured


def test_rotating_forwarded_for_does_not_escape_the_objection_throttle(settings):
    _rates(settings, objection="3/hour")
    codes = [_post("203.0.113.9", xff=f"198.51.100.{i}") for i in range(6)]
    assert codes == [404, 404, 404, 429, 429, 429]
    settings.ZHICHENG = {**settings.ZHICHENG, "TRUSTED_PROXIES": 1}  # behind one proxy: its last entry counts
    codes = [_post("10.0.0.1", xff=f"198.51.100.{i}, 192.0.2.7") for i in range(5)]
    assert codes == [404, 404, 404, 429, 429]


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_throttle_is_shared_between_two_processes(settings, reference):
    url = os.environ["CELERY_BROKER_URL"]
    settings.CACHES = {"default": {"BACKEND": "zhicheng.cache.RedisCache", "LOCATION": url}}
    from django.core.cache import cache

    cache.clear()
    _rates(settings, objection="4/hour")
    assert [_post("192.0.2.44") for _ in range(2)] == [404, 404]
    env = {
        **os.environ,
        "ZHICHENG_TEST_CACHE_URL": url,
        "ZHICHENG_OBJECTION_RATE": "4/hour",
        "DATABASE_URL": os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + connection.settings_dict["NAME"],
    }
    script = textwrap.dedent(
        """
        import django, json
        django.setup()
        from rest_framework.test import APIClient
        body = {"entry": 999999, "name": "某", "contact": "1", "content": "异议"}
        codes = [APIClient().post("/api/v1/public/objections/", body, format="json", REMOTE_ADDR="192.0.2.44",
                                  HTTP_X_FORWARDED_FOR="8.8.8.%d" % i).status_code for i in range(4)]
        print(json.dumps(codes))
        """
    )
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "[404, 404, 429, 429]"  # the other process saw our two
    assert _post("192.0.2.44") == 429
    cache.clear()


def _entry(world):
    app = submit(world.draft())
    publicity = pub.publicity_start(kind=Publicity.Kind.UNIT, applications=[app], actor=world.unit_reviewer)
    return app, publicity.entries.get()


def test_objection_form_is_throttled_like_the_api(client, world, in_window, settings):
    _rates(settings, objection="2/hour")
    app, entry = _entry(world)
    url = reverse("objection-new", args=[entry.pk])
    codes = []
    for i in range(3):
        r = client.post(
            url, {"name": f"李{'一二三'[i]}", "contact": f"1380000000{i}", "content": "业绩造假"}, REMOTE_ADDR="1.2.3.4"
        )
        codes.append(r.status_code)
    assert codes == [302, 302, 429] and "请求过于频繁" in r.content.decode()
    assert APIClient().post("/api/v1/public/objections/", BODY, format="json", REMOTE_ADDR="1.2.3.4").status_code == 429
    assert Objection.objects.filter(application=app).count() == 2


def test_objection_form_limits_the_length_of_free_text(client, world, in_window):
    app, entry = _entry(world)
    r = client.post(
        reverse("objection-new", args=[entry.pk]), {"name": "李四", "contact": "13800000000", "content": "长" * 4001}
    )
    assert r.status_code == 400 and "4000" in r.content.decode()
    assert not Objection.objects.filter(application=app).exists()


def test_objections_limited_per_case_and_per_contact(world, in_window, settings):
    settings.ZHICHENG = {**settings.ZHICHENG, "OBJECTIONS_PER_CASE_PER_DAY": 3, "OBJECTIONS_PER_CONTACT_PER_DAY": 2}
    app, _ = _entry(world)
    other, _ = _entry(world)
    third, _ = _entry(world)
    objections.objection_file(application=app, name="甲", contact="138 0000 0001", content="异议一")
    with pytest.raises(TooManyRequests) as exc:  # the same contact, written differently, while it is open
        objections.objection_file(application=app, name="甲", contact="13800000001", content="异议二")
    assert exc.value.code == "objection_duplicate" and exc.value.status == 429
    objections.objection_file(application=other, name="甲", contact="13800000001", content="异议")
    with pytest.raises(TooManyRequests) as exc:
        objections.objection_file(application=third, name="甲", contact="13800000001", content="异议")
    assert exc.value.code == "objection_contact_limit" and "2 件" in exc.value.message
    objections.objection_file(application=app, name="乙", contact="13900000002", content="异议")
    objections.objection_file(application=app, name="丙", contact="13900000003", content="异议")
    with pytest.raises(TooManyRequests) as exc:
        objections.objection_file(application=app, name="丁", contact="13900000004", content="异议")
    assert exc.value.code == "objection_case_limit"
    app.refresh_from_db()
    assert app.open_objections == 3


def _with_password(user, password="pass-1234"):
    user.set_password(password)
    user.save()
    return user


def test_one_address_spraying_many_accounts_is_stopped(world, settings):
    _rates(settings, login_ip="5/hour")
    users = [_with_password(u) for u in (world.unit_reviewer, world.dept_reviewer, world.clerk, world.supervisor)]
    client = Client(REMOTE_ADDR="198.51.100.23")
    codes = [
        client.post(reverse("login"), {"username": u.username, "password": "wrong"}).status_code
        for u in users + users[:1]
    ]
    assert codes == [200] * 5  # each account failed at most twice: django-axes (per user + address) saw nothing
    r = client.post(reverse("login"), {"username": users[3].username, "password": "pass-1234"})
    assert r.status_code == 429 and "该网络地址登录失败次数过多" in r.content.decode() and r.has_header("Retry-After")
    r = APIClient().post(
        "/api/v1/auth/token/",
        {"username": users[3].username, "password": "pass-1234"},
        format="json",
        REMOTE_ADDR="198.51.100.23",
    )
    assert r.status_code == 429 and r.json()["code"] == "ip_locked"
    other = Client(REMOTE_ADDR="198.51.100.24")  # another address is not affected
    assert other.post(reverse("login"), {"username": users[3].username, "password": "pass-1234"}).status_code == 302


def test_api_token_failures_count_per_address(world, settings):
    _rates(settings, login_ip="2/hour")
    for _ in range(2):
        r = APIClient().post(
            "/api/v1/auth/token/", {"username": "x", "password": "y"}, format="json", REMOTE_ADDR="192.0.2.1"
        )
        assert r.status_code == 400
    r = APIClient().post(
        "/api/v1/auth/token/", {"username": "x", "password": "y"}, format="json", REMOTE_ADDR="192.0.2.1"
    )
    assert r.status_code == 429


def test_token_revoked_on_password_change_and_expires(world, settings):
    import time_machine
    from django.utils import timezone

    user = _with_password(world.supervisor)
    key = (
        APIClient()
        .post("/api/v1/auth/token/", {"username": user.username, "password": "pass-1234"}, format="json")
        .json()["token"]
    )
    me = APIClient(HTTP_AUTHORIZATION=f"Token {key}")
    assert me.get("/api/v1/me/").status_code == 200
    _with_password(user, "another-pass-5678")
    assert not Token.objects.filter(key=key).exists()
    assert me.get("/api/v1/me/").status_code == 401
    body = {"username": user.username, "password": "another-pass-5678"}
    key = APIClient().post("/api/v1/auth/token/", body, format="json").json()["token"]
    ttl = settings.ZHICHENG["API_TOKEN_TTL_HOURS"]
    with time_machine.travel(timezone.now() + timezone.timedelta(hours=ttl, minutes=1)):
        r = APIClient(HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/me/")
        assert r.status_code == 401 and r.json()["code"] == "authentication_failed"
        assert not Token.objects.filter(key=key).exists()
        fresh = APIClient().post("/api/v1/auth/token/", body, format="json").json()["token"]
        assert fresh != key and APIClient(HTTP_AUTHORIZATION=f"Token {fresh}").get("/api/v1/me/").status_code == 200
