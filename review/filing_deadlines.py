"""A meeting's 报备 deadline (seed 000 六(一)「评审会议召开15天前…报备」): the moment after which the meeting cannot
open without an accepted filing. One `FilingDeadline` row per meeting, kept here and nowhere else:

- `filing_deadline_set` when a meeting is planned or moved (a new date needs a new 报备);
- `filing_deadline_filed` / `filing_deadline_accepted` as the filing goes;
- `due_alerts` / `due_reminders` are the sweep's "what is due" queries, `filing_alert` / `filing_remind` its
  services, which re-check under lock so two sweepers never alert twice.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from applications import deadlines as app_deadlines
from applications import workflow as wf
from applications.periods import cycle_periods
from applications.selectors import users_acting
from zhicheng import workdays
from zhicheng.notify import notify
from zhicheng.roles import Role

from .models import FilingDeadline, Meeting

_OPEN = {"alerted_at__isnull": True, "accepted_at__isnull": True, "cancelled_at__isnull": True}


def _rule() -> str:
    return f"{wf.SEED_000} 六(一)"


def filing_due_at(meeting_on: dt.date, days_before: int) -> dt.datetime:
    """The 报备 must be accepted at least `days_before` calendar days before the meeting: the moment after that day."""
    return workdays.end_of_day(meeting_on - dt.timedelta(days=days_before))


def filing_last_day(fd: FilingDeadline) -> dt.date:
    return workdays.local_date(fd.due_at - dt.timedelta(seconds=1))


def filing_deadline_set(*, meeting: Meeting) -> FilingDeadline:
    """Register (or move) the meeting's deadline from its date and its cycle's number of days. Called by the
    meeting services inside their transaction when a meeting is planned or rescheduled."""
    due = filing_due_at(meeting.date, cycle_periods(meeting.cycle).filing_days_before)
    with transaction.atomic():
        fd = FilingDeadline.objects.select_for_update().filter(meeting=meeting).first()
        if fd is None:
            return FilingDeadline.objects.create(meeting=meeting, due_at=due)
        if fd.due_at != due:  # a new date needs a new 报备
            fd.reminded_at = fd.alerted_at = fd.filed_at = fd.accepted_at = None
        fd.due_at, fd.cancelled_at = due, None
        fd.save()
    return fd


def filing_deadline_filed(*, meeting: Meeting, filed_at: dt.datetime | None) -> None:
    """The meeting's 报备 was submitted (in time: the meeting services refuse a late one), or returned (None)."""
    FilingDeadline.objects.filter(meeting=meeting).update(filed_at=filed_at)


def filing_deadline_accepted(*, meeting: Meeting) -> None:
    """The supervisor accepted the meeting's 报备: no alert will be raised."""
    FilingDeadline.objects.filter(meeting=meeting, accepted_at__isnull=True).update(accepted_at=timezone.now())


def filing_overdue(*, meeting: Meeting, now: dt.datetime | None = None) -> bool:
    """True when the moment for an accepted 报备 has passed without one (the meeting may not open)."""
    return FilingDeadline.objects.filter(
        meeting=meeting, accepted_at__isnull=True, cancelled_at__isnull=True, due_at__lte=now or timezone.now()
    ).exists()


# ---------------------------------------------------------------- the sweep's side


def due_alerts(now: dt.datetime) -> QuerySet[FilingDeadline]:
    """Deadlines that passed without an accepted filing and have not been alerted yet (index review_filing_open_due)."""
    return FilingDeadline.objects.filter(**_OPEN, due_at__lte=now).order_by("due_at", "pk")


def due_reminders(now: dt.datetime, horizon: dt.datetime) -> QuerySet[FilingDeadline]:
    """Deadlines ahead (up to `horizon`) whose clerks have not been reminded yet; the sweep stops at the first whose
    reminder moment (`reminder_due`) is still ahead."""
    return FilingDeadline.objects.filter(
        **_OPEN, reminded_at__isnull=True, due_at__gt=now, due_at__lte=horizon
    ).order_by("due_at", "pk")


def reminder_due(fd: FilingDeadline, now: dt.datetime) -> bool:
    return app_deadlines.reminder_at(filing_last_day(fd)) <= now


def filing_alert(*, filing: FilingDeadline, now: dt.datetime) -> bool:
    """Alert the office's clerks and the supervisors, once, that the meeting has no accepted 报备 in time."""
    now = min(now, timezone.now())
    with transaction.atomic():
        fd = FilingDeadline.objects.select_for_update(of=("self",)).select_related("meeting").get(pk=filing.pk)
        if fd.alerted_at or fd.accepted_at or fd.cancelled_at or fd.due_at > now:
            return False
        fd.alerted_at = now
        fd.save(update_fields=["alerted_at"])
        m, last_day = fd.meeting, filing_last_day(fd)
        if fd.filed_at is not None:
            # Filed in time, not yet decided: the meeting may still open once 市职称办 accepts it.
            title = f"评审会议「{m.title}」的报备尚待市职称办审核"
            body = (
                f"会议定于{m.date:%Y年%m月%d日}，报备已于{last_day:%Y年%m月%d日}前提交，目前尚未审核同意；"
                f"同意前会议不得召开（{_rule()}）。"
            )
        else:
            title = f"评审会议「{m.title}」未按期完成报备"
            body = (
                f"会议定于{m.date:%Y年%m月%d日}，须于{last_day:%Y年%m月%d日}前（提前{(m.date - last_day).days}天）"
                f"报备并经市职称办同意；目前没有按期提交的报备，会议不得召开，请调整会议日期后重新报备"
                f"（{_rule()}）。"
            )
        people = users_acting(Role.COMMITTEE_CLERK, office_id=m.office_id) + users_acting(Role.SUPERVISOR)
        notify(people, title, body, sms=True)
    return True


def filing_remind(*, filing: FilingDeadline, now: dt.datetime) -> bool:
    """Remind the office's clerks, once, a few working days before the last day of the 报备."""
    now = min(now, timezone.now())
    with transaction.atomic():
        fd = FilingDeadline.objects.select_for_update(of=("self",)).select_related("meeting").get(pk=filing.pk)
        if fd.reminded_at or fd.alerted_at or fd.accepted_at or fd.cancelled_at or fd.due_at <= now:
            return False
        if not reminder_due(fd, now):
            return False
        fd.reminded_at = now
        fd.save(update_fields=["reminded_at"])
        notify(
            users_acting(Role.COMMITTEE_CLERK, office_id=fd.meeting.office_id),
            f"提醒：评审会议「{fd.meeting.title}」报备将至",
            f"请于{filing_last_day(fd):%Y年%m月%d日}前完成报备并经市职称办同意（{_rule()}）。",
        )
    return True
