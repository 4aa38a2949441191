"""Applications-level helpers for the timers: reminder moments, and the periods recomputed when the calendar
changes (the CALENDAR_CHANGED hook of the publicity app calls `recompute_open_periods`).

A provisional date (a year the calendar does not know yet, or the tail of December before the next year is known)
never fires: the sweep's index leaves it out and the services re-check it under lock. Any change of the calendar
— one day's override, its removal, a year's import — recomputes every period that has not ended yet from the same
start and the same number of working days; a period that has ended is never reopened.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from zhicheng import workdays
from zhicheng.models import CalendarChange
from zhicheng.notify import notify

from . import events
from .models import Application, Deadline, Status
from .workflow import PUBLICITY_STATES, SEED_000

S = Status
CALENDAR_RULE = "工作日历变更：重新计算尚未届满的期限"


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


@dataclass(frozen=True)
class Recomputed:
    """One period moved by a calendar change: whose, which, from and to (for the events and the notices)."""

    application_id: int
    what: str
    old: dt.date | None
    new: dt.date
    provisional: bool


def calendar_rule(change: CalendarChange | None) -> str:
    if change is None:
        return CALENDAR_RULE
    return f"工作日历变更：{change.summary}（{change.source}）"[:200]


def _moves_into_past(old_due: dt.datetime | None, old_provisional: bool, new: workdays.PeriodEnd, now) -> bool:
    """A final period is never shortened to a moment already past: that would end it behind people's backs."""
    return old_due is not None and not old_provisional and new.ends_at < old_due and new.ends_at <= now


@transaction.atomic
def recompute_open_periods(
    *, change: CalendarChange | None = None, skip_applications: Iterable[int] = (), now: dt.datetime | None = None
) -> tuple[dict[str, int], list[Recomputed]]:
    """After a calendar change: recompute every correction or paper deadline that has not ended yet (not closed,
    due after `now`, or provisional), and the publicity end of every case held without a Publicity row (cases in
    `skip_applications` are the publicity app's). A period already over is never reopened; a final period is never
    shortened into the past. With `change`, only periods whose last day is on or after its first date (or that are
    provisional) are looked at. Each moved period gets a `deadline_recomputed` event naming the change.
    Returns (counts, moves)."""
    now = now or timezone.now()
    counts = Counter()
    moves: list[Recomputed] = []
    rule = calendar_rule(change)
    open_q = Q(provisional=True) | Q(due_at__gt=now)
    if change is not None:
        open_q &= Q(provisional=True) | Q(last_day__gte=change.first_date)
    for dl in Deadline.objects.select_for_update().select_related("application").filter(open_q, closed_at__isnull=True):
        end = _deadline_end(dl)
        if (end.last_day, end.provisional) == (dl.last_day, dl.provisional):
            continue
        if _moves_into_past(dl.due_at, dl.provisional, end, now):
            continue
        old = dl.last_day
        fields = ["due_at", "last_day", "provisional"]
        if end.last_day > old:
            dl.reminded_at = None  # a later end is reminded again
            fields.append("reminded_at")
        dl.due_at, dl.last_day, dl.provisional = end.ends_at, end.last_day, end.provisional
        dl.save(update_fields=fields)
        counts["deadlines"] += 1
        counts["made_final"] += not end.provisional
        app = dl.application
        what = dl.get_kind_display()
        events.deadline_recomputed_event(
            app, rule=rule, at=now,
            reason=f"{what}按工作日历重新计算：{old} → {end.last_day}{'（暂定）' if end.provisional else ''}",
            data={"deadline_id": dl.pk, "from": old.isoformat(), "to": end.last_day.isoformat(),
                  "provisional": end.provisional, "calendar_change_id": getattr(change, "pk", None)},
        )  # fmt: skip
        moves.append(Recomputed(app.pk, what, old, end.last_day, end.provisional))
    skip = set(skip_applications)
    held_q = Q(held_provisional=True) | Q(held_until__gt=now)
    if change is not None:
        held_q &= Q(held_provisional=True) | Q(held_until__gt=workdays.end_of_day(change.first_date - dt.timedelta(1)))
    held = Application.objects.select_for_update().filter(held_q, status__in=PUBLICITY_STATES, held_until__isnull=False)
    for app in held.exclude(pk__in=skip):
        start = _hold_start(app)
        if start is None:
            continue
        day, days = start
        end = workdays.add_workdays(day, days)
        if end.ends_at == app.held_until and end.provisional == app.held_provisional:
            continue
        if _moves_into_past(app.held_until, app.held_provisional, end, now):
            continue
        old = workdays.local_date(app.held_until - dt.timedelta(seconds=1))
        application_hold_recomputed(app, end, now=now, change=change)
        counts["held"] += 1
        moves.append(Recomputed(app.pk, "公示期", old, end.last_day, end.provisional))
    return dict(counts), moves


def recompute_provisional(*, skip_applications: Iterable[int] = ()) -> dict[str, int]:
    """Kept for callers of the earlier name: every open period, provisional or not, is recomputed now."""
    return recompute_open_periods(skip_applications=skip_applications)[0]


def application_hold_recomputed(
    app: Application, end: workdays.PeriodEnd, *, now: dt.datetime, change: CalendarChange | None = None
) -> None:
    """Store a recomputed publicity end on a held case (not a change of state), with its event naming why."""
    from .services import application_hold_recomputed as hold_recomputed  # late: services import selectors

    hold_recomputed(application=app, end=end, now=now, change=change)


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


# ---------------------------------------------------------------- the sweep's side: what is due, and the reminder


def due_expired(now: dt.datetime):
    """Correction and paper deadlines whose moment has passed (final dates only), oldest first; the sweep hands
    each to `services.application_abandon`, which re-checks under lock."""
    return Deadline.objects.filter(closed_at__isnull=True, provisional=False, due_at__lte=now).order_by("due_at", "pk")


def due_reminders(now: dt.datetime, horizon: dt.datetime):
    """Deadlines ahead (up to `horizon`) whose applicant has not been reminded yet, soonest first; the sweep stops at
    the first whose reminder moment (`reminder_due`) is still ahead."""
    return Deadline.objects.filter(
        closed_at__isnull=True, provisional=False, reminded_at__isnull=True, due_at__gt=now, due_at__lte=horizon
    ).order_by("due_at", "pk")


def reminder_horizon(now: dt.datetime) -> dt.datetime:
    """No reminder is due for a deadline further ahead than this (REMINDER_WORKING_DAYS working days, with room for
    the longest holiday run)."""
    return now + dt.timedelta(days=7 * reminder_days() + 21)


def reminder_due(last_day: dt.date, now: dt.datetime, cache: dict | None = None) -> bool:
    """Whether the reminder moment of a deadline ending on `last_day` has come (`cache`: per sweep, by last day)."""
    if cache is None:
        return reminder_at(last_day) <= now
    if last_day not in cache:
        cache[last_day] = reminder_at(last_day)
    return cache[last_day] <= now


def deadline_remind(*, deadline: Deadline, now: dt.datetime, reminder_cache: dict | None = None) -> bool:
    """Tell the applicant, REMINDER_WORKING_DAYS working days before, that a deadline approaches. Once: the row
    is locked and `reminded_at` re-checked (an extension clears it, so the new deadline is reminded again)."""
    now = min(now, timezone.now())
    with transaction.atomic():
        dl = Deadline.objects.select_for_update().select_related("application__applicant__user").get(pk=deadline.pk)
        if dl.closed_at is not None or dl.provisional or dl.reminded_at is not None or dl.due_at <= now:
            return False
        if not reminder_due(dl.last_day, now, reminder_cache):
            return False
        dl.reminded_at = now
        dl.save(update_fields=["reminded_at"])
        app = dl.application
        what = "补正材料" if dl.kind == Deadline.Kind.CORRECTION else "纸质材料"
        notify(
            [app.applicant.user],
            f"提醒：申报 {app.number} 的{dl.get_kind_display()}将至",
            f"请于{dl.last_day:%Y年%m月%d日}前提交{what}，逾期视为放弃申报（{SEED_000} 五(二)）。",
            link=f"/cases/{app.pk}/",
            sms=True,
        )
    return True
