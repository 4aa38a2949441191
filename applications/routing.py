"""Routing: from the applicant's unit, series and level to the one committee of the annex that takes the case.

(Issue 4 adds exclusions, windows and the one-committee rules of seed 000 四.)
"""

from __future__ import annotations

from zhicheng.errors import DomainError

from .models import Application, Committee

SOURCE = "镇职称办〔2024〕11号 附件"


def candidate_committees(application: Application):
    return (
        Committee.objects.filter(
            cycle=application.review_cycle,
            series=application.series,
            levels=application.level,
            regions=application.unit.region,
        )
        .select_related("office")
        .distinct()
        .order_by("row", "entry")
    )


def route_application(application: Application) -> Committee:
    committee = candidate_committees(application).first()
    if committee is None:
        raise DomainError(
            "no_route",
            f"{application.unit.region.name}的{application.series.name}{application.level.name}"
            "在本年度申报计划安排表中没有受理的评委会",
            source=SOURCE,
        )
    return committee
