"""The supervisor's trend charts (issue 15): cases per month and per region, drawn as server-rendered SVG (no
script, no CDN). Reads only the case counters."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.utils import timezone

from applications import counters as app_counters
from applications import refcache, workflow
from organisations.models import Region

MONTHS = 12
WIDTH, HEIGHT, PAD_LEFT, PAD_BOTTOM, PAD_TOP = 560, 180, 34, 26, 10
SPARK_W, SPARK_H = 160, 34
# Where a case ended up, for the second line: passed (评审通过 onwards) or stopped.
DONE_STATES = set(workflow.PASSED_ONWARDS)


def _month_add(month: dt.date, n: int) -> dt.date:
    y, m = divmod(month.year * 12 + month.month - 1 + n, 12)
    return dt.date(y, m + 1, 1)


def _months(latest: dt.date) -> list[dt.date]:
    return [_month_add(latest, -i) for i in range(MONTHS - 1, -1, -1)]


def _as_month(value) -> dt.date:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return dt.date(value.year, value.month, 1)
    return dt.date(value.year, value.month, 1)


def _points(values: list[int], top: int, width: float, height: float, left: float = 0, pad_top: float = 0) -> str:
    step = width / max(len(values) - 1, 1)
    return " ".join(f"{left + i * step:.1f},{pad_top + height - (v / top) * height:.1f}" for i, v in enumerate(values))


def trends() -> dict:
    """Submitted cases per month (the 12 months up to the latest submission) with those that passed, and the same
    months per region (unit's region) as small lines. Read from the case counters (dimension `submitted`: month of
    submission × region × state, kept by every move; issue 17), one index range, no query over the cases."""
    since = _month_add(_as_month(timezone.now()), -MONTHS)
    regions = refcache.rows(Region)
    first_key = (since.year * 100 + since.month) * app_counters.REGION_SPAN
    rows = app_counters.totals(app_counters.D.SUBMITTED, key_from=first_key)
    per_month: dict[dt.date, int] = defaultdict(int)
    passed: dict[dt.date, int] = defaultdict(int)
    per_region: dict[str, dict[dt.date, int]] = defaultdict(lambda: defaultdict(int))
    for key, states in rows.items():
        yyyymm, region_id = divmod(key, app_counters.REGION_SPAN)
        month = dt.date(yyyymm // 100, yyyymm % 100, 1)
        region = regions.get(region_id)
        for status, n in states.items():
            per_month[month] += n
            per_region[region.name if region else "（未注明地区）"][month] += n
            if status in DONE_STATES:
                passed[month] += n
    if not per_month:
        return {"empty": True}
    months = _months(max(per_month))
    submitted = [per_month.get(m, 0) for m in months]
    done = [passed.get(m, 0) for m in months]
    top = max(max(submitted), 1)
    plot_w, plot_h = WIDTH - PAD_LEFT - 6, HEIGHT - PAD_BOTTOM - PAD_TOP
    step = plot_w / (MONTHS - 1)
    labels = [{"x": PAD_LEFT + i * step, "text": f"{m.month}月" if m.month != 1 or i == 0 else f"{m.year}年1月"}
              for i, m in enumerate(months)]  # fmt: skip
    dots = [{"x": PAD_LEFT + i * step, "y": PAD_TOP + plot_h - v / top * plot_h, "n": v, "month": m}
            for i, (m, v) in enumerate(zip(months, submitted, strict=True))]  # fmt: skip
    regions = []
    for name, counts in sorted(per_region.items(), key=lambda kv: -sum(kv[1].values())):
        values = [counts.get(m, 0) for m in months]
        regions.append({
            "name": name,
            "total": sum(values),
            "last": values[-1],
            "points": _points(values, max(max(values), 1), SPARK_W - 4, SPARK_H - 6, left=2, pad_top=3),
        })  # fmt: skip
    return {
        "empty": False,
        "width": WIDTH,
        "height": HEIGHT,
        "baseline": PAD_TOP + plot_h,
        "left": PAD_LEFT,
        "right": WIDTH - 6,
        "top": top,
        "top_y": PAD_TOP,
        "submitted": _points(submitted, top, plot_w, plot_h, left=PAD_LEFT, pad_top=PAD_TOP),
        "passed": _points(done, top, plot_w, plot_h, left=PAD_LEFT, pad_top=PAD_TOP),
        "labels": labels,
        "dots": dots,
        "first": months[0],
        "last": months[-1],
        "total": sum(submitted),
        "total_passed": sum(done),
        "regions": regions,
        "spark_w": SPARK_W,
        "spark_h": SPARK_H,
    }
