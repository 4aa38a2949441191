"""Applications-level helpers for the timers: reminder moments, and provisional dates made final when the
calendar learns a year (the CALENDAR_CHANGED hook of the publicity app calls `recompute_provisional`).

A provisional date (a year the calendar does not know yet) never fires: the sweep's index leaves it out and the
services re-check it under lock. Once the year's arrangement is imported the date is recomputed from the same
start and the same number of working days.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from zhicheng import workdays
from zhicheng.roles import Role

from .models import Application, ApplicationEvent, Deadline, Status
from .models.case import PUBLICITY_STATES

S = Status
CALENDAR_RULE = "工作日历：导入年度放假安排后重新计算暂定期限"
_HOLD_ACTIONS = {
    S.UNIT_PUBLICITY: "unit_approve",
    S.COMMITTEE_PUBLICITY: "committee_approve",
    S.RESULT_PUBLICITY: "result_publicity_start",
}


def reminder_days() -> int:
    return int(settings.ZHICHENG.get("REMINDER_WORKING_DAYS", 2))


def workday_before(day: dt.date, n: int) -> dt.date:
    """The n-th working day before `day` (not counting `day`); n == 0 gives `day` itself."""
    d = day
    counted = 0
    for _ in range(workdays.MAX_SPAN_DAYS):
        if counted == n:
            return d
        d -= dt.timedelta(days=1)
        counted += workdays.is_workday(d)
    raise ValueError("期限超出可计算范围")


def reminder_at(last_day: dt.date, n: int | None = None) -> dt.datetime:
    """The moment from which `n` working days remain up to and including `last_day`: 00:00 after the n-th
    working day before it. With the default n = 2 and a Friday deadline, the reminder goes out at 00:00 Thursday.
    """
    n = reminder_days() if n is None else n
    return workdays.end_of_day(workday_before(last_day, n))


def _years_known(first: dt.date, last: dt.date, cache: dict[int, bool]) -> bool:
    for year in range(first.year, last.year + 1):
        if year not in cache:
            cache[year] = workdays.year_known(year)
        if not cache[year]:
            return False
    return True


def _deadline_end(dl: Deadline) -> workdays.PeriodEnd:
    """Recompute from the day the deadline was set; an extension is re-added on the recomputed end."""
    end = workdays.add_workdays(workdays.local_date(dl.created_at), dl.working_days)
    if dl.extended:
        ev = (
            ApplicationEvent.objects.filter(application_id=dl.application_id, action="paper_extend")
            .order_by("-id")
            .first()
        )
        data = ev.data if ev else {}
        days = data.get("working_days")
        if days is None and data.get("from") and data.get("to"):
            # The extension was counted with the provisional rule (weekends only) where the year was unknown.
            first, last = dt.date.fromisoformat(data["from"]), dt.date.fromisoformat(data["to"])
            days = sum(1 for i in range(1, (last - first).days + 1) if (first + dt.timedelta(days=i)).weekday() < 5)
        if days:
            end = workdays.add_workdays(end.last_day, int(days))
    return end


def _hold_start(app: Application) -> tuple[dt.date, int] | None:
    action = _HOLD_ACTIONS.get(app.status)
    ev = ApplicationEvent.objects.filter(application=app, action=action).order_by("-id").first() if action else None
    if ev is None:
        return None
    days = (
        settings.ZHICHENG.get("RESULT_PUBLICITY_WORKING_DAYS", 5)
        if app.status == S.RESULT_PUBLICITY
        else 5  # seed 000 五(一)(三)
    )
    return workdays.local_date(ev.created_at), max(int(days), 5)


@transaction.atomic
def recompute_provisional(*, skip_applications: Iterable[int] = ()) -> dict[str, int]:
    """Recompute every open provisional deadline, and the publicity end of every case held provisionally,
    whose years the calendar now knows. Cases in `skip_applications` are left to the caller (the publicity app
    recomputes the cases of its own publicities from the publicity's start). Returns counts of rows made final.
    """
    cache: dict[int, bool] = {}
    now = timezone.now()
    made_final = Counter()
    for dl in Deadline.objects.select_for_update().filter(closed_at__isnull=True, provisional=True):
        start = workdays.local_date(dl.created_at)
        if not _years_known(start, dl.last_day, cache):
            continue
        end = _deadline_end(dl)
        old = dl.last_day
        dl.due_at, dl.last_day, dl.provisional = end.ends_at, end.last_day, end.provisional
        dl.save(update_fields=["due_at", "last_day", "provisional"])
        if not end.provisional:
            made_final["deadlines"] += 1
        app = dl.application
        ApplicationEvent.objects.create(
            application=app, actor=None, actor_role=Role.SYSTEM, action="deadline_recomputed",
            from_status=app.status, to_status=app.status, rule=CALENDAR_RULE, created_at=now,
            reason=f"{dl.get_kind_display()}按正式放假安排重新计算：{old} → {end.last_day}",
            data={"deadline_id": dl.pk, "from": old.isoformat(), "to": end.last_day.isoformat(),
                  "provisional": end.provisional},
        )  # fmt: skip
    skip = set(skip_applications)
    held = Application.objects.select_for_update().filter(status__in=PUBLICITY_STATES, held_provisional=True)
    for app in held.exclude(pk__in=skip):
        start = _hold_start(app)
        if start is None:
            continue
        day, days = start
        end = workdays.add_workdays(day, days)
        if end.provisional:
            continue
        application_hold_recomputed(app, end, now=now)
        made_final["held"] += 1
    return dict(made_final)


def application_hold_recomputed(app: Application, end: workdays.PeriodEnd, *, now: dt.datetime) -> None:
    """Store a recomputed publicity end on a case held provisionally (not a change of state), with an event."""
    old = app.held_until
    Application.objects.filter(pk=app.pk, status=app.status, held_provisional=True).update(
        held_until=end.ends_at, held_provisional=end.provisional, updated_at=now
    )
    ApplicationEvent.objects.create(
        application_id=app.pk, actor=None, actor_role=Role.SYSTEM, action="deadline_recomputed",
        from_status=app.status, to_status=app.status, rule=CALENDAR_RULE, created_at=now,
        reason=f"公示期满日按正式放假安排重新计算：{end.last_day}",
        data={"from": old.isoformat() if old else None, "to": end.last_day.isoformat(),
              "provisional": end.provisional},
    )  # fmt: skip


def provisional_waiting() -> list[dict]:
    """How many cases wait on a year the calendar does not know, by year (for the supervisor)."""
    per_year: dict[int, set[int]] = {}
    for app_id, last_day in Deadline.objects.filter(closed_at__isnull=True, provisional=True).values_list(
        "application_id", "last_day"
    ):
        per_year.setdefault(last_day.year, set()).add(app_id)
    held = Application.objects.filter(status__in=PUBLICITY_STATES, held_provisional=True)
    for app_id, held_until in held.values_list("pk", "held_until"):
        year = workdays.local_date(held_until - dt.timedelta(seconds=1)).year if held_until else None
        if year:
            per_year.setdefault(year, set()).add(app_id)
    return [{"year": y, "cases": len(ids)} for y, ids in sorted(per_year.items())]
