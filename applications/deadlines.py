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

from . import events
from .models import Application, Deadline, Status
from .workflow import PUBLICITY_STATES

S = Status
CALENDAR_RULE = "工作日历：导入年度放假安排后重新计算暂定期限"


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
    if dl.extended and dl.extension_working_days:
        end = workdays.add_workdays(end.last_day, dl.extension_working_days)
    return end


def _hold_start(app: Application) -> tuple[dt.date, int] | None:
    """When the publicity holding the case began and how many working days it lasts (stored on the case)."""
    if app.held_since is None:
        return None
    return app.held_since, max(int(app.held_working_days or 5), 5)  # seed 000 五(一)(三)


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
        events.deadline_recomputed_event(
            dl.application, rule=CALENDAR_RULE, at=now,
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
    """Store a recomputed publicity end on a case held provisionally (not a change of state), with its event."""
    from .services import application_hold_recomputed as hold_recomputed  # late: services import selectors

    hold_recomputed(application=app, end=end, now=now)


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
