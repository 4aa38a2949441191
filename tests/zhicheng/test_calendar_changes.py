"""A calendar change reaches every period that has not ended yet (issue 14, Build 2), by time-machine."""

import datetime as dt

import pytest
from django.core.management import call_command

from applications import services
from applications.models import Deadline, Status
from operations import calendar
from publicity import services as pub
from publicity.models import Publicity
from tests.publicity.helpers import at, status, submitted, sweep, system_events, travel
from zhicheng import workdays
from zhicheng.errors import DomainError
from zhicheng.models import CalendarChange, CalendarDay, Notification

pytestmark = pytest.mark.django_db
S = Status
D = dt.date.fromisoformat


def test_a_holiday_added_mid_publicity_extends_it(world, in_window, django_capture_on_commit_callbacks):
    """Issue bullet: a unit 公示 started 2024-04-10; the supervisor then marks 2024-04-15 a holiday."""
    (app,) = submitted(world)
    p = pub.publicity_start(kind=Publicity.Kind.UNIT, applications=[app], actor=world.unit_reviewer)
    assert p.last_day == D("2024-04-17")
    with travel(2024, 4, 12, 10), django_capture_on_commit_callbacks(execute=True):
        calendar.calendar_override_set(
            actor=world.supervisor, date=D("2024-04-15"), is_workday=False, name="测试停工", source="测试通知"
        )
    p.refresh_from_db()
    app.refresh_from_db()
    assert (p.last_day, p.ends_at) == (D("2024-04-18"), at(2024, 4, 19))
    assert app.held_until == at(2024, 4, 19)
    ev = system_events(app, "hold_recomputed").get()
    assert "2024-04-15" in ev.reason and "测试通知" in ev.reason and "2024-04-18" in ev.reason
    change = CalendarChange.objects.get()
    assert change.actor == world.supervisor and change.recomputed["publicities"] == 1
    assert Notification.objects.filter(recipient=app.applicant.user, title__contains="重新计算").exists()
    assert Notification.objects.filter(recipient=world.unit_reviewer, title__contains="期满日已重新计算").exists()

    sweep(2024, 4, 18, 9)  # the old end has passed: the case stays
    assert status(app) == S.UNIT_PUBLICITY
    sweep(2024, 4, 19, 0, 0)
    assert status(app) == S.DEPT_RECHECK


def test_a_period_that_has_ended_is_never_reopened(world, in_window, django_capture_on_commit_callbacks):
    (app,) = submitted(world)
    p = pub.publicity_start(kind=Publicity.Kind.UNIT, applications=[app], actor=world.unit_reviewer)
    # 04-18 09:00: the period ended at 04-18 00:00 and no sweep has run yet.
    with travel(2024, 4, 18, 9), django_capture_on_commit_callbacks(execute=True):
        calendar.calendar_override_set(
            actor=world.supervisor, date=D("2024-04-15"), is_workday=False, name="测试停工", source="测试通知"
        )
    p.refresh_from_db()
    assert p.last_day == D("2024-04-17")
    assert not system_events(app, "deadline_recomputed").exists()
    assert not system_events(app, "hold_recomputed").exists()
    sweep(2024, 4, 18, 9, 1)
    assert status(app) == S.DEPT_RECHECK


def test_correction_deadline_follows_an_override_and_its_removal(world, in_window, django_capture_on_commit_callbacks):
    (app,) = submitted(world)
    services.application_request_correction(application=app, actor=world.unit_reviewer, items=["缺学历证书"])
    dl = Deadline.objects.get(application=app)
    first = dl.last_day
    with django_capture_on_commit_callbacks(execute=True):
        calendar.calendar_override_set(
            actor=world.supervisor, date=D("2024-04-16"), is_workday=False, name="测试停工", source="测试通知"
        )
    dl.refresh_from_db()
    assert dl.last_day == workdays.add_workdays(first, 1).last_day
    with django_capture_on_commit_callbacks(execute=True):
        calendar.calendar_override_delete(actor=world.supervisor, day=CalendarDay.objects.get(date=D("2024-04-16")))
    dl.refresh_from_db()
    assert dl.last_day == first
    assert system_events(app, "deadline_recomputed").count() == 2


def test_late_december_of_the_last_known_year_is_provisional(settings):
    last = max(workdays.LIBRARY_YEARS)
    assert workdays.day_info(dt.date(last, 12, 29)).provisional
    assert not workdays.day_info(dt.date(last, 12, 24)).provisional
    assert not workdays.day_info(dt.date(last - 1, 12, 29)).provisional  # the next year is known
    settings.ZHICHENG = {**settings.ZHICHENG, "CALENDAR_PROVISIONAL_DECEMBER_FROM": 20}
    assert workdays.day_info(dt.date(last, 12, 21)).provisional
    end = workdays.add_workdays(dt.date(last, 12, 21), 3)
    assert end.provisional


ARRANGEMENT_2019_STYLE = {
    # Like the 2019 arrangement (2018-12-29 a workday, 12-30..01-01 off), for the year after the library's last.
    "source": "国办发明电（测试）",
    "holidays": [{"start": "2026-12-30", "end": "2027-01-01", "name": "元旦"}],
    "workdays": [{"date": "2026-12-26", "name": "元旦调休上班"}],
}


def test_next_year_import_finalises_late_december_and_recomputes(world, in_window, django_capture_on_commit_callbacks):
    assert max(workdays.LIBRARY_YEARS) == 2026
    (app,) = submitted(world)
    with travel(2026, 12, 21, 9):
        services.application_request_correction(application=app, actor=world.unit_reviewer, items=["缺学历证书"])
    dl = Deadline.objects.get(application=app)
    # 12-22..25, 28..31 by the library and weekends, then 2027-01-01 (weekday) and 01-04: provisional
    assert dl.provisional and dl.last_day == D("2027-01-04")
    sweep(2027, 1, 20, 0, 0)
    assert status(app) == S.CORRECTION  # a provisional deadline never fires

    with travel(2027, 1, 20, 9), django_capture_on_commit_callbacks(execute=True):
        cal_year, count = calendar.calendar_year_import(actor=None, data={"year": 2027, **ARRANGEMENT_2019_STYLE})
    assert count == 4
    assert workdays.day_info(D("2026-12-26")).is_workday  # a Saturday made a workday
    assert not workdays.day_info(D("2026-12-31")).is_workday
    assert not workdays.day_info(D("2026-12-29")).provisional
    dl.refresh_from_db()
    # 12-22..26 (5), 12-28, 29 (7), 12-30..01-01 off, 01-04..06 (10)
    assert (dl.provisional, dl.last_day) == (False, D("2027-01-06"))
    ev = system_events(app, "deadline_recomputed").get()
    assert "导入2027年放假安排" in ev.rule and "上一年年末" in ev.rule
    sweep(2027, 1, 20, 9, 1)
    assert status(app) == S.ABANDONED
    assert system_events(app, "abandon_correction").count() == 1


def test_import_still_refuses_other_dates_of_other_years():
    for bad in ["2026-12-10", "2028-01-01"]:
        with pytest.raises(DomainError) as exc:
            workdays.calendar_import_year(
                data={"year": 2027, "source": "x", "holidays": [{"date": bad, "name": "元旦"}]}
            )
        assert "不属于 2027 年" in exc.value.message
    assert not CalendarDay.objects.exists()


def test_reimport_replaces_the_tail_it_listed(tmp_path, capsys):
    path = tmp_path / "2027.yaml"
    path.write_text(
        "year: 2027\nsource: 测试通知\nholidays:\n  - {date: 2026-12-31, name: 元旦}\n"
        "workdays:\n  - {date: 2026-12-26, name: 元旦调休上班}\n",
        encoding="utf-8",
    )
    call_command("workdays", "import", str(path))
    assert "2 天" in capsys.readouterr().out
    assert set(CalendarDay.objects.values_list("date", flat=True)) == {D("2026-12-26"), D("2026-12-31")}
    path.write_text("year: 2027\nsource: 测试通知（更正）\nholidays:\n  - {date: 2027-01-01, name: 元旦}\n")
    call_command("workdays", "import", str(path))
    assert set(CalendarDay.objects.values_list("date", flat=True)) == {D("2027-01-01")}
