"""Counters of cases per state, kept by the workflow in the same transaction as each move (issue 17).

One function is called on every move: `application_moved(from_status, to_status, application)`. The set-based
publicity close adds the same deltas inside its own statement (`close_deltas_sql`). Readers (`by_state`, `totals`)
add the deltas up through one index; `compact` folds them; `reconcile` (nightly) recounts and reports any drift.
"""

from __future__ import annotations

import logging
from collections import defaultdict

from django.db import connection, transaction
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from .models import Application, CaseCounter

log = logging.getLogger(__name__)
D = CaseCounter.Dimension
# dimension -> the Application lookup its key comes from (None: one key, 0)
SOURCES = {
    D.ALL: None,
    D.UNIT: "unit_id",
    D.DEPARTMENT: "unit__department_id",
    D.REGION: "unit__region_id",
    D.OFFICE: "office_id",
    D.COMMITTEE: "committee_id",
    D.SERIES: "series_id",
    D.MONTH: "created_at",
    D.SUBMITTED: "submitted_at",  # with the unit's region: the dashboard's 12-month trend (review/charts.py)
}
# D.SUBMITTED keys: YYYYMM * REGION_SPAN + region id (0: none); only submitted cases are counted under it
REGION_SPAN = 1_000_000


def month_key(value) -> int:
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return local.year * 100 + local.month


def submitted_key(submitted_at, region_id) -> int:
    return month_key(submitted_at) * REGION_SPAN + (region_id or 0)


def dims_of(app: Application) -> tuple[tuple[str, int], ...]:
    """The (dimension, key) pairs a case is counted under; uses `app.unit` (the kernel loads it with the row)."""
    unit = app.unit
    dims = (
        (D.ALL, 0),
        (D.UNIT, app.unit_id),
        (D.DEPARTMENT, unit.department_id or 0),
        (D.REGION, unit.region_id or 0),
        (D.OFFICE, app.office_id or 0),
        (D.COMMITTEE, app.committee_id or 0),
        (D.SERIES, app.series_id),
        (D.MONTH, month_key(app.created_at or timezone.now())),
    )
    if app.submitted_at is not None:
        dims += ((D.SUBMITTED, submitted_key(app.submitted_at, unit.region_id)),)
    return dims


def remember(app: Application) -> Application:
    """Called when the kernel locks a case: the keys it is counted under before the move (a reopen clears its
    committee and office, so the old keys cannot be read after it)."""
    app._counted_under = dims_of(app)
    return app


def application_moved(from_status: str, to_status: str, application: Application) -> None:
    """Move one case from one state's counters to another's, in the caller's transaction. `from_status=""` is a
    creation. No-op when the state did not change."""
    if from_status == to_status:
        return
    rows = []
    if from_status:
        before = getattr(application, "_counted_under", None) or dims_of(application)
        rows += [CaseCounter(dimension=d, key=k, status=from_status, n=-1) for d, k in before]
    if to_status:
        rows += [CaseCounter(dimension=d, key=k, status=to_status, n=1) for d, k in dims_of(application)]
    CaseCounter.objects.bulk_create(rows)
    application._counted_under = dims_of(application)


def close_deltas_sql(moved: str, unit_table: str) -> str:
    """A data-modifying CTE body for the set-based close: the deltas of every row of CTE `moved` (which returns
    unit_id, office_id, committee_id, series_id, created_at, submitted_at) from %(src)s to %(dst)s, grouped per
    key."""
    table = CaseCounter._meta.db_table
    month = "to_char(m.{} AT TIME ZONE %(counter_tz)s, 'YYYYMM')::bigint"
    keys = {
        D.ALL: "0",
        D.UNIT: "m.unit_id",
        D.DEPARTMENT: "COALESCE(u.department_id, 0)",
        D.REGION: "COALESCE(u.region_id, 0)",
        D.OFFICE: "COALESCE(m.office_id, 0)",
        D.COMMITTEE: "COALESCE(m.committee_id, 0)",
        D.SERIES: "m.series_id",
        D.MONTH: month.format("created_at"),
        D.SUBMITTED: f"{month.format('submitted_at')} * {REGION_SPAN} + COALESCE(u.region_id, 0)",
    }
    only = {D.SUBMITTED: " WHERE m.submitted_at IS NOT NULL"}
    per_dim = " UNION ALL ".join(
        f"SELECT '{d.value}' AS dimension, {expr} AS key, count(*) AS n"
        f" FROM {moved} m JOIN {unit_table} u ON u.id = m.unit_id{only.get(d, '')} GROUP BY 2"
        for d, expr in keys.items()
    )
    return f"""
        INSERT INTO {table} (dimension, key, status, n)
        SELECT g.dimension, g.key, s.status, s.sign * g.n
          FROM ({per_dim}) g
          CROSS JOIN (VALUES (%(src)s, -1), (%(dst)s, 1)) AS s(status, sign)
        RETURNING id"""


def by_state(dimension: str, keys) -> dict[str, int]:
    """Cases per state under the given keys of one dimension (summed over the keys)."""
    rows = (
        CaseCounter.objects.filter(dimension=dimension, key__in=list(keys))
        .values_list("status")
        .annotate(n=Sum("n"))
        .order_by()
    )
    return {status: n for status, n in rows if n}


def totals(dimension: str, *, key_from: int | None = None) -> dict[int, dict[str, int]]:
    """key -> state -> cases, for every key of one dimension (from `key_from` on: one index range)."""
    out: dict[int, dict[str, int]] = defaultdict(dict)
    qs = CaseCounter.objects.filter(dimension=dimension)
    if key_from is not None:
        qs = qs.filter(key__gte=key_from)
    rows = qs.values_list("key", "status").annotate(n=Sum("n")).order_by()
    for key, status, n in rows:
        if n:
            out[key][status] = n
    return dict(out)


def recount(dimension: str) -> dict[int, dict[str, int]]:
    """The same figures as `totals`, counted from the cases themselves (the reconciliation; slow by design)."""
    source = SOURCES[dimension]
    qs = Application.objects.order_by()
    out: dict[int, dict[str, int]] = defaultdict(dict)
    if source is None:
        rows = ((0, s, n) for s, n in qs.values_list("status").annotate(n=Count("id")))
    elif dimension == D.SUBMITTED:
        rows = (
            (submitted_key(m, region), s, n)
            for m, region, s, n in qs.filter(submitted_at__isnull=False)
            .annotate(m=TruncMonth("submitted_at"))
            .values_list("m", "unit__region_id", "status")
            .annotate(n=Count("id"))
        )
    elif dimension == D.MONTH:
        rows = (
            (month_key(m), s, n)
            for m, s, n in qs.annotate(m=TruncMonth("created_at")).values_list("m", "status").annotate(n=Count("id"))
        )
    else:
        rows = qs.values_list(source, "status").annotate(n=Count("id"))
    for key, status, n in rows:
        key = key or 0
        out[key][status] = out[key].get(status, 0) + n
    return dict(out)


def drift() -> list[dict]:
    """Every (dimension, key, state) whose counter differs from a recount, read in one snapshot."""
    found = []
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        for dimension in SOURCES:
            counted, actual = totals(dimension), recount(dimension)
            for key in counted.keys() | actual.keys():
                c, a = counted.get(key, {}), actual.get(key, {})
                for status in c.keys() | a.keys():
                    if c.get(status, 0) != a.get(status, 0):
                        found.append({"dimension": str(dimension), "key": key, "status": status,
                                      "counter": c.get(status, 0), "actual": a.get(status, 0)})  # fmt: skip
    return found


def reconcile(*, fix: bool = True) -> list[dict]:
    """The nightly check: recount, log every drift as an error and (by default) write the correcting deltas."""
    found = drift()
    for row in found:
        log.error("案件计数偏差：%(dimension)s=%(key)s 状态 %(status)s 计数 %(counter)s，实际 %(actual)s", row)
    if fix and found:  # a move between the snapshot and this write is in the deltas already, not in `found`
        CaseCounter.objects.bulk_create(
            CaseCounter(dimension=r["dimension"], key=r["key"], status=r["status"], n=r["actual"] - r["counter"])
            for r in found
        )
    compact()
    return found


def compact() -> int:
    """Fold the deltas into one row per (dimension, key, state). Safe beside concurrent moves: only the rows this
    statement deletes are summed, in the same statement. Returns the rows left."""
    if connection.vendor != "postgresql":
        return CaseCounter.objects.count()
    table = CaseCounter._meta.db_table
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"""
            WITH gone AS (DELETE FROM {table} RETURNING dimension, key, status, n)
            INSERT INTO {table} (dimension, key, status, n)
            SELECT dimension, key, status, sum(n) FROM gone GROUP BY 1, 2, 3 HAVING sum(n) <> 0
        """)  # fmt: skip
        cur.execute(f"SELECT count(*) FROM {table}")
        return cur.fetchone()[0]


def rebuild() -> None:
    """Replace every counter by a recount (after a bulk load such as bench/scale_data.py)."""
    with transaction.atomic():
        CaseCounter.objects.all().delete()
        rows = []
        for dimension in SOURCES:
            for key, states in recount(dimension).items():
                rows += [CaseCounter(dimension=dimension, key=key, status=s, n=n) for s, n in states.items()]
        CaseCounter.objects.bulk_create(rows, batch_size=5000)
