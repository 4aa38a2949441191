"""What importing a year's holiday arrangement would change, shown before the supervisor confirms (issue 15).

The preview runs the real import and the real recomputation (operations.calendar) inside a savepoint that is always
rolled back,
so it shows exactly what the confirmed import will do — the days whose kind changes and every open period (公示,
补正/纸质材料期限) whose last day moves — and writes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from applications.models import Deadline
from publicity.models import Publicity
from zhicheng import workdays

from .calendar import periods_recompute


class _Rollback(Exception):
    pass


def _days(year: int) -> dict[dt.date, workdays.DayInfo]:
    """Every day of the year as the calendar decides it now."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    resolver = workdays._Resolver()
    out, d = {}, first
    while d <= last:
        out[d] = resolver.day(d)
        d += dt.timedelta(days=1)
    return out


def _periods() -> dict[str, dict]:
    rows = {}
    for pub in Publicity.objects.filter(closed_at__isnull=True):
        rows[f"p{pub.pk}"] = {"label": pub.title, "last_day": pub.last_day, "provisional": pub.provisional}
    for dl in Deadline.objects.filter(closed_at__isnull=True).select_related("application__applicant"):
        rows[f"d{dl.pk}"] = {
            "label": f"{dl.application.number} {dl.application.applicant.name}：{dl.get_kind_display()}",
            "last_day": dl.last_day,
            "provisional": dl.provisional,
        }
    return rows


def calendar_import_preview(*, data: dict) -> dict:
    """{"year", "source", "days": [changed days], "periods": [moved periods], "count": overrides in the file}.
    Errors: DomainError from the import itself (nothing is written either way)."""
    year = data["year"]
    before_days, before_periods = _days(year), _periods()
    result: dict = {}
    try:
        with transaction.atomic():
            _, count, change = workdays.calendar_import_year(data=data)
            periods_recompute(change_id=change.pk)  # what on_commit will run after the confirmed import
            after_days, after_periods = _days(year), _periods()
            result = {"count": count}
            raise _Rollback
    except _Rollback:
        pass
    days = []
    for d, old in before_days.items():
        new = after_days[d]
        if (old.is_workday, old.name, old.provisional) != (new.is_workday, new.name, new.provisional):
            days.append(
                {"date": d, "before": old.label, "after": new.label, "kind_changed": old.is_workday != new.is_workday}
            )
    periods = []
    for key, old in before_periods.items():
        new = after_periods.get(key)
        if new and (new["last_day"], new["provisional"]) != (old["last_day"], old["provisional"]):
            periods.append({"label": old["label"], "before": old["last_day"], "after": new["last_day"],
                            "was_provisional": old["provisional"], "provisional": new["provisional"]})  # fmt: skip
    return {"year": year, "source": data["source"], "days": days, "periods": periods, **result}
