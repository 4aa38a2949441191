"""Small ones of issue 15: one way to show a pass rate, case-insensitive paper receipt, the dashboard's trend charts
(no manage.py advice), the demo supervisor's name, the wizard's step numbers, days left of a 5-working-day 公示."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from applications import services
from applications.views import running_deadlines
from operations.sweep import timers_sweep
from publicity import services as pub_services
from publicity.models import Publicity
from tests.conftest import shanghai
from tests.factories import submit
from tests.web.test_pages import login
from zhicheng.templatetags.zhicheng_format import percent

pytestmark = pytest.mark.django_db


def test_percent_is_the_one_way_to_show_a_rate():
    assert percent(Decimal("0.600")) == "60%"
    assert percent(2 / 3) == "66.7%"
    assert percent(1) == "100%"
    assert percent("") == ""


def test_paper_receipt_by_number_ignores_case(client, world, in_window):
    app = submit(world.draft())
    pub_services.publicity_start(kind=Publicity.Kind.UNIT, applications=[app], actor=world.unit_reviewer)
    in_window.move_to(shanghai(2024, 4, 18, 10, 0))
    timers_sweep()
    services.application_dept_approve(application=app, actor=world.dept_reviewer)
    pub_services.publicity_start(kind=Publicity.Kind.COMMITTEE, applications=[app], actor=world.clerk)
    login(client, world.clerk)
    response = client.post(reverse("paper-receipt"), {"number": f" {app.number.lower()} "}, follow=True)
    assert "已登记申报" in response.content.decode()
    app.refresh_from_db()
    assert app.paper_received_at is not None


def test_five_working_day_publicity_has_five_days_left_on_its_first_day(world, in_window):
    app = submit(world.draft())
    pub_services.publicity_start(kind=Publicity.Kind.UNIT, applications=[app], actor=world.unit_reviewer)
    app.refresh_from_db()
    (row,) = running_deadlines(app, today=dt.date(2024, 4, 10))  # published on Wednesday 2024-04-10
    assert row["last_day"] == dt.date(2024, 4, 17) and row["days_left"] == 5 and not row["today_counts"]
    (row,) = running_deadlines(app, today=dt.date(2024, 4, 11))
    assert row["days_left"] == 5 and row["today_counts"]  # Thu..Wed, today included
    (row,) = running_deadlines(app, today=dt.date(2024, 4, 17))
    assert row["days_left"] == 1


def test_dashboard_draws_trends_per_month_and_region_and_sends_no_one_to_manage_py(client, world, in_window):
    for _ in range(3):
        submit(world.draft())
    login(client, world.supervisor)
    page = client.get(reverse("dashboard")).content.decode()
    assert 'id="chart-trend"' in page and "<polyline" in page and "2024年4月" in page
    assert 'id="chart-region"' in page and world.unit.region.name in page and "共 3 件" in page
    assert "manage.py" not in page and reverse("calendar") in page


def test_demo_supervisor_name_has_no_admin_note(reference):
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    from django.contrib.auth import get_user_model

    supervisor = get_user_model().objects.get(username="zhichengban")
    assert supervisor.display_name == "刘洁" and supervisor.is_staff
    call_command("load_demo", "--accounts", stdout=out)
    assert "可登录后台" in out.getvalue()  # said where the accounts are listed, from is_staff, not in the name


def test_wizard_numbers_its_steps_once(client, world):
    login(client, world.applicant().user)
    page = client.get(reverse("application-new")).content.decode()
    assert '<ol class="chips steps"' in page and page.count("① 选择系列与级别") == 1
    from zhicheng.settings.base import BASE_DIR  # the list's own numbers are switched off in the stylesheet

    assert "ol.chips, ul.chips { list-style: none;" in (BASE_DIR / "static/css/site.css").read_text()
