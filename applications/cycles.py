"""The demo cycle (演示年度): a base year's rules and schedule moved to the current year, windows open today.

What is copied and how dates move is data (data/reference/demo_cycle.yaml); this module only applies it. It writes
through the ORM because it is the loader of reference data for the demo, like `reference_data.load_reference_data`.
"""

from __future__ import annotations

import copy
import datetime as dt

from django.db import transaction

from organisations.services import org_event

from .models import ApplicationWindow, Committee, InitialCycle, ReviewCycle
from .reference_data import _read

DEMO_FILE = "demo_cycle.yaml"


def demo_settings() -> dict:
    return _read(DEMO_FILE)


def _window(today: dt.date, conf: dict) -> tuple[dt.date, dt.date]:
    start = max(dt.date(today.year, 1, 1), today - dt.timedelta(days=int(conf.get("opens_days_before_today", 14))))
    return start, dt.date(today.year, 12, 31)


@transaction.atomic
def demo_cycles_ensure(*, today: dt.date, actor=None) -> tuple[ReviewCycle | None, InitialCycle | None, int]:
    """The current year's demo 评审 and 初定 cycles, created once. A real cycle of that year wins: then nothing is
    made and that cycle is returned. Returns (review cycle, initial cycle, number of rows created)."""
    conf = demo_settings()
    year, created = today.year, 0
    base = ReviewCycle.objects.get(year=conf["based_on"])
    cycle = ReviewCycle.objects.filter(year=year).first()
    start, end = _window(today, conf)
    if cycle is None:
        rules = copy.deepcopy(base.rules)
        if isinstance(rules.get("continuing_education"), dict):
            rules["continuing_education"]["year"] = year - 1
        cycle = ReviewCycle.objects.create(
            year=year,
            name=conf["review_name"].format(year=year),
            seniority_cutoff=dt.date(year - 1, 12, 31),
            ce_year=year - 1,
            ce_hours=base.ce_hours,
            intermediate_deadline=base.intermediate_deadline.replace(year=year),
            source=conf["source"].format(source=base.source),
            documents=dict(base.documents),  # the demo year applies the base year's documents, cited as they are
            rules=rules,
            is_demo=True,
        )
        created += 1
        for line in base.committees.prefetch_related("regions", "levels", "series", "windows").order_by("pk"):
            windows = list(line.windows.all())
            regions, levels, series = list(line.regions.all()), list(line.levels.all()), list(line.series.all())
            line.pk = None
            line._prefetched_objects_cache = {}  # else set() below would compare against the base line's rows
            line.cycle = cycle
            line.save()
            line.regions.set(regions)
            line.levels.set(levels)
            line.series.set(series)
            created += 1
            if windows:
                ApplicationWindow.objects.create(
                    committee=line, start=start, end=end, source=f"{conf['label']}：申报时间移至今日前后"
                )
                created += 1
        org_event(actor, "demo_cycle", cycle, {"based_on": base.year, "window": [str(start), str(end)]})
    elif cycle.is_demo and not cycle.documents and base.documents:  # a demo year made before cycles had documents
        cycle.documents = dict(base.documents)
        cycle.save(update_fields=["documents"])
    initial = InitialCycle.objects.filter(year=year).first()
    base_initial = InitialCycle.objects.filter(year=conf["based_on"]).first()
    if initial is not None and initial.is_demo and not initial.documents and base_initial is not None:
        initial.documents = dict(base_initial.documents)
        initial.save(update_fields=["documents"])
    if initial is None and base_initial is not None:
        initial = InitialCycle.objects.create(
            year=year,
            name=conf["initial_name"].format(year=year),
            start=start,
            end=end,
            source=conf["source"].format(source=base_initial.source),
            documents=dict(base_initial.documents),
            office=base_initial.office,
            rules=copy.deepcopy(base_initial.rules),
            is_demo=True,
        )
        initial.series.set(list(base_initial.series.all()))
        created += 1
        org_event(actor, "demo_cycle", initial, {"based_on": base_initial.year, "window": [str(start), str(end)]})
    return cycle, initial, created


def committee_lines(cycle: ReviewCycle):
    return Committee.objects.filter(cycle=cycle).select_related("office").prefetch_related("windows", "levels")
