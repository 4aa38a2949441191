"""Meetings: creation, agenda, the 15-day 报备 (seed 000 六(一)), opening, votes and results within the pass rate."""

import datetime as dt
from decimal import Decimal

import pytest

from applications.models import ApplicationEvent, Status
from operations.sweep import timers_sweep
from review import filing_deadlines
from review import services as review
from review.models import FilingDeadline, Meeting, MeetingFiling, MeetingResult, Vote
from tests.conftest import shanghai
from tests.factories import level, series, submit
from zhicheng.errors import DomainError, PermissionDenied, TransitionConflict

from .helpers import (
    MEETING_DAY,
    awaiting_meeting,
    committee,
    filed_and_accepted,
    meeting,
    opened,
    other_unit,
    panel,
    status,
    travel,
)

pytestmark = pytest.mark.django_db
S = Status


# ---------------------------------------------------------------- pure rules


def test_cap_is_floor_of_rate_times_candidates():
    assert review.pass_cap(Decimal("0.6"), 7) == 4  # 4.2 → 4
    assert review.pass_cap(Decimal("0.5"), 3) == 1  # 1.5 → 1
    assert review.pass_cap(Decimal("0.600"), 5) == 3  # exactly 3
    assert review.pass_cap(Decimal("1"), 4) == 4
    assert review.pass_cap(Decimal("0.3"), 2) == 0


def test_threshold_is_two_thirds_of_present_as_people_count():
    two_thirds = Decimal("0.667")  # the Committee default
    assert review.votes_required(6, two_thirds) == 4  # 4/6 is two thirds, though 0.6667 < 0.667
    assert review.votes_required(7, two_thirds) == 5
    assert review.votes_required(5, two_thirds) == 4
    assert review.votes_required(9, two_thirds) == 6
    assert review.votes_required(5, Decimal("0.5")) == 3
    assert review.votes_required(4, Decimal("0.75")) == 3


# ---------------------------------------------------------------- create and agenda


def test_meeting_create_registers_filing_deadline(world):
    with travel(2024, 5, 10, 9):
        m = review.meeting_create(
            actor=world.clerk,
            committee=committee(world),
            series=series("建设工程"),
            level=level("中级"),
            date=MEETING_DAY,
            place="会议室",
            pass_rate="0.6",
        )
    fd = FilingDeadline.objects.get(meeting=m)
    assert fd.due_at == shanghai(2024, 6, 6)  # accepted at the latest on 06-05, 15 days before 06-20
    assert fd.meeting.date == MEETING_DAY and fd.meeting.office == world.office
    assert m.cycle == world.cycle and m.office == world.office and m.status == Meeting.Status.PLANNED


@pytest.mark.parametrize("who", ["supervisor", "association_clerk", "unit_reviewer"])
def test_meeting_create_wrong_role(world, who):
    with travel(2024, 5, 10, 9), pytest.raises(PermissionDenied):
        review.meeting_create(
            actor=getattr(world, who),
            committee=committee(world),
            series=series("建设工程"),
            level=level("中级"),
            date=MEETING_DAY,
            place="会议室",
            pass_rate="0.6",
        )
    assert not Meeting.objects.exists()


def test_meeting_create_refuses_bad_data(world):
    with travel(2024, 5, 10, 9), pytest.raises(DomainError) as exc:
        review.meeting_create(
            actor=world.clerk,
            committee=committee(world),
            series=series("机械工程"),
            level=level("中级"),
            date=dt.date(2024, 5, 9),
            place="会议室",
            pass_rate="1.2",
        )
    assert "会议日期须晚于今天" in exc.value.message and "不受理机械工程" in exc.value.message
    assert "通过率" in exc.value.message
    assert not Meeting.objects.exists()


def test_agenda_takes_only_cases_awaiting_this_committee(world):
    apps = awaiting_meeting(world, [world.unit])
    with travel(2024, 4, 10, 9):
        fresh = submit(world.draft())
    with travel(2024, 5, 10, 9):
        m = review.meeting_create(
            actor=world.clerk,
            committee=committee(world),
            series=series("建设工程"),
            level=level("中级"),
            date=MEETING_DAY,
            place="会议室",
            pass_rate="0.6",
        )
        with pytest.raises(DomainError) as exc:
            review.meeting_add_cases(meeting=m, actor=world.clerk, applications=[apps[0], fresh])
        assert fresh.number in exc.value.message and "不是待评审" in exc.value.message
        assert m.applications.count() == 0
        with pytest.raises(PermissionDenied):
            review.meeting_add_cases(meeting=m, actor=world.supervisor, applications=apps)
        review.meeting_add_cases(meeting=m, actor=world.clerk, applications=apps)
        other = review.meeting_create(
            actor=world.clerk,
            committee=committee(world),
            series=series("建设工程"),
            level=level("中级"),
            date=MEETING_DAY,
            place="会议室",
            pass_rate="0.6",
        )
        with pytest.raises(DomainError) as exc:
            review.meeting_add_cases(meeting=other, actor=world.clerk, applications=apps)
        assert "已列入其他评审会议" in exc.value.message
    assert list(m.applications.all()) == apps


def test_agenda_closed_after_the_draw(world):
    apps = awaiting_meeting(world, [world.unit, world.unit])
    m = meeting(world, apps[:1])
    with travel(2024, 5, 11, 9), pytest.raises(TransitionConflict):
        review.meeting_add_cases(meeting=m, actor=world.clerk, applications=apps[1:])
    assert m.applications.count() == 1


# ---------------------------------------------------------------- 报备: 15 calendar days


def test_filing_14_days_ahead_refused_15_accepted(world):
    apps = awaiting_meeting(world, [world.unit])
    m = meeting(world, apps)
    with travel(2024, 6, 6, 9), pytest.raises(DomainError) as exc:  # 06-20 − 06-06 = 14 days
        review.filing_submit(meeting=m, actor=world.clerk)
    assert exc.value.code == "filing_too_late"
    assert "镇职称办〔2024〕11号 六(一)" in exc.value.message and exc.value.source == "镇职称办〔2024〕11号 六(一)"
    assert not MeetingFiling.objects.exists()
    with travel(2024, 6, 5, 23, 59):  # 15 days
        filing = review.filing_submit(meeting=m, actor=world.clerk)
    assert filing.status == MeetingFiling.Status.SUBMITTED and filing.filed_on == dt.date(2024, 6, 5)
    assert filing.candidates == 1 and filing.cap == 0 and filing.pass_rate == Decimal("0.600")
    assert filing.qualification_review["done"] and filing.pre_review_publicity["committee"] == 1
    assert filing.expert_draw["seed"] == "s-1" and len(filing.expert_draw["experts"]) == 5


def test_filing_needs_all_four_items(world):
    apps = awaiting_meeting(world, [world.unit])
    m = meeting(world, apps, draw=False)
    with travel(2024, 6, 1, 9), pytest.raises(DomainError) as exc:
        review.filing_submit(meeting=m, actor=world.clerk)
    assert "评审专家尚未抽取" in exc.value.message
    assert not MeetingFiling.objects.exists()


def test_filing_roles_and_decisions(world):
    apps = awaiting_meeting(world, [world.unit])
    m = meeting(world, apps)
    with travel(2024, 6, 1, 9):
        with pytest.raises(PermissionDenied):
            review.filing_submit(meeting=m, actor=world.supervisor)
        filing = review.filing_submit(meeting=m, actor=world.clerk)
        with pytest.raises(TransitionConflict):
            review.filing_submit(meeting=m, actor=world.clerk)  # one live filing
        with pytest.raises(PermissionDenied):
            review.filing_accept(filing=filing, actor=world.clerk)
        with pytest.raises(DomainError):
            review.filing_return(filing=filing, actor=world.supervisor, reason=" ")
        filing.refresh_from_db()
        assert filing.status == MeetingFiling.Status.SUBMITTED and filing.decided_by is None
        review.filing_return(filing=filing, actor=world.supervisor, reason="专家名单缺少回避说明")
        assert filing.status == MeetingFiling.Status.RETURNED and filing.return_reason == "专家名单缺少回避说明"
        with pytest.raises(TransitionConflict):
            review.filing_accept(filing=filing, actor=world.supervisor)
        again = review.filing_submit(meeting=m, actor=world.clerk)
        review.filing_accept(filing=again, actor=world.supervisor)
    again.refresh_from_db()
    assert again.status == MeetingFiling.Status.ACCEPTED and again.decided_by == world.supervisor
    assert FilingDeadline.objects.get(meeting=m).accepted_at is not None


# ---------------------------------------------------------------- opening


def test_meeting_without_accepted_filing_cannot_open(world):
    apps = awaiting_meeting(world, [world.unit])
    m = meeting(world, apps)
    with travel(2024, 6, 20, 9), pytest.raises(DomainError) as exc:
        review.meeting_open(meeting=m, actor=world.clerk)
    assert exc.value.code == "filing_not_accepted" and "六(一)" in exc.value.source
    with travel(2024, 6, 1, 9):
        filing = review.filing_submit(meeting=m, actor=world.clerk)
    with travel(2024, 6, 20, 9), pytest.raises(DomainError):  # submitted, never accepted
        review.meeting_open(meeting=m, actor=world.clerk)
    with travel(2024, 6, 2, 9):
        review.filing_return(filing=filing, actor=world.supervisor, reason="材料不全")
    with travel(2024, 6, 20, 9), pytest.raises(DomainError):  # returned
        review.meeting_open(meeting=m, actor=world.clerk)
    m.refresh_from_db()
    assert m.status == Meeting.Status.PLANNED and status(apps[0]) == S.AWAITING_MEETING
    assert not ApplicationEvent.objects.filter(application=apps[0], action="meeting_open").exists()


def test_filing_alert_tells_a_pending_filing_from_a_missing_one(world):
    """At the 15-day mark the timer alerts on every meeting without an accepted 报备; a filing submitted in time but
    still undecided is told apart from a missing one, and once accepted the meeting opens on its day."""
    from zhicheng.models import Notification

    apps = awaiting_meeting(world, [world.unit])
    m = meeting(world, apps)
    late = meeting(world, awaiting_meeting(world, [world.unit]))
    with travel(2024, 6, 1, 9):
        filing = review.filing_submit(meeting=m, actor=world.clerk)
    with travel(2024, 6, 6, 0, 0, 1):  # 06-20 − 15 = 06-05 was the last day
        assert timers_sweep()["filing_alerts"] == 2
    told = Notification.objects.filter(recipient=world.supervisor)
    assert told.filter(title__contains="尚待市职称办审核").count() == 1  # m: filed on 06-01, undecided
    assert told.filter(title__contains="未按期完成报备").count() == 1  # late: never filed
    assert late.status == Meeting.Status.PLANNED
    with travel(2024, 6, 10, 9):
        review.filing_accept(filing=filing, actor=world.supervisor)
    with travel(2024, 6, 20, 9):
        review.meeting_open(meeting=m, actor=world.clerk)
    assert status(apps[0]) == S.IN_MEETING


def test_filing_deadline_reminds_then_alerts_clerk_and_supervisor_once(world):
    """The deadline belongs to the meeting: the clerk is reminded two working days before the last day (06-05,
    a Wednesday: from 06-04 00:00), then the clerk and the supervisor are alerted once when it passes unfiled."""
    from zhicheng.models import Notification

    m = meeting(world, awaiting_meeting(world, [world.unit]))
    with travel(2024, 6, 3, 23, 59, 59):
        assert timers_sweep()["filing_reminders"] == 0
    with travel(2024, 6, 4, 0, 0):
        assert timers_sweep()["filing_reminders"] == 1
    with travel(2024, 6, 5, 23, 59, 59):
        assert timers_sweep()["filing_reminders"] == 0
        assert not filing_deadlines.filing_overdue(meeting=m)
    with travel(2024, 6, 6, 0, 0):
        assert timers_sweep()["filing_alerts"] == 1
        assert filing_deadlines.filing_overdue(meeting=m)
    with travel(2024, 6, 6, 0, 1):
        assert timers_sweep()["filing_alerts"] == 0
    for user in (world.clerk, world.supervisor):
        assert Notification.objects.filter(recipient=user, title__contains="未按期完成报备").count() == 1
    assert Notification.objects.filter(recipient=world.clerk, title__startswith="提醒：评审会议").count() == 1


def test_accepted_filing_raises_no_alert(world):
    m = meeting(world, awaiting_meeting(world, [world.unit]))
    filed_and_accepted(world, m)
    with travel(2024, 6, 10, 0, 0):
        counts = timers_sweep()
    assert counts["filing_alerts"] == 0
    assert FilingDeadline.objects.get(meeting=m).alerted_at is None


def test_rescheduling_lapses_the_accepted_filing_for_the_timer_too(world):
    apps = awaiting_meeting(world, [world.unit])
    m = meeting(world, apps)
    filed_and_accepted(world, m)
    fd = FilingDeadline.objects.get(meeting=m)
    assert fd.filed_at is not None and fd.accepted_at is not None
    with travel(2024, 6, 2, 9):
        review.meeting_reschedule(meeting=m, actor=world.clerk, date=dt.date(2024, 7, 10), reason="专家时间冲突")
    fd.refresh_from_db()
    assert fd.filed_at is None and fd.accepted_at is None and fd.due_at == shanghai(2024, 6, 26)


def test_returned_late_filing_means_moving_the_date(world):
    apps = awaiting_meeting(world, [world.unit])
    m = meeting(world, apps)
    with travel(2024, 6, 1, 9):
        filing = review.filing_submit(meeting=m, actor=world.clerk)
    with travel(2024, 6, 8, 9):
        review.filing_return(filing=filing, actor=world.supervisor, reason="通过率偏高")
        with pytest.raises(DomainError):  # 12 days left: too late for this date
            review.filing_submit(meeting=m, actor=world.clerk)
        with pytest.raises(DomainError):
            review.meeting_reschedule(meeting=m, actor=world.clerk, date=dt.date(2024, 6, 30), reason="")
        review.meeting_reschedule(meeting=m, actor=world.clerk, date=dt.date(2024, 6, 30), reason="报备被退回")
        with travel(2024, 6, 16, 9), pytest.raises(DomainError):  # 06-30 − 06-16 = 14 days
            review.filing_submit(meeting=m, actor=world.clerk)
        again = review.filing_submit(meeting=m, actor=world.clerk)  # 06-08: 22 days ahead
    assert FilingDeadline.objects.get(meeting=m).due_at == shanghai(2024, 6, 16)  # 06-30 − 15 = 06-15, 24:00
    with travel(2024, 6, 9, 9):
        review.filing_accept(filing=again, actor=world.supervisor)
    with travel(2024, 6, 20, 9), pytest.raises(DomainError):  # the old date is not the meeting day any more
        review.meeting_open(meeting=m, actor=world.clerk)
    with travel(2024, 6, 30, 9):
        review.meeting_open(meeting=m, actor=world.clerk)
    assert status(apps[0]) == S.IN_MEETING


def test_reschedule_voids_an_accepted_filing(world):
    apps = awaiting_meeting(world, [world.unit])
    m = meeting(world, apps)
    filing = filed_and_accepted(world, m)
    with travel(2024, 6, 10, 9):
        review.meeting_reschedule(meeting=m, actor=world.clerk, date=dt.date(2024, 6, 21), reason="专家冲突")
    filing.refresh_from_db()
    assert filing.status == MeetingFiling.Status.SUPERSEDED
    with travel(2024, 6, 21, 9), pytest.raises(DomainError) as exc:
        review.meeting_open(meeting=m, actor=world.clerk)
    assert exc.value.code == "filing_not_accepted"
    assert status(apps[0]) == S.AWAITING_MEETING


def test_open_only_on_the_meeting_day_by_the_clerk(world):
    apps = awaiting_meeting(world, [world.unit, world.unit])
    m = meeting(world, apps)
    filed_and_accepted(world, m)
    with travel(2024, 6, 19, 9), pytest.raises(DomainError) as exc:
        review.meeting_open(meeting=m, actor=world.clerk)
    assert exc.value.code == "not_meeting_day"
    with travel(2024, 6, 20, 9), pytest.raises(PermissionDenied):
        review.meeting_open(meeting=m, actor=world.supervisor)
    assert [status(a) for a in apps] == [S.AWAITING_MEETING] * 2
    opened(world, m)
    assert m.status == Meeting.Status.OPEN and [status(a) for a in apps] == [S.IN_MEETING] * 2
    ev = ApplicationEvent.objects.get(application=apps[0], action="meeting_open")
    assert ev.data == {"meeting_id": m.pk} and ev.actor == world.clerk
    with travel(2024, 6, 20, 10), pytest.raises(TransitionConflict):
        review.meeting_open(meeting=m, actor=world.clerk)


# ---------------------------------------------------------------- votes and results


def _open_meeting(world, n=3, pass_rate="0.600", present=None):
    apps = awaiting_meeting(world, [world.unit] * n)
    m = meeting(world, apps, pass_rate=pass_rate)
    filed_and_accepted(world, m)
    return apps, opened(world, m, present=present)


def _votes(m, yes: int, present: int | None = None):
    experts = panel(m)[: present or len(panel(m))]
    return {eid: i < yes for i, eid in enumerate(experts)}


def test_one_pass_more_than_the_cap_is_refused(world):
    apps, m = _open_meeting(world, n=3)  # cap = floor(0.6 × 3) = 1
    with travel(2024, 6, 20, 10):
        review.votes_record(meeting=m, actor=world.clerk, application=apps[0], votes=_votes(m, 5))
        review.votes_record(meeting=m, actor=world.clerk, application=apps[1], votes=_votes(m, 1))
        with pytest.raises(DomainError) as exc:
            review.votes_record(meeting=m, actor=world.clerk, application=apps[2], votes=_votes(m, 4))
        assert exc.value.code == "pass_cap_exceeded" and exc.value.fields == {"cap": 1, "passes": 2}
        assert not Vote.objects.filter(application=apps[2]).exists()
        # a failing vote for the same case is fine; replacing the first case's votes frees the place
        review.votes_record(meeting=m, actor=world.clerk, application=apps[2], votes=_votes(m, 3))
        results = review.results_record(meeting=m, actor=world.clerk)
    assert [r.passed for r in results] == [True, False, False]
    assert [(r.present, r.approvals, r.required) for r in results] == [(5, 5, 4), (5, 1, 4), (5, 3, 4)]
    assert [status(a) for a in apps] == [S.PASSED, S.NOT_PASSED, S.NOT_PASSED]
    m.refresh_from_db()
    assert m.status == Meeting.Status.CLOSED
    ev = ApplicationEvent.objects.get(application=apps[0], action="record_result")
    assert ev.data["votes"]["approvals"] == 5 and ev.data["votes"]["meeting_id"] == m.pk


def test_threshold_counts_experts_present(world):
    apps, m = _open_meeting(world, n=2, pass_rate="1", present=4)  # 4 of the 5 drawn: the quorum is met
    with travel(2024, 6, 20, 10):
        a = review.votes_record(meeting=m, actor=world.clerk, application=apps[0], votes=_votes(m, 3, present=4))
        b = review.votes_record(meeting=m, actor=world.clerk, application=apps[1], votes=_votes(m, 2, present=4))
    assert a == {"present": 4, "approvals": 3, "required": 3, "passed": True}
    assert b["passed"] is False


def test_results_refuse_missing_votes_wrong_role_and_wrong_state(world):
    apps, m = _open_meeting(world, n=2)
    with travel(2024, 6, 20, 10):
        review.votes_record(meeting=m, actor=world.clerk, application=apps[0], votes=_votes(m, 5))
        with pytest.raises(DomainError) as exc:
            review.results_record(meeting=m, actor=world.clerk)
        assert apps[1].number in exc.value.message
        with pytest.raises(PermissionDenied):
            review.votes_record(meeting=m, actor=world.supervisor, application=apps[1], votes=_votes(m, 0))
        with pytest.raises(DomainError):  # a stranger to the panel
            review.votes_record(meeting=m, actor=world.clerk, application=apps[1], votes={999999: True})
        review.votes_record(meeting=m, actor=world.clerk, application=apps[1], votes=_votes(m, 0))
        with pytest.raises(PermissionDenied):
            review.results_record(meeting=m, actor=world.supervisor)
        assert not MeetingResult.objects.exists() and [status(a) for a in apps] == [S.IN_MEETING] * 2
        review.results_record(meeting=m, actor=world.clerk)
        with pytest.raises(TransitionConflict):
            review.results_record(meeting=m, actor=world.clerk)
        with pytest.raises(TransitionConflict):
            review.votes_record(meeting=m, actor=world.clerk, application=apps[1], votes=_votes(m, 5))


def test_results_backstop_refuses_over_cap_and_writes_nothing(world):
    apps, m = _open_meeting(world, n=2, pass_rate="1")
    with travel(2024, 6, 20, 10):
        for app in apps:
            review.votes_record(meeting=m, actor=world.clerk, application=app, votes=_votes(m, 5))
        Meeting.objects.filter(pk=m.pk).update(pass_rate=Decimal("0.5"))  # cap now floor(0.5 × 2) = 1
        with pytest.raises(DomainError) as exc:
            review.results_record(meeting=m, actor=world.clerk)
    assert exc.value.code == "pass_cap_exceeded"
    assert not MeetingResult.objects.exists() and [status(a) for a in apps] == [S.IN_MEETING] * 2


def test_not_passed_is_final_for_the_cycle(world):
    apps, m = _open_meeting(world, n=1, pass_rate="1")
    with travel(2024, 6, 20, 10):
        review.votes_record(meeting=m, actor=world.clerk, application=apps[0], votes=_votes(m, 1))
        review.results_record(meeting=m, actor=world.clerk)
    assert status(apps[0]) == S.NOT_PASSED
    with travel(2024, 6, 21, 9):
        again = review.meeting_create(
            actor=world.clerk,
            committee=committee(world),
            series=series("建设工程"),
            level=level("中级"),
            date=dt.date(2024, 8, 1),
            place="会议室",
            pass_rate="1",
        )
        with pytest.raises(DomainError):
            review.meeting_add_cases(meeting=again, actor=world.clerk, applications=apps)


def test_result_publicity_starts_for_the_passed(world):
    from publicity.models import Publicity

    apps, m = _open_meeting(world, n=2, pass_rate="0.5")
    with travel(2024, 6, 20, 10):
        review.votes_record(meeting=m, actor=world.clerk, application=apps[0], votes=_votes(m, 5))
        review.votes_record(meeting=m, actor=world.clerk, application=apps[1], votes=_votes(m, 0))
        with pytest.raises(TransitionConflict):
            review.meeting_result_publicity_start(meeting=m, actor=world.clerk)
        review.results_record(meeting=m, actor=world.clerk)
        m.refresh_from_db()
        with pytest.raises(PermissionDenied):
            review.meeting_result_publicity_start(meeting=m, actor=world.supervisor)
        pub = review.meeting_result_publicity_start(meeting=m, actor=world.clerk)
    assert pub.kind == Publicity.Kind.RESULT and pub.working_days == 5
    assert pub.last_day == dt.date(2024, 6, 27)  # 5 working days after Thursday 06-20
    assert [status(a) for a in apps] == [S.RESULT_PUBLICITY, S.NOT_PASSED]


def test_colleague_of_another_unit_is_also_excluded(world):
    second = other_unit(world)
    apps = awaiting_meeting(world, [world.unit, second])
    from .helpers import pool

    pool(world, colleagues=3, others=5, colleague_unit=second)
    m = meeting(world, apps)
    units = set(m.experts.values_list("unit_id", flat=True))
    assert second.pk not in units and world.unit.pk not in units
