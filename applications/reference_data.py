"""Loads the reference data files in data/reference into the database, idempotently.

Every upsert compares before writing, so a second run reports zero changes.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.conf import settings
from django.db import transaction

from organisations.models import CommitteeOffice, Region

from .documents import cite
from .models import ApplicationWindow, Committee, InitialCycle, Level, ReviewCycle, Series, Specialty, Subspecialty


def data_dir() -> Path:
    """The data directory (settings.ZHICHENG["DATA_DIR"], default <BASE_DIR>/data): reference/ and rules/ below it.
    A year is added there as files (docs/eligibility.md「新增年度」)."""
    configured = settings.ZHICHENG.get("DATA_DIR")
    return Path(configured) if configured else Path(settings.BASE_DIR) / "data"


def reference_dir() -> Path:
    return data_dir() / "reference"


def rules_dir() -> Path:
    return data_dir() / "rules"


@dataclass
class LoadReport:
    loaded: Counter = field(default_factory=Counter)
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)

    @property
    def changes(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values())


def _read(name: str, directory: Path | None = None) -> dict:
    with open((directory or reference_dir()) / name, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _upsert(report: LoadReport, label: str, model, lookup: dict, values: dict):
    obj = model.objects.filter(**lookup).first()
    report.loaded[label] += 1
    if obj is None:
        obj = model.objects.create(**lookup, **values)
        obj._created_by_load = True  # its relations, set next, are part of the creation, not an update
        report.created[label] += 1
        return obj
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    if changed:
        for k in changed:
            setattr(obj, k, values[k])
        obj.save(update_fields=changed)
        report.updated[label] += 1
    return obj


def _set_m2m(report: LoadReport, label: str, manager, objs) -> None:
    wanted = {o.pk for o in objs}
    if set(manager.values_list("pk", flat=True)) != wanted:
        manager.set(objs)
        if not getattr(manager.instance, "_created_by_load", False):
            report.updated[label] += 1


def _date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


@transaction.atomic
def load_reference_data() -> LoadReport:
    report = LoadReport()
    regions = _read("regions.yaml")["regions"]
    for i, r in enumerate(regions):
        _upsert(report, "地区", Region, {"code": r["code"]}, {"name": r["name"], "areas": r["areas"], "order": i})
    for lv in _read("levels.yaml")["levels"]:
        _upsert(
            report, "级别", Level, {"code": lv["code"]}, {"name": lv["name"], "tier": lv["tier"], "rank": lv["rank"]}
        )

    catalogue = _read("catalogue.yaml")["series"]
    for i, s in enumerate(catalogue):
        series = _upsert(
            report,
            "系列",
            Series,
            {"name": s["name"]},
            {
                "aliases": s.get("aliases", []),
                "source": s["source"],
                "comprehensive_engineering": bool(s.get("comprehensive_engineering")),
                "order": i,
            },
        )
        for j, sp in enumerate(s.get("specialties") or []):
            spec = _upsert(report, "大专业", Specialty, {"series": series, "name": sp["name"]}, {"order": j})
            for k, sub in enumerate(sp.get("subspecialties") or []):
                _upsert(report, "小专业", Subspecialty, {"specialty": spec, "name": sub}, {"order": k})

    cycles = _read("cycles.yaml")
    rules_path = rules_dir()
    for c in cycles.get("initial_cycles", []):
        # First: the association is also a schedule row's office, where the annex prints its number without area code.
        office = _upsert(report, "办事机构", CommitteeOffice, {"name": c["association"]}, {"phones": [c["phone"]]})
        rules_file = rules_path / f"initial_{c['year']}.yaml"
        rules = _read(rules_file.name, rules_path) if rules_file.exists() else {}
        initial = _upsert(
            report,
            "初定年度",
            InitialCycle,
            {"year": c["year"]},
            {
                "name": c["name"],
                "start": _date(c["start"]),
                "end": _date(c["end"]),
                "source": c["source"],
                "documents": c.get("documents") or {},
                "office": office,
                "rules": rules,
            },
        )
        _set_m2m(report, "初定年度", initial.series, list(Series.objects.filter(name__in=c["series"])))
    for c in cycles["review_cycles"]:
        rules_file = rules_path / f"{c['year']}.yaml"
        rules = _read(rules_file.name, rules_path) if rules_file.exists() else {}
        cycle = _upsert(
            report,
            "评审年度",
            ReviewCycle,
            {"year": c["year"]},
            {
                "name": c["name"],
                "seniority_cutoff": _date(c["seniority_cutoff"]),
                "ce_year": c["continuing_education"]["year"],
                "ce_hours": c["continuing_education"]["hours"],
                "intermediate_deadline": _date(c["intermediate_review_deadline"]),
                "source": c["source"],
                "documents": c.get("documents") or {},
                "rules": rules,
            },
        )
        _load_schedule(report, cycle, _read(c["schedule"]))
    return report


def _series_named(name: str) -> Series:
    series = Series.objects.filter(name=name).first()
    if series is None:
        series = next((s for s in Series.objects.all() if name in s.aliases), None)
    if series is None:
        raise ValueError(f"申报计划安排表引用了目录中没有的系列：{name}")
    return series


def _load_schedule(report: LoadReport, cycle: ReviewCycle, schedule: dict) -> None:
    levels = {lv.name: lv for lv in Level.objects.all()}
    regions = list(Region.objects.all())
    for row in schedule["rows"]:
        accepts = row["accepts"]
        series = [_series_named(a["series"]) for a in accepts]
        for n, e in enumerate(row["entries"], start=1):
            phones = [str(p) for p in e.get("phones") or []]
            office = CommitteeOffice.objects.filter(name=e["office"]).first()
            if office is None:
                office = _upsert(report, "办事机构", CommitteeOffice, {"name": e["office"]}, {"phones": phones})
            else:
                report.loaded["办事机构"] += 1
            committee = _upsert(
                report,
                "评委会受理安排",
                Committee,
                {"cycle": cycle, "row": row["row"], "entry": n},
                {
                    "label": row["label"],
                    "area": e["area"],
                    "accepts": accepts,
                    "by_notice": bool(e.get("by_notice")),
                    "office": office,
                    "phones": phones,
                    "remarks": e.get("remarks") or "",
                    "exclusions": e.get("exclusions") or [],
                    "inherited_from_row": e.get("inherited_from_row"),
                    "note": e.get("note") or "",
                },
            )
            covered = [r for r in regions if e["area"] in r.areas]
            if not covered:
                raise ValueError(f"第{row['row']}行的受理地“{e['area']}”不对应任何地区")
            _set_m2m(report, "评委会受理安排", committee.regions, covered)
            _set_m2m(report, "评委会受理安排", committee.levels, [levels[name] for name in e["levels"]])
            _set_m2m(report, "评委会受理安排", committee.series, series)
            for w in e.get("windows") or []:
                _upsert(
                    report,
                    "网络申报时间",
                    ApplicationWindow,
                    {"committee": committee, "start": _date(w["start"]), "end": _date(w["end"])},
                    {"source": cite(cycle, "附件")},
                )
