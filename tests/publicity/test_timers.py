"""Each timer with the clock moved by time-machine: on time, not a second early, exactly once (issue: timers)."""

import datetime as dt

import pytest

from applications import services
from applications.models import ApplicationEvent, Deadline, Status
from operations import calendar
from operations.sweep import timers_sweep
from publicity import services as pub
from publicity.models import Objection, Publicity, PublicityEntry
from tests.factories import answers
from tests.publicity.helpers import (
    at,
    committee_publicity,
    status,
    submitted,
    sweep,
    system_events,
    to_committee_review,
    travel,
)
from zhicheng import workdays
from zhicheng.errors import DomainError, PermissionDenied, TransitionConflict
from zhicheng.models import Notification

pytestmark = pytest.mark.django_db
S = Status


# ---------------------------------------------------------------- publicity


def test_publicity_from_2024_09_30_open_on_10_12_over_on_10_13(world, in_window):
    apps = submitted(world, 2)
    with travel(2024, 9, 30, 10):
        p = pub.publicity_start(kind=Publicity.Kind.UNIT, applications=apps, actor=world.unit_reviewer)
    assert (p.last_day, p.ends_at, p.provisional) == (dt.date(2024, 10, 12), at(2024, 10, 13), False)
    assert all(status(a) == S.UNIT_PUBLICITY for a in apps)

    sweep(2024, 10, 12, 23, 59, 59)
    assert all(status(a) == S.UNIT_PUBLICITY for a in apps)
    assert not system_events(apps[0]).exists()

    assert sweep(2024, 10, 13, 0, 0)["moved"] == 2
    for app in apps:
        assert status(app) == S.DEPT_RECHECK
        ev = system_events(app).get()
        assert (ev.action, ev.from_status, ev.to_status, ev.rule) == (
            "unit_publicity_end",
            S.UNIT_PUBLICITY,
            S.DEPT_RECHECK,
            "镇职称办〔2024〕11号 五(一)",
        )
        assert app.held_until is None
    p.refresh_from_db()
    assert p.closed_at is not None
    assert set(p.entries.values_list("outcome", flat=True)) == {PublicityEntry.Outcome.MOVED}

    assert sweep(2024, 10, 14, 9)["moved"] == 0  # a second run moves nothing
    assert all(system_events(a).count() == 1 for a in apps)


def test_no_path_closes_a_publicity_early(world, in_window):
    (app,) = submitted(world)
    p = pub.publicity_start(kind=Publicity.Kind.UNIT, applications=[app], actor=world.unit_reviewer)
    with travel(2024, 4, 17, 23, 59, 59):
        # Passing a later `now` does not help: it is clamped to the clock.
        assert pub.publicity_close(publicity=p, now=at(2030, 1, 1)).moved == 0
        assert timers_sweep(now=at(2030, 1, 1))["moved"] == 0
        with pytest.raises(TransitionConflict):
            services.application_publicity_end(application=app)
        with pytest.raises(TransitionConflict):
            services.application_withdraw(application=app, actor=app.applicant.user)
    assert status(app) == S.UNIT_PUBLICITY


@pytest.mark.parametrize("days", [None, 4])
def test_publicity_start_refusals_change_nothing(world, in_window, days):
    apps = submitted(world, 2)
    other = world.draft()  # still a draft: refused, and the whole publicity with it
    before = (Publicity.objects.count(), ApplicationEvent.objects.count(), Notification.objects.count())
    with pytest.raises(DomainError):
        pub.publicity_start(
            kind=Publicity.Kind.UNIT,
            applications=[*apps, other] if days is None else apps,
            actor=world.unit_reviewer,
            working_days=days,
        )
    with pytest.raises(PermissionDenied):
        pub.publicity_start(kind=Publicity.Kind.UNIT, applications=apps, actor=world.clerk)
    with pytest.raises(DomainError):
        pub.publicity_start(
            kind=Publicity.Kind.UNIT, applications=apps, actor=world.unit_reviewer, start=dt.date(2024, 4, 9)
        )
    assert (Publicity.objects.count(), ApplicationEvent.objects.count(), Notification.objects.count()) == before
    assert all(status(a) == S.UNIT_REVIEW for a in apps)


def test_committee_publicity_waits_for_paper_then_moves_by_itself(world, in_window):
    apps = to_committee_review(world, submitted(world, 2))
    p = committee_publicity(world, apps)
    assert p.ends_at == at(2024, 4, 26)
    paper = Deadline.objects.get(application=apps[0], kind=Deadline.Kind.PAPER)
    assert paper.last_day == dt.date(2024, 5, 6)  # 04-28 (Sunday) is a workday; 05-01..05 off
    with travel(2024, 4, 22, 10):
        services.application_mark_paper_received(application=apps[0], actor=world.clerk)

    sweep(2024, 4, 26, 0, 0)
    assert status(apps[0]) == S.AWAITING_MEETING
    assert status(apps[1]) == S.COMMITTEE_PUBLICITY  # publicity over, paper not in: held
    p.refresh_from_db()
    assert p.closed_at is None

    with travel(2024, 4, 29, 10):
        services.application_mark_paper_received(application=apps[1], actor=world.clerk)
    sweep(2024, 4, 29, 10, 1)
    assert status(apps[1]) == S.AWAITING_MEETING
    assert system_events(apps[1], "committee_publicity_end").count() == 1
    p.refresh_from_db()
    assert p.closed_at is not None


def test_result_publicity_moves_to_awaiting_publication(world, in_window, settings):
    settings.ZHICHENG = {**settings.ZHICHENG, "RESULT_PUBLICITY_WORKING_DAYS": 7}
    apps = to_committee_review(world, submitted(world))
    committee_publicity(world, apps)
    (app,) = apps
    with travel(2024, 4, 19, 9):
        services.application_mark_paper_received(application=app, actor=world.clerk)
    sweep(2024, 4, 26, 0, 0)
    with travel(2024, 5, 20, 9):
        services.application_meeting_open(application=app, actor=world.clerk, meeting_id=1)
        services.application_record_result(application=app, actor=world.clerk, passed=True, votes={})
        p = pub.publicity_start(kind=Publicity.Kind.RESULT, applications=[app], actor=world.clerk)
    assert (p.working_days, p.last_day) == (7, dt.date(2024, 5, 29))
    sweep(2024, 5, 29, 23, 59, 59)
    assert status(app) == S.RESULT_PUBLICITY
    sweep(2024, 5, 30, 0, 0)
    assert status(app) == S.AWAITING_PUBLICATION
    assert system_events(app, "result_publicity_end").get().rule == "镇职称办〔2024〕11号 六(二)"


# ---------------------------------------------------------------- objections


def test_objection_holds_the_case_until_dismissed(world, in_window):
    (app,) = submitted(world)
    p = pub.publicity_start(kind=Publicity.Kind.UNIT, applications=[app], actor=world.unit_reviewer)
    with travel(2024, 4, 15, 10):
        obj = pub.objection_file(application=app, name="王某", contact="13800000000", content="业绩材料不实")
    assert Notification.objects.filter(recipient=world.unit_reviewer, title__contains="异议").exists()
    sweep(2024, 4, 18, 0, 0)
    sweep(2024, 5, 20, 0, 0)
    assert status(app) == S.UNIT_PUBLICITY  # held past the end

    with travel(2024, 5, 20, 10), pytest.raises(PermissionDenied):
        pub.objection_decide(objection=obj, actor=world.clerk, upheld=False, reason="经核实不成立")
    obj.refresh_from_db()
    assert obj.status == Objection.Status.OPEN and status(app) == S.UNIT_PUBLICITY

    with travel(2024, 5, 20, 10):
        pub.objection_decide(objection=obj, actor=world.unit_reviewer, upheld=False, reason="经核实不成立")
    assert status(app) == S.DEPT_RECHECK  # the period was over: it goes on at once
    assert list(app.events.values_list("action", flat=True))[-2:] == ["objection_dismissed", "unit_publicity_end"]
    with travel(2024, 5, 20, 10, 5), pytest.raises(TransitionConflict):
        pub.objection_decide(objection=obj, actor=world.unit_reviewer, upheld=True, reason="再议")
    sweep(2024, 5, 21, 0, 0)
    assert system_events(app, "unit_publicity_end").count() == 1
    p.refresh_from_db()
    assert p.closed_at is not None


def test_objection_upheld_stops_the_case_and_tells_the_applicant(world, in_window):
    (app,) = submitted(world)
    pub.publicity_start(kind=Publicity.Kind.UNIT, applications=[app], actor=world.unit_reviewer)
    with travel(2024, 4, 12, 10):
        obj = pub.objection_file(application=app, name="李某", contact="lm@example.cn", content="学历造假")
        pub.objection_decide(objection=obj, actor=world.unit_reviewer, upheld=True, reason="学历证书系伪造")
    assert status(app) == S.REJECTED
    assert Notification.objects.filter(recipient=app.applicant.user, body__contains="学历证书系伪造").exists()
    sweep(2024, 4, 18, 0, 0)
    assert status(app) == S.REJECTED
    assert not system_events(app).exists()


def test_objection_refused_outside_the_period_and_incomplete(world, in_window):
    (app,) = submitted(world)
    with pytest.raises(TransitionConflict):
        pub.objection_file(application=app, name="王某", contact="138", content="x")
    pub.publicity_start(kind=Publicity.Kind.UNIT, applications=[app], actor=world.unit_reviewer)
    with pytest.raises(DomainError):
        pub.objection_file(application=app, name="", contact="138", content="x")
    with travel(2024, 4, 18, 0, 0), pytest.raises(DomainError) as exc:
        pub.objection_file(application=app, name="王某", contact="138", content="x")
    assert exc.value.code == "publicity_over"
    app.refresh_from_db()
    assert app.open_objections == 0 and not Objection.objects.exists()


# ---------------------------------------------------------------- correction and paper deadlines


def test_correction_deadline_abandons_at_the_right_moment(world, in_window):
    (app,) = submitted(world)
    services.application_request_correction(application=app, actor=world.unit_reviewer, items=["缺学历证书"])
    dl = Deadline.objects.get(application=app)
    assert dl.due_at == at(2024, 4, 25)  # 10 working days after 04-10: 04-24 inclusive
    sweep(2024, 4, 24, 23, 59, 59)
    assert status(app) == S.CORRECTION
    assert sweep(2024, 4, 25, 0, 0)["abandoned"] == 1
    assert status(app) == S.ABANDONED
    ev = system_events(app).get()
    assert (ev.action, ev.rule) == ("abandon_correction", "镇职称办〔2024〕11号 五(二)")
    assert Notification.objects.filter(recipient=app.applicant.user, title__contains="视为放弃").exists()
    assert Notification.objects.filter(recipient=world.unit_reviewer, title__contains="视为放弃").exists()
    assert sweep(2024, 4, 25, 0, 1)["abandoned"] == 0
    assert system_events(app).count() == 1


def test_resubmitted_correction_never_fires(world, in_window):
    (app,) = submitted(world)
    services.application_request_correction(application=app, actor=world.unit_reviewer, items=["缺学历证书"])
    with travel(2024, 4, 24, 23, 0):
        services.application_resubmit(application=app, actor=app.applicant.user, answers=answers(app))
    sweep(2024, 4, 25, 0, 0)
    assert status(app) == S.UNIT_REVIEW and not system_events(app).exists()


def test_paper_deadline_abandons_and_extension_moves_it(world, in_window):
    apps = to_committee_review(world, submitted(world, 2))
    committee_publicity(world, apps)
    first, second = apps
    with travel(2024, 5, 6, 16):
        with pytest.raises(PermissionDenied):
            services.application_paper_extend(application=second, actor=world.unit_reviewer, working_days=3, reason="x")
        services.application_paper_extend(application=second, actor=world.clerk, working_days=3, reason="邮寄延误")
    ext = Deadline.objects.get(application=second, kind=Deadline.Kind.PAPER)
    assert (ext.last_day, ext.due_at) == (dt.date(2024, 5, 9), at(2024, 5, 10))

    sweep(2024, 5, 6, 23, 59, 59)
    assert status(first) == S.COMMITTEE_PUBLICITY
    sweep(2024, 5, 7, 0, 0)
    assert status(first) == S.ABANDONED
    assert system_events(first, "abandon_paper").get().rule == "镇职称办〔2024〕11号 附件备注3"
    assert Notification.objects.filter(recipient=world.clerk, title__contains="视为放弃").exists()
    assert status(second) == S.COMMITTEE_PUBLICITY  # extended
    sweep(2024, 5, 9, 23, 59, 59)
    assert status(second) == S.COMMITTEE_PUBLICITY
    sweep(2024, 5, 10, 0, 0)
    assert status(second) == S.ABANDONED
    assert PublicityEntry.objects.filter(application__in=apps, left_at__isnull=True).count() == 0
    sweep(2024, 5, 11, 0, 0)
    assert system_events(first, "abandon_paper").count() == system_events(second, "abandon_paper").count() == 1


def test_extension_refused_after_the_deadline_and_twice(world, in_window):
    apps = to_committee_review(world, submitted(world, 2))
    committee_publicity(world, apps)
    with travel(2024, 5, 6, 9):
        services.application_paper_extend(application=apps[0], actor=world.clerk, working_days=1, reason="补寄")
        with pytest.raises(TransitionConflict) as exc:
            services.application_paper_extend(application=apps[0], actor=world.clerk, working_days=1, reason="再延")
        assert exc.value.code == "already_extended"
    with travel(2024, 5, 7, 0, 0), pytest.raises(TransitionConflict) as exc:
        services.application_paper_extend(application=apps[1], actor=world.clerk, working_days=1, reason="x")
    assert exc.value.code == "deadline_passed"
    assert Deadline.objects.get(application=apps[1]).last_day == dt.date(2024, 5, 6)


# ---------------------------------------------------------------- reminders


def test_reminders_go_out_once_two_working_days_before(world, in_window):
    (app,) = submitted(world)
    services.application_request_correction(application=app, actor=world.unit_reviewer, items=["缺学历证书"])
    user = app.applicant.user

    def reminders():
        return Notification.objects.filter(recipient=user, title__startswith="提醒").count()

    sweep(2024, 4, 22, 23, 59, 59)  # last day Wed 04-24: two working days remain from Tue 04-23 00:00
    assert reminders() == 0
    assert sweep(2024, 4, 23, 0, 0)["reminded"] == 1
    assert sweep(2024, 4, 23, 0, 1)["reminded"] == 0
    sweep(2024, 4, 24, 12)
    assert reminders() == 1


def test_reminder_days_are_configurable_and_extension_reminds_again(world, in_window, settings):
    settings.ZHICHENG = {**settings.ZHICHENG, "REMINDER_WORKING_DAYS": 3}
    apps = to_committee_review(world, submitted(world))
    committee_publicity(world, apps)
    (app,) = apps
    user = app.applicant.user
    # Paper last day Mon 05-06 (05-01..05 off): from 04-29 00:00 three working days remain (04-29, 04-30, 05-06).
    sweep(2024, 4, 28, 23, 59, 59)
    assert not Notification.objects.filter(recipient=user, title__startswith="提醒").exists()
    sweep(2024, 4, 29, 0, 0)
    assert Notification.objects.filter(recipient=user, title__startswith="提醒").count() == 1
    with travel(2024, 5, 6, 9):
        services.application_paper_extend(application=app, actor=world.clerk, working_days=5, reason="邮寄延误")
    # New last day Sat 05-11 (a 调休 workday): reminded again from 05-09 00:00 (05-09, 05-10, 05-11 remain).
    sweep(2024, 5, 8, 23, 59, 59)
    assert Notification.objects.filter(recipient=user, title__startswith="提醒").count() == 1
    sweep(2024, 5, 9, 0, 0)
    assert Notification.objects.filter(recipient=user, title__startswith="提醒").count() == 2


# The meeting's filing deadline: tests/review/test_meetings.py (it belongs to the meeting).


# ---------------------------------------------------------------- provisional dates


def test_provisional_publicity_never_fires_until_the_year_is_imported(
    world, in_window, django_capture_on_commit_callbacks
):
    from applications.deadlines import provisional_waiting

    (app,) = submitted(world)
    with travel(2026, 12, 28, 9):
        p = pub.publicity_start(kind=Publicity.Kind.UNIT, applications=[app], actor=world.unit_reviewer)
    assert p.provisional and p.last_day == dt.date(2027, 1, 4)  # 12-29..31, 01-01 and 01-04 by weekends alone
    assert provisional_waiting() == [{"year": 2027, "cases": 1}]
    sweep(2027, 3, 1, 0, 0)
    assert status(app) == S.UNIT_PUBLICITY

    with travel(2027, 3, 1, 9), django_capture_on_commit_callbacks(execute=True):
        calendar.calendar_year_import(
            actor=None,
            data={"year": 2027, "source": "测试通知", "holidays": [{"start": "2027-01-01", "end": "2027-01-03"}]},
        )
    p.refresh_from_db()
    app.refresh_from_db()
    assert (p.provisional, p.last_day) == (False, dt.date(2027, 1, 5))
    assert (app.held_provisional, app.held_until) == (False, at(2027, 1, 6))
    assert provisional_waiting() == []
    sweep(2027, 3, 1, 9, 1)
    assert status(app) == S.DEPT_RECHECK


def test_provisional_deadline_recomputed_by_the_sweep_even_without_the_hook(world, in_window):
    (app,) = submitted(world)
    with travel(2026, 12, 24, 9):
        services.application_request_correction(application=app, actor=world.unit_reviewer, items=["缺学历证书"])
    dl = Deadline.objects.get(application=app)
    assert dl.provisional
    sweep(2027, 2, 1, 0, 0)
    assert status(app) == S.CORRECTION  # never fires while provisional
    with travel(2027, 2, 1, 9):
        workdays.calendar_import_year(  # the low-level write alone: nothing recomputes until the sweep's recheck
            data={"year": 2027, "source": "测试通知", "holidays": [{"start": "2027-01-01", "end": "2027-01-03"}]}
        )
    sweep(2027, 2, 1, 9, 1)
    dl.refresh_from_db()
    assert not dl.provisional
    assert dl.last_day == workdays.add_workdays(dt.date(2026, 12, 24), 10).last_day == dt.date(2027, 1, 8)
    assert status(app) == S.ABANDONED
    assert system_events(app, "abandon_correction").count() == 1
