"""Celery tasks of the case app (issue 17): the counters' nightly reconciliation and their hourly compaction."""

from __future__ import annotations

import logging

from celery import shared_task

from . import counters

log = logging.getLogger(__name__)


@shared_task(name="applications.tasks.reconcile_counters_task", acks_late=True, ignore_result=True)
def reconcile_counters_task() -> int:
    """Recount every counter from the cases; each drift is logged as an error and corrected. Returns how many."""
    found = counters.reconcile()
    if found:
        log.error("案件计数核对：发现 %s 处偏差，已按重新统计结果更正", len(found))
    else:
        log.info("案件计数核对：计数与重新统计一致")
    return len(found)


@shared_task(name="applications.tasks.compact_counters_task", acks_late=True, ignore_result=True)
def compact_counters_task() -> int:
    """Fold the counters' deltas into one row per key, so reads stay one short index range."""
    return counters.compact()
