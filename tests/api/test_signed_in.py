"""One query reads who is signed in (issue 17): the user, their applicant record's id and their role memberships,
by API token or by session — and what it reads is never staler than the request."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import gettext_lazy
from rest_framework.authtoken.models import Token
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIClient

from applications.auth import signed_in_load
from organisations import services as org
from organisations.models import RoleMembership
from tests.factories import submit
from tests.web.test_pages import login
from zhicheng.renderers import FastJSONRenderer

pytestmark = pytest.mark.django_db


def _token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def _captured(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    return response, [q["sql"] for q in ctx.captured_queries]


def test_api_inbox_by_token_is_two_queries(world, in_window):
    app = submit(world.draft())
    response, sqls = _captured(_token_client(world.unit_reviewer), "/api/v1/applications/")
    assert response.status_code == 200 and [r["id"] for r in response.json()["results"]] == [app.pk]
    assert len(sqls) == 2, sqls  # who is signed in (token, user, profile id, memberships), then the page
    assert "authtoken_token" in sqls[0] and "applications_rolemembership" in sqls[0]


def test_pages_read_memberships_and_profile_with_the_user(client, world, in_window):
    submit(world.draft())
    login(client, world.clerk)
    response, sqls = _captured(client, "/inbox/")
    assert response.status_code == 200
    signed_in = [s for s in sqls if s.startswith('SELECT u."id"')]
    apart = [
        s
        for s in sqls
        if s.startswith(('SELECT "applications_rolemembership"', 'SELECT "applications_applicantprofile"'))
    ]
    assert len(signed_in) == 1 and apart == [], sqls


def test_a_revoked_role_is_gone_on_the_next_request(world, in_window):
    app = submit(world.draft())
    client = _token_client(world.unit_reviewer)
    assert [r["id"] for r in client.get("/api/v1/applications/").json()["results"]] == [app.pk]
    membership = RoleMembership.objects.get(user=world.unit_reviewer, role="unit_reviewer")
    org.role_revoke(membership=membership, actor=world.supervisor)
    assert client.get("/api/v1/applications/").json()["results"] == []
    assert client.get(f"/api/v1/applications/{app.pk}/").status_code == 404


def test_the_applicant_sees_their_own_case_by_token(world, in_window):
    app = submit(world.draft())
    client = _token_client(app.applicant.user)
    assert [r["id"] for r in client.get("/api/v1/applications/").json()["results"]] == [app.pk]
    user, token = signed_in_load(token_key=Token.objects.get(user=app.applicant.user).key)
    assert user._zc_profile_id == app.applicant_id and token.user is user
    assert [m.role for m in user._zc_roles] == list(
        RoleMembership.objects.filter(user=user).order_by("id").values_list("role", flat=True)
    )
    assert token.created.tzinfo is not None


def test_unknown_inactive_and_expired_tokens_are_refused_in_chinese(world, settings):
    r = APIClient(HTTP_AUTHORIZATION="Token " + "0" * 40).get("/api/v1/me/")
    assert r.status_code == 401 and "令牌" in r.json()["message"]
    user = world.unit_reviewer
    client = _token_client(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    r = client.get("/api/v1/me/")
    assert r.status_code == 401 and r.json()["code"] == "authentication_failed"
    user.is_active = True
    user.save(update_fields=["is_active"])
    Token.objects.filter(user=user).update(created=timezone.now() - dt.timedelta(days=365))
    r = client.get("/api/v1/me/")
    assert r.status_code == 401 and r.json()["code"] == "authentication_failed"
    assert not Token.objects.filter(user=user).exists()  # an expired token is deleted on first use


def test_a_user_id_naming_nobody_loads_nobody(world):
    # (sessions are kept on the server: only Django itself writes the id; the loader still refuses what is no id)
    assert signed_in_load(user_id="12x") == (None, None)
    assert signed_in_load(user_id=10**9) == (None, None)
    assert signed_in_load(user_id=str(world.clerk.pk))[0] == world.clerk


def test_the_fast_renderer_writes_what_drf_writes():
    data = {
        "when": timezone.now(),
        "naive": dt.datetime(2024, 5, 1, 8, 30, 15, 123456),
        "day": dt.date(2024, 5, 1),
        "time": dt.time(9, 0, 1, 500),
        "money": decimal.Decimal("0.60"),
        "label": gettext_lazy("Invalid token."),
        "id": uuid.UUID(int=7),
        "nested": [{"名称": "镇江市职称办", "n": 3, "ok": True, "none": None}],
        "gap": dt.timedelta(days=1, seconds=5),
    }
    assert FastJSONRenderer().render(data) == JSONRenderer().render(data)
    huge = {"n": 2**70, 1: "non-string key"}
    assert FastJSONRenderer().render(huge) == JSONRenderer().render(huge)  # refused by orjson: DRF's own
    assert json.loads(FastJSONRenderer().render(data))["nested"][0]["名称"] == "镇江市职称办"


def test_the_cached_public_list_follows_every_publicity_change(world, in_window, api):
    """The public list as it opens comes from the shared cache; opening a publicity, a case leaving it and its
    close each show on the next request."""
    from publicity import services as pub
    from publicity.models import Publicity
    from tests.conftest import shanghai

    first, second = submit(world.draft()), submit(world.draft())
    assert api().get("/api/v1/public/publicities/").json()["results"] == []
    pub.publicity_start(kind=Publicity.Kind.UNIT, applications=[first, second], actor=world.unit_reviewer)
    names = [r["name"] for r in api().get("/api/v1/public/publicities/").json()["results"]]
    assert sorted(names) == sorted([first.applicant.name, second.applicant.name])
    with CaptureQueriesContext(connection) as ctx:
        again = api().get("/api/v1/public/publicities/").json()["results"]
    assert [r["name"] for r in again] == names and ctx.captured_queries == []  # from the cache
    pub.publicity_case_stopped(application=first)  # (as a revocation or an abandonment does)
    names = [r["name"] for r in api().get("/api/v1/public/publicities/").json()["results"]]
    assert names == [second.applicant.name]
    publicity = Publicity.objects.get(entries__application=second)
    in_window.move_to(shanghai(2024, 4, 18, 9))
    pub.publicity_close(publicity=publicity)
    assert api().get("/api/v1/public/publicities/").json()["results"] == []
    filtered = api().get("/api/v1/public/publicities/", {"office": world.office.pk})
    assert filtered.status_code == 200  # a filtered list is read each time
