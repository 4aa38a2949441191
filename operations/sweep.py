"""The one sweep that fires every timer (STYLE rule 4: the database is the clock's memory).

Every deadline is a stored due time with an index, kept by the app that owns it: a publicity's `ends_at` (publicity),
a correction or paper `Deadline.due_at` (applications), a meeting's `FilingDeadline.due_at` (review). The sweep asks
each app its "what is due" query and calls that app's service on each row, in batches (`select_for_update(
skip_locked=True)` on PostgreSQL). The services re-check the state and the due time under lock, so a second run, two
sweepers or two beat processes change nothing twice, and an act that found its own deadline passed first (the kernel
refuses it and applies the consequence on the spot) leaves nothing for the sweep to do.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from applications import deadlines as app_deadlines
from applications import services as app_services
from applications.models import Application
from publicity import services as pub_services
from publicity.models import Publicity
from review import filing_deadlines
from zhicheng import workdays
from zhicheng.errors import DomainError, TransitionConflict

from .calendar import periods_recompute

log = logging.getLogger("operations.sweep")


def _batch_size() -> int:
    return int(settings.ZHICHENG.get("TIMER_BATCH_SIZE", 200))


def timers_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Everything due at `now` (clamped to the real clock: nobody ends a period early by passing a later time):
    publicities to close, cases held without a publicity row, expired deadlines, reminders, filing alerts."""
    now = min(now or timezone.now(), timezone.now())
    batch = _batch_size()
    counts = {"moved": 0, "abandoned": 0, "reminded": 0, "filing_alerts": 0, "filing_reminders": 0}
    calendar_recheck()

    last_pk = 0
    while True:
        pubs = pub_services.due_publicities(now, after_pk=last_pk, limit=batch)
        for pk in pubs:
            counts["moved"] += pub_services.publicity_close(publicity=Publicity(pk=pk), now=now).moved
        if len(pubs) < batch:
            break
        last_pk = pubs[-1]

    for pk in pub_services.due_orphan_holds(now, limit=batch):
        try:
            app_services.application_publicity_end(application=Application.objects.get(pk=pk))
            counts["moved"] += 1
        except TransitionConflict:
            continue

    counts["abandoned"] = _batched(app_deadlines.due_expired(now), lambda dl: _expire(dl, now), batch)
    cache: dict = {}
    horizon = app_deadlines.reminder_horizon(now)
    counts["reminded"] = _batched(
        app_deadlines.due_reminders(now, horizon),
        lambda dl: app_deadlines.deadline_remind(deadline=dl, now=now, reminder_cache=cache),
        batch,
        stop_when=lambda dl: not app_deadlines.reminder_due(dl.last_day, now, cache),
    )
    counts["filing_alerts"] = _batched(
        filing_deadlines.due_alerts(now), lambda fd: filing_deadlines.filing_alert(filing=fd, now=now), batch
    )
    counts["filing_reminders"] = _batched(
        filing_deadlines.due_reminders(now, horizon),
        lambda fd: filing_deadlines.filing_remind(filing=fd, now=now),
        batch,
        stop_when=lambda fd: not filing_deadlines.reminder_due(fd, now),
    )
    return counts


def _expire(deadline, now: dt.datetime) -> bool:
    """The correction or paper deadline passed: the case is deemed abandoned (视为放弃, seed 000 五(二); 附件备注3)
    by `application_abandon` (which re-checks under lock and tells the applicant and whoever waited), and a 公示
    still listing the case drops it."""
    app = app_services.application_abandon(deadline=deadline, now=min(now, timezone.now()))
    if app is None:
        return False
    pub_services.publicity_case_stopped(application=app)
    return True


def calendar_recheck() -> None:
    """Safety net for a recomputation lost after a calendar change (a crash between commit and on_commit): if the
    last day of some provisional period is now decided for good, recompute the open periods."""
    if any(workdays.dates_final(d, d) for d in pub_services.provisional_last_days()):
        periods_recompute()


def _batched(queryset, act, batch: int, stop_when=None) -> int:
    """Claim up to `batch` rows at a time (rows another sweeper holds are skipped), act on each in a savepoint,
    commit the batch. A row whose act fails is left for the next sweep, not retried in a loop."""
    done = 0
    passed: set[int] = set()  # failed or nothing to do: not claimed again in this sweep
    skip_locked = connection.features.has_select_for_update_skip_locked
    while True:
        stop = False
        with transaction.atomic():
            rows = list(queryset.select_for_update(skip_locked=skip_locked).exclude(pk__in=passed)[:batch])
            for row in rows:
                if stop_when is not None and stop_when(row):
                    stop = True
                    break
                try:
                    with transaction.atomic():
                        acted = bool(act(row))
                except (DatabaseError, DomainError):
                    log.exception("timer: %s %s failed; left for the next sweep", type(row).__name__, row.pk)
                    acted = False
                done += acted
                if not acted:
                    passed.add(row.pk)
        if stop or len(rows) < batch:
            return done
