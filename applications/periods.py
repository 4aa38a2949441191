"""The lengths of the timed periods, read from one place: the cycle's data (rules["periods"] of
data/rules/<year>.yaml), falling back to the settings (README「配置」) and then to the seeds' numbers.

Used by the services that start a period (publicity, paper materials, correction, the meeting's 报备), so a new
cycle changes them as data, not code (issue 14, Build 8).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Periods:
    publicity_min_working_days: int  # seed 000 五(一)(三): 不少于5个工作日
    result_publicity_working_days: int
    paper_working_days: int  # seed 000 附件备注3
    filing_days_before: int  # seed 000 六(一): 提前15天 (calendar days)
    correction_working_days: int  # seed 000 五(二) sets no length: the system's default
    correction_min_working_days: int
    correction_max_working_days: int
    sources: dict

    def least_working_days(self, publicity_kind: str) -> int:
        """The least a main-line step lasts (the 办件进度 estimate): its publicity's length, 0 for other steps."""
        if not publicity_kind:
            return 0
        if publicity_kind == "result":
            return self.result_publicity_working_days
        return self.publicity_min_working_days


DEFAULTS = {
    "publicity_min_working_days": 5,
    "paper_working_days": 10,
    "filing_days_before": 15,
    "correction_min_working_days": 1,
    "correction_max_working_days": 60,
}


def cycle_periods(cycle=None) -> Periods:
    """The periods of `cycle` (a ReviewCycle, an InitialCycle or None)."""
    conf = ((getattr(cycle, "rules", None) or {}).get("periods")) or {}
    z = settings.ZHICHENG

    def value(key: str, fallback) -> int:
        entry = conf.get(key)
        if isinstance(entry, dict):
            entry = entry.get("value")
        return int(entry if entry is not None else fallback)

    sources = {k: v.get("source", "") for k, v in conf.items() if isinstance(v, dict)}
    return Periods(
        publicity_min_working_days=value("publicity_min_working_days", DEFAULTS["publicity_min_working_days"]),
        result_publicity_working_days=value("result_publicity_working_days", z.get("RESULT_PUBLICITY_WORKING_DAYS", 5)),
        paper_working_days=value("paper_working_days", DEFAULTS["paper_working_days"]),
        filing_days_before=value("filing_days_before", DEFAULTS["filing_days_before"]),
        correction_working_days=value("correction_working_days", z.get("CORRECTION_WORKING_DAYS", 10)),
        correction_min_working_days=value("correction_min_working_days", DEFAULTS["correction_min_working_days"]),
        correction_max_working_days=value("correction_max_working_days", DEFAULTS["correction_max_working_days"]),
        sources=sources,
    )


def application_cycle(application):
    """The cycle whose periods and documents bind a case; from the case's cached row, else the reference cache
    (refcache: no query per case for a table of a few rows)."""
    from . import refcache  # late: refcache imports the models, which import the workflow that imports this

    for name in ("review_cycle", "initial_cycle"):
        pk = getattr(application, f"{name}_id")
        if pk:
            field = application._meta.get_field(name)
            return (
                field.get_cached_value(application)
                if field.is_cached(application)
                else refcache.get(field.related_model, pk)
            )
    return None
