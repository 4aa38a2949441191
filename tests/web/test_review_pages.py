"""Objection decisions and paper receipt through the pages."""

import pytest
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.models import ApplicationEvent, Status
from operations.sweep import timers_sweep
from publicity import objections
from publicity import services as pub_services
from publicity.models import Objection, Publicity
from tests.conftest import shanghai
from tests.factories import submit
from tests.web.test_pages import login

pytestmark = pytest.mark.django_db


def _in_unit_publicity(world):
    app = submit(world.draft())
    pub_services.publicity_start(kind=Publicity.Kind.UNIT, applications=[app], actor=world.unit_reviewer)
    app.refresh_from_db()
    return app


def test_objection_decision_needs_a_reason_then_stops_the_case(client, world, in_window):
    app = _in_unit_publicity(world)
    objection = objections.objection_file(application=app, name="李四", contact="138", content="论文抄袭")
    login(client, world.unit_reviewer)
    page = client.get(reverse("case-detail", args=[app.pk])).content.decode()
    assert "论文抄袭" in page and "登记处理结论" in page
    response = client.post(reverse("objection-decide", args=[objection.pk]), {"upheld": "1", "reason": ""})
    assert response.status_code == 400 and "处理异议须写明调查结论" in response.content.decode()
    objection.refresh_from_db()
    assert objection.status == Objection.Status.OPEN
    response = client.post(reverse("objection-decide", args=[objection.pk]), {"upheld": "1", "reason": "经核实属实"})
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == Status.REJECTED


def test_objection_decision_by_someone_else_is_refused(client, world, in_window):
    app = _in_unit_publicity(world)
    objection = objections.objection_file(application=app, name="李四", contact="138", content="论文抄袭")
    login(client, world.dept_reviewer)  # sees the case, does not decide the unit's publicity
    response = client.post(reverse("objection-decide", args=[objection.pk]), {"upheld": "1", "reason": "属实"})
    assert response.status_code == 403 and "您无权处理该申报的异议" in response.content.decode()
    objection.refresh_from_db()
    assert objection.status == Objection.Status.OPEN


def test_paper_receipt_by_number(client, world, in_window):
    app = _in_unit_publicity(world)
    in_window.move_to(shanghai(2024, 4, 18, 10, 0))
    timers_sweep()
    services.application_dept_approve(application=app, actor=world.dept_reviewer)
    pub_services.publicity_start(kind=Publicity.Kind.COMMITTEE, applications=[app], actor=world.clerk)
    login(client, world.clerk)
    response = client.post(reverse("paper-receipt"), {"number": "ZJ0000"}, follow=True)
    assert "未找到申报编号为「ZJ0000」的申报" in response.content.decode()
    events = ApplicationEvent.objects.filter(application=app).count()
    response = client.post(reverse("paper-receipt"), {"number": app.number}, follow=True)
    assert "已登记申报" in response.content.decode()
    app.refresh_from_db()
    assert app.paper_received_at is not None
    assert ApplicationEvent.objects.filter(application=app).count() == events + 1
    again = client.post(reverse("paper-receipt"), {"number": app.number}, follow=True)
    assert "纸质材料已登记" in again.content.decode()


def test_timeline_tags_a_deadline_in_an_unknown_year_as_provisional(client, world, in_window):
    app = submit(world.draft())
    in_window.move_to(shanghai(2027, 6, 1, 10, 0))  # chinese-calendar does not know 2027
    services.application_request_correction(application=app, actor=world.unit_reviewer, items=["补充业绩材料"])
    login(client, app.applicant.user)
    page = client.get(reverse("case-detail", args=[app.pk])).content.decode()
    assert "补正期限" in page and 'class="tag provisional"' in page and "补充业绩材料" in page


def test_inbox_lists_what_the_user_acts_on_first_and_everything_on_request(client, world, in_window):
    waiting_for_unit = submit(world.draft())  # 单位审核: the unit's act
    in_publicity = _in_unit_publicity(world)  # 评前公示: the unit's
    login(client, world.dept_reviewer)  # sees both cases of its units, acts on neither yet
    page = client.get(reverse("inbox")).content.decode()
    assert "待我办理 <b>0</b>" in page and "全部可见 <b>2</b>" in page
    assert waiting_for_unit.number not in page and in_publicity.number not in page
    page = client.get(reverse("inbox"), {"scope": "all"}).content.decode()
    assert waiting_for_unit.number in page and in_publicity.number in page
    page = client.get(reverse("inbox"), {"q": waiting_for_unit.number}).content.decode()  # a search: all visible
    assert waiting_for_unit.number in page and in_publicity.number not in page
    login(client, world.unit_reviewer)
    page = client.get(reverse("inbox")).content.decode()
    assert "待我办理 <b>2</b>" in page and waiting_for_unit.number in page and in_publicity.number in page


def test_the_inbox_lists_open_objections_on_cases_in_sight_only(client, world, in_window):
    """待处理的异议 on the inbox: the case number, the applicant, the publicity and when it was filed, for the
    reviewer who sees the case; a reviewer of another unit is not shown it; a decided objection leaves the list."""
    from tests.factories import UnitFactory, UserFactory, grant
    from zhicheng.roles import Role

    app = _in_unit_publicity(world)
    objection = objections.objection_file(application=app, name="李四", contact="138", content="论文抄袭")
    login(client, world.unit_reviewer)
    page = client.get(reverse("inbox")).content.decode()
    section = page[page.index("待处理的异议") :]
    assert app.number in section and app.applicant.name in section and objection.publicity.title in section
    assert f"{timezone.localtime(objection.filed_at):%Y-%m-%d %H:%M}" in section
    assert "李四" not in section  # the objector's name is for the case page, to whoever decides
    neighbour = grant(UserFactory(), Role.UNIT_REVIEWER, unit=UnitFactory())
    login(client, neighbour)
    assert "待处理的异议" not in client.get(reverse("inbox")).content.decode()
    objections.objection_decide(objection=objection, actor=world.unit_reviewer, upheld=False, reason="经核实不属实")
    login(client, world.unit_reviewer)
    assert "待处理的异议" not in client.get(reverse("inbox")).content.decode()
