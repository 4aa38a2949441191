"""Routing: from the applicant's unit, series and level to the one committee of the annex that takes the case.

Candidates are the annex lines of the cycle that accept the series and level and serve the unit's region; then
the remarks' exclusions (不含……) are applied; then, among what is left, the line whose specialty restriction names
the applicant's specialty wins over an unrestricted line, which wins over the series' fallback line (rule data
`routing.specialty_fallback`); ties go to the most specific 受理地 (丹阳市 over 镇江市区 over 镇江市, read from the
order of the region's `areas`). Two queries: the candidate lines, and their regions.
"""

from __future__ import annotations

from dataclasses import dataclass

from zhicheng.errors import DomainError

from .documents import cite, current_cite
from .models import Application, Committee, Route


@dataclass(frozen=True)
class RouteResult:
    committee: Committee | None
    code: str = ""
    reason: str = ""
    source: str = ""

    @property
    def ok(self) -> bool:
        return self.committee is not None


def _source(cycle) -> str:
    if cycle is None:
        return current_cite(Route.REVIEW, "附件")
    return (cycle.rules or {}).get("sources", {}).get("route") or cite(cycle, "附件")


def _series_names(series) -> set[str]:
    return {series.name, *(series.aliases or [])}


def _restriction(committee: Committee, series_names: set[str]) -> list[str]:
    """The specialties a line restricts the series to; [] when it takes the whole series."""
    for accept in committee.accepts or []:
        if accept.get("series") in series_names:
            return list(accept.get("specialties") or [])
    return []


def exclusion_applies(exclusion: dict, *, application: Application, region) -> bool:
    """Every key present in the exclusion must match (schedule_2024.yaml header)."""
    unit = application.unit
    if exclusion.get("areas") and not set(exclusion["areas"]) & {region.name, *region.areas}:
        return False
    if exclusion.get("units"):
        names = [unit.short_name or "", unit.name]
        if not any(excluded and excluded in name for excluded in exclusion["units"] for name in names):
            return False
    if exclusion.get("series") and not set(exclusion["series"]) & _series_names(application.series):
        return False
    if exclusion.get("subspecialties"):
        sub = application.subspecialty if application.subspecialty_id else None
        if sub is None or sub.name not in exclusion["subspecialties"]:
            return False
    return not exclusion.get("levels") or application.level.name in exclusion["levels"]


def _lines(application: Application) -> list[Committee]:
    return list(
        Committee.objects.filter(
            cycle_id=application.review_cycle_id, series=application.series_id, levels=application.level_id
        )
        .select_related("office")
        .prefetch_related("regions")
        .distinct()
        .order_by("row", "entry")
    )


def resolve(application: Application, *, lines: list[Committee] | None = None) -> RouteResult:
    """The committee that takes the case, or why none does. Reads only; never raises for a missing route."""
    cycle = application.review_cycle if application.review_cycle_id else None
    source = _source(cycle)
    if cycle is None:
        return RouteResult(None, "no_cycle", "职称评审须选择评审年度", source)
    if not application.unit_id:
        return RouteResult(None, "no_unit", "未填写工作单位或人事代理机构，无法确定受理的评委会", source)
    series, level, unit = application.series, application.level, application.unit
    region = unit.region
    what = f"{series.name}{level.name}"
    lines = _lines(application) if lines is None else lines
    if not lines:
        return RouteResult(
            None,
            "not_in_schedule",
            f"本年度申报计划安排表中没有受理{what}评审的评委会",
            source,
        )
    served = [c for c in lines if any(r.pk == region.pk for r in c.regions.all())]
    if not served:
        areas = "、".join(dict.fromkeys(c.area for c in lines))
        return RouteResult(
            None,
            "region_not_served",
            f"{what}的受理地为{areas}，不含{unit.name}所在的{region.name}",
            source,
        )
    kept, excluded = [], []
    for committee in served:
        if any(exclusion_applies(e, application=application, region=region) for e in committee.exclusions or []):
            excluded.append(committee)
        else:
            kept.append(committee)
    if not kept:
        first = excluded[0]
        unit_based = any(e.get("units") for e in first.exclusions or [])
        reason = f"附件第{first.row}行（{first.label}，{first.area}）备注：{first.remarks}"
        if unit_based:
            note = (cycle.rules or {}).get("routing", {}).get("self_review_note", "")
            reason = f"{unit.name}的{what}不由本表评委会受理。{reason}" + (f"。{note}" if note else "")
        else:
            reason = f"{region.name}的{what}不由本表评委会受理。{reason}"
        return RouteResult(None, "excluded", reason, source)

    names = _series_names(series)
    specialty = application.specialty.name if application.specialty_id else None
    fallback_rows = {
        f["row"]
        for f in (cycle.rules or {}).get("routing", {}).get("specialty_fallback", [])
        if f.get("series") in names and level.name in (f.get("levels") or [level.name])
    }
    ranked = []
    for committee in kept:
        restriction = _restriction(committee, names)
        if not restriction:
            fit = 2
        elif specialty in restriction:
            fit = 3
        elif committee.row in fallback_rows:
            fit = 1
        else:
            continue
        specificity = region.areas.index(committee.area) if committee.area in region.areas else -1
        ranked.append(((fit, specificity, -committee.row, -committee.entry), committee))
    if not ranked:
        offered = "、".join(
            dict.fromkeys(f"第{c.row}行（{'、'.join(_restriction(c, names))}）" for c in kept if _restriction(c, names))
        )
        if specialty is None:
            reason = f"{what}按大专业分别受理（{offered}），请先选择大专业"
        else:
            reason = f"本年度申报计划安排表中{what}仅受理{offered}，不含“{specialty}”"
        return RouteResult(None, "specialty_not_accepted", reason, source)
    ranked.sort(key=lambda pair: pair[0], reverse=True)
    return RouteResult(ranked[0][1], source=source)


def candidate_committees(application: Application) -> list[Committee]:
    """The annex lines serving the unit's region for the series and level, before exclusions and preferences."""
    region_id = application.unit.region_id
    return [c for c in _lines(application) if any(r.pk == region_id for r in c.regions.all())]


def route_application(application: Application) -> Committee:
    """The committee for a 评审 case. Errors: DomainError `no_route` naming why none takes it."""
    result = resolve(application)
    if result.committee is None:
        raise DomainError("no_route", result.reason, source=result.source, fields={"reason": [result.code]})
    return result.committee
