"""Changes to the working-day calendar, as people make them, and what they move.

The calendar itself sits low (zhicheng.workdays: how a day is decided, and the low-level writes that record a
CalendarChange). Whoever changes it — the supervisor's page and API, the `workdays import` command — comes here:
the service checks who may, makes the change with its audit row, and once it is committed recomputes every period
that has not ended yet by calling each app's recomputation directly (publicity's open 公示 and the cases they hold,
then applications' open deadlines), recording why on each case and telling the people concerned.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from applications import permissions as perms
from publicity import services as pub_services
from zhicheng import workdays
from zhicheng.errors import Code, PermissionDenied
from zhicheng.models import CalendarChange, CalendarDay, CalendarYear

FORBIDDEN = "仅市职称办可调整工作日历"


def periods_recompute(*, change_id: int | None = None) -> dict[str, int]:
    """Recompute every period that has not ended (each open 公示 from its own start, the cases it holds, every open
    correction or paper deadline); `change_id` names the CalendarChange that is the reason. Idempotent."""
    return pub_services.publicity_calendar_changed(change_id=change_id)


def _after_commit(change: CalendarChange) -> None:
    transaction.on_commit(lambda: periods_recompute(change_id=change.pk))


def _check(actor) -> None:
    if actor is not None and not perms.is_supervisor(actor):
        raise PermissionDenied(Code.FORBIDDEN, FORBIDDEN)


@transaction.atomic
def calendar_override_set(*, actor, date: dt.date, is_workday: bool, name: str, source: str) -> CalendarDay:
    """The supervisor overrides one day, naming its source document; the periods it moves are recomputed on commit.
    `actor` None is the command line (the operator on the server). Errors: PermissionDenied, DomainError."""
    _check(actor)
    day, change = workdays.calendar_day_set(date=date, is_workday=is_workday, name=name, source=source, actor=actor)
    _after_commit(change)
    return day


@transaction.atomic
def calendar_override_delete(*, actor, day: CalendarDay) -> None:
    """The supervisor removes an override; the day is decided by the library again. Errors: PermissionDenied."""
    _check(actor)
    _after_commit(workdays.calendar_day_delete(day=day, actor=actor))


@transaction.atomic
def calendar_year_import(*, actor, data: dict) -> tuple[CalendarYear, int]:
    """The supervisor (or the operator, `actor` None) imports a year's official arrangement; late-December days of
    the year before that it lists become final. Errors: PermissionDenied, DomainError for a malformed file."""
    _check(actor)
    year, count, change = workdays.calendar_import_year(data=data, actor=actor)
    _after_commit(change)
    return year, count
