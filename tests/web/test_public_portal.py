"""The public portal (issue 15): current 公示 with the contact for objections, past 公示 and 发文 by year, every
committee's window/office/phone/address; objections validated, with a receipt and a public status page."""

import re

import pytest
from django.urls import reverse

from publicity import objections
from publicity.models import Objection, Publicity
from tests.factories import submit
from tests.web.test_pages import login

pytestmark = pytest.mark.django_db


def _in_unit_publicity(client, world):
    app = submit(world.draft())
    login(client, world.unit_reviewer)
    client.post(reverse("inbox-batch"), {"action": "approve", "ids": [app.pk]})
    client.logout()
    return app, Publicity.objects.get().entries.get()


def test_front_page_without_login_is_the_portal(client, world, in_window):
    app, _ = _in_unit_publicity(client, world)
    world.office.address = "镇江市润州区南徐大道某号"
    world.office.save(update_fields=["address"])
    for path in ("/", reverse("public-publicity")):
        page = client.get(path).content.decode()
        assert "正在公示" in page and app.number in page and "提出异议" in page
        assert "异议受理：公示单位" in page and "剩余 5 个工作日" in page  # published today: 5 left, not 6
        assert "评委会受理安排" in page and "镇江市职称与执业资格评价服务中心" in page and "84403810" in page
        assert "2024年3月15日—2024年5月30日；2024年7月1日—2024年9月15日" in page
        assert "镇江市润州区南徐大道某号" in page and "依据文件时间申报" in page
        assert "评审结果发文" in page and "往期公示" in page
        assert app.applicant.id_number not in page


@pytest.mark.parametrize(
    ("contact", "content", "problem"),
    [
        ("abc", "申报材料中的业绩证明系伪造", "不是可以联系到的手机号"),
        ("138", "申报材料中的业绩证明系伪造", "不是可以联系到的手机号"),
        ("a@b", "申报材料中的业绩证明系伪造", "电子邮箱「a@b」格式不正确"),
        ("13800000000", "短", "异议内容过于简略"),
        ("13800000000", "啊啊啊啊啊", "异议内容过于简略"),
    ],
)
def test_objection_needs_a_reachable_contact_and_substance(client, world, in_window, contact, content, problem):
    app, entry = _in_unit_publicity(client, world)
    response = client.post(
        reverse("objection-new", args=[entry.pk]), {"name": "李四", "contact": contact, "content": content}
    )
    assert response.status_code == 400 and problem in response.content.decode()
    app.refresh_from_db()
    assert app.open_objections == 0 and not Objection.objects.exists()


@pytest.mark.parametrize("contact", ["13800000000", "0511-84403810", "84403810", "li.si@example.cn"])
def test_objection_gets_a_receipt_and_a_status_page(client, world, in_window, contact):
    app, entry = _in_unit_publicity(client, world)
    response = client.post(
        reverse("objection-new", args=[entry.pk]), {"name": "李四", "contact": contact, "content": "业绩证明系伪造"}
    )
    objection = Objection.objects.get()
    assert re.fullmatch(r"YY20240410-[A-HJ-NP-Z2-9]{6}", objection.receipt)
    assert response.status_code == 302 and response.url == reverse("objection-status", args=[objection.receipt])
    page = client.get(response.url).content.decode()
    assert objection.receipt in page and "调查中" in page and "回执号" in page
    assert "李四" not in page and contact not in page and "业绩证明系伪造" not in page  # private
    lookup = client.get(reverse("objection-status-lookup"), {"receipt": f" {objection.receipt.lower()} "})
    assert lookup.status_code == 200 and "调查中" in lookup.content.decode()
    login(client, world.unit_reviewer)
    objections.objection_decide(objection=objection, actor=world.unit_reviewer, upheld=False, reason="经核实无此事")
    client.logout()
    page = client.get(response.url).content.decode()
    assert "异议不成立" in page and "经核实无此事" not in page and "已办结" in page


def test_unknown_receipt_is_a_chinese_404(client, world):
    response = client.get(reverse("objection-status-lookup"), {"receipt": "YY20240410-XXXXXX"})
    assert response.status_code == 404 and "未查到回执号" in response.content.decode()


def test_api_objection_is_validated_and_answers_the_receipt(world, in_window, client):
    from rest_framework.test import APIClient

    app, entry = _in_unit_publicity(client, world)
    api = APIClient()
    bad = api.post("/api/v1/public/objections/", {"entry": entry.pk, "name": "王五", "contact": "abc",
                                                  "content": "论文抄袭"}, format="json")  # fmt: skip
    assert bad.status_code == 400 and bad.json()["code"] == "objection_invalid" and "contact" in bad.json()["fields"]
    good = api.post("/api/v1/public/objections/", {"entry": entry.pk, "name": "王五", "contact": "13900000000",
                                                   "content": "论文抄袭"}, format="json")  # fmt: skip
    assert good.status_code == 201
    body = good.json()
    assert body["receipt"] == Objection.objects.get().receipt
    assert body["status_url"] == reverse("objection-status", args=[body["receipt"]])
