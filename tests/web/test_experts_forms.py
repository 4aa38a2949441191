"""Expert pools page, replacing an expert and rescheduling on the meeting page, and the 评审 申报表 PDF: the pages
call the services, show refusals in Chinese with their 4xx status and change nothing then."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from applications.models import Level, Series
from organisations.models import CommitteeOffice
from review.models import Expert, ExpertDraw, ExpertPool
from tests.factories import UnitFactory, UserFactory, grant, submit
from tests.review import helpers
from tests.web.test_pages import login
from zhicheng.roles import Role

pytestmark = pytest.mark.django_db


def _pool_form(world, **extra):
    return {"office": world.office.pk, "series": Series.objects.get(name="建设工程").pk,
            "level": Level.objects.get(name="中级").pk, "name": "", **extra}  # fmt: skip


def _expert_form(pool, **fields):
    return {f"p{pool.pk}-{k}": v for k, v in fields.items()}


def _other_clerk():
    office = CommitteeOffice.objects.exclude(
        name__in=["镇江市职称与执业资格评价服务中心", "镇江市职工技术协会"]
    ).first()
    return grant(UserFactory(), Role.COMMITTEE_CLERK, office=office)


# ---------------------------------------------------------------- the expert pools page


def test_clerk_creates_a_pool_and_adds_an_expert_through_the_page(client, world):
    login(client, world.clerk)
    page = client.get(reverse("expert-pools"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "评审专家库" in html and "建立专家库" in html and f'href="{reverse("expert-pools")}"' in html  # nav link

    response = client.post(reverse("expert-pools"), _pool_form(world, name="建设工程中级专家库"))
    assert response.status_code == 302, response.content.decode()[:2000]
    pool = ExpertPool.objects.get()
    assert (pool.office, pool.series.name, pool.level.name) == (world.office, "建设工程", "中级")

    act = reverse("expert-pool-act", args=[pool.pk, "add"])
    fields = {"name": "王建国", "unit": world.unit.name, "title": "正高级工程师", "specialty": "结构工程",
              "phone": "13800000000"}  # fmt: skip
    assert client.post(act, _expert_form(pool, **fields)).status_code == 302
    assert client.post(act, _expert_form(pool, name="李明", unit="上海某设计院")).status_code == 302
    wang, li = Expert.objects.order_by("pk")
    assert wang.unit == world.unit and wang.unit_name == ""  # a registered unit: the colleague exclusion applies
    assert li.unit is None and li.unit_name == "上海某设计院"
    html = client.get(reverse("expert-pools")).content.decode()
    assert "王建国" in html and "正高级工程师" in html and "结构工程" in html and "在库 2 人" in html

    off = client.post(reverse("expert-pool-act", args=[pool.pk, "deactivate"]), {"expert": wang.pk})
    assert off.status_code == 302
    wang.refresh_from_db()
    assert not wang.active
    html = client.get(reverse("expert-pools")).content.decode()
    assert "已出库" in html and "恢复在库" in html and "在库 1 人" in html
    assert client.post(reverse("expert-pool-act", args=[pool.pk, "reactivate"]), {"expert": wang.pk}).status_code == 302
    wang.refresh_from_db()
    assert wang.active


def test_refusals_on_the_pools_page_are_chinese_and_change_nothing(client, world):
    login(client, world.clerk)
    assert client.post(reverse("expert-pools"), _pool_form(world)).status_code == 302
    again = client.post(reverse("expert-pools"), _pool_form(world))
    assert again.status_code == 400 and "建设工程中级评审专家库已存在" in again.content.decode()
    pool = ExpertPool.objects.get()
    blank = client.post(reverse("expert-pool-act", args=[pool.pk, "add"]), _expert_form(pool, name=""))
    assert blank.status_code == 400 and "请完整填写专家信息" in blank.content.decode()
    assert ExpertPool.objects.count() == 1 and not Expert.objects.exists()


def test_another_offices_clerk_gets_404_on_the_pools_actions(client, world):
    login(client, world.clerk)
    client.post(reverse("expert-pools"), _pool_form(world))
    pool = ExpertPool.objects.get()
    expert = Expert.objects.create(pool=pool, name="张三")

    login(client, _other_clerk())
    html = client.get(reverse("expert-pools")).content.decode()
    assert "张三" not in html and "尚未建立评审专家库" in html
    add = client.post(reverse("expert-pool-act", args=[pool.pk, "add"]), _expert_form(pool, name="混入者"))
    assert add.status_code == 404
    off = client.post(reverse("expert-pool-act", args=[pool.pk, "deactivate"]), {"expert": expert.pk})
    assert off.status_code == 404
    expert.refresh_from_db()
    assert expert.active and pool.experts.count() == 1


def test_applicant_may_not_see_the_experts_page(client, world):
    login(client, world.applicant().user)
    assert client.get(reverse("expert-pools")).status_code == 404
    assert client.post(reverse("expert-pools"), _pool_form(world)).status_code == 404
    assert not ExpertPool.objects.exists()


def test_supervisor_reads_the_pools_and_the_service_refuses_an_edit(client, world):
    pool = helpers.pool(world, others=2)
    login(client, world.supervisor)
    html = client.get(reverse("expert-pools")).content.decode()
    assert "专家0" in html and "建立专家库" not in html and "添加专家" not in html and "出库</button>" not in html
    refused = client.post(reverse("expert-pool-act", args=[pool.pk, "add"]), _expert_form(pool, name="越权"))
    assert refused.status_code == 403 and "您无权维护该评审专家库" in refused.content.decode()
    assert pool.experts.count() == 2


# ---------------------------------------------------------------- the meeting page: replace, reschedule


@pytest.fixture
def planned(world):
    apps = helpers.awaiting_meeting(world, [world.unit])
    return helpers.meeting(world, apps, seed="web-1")


def test_replace_without_reason_is_refused_and_the_panel_is_unchanged(client, world, planned):
    before = helpers.panel(planned)
    login(client, world.clerk)
    url = reverse("meeting-act", args=[planned.pk, "replace"])
    with helpers.travel(2024, 5, 11, 9):
        page = client.get(reverse("meeting-detail", args=[planned.pk])).content.decode()
        assert "替换专家" in page and "会议改期" in page
        refused = client.post(url, {"expert": before[0], "reason": "  "})
    assert refused.status_code == 400 and "替换评审专家须说明理由" in refused.content.decode()
    draw = ExpertDraw.objects.get(meeting=planned)
    assert draw.result == before and draw.replacements == []
    assert sorted(planned.experts.values_list("pk", flat=True)) == sorted(before)

    with helpers.travel(2024, 5, 11, 9):
        done = client.post(url, {"expert": before[0], "reason": "出差无法到会"})
    assert done.status_code == 302, done.content.decode()[:2000]
    draw.refresh_from_db()
    assert before[0] not in draw.result and len(draw.result) == len(before)
    assert draw.replacements[0]["reason"] == "出差无法到会"
    page = client.get(reverse("meeting-detail", args=[planned.pk])).content.decode()
    assert "替换记录" in page and "出差无法到会" in page


def test_reschedule_moves_the_date_and_needs_a_reason(client, world, planned):
    login(client, world.clerk)
    url = reverse("meeting-act", args=[planned.pk, "reschedule"])
    with helpers.travel(2024, 5, 11, 9):
        refused = client.post(url, {"date": "2024-07-10", "reason": ""})
        assert refused.status_code == 400 and "会议改期须说明理由" in refused.content.decode()
        planned.refresh_from_db()
        assert planned.date == helpers.MEETING_DAY
        moved = client.post(url, {"date": "2024-07-10", "reason": "评审专家时间冲突"})
    assert moved.status_code == 302, moved.content.decode()[:2000]
    planned.refresh_from_db()
    assert planned.date == dt.date(2024, 7, 10)
    assert planned.log[-1]["action"] == "reschedule" and planned.log[-1]["reason"] == "评审专家时间冲突"


def test_supervisor_sees_no_replace_or_reschedule_forms(client, world, planned):
    login(client, world.supervisor)
    page = client.get(reverse("meeting-detail", args=[planned.pk])).content.decode()
    assert "替换专家" not in page and "会议改期" not in page


# ---------------------------------------------------------------- the 评审 申报表 PDF


def test_review_form_pdf_downloads_for_the_applicant(client, world, in_window):
    person = world.applicant(name="司马光明")
    app = submit(world.draft(person))
    login(client, person.user)
    page = client.get(reverse("case-detail", args=[app.pk])).content.decode()
    assert "下载《专业技术资格评审申报表》（PDF）" in page
    response = client.get(reverse("application-form-pdf", args=[app.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "专业技术资格评审申报表" in text and "司马光明" in text and app.number in text
    assert person.id_number in text and "江苏大学" in text and "96学时" in text
    assert "本人承诺" in text and "申报人签字" in text and "单位意见（盖章）" in text


def test_review_form_pdf_is_not_for_strangers(client, world, in_window):
    app = submit(world.draft())
    login(client, world.applicant().user)
    assert client.get(reverse("application-form-pdf", args=[app.pk])).status_code == 404
    login(client, grant(UserFactory(), Role.UNIT_REVIEWER, unit=UnitFactory()))
    assert client.get(reverse("application-form-pdf", args=[app.pk])).status_code == 404


def test_review_form_pdf_of_a_draft_is_refused(client, world, in_window):
    app = world.draft()
    login(client, app.applicant.user)
    page = client.get(reverse("case-detail", args=[app.pk])).content.decode()
    assert "下载《专业技术资格评审申报表》" not in page
    response = client.get(reverse("application-form-pdf", args=[app.pk]))
    assert response.status_code == 409
    assert "申报提交后方可下载《专业技术资格评审申报表》" in response.content.decode()
