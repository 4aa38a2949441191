"""Sign-ups are rate limited per client address and across all addresses (a flood from rotating addresses), on the
pages and the API alike; a refused sign-up is a Chinese 429 that writes nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from applications.models import ApplicantProfile
from organisations.models import Unit
from tests.people.helpers import credit_code, id_number
from zhicheng.models import User

pytestmark = pytest.mark.django_db


def page_form(seq: int) -> dict:
    return {"name": "孙注册", "id_kind": "resident", "id_number": id_number(seq), "phone": f"1360000{seq:04d}",
            "email": f"r{seq}@example.cn", "password": "Zj-pass-2026!", "password2": "Zj-pass-2026!"}  # fmt: skip


def api_body(seq: int) -> dict:
    return {"name": "陈新", "id_kind": "resident", "id_number": id_number(seq), "phone": f"1390000{seq:04d}",
            "email": f"p{seq}@example.cn", "password": "Zj-pass-2026!"}  # fmt: skip


@pytest.fixture
def rates(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "register": "3/hour",
            "register_all": "5/hour",
        },
    }


def test_one_address_is_held_after_its_rate_on_the_page_and_the_api(client, world, rates):
    for seq in (801, 802):
        client.post(reverse("register"), page_form(seq))
        client.logout()
    api = APIClient()
    assert api.post("/api/v1/auth/register/", api_body(803), format="json").status_code == 201  # the third
    users = User.objects.count()
    r = api.post("/api/v1/auth/register/", api_body(804), format="json")
    assert r.status_code == 429 and "注册过于频繁" in r.json()["message"] and "同一网络地址" in r.json()["message"]
    assert "Retry-After" in r.headers
    page = client.post(reverse("register"), page_form(805))
    assert page.status_code == 429 and "注册过于频繁" in page.content.decode()
    assert User.objects.count() == users  # nothing written
    assert not ApplicantProfile.objects.filter(phone__in=["13900000804", "13600000805"]).exists()
    # Forged X-Forwarded-For does not reset the count: with no trusted proxy the socket's address is the client.
    forged = api.post("/api/v1/auth/register/", api_body(806), format="json", HTTP_X_FORWARDED_FOR="10.9.8.7")
    assert forged.status_code == 429


def test_rotating_addresses_meet_the_total_rate(world, rates):
    api = APIClient()
    codes = [
        api.post("/api/v1/auth/register/", api_body(810 + i), format="json", REMOTE_ADDR=f"10.0.0.{i + 1}").status_code
        for i in range(7)
    ]
    assert codes == [201] * 5 + [429, 429]
    r = api.post("/api/v1/auth/register/", api_body(830), format="json", REMOTE_ADDR="10.0.1.1")
    assert "全站" in r.json()["message"]
    units = Unit.objects.count()
    body = {"name": "镇江洪水注册有限公司", "credit_code": credit_code(91), "ownership": "enterprise",
            "region": world.unit.region_id, "admin_username": "flood_admin", "admin_name": "赵洪",
            "admin_password": "Unit-admin-2026!"}  # fmt: skip
    r = api.post("/api/v1/auth/register-unit/", body, format="json", REMOTE_ADDR="10.0.2.1")
    assert r.status_code == 429 and Unit.objects.count() == units
    assert not User.objects.filter(username="flood_admin").exists()
