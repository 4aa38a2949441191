"""The small reference tables (series, specialties, levels, committees, offices, regions, cycles) held in process
memory for the case lists (issue 17): a page of cases joins only its applicant and unit, and takes the rest from
here instead of joining nine more tables or running one query per table.

Each table is read whole (tens to a few hundred rows) and kept for REFERENCE_CACHE_SECONDS (default 300); a key
missing from the copy reloads it at once, so a new row is seen on its first use. An edited row (a renamed
committee) shows its old text for at most that long; `clear()` drops everything (tests, the reference loader).
"""

from __future__ import annotations

import threading
import time

from django.conf import settings
from django.db.models import QuerySet

from organisations.models import CommitteeOffice, Region
from zhicheng.db.statements import StatementKeyedQuerySet

from .models import Application, Committee, InitialCycle, Level, ReviewCycle, Series, Specialty, Subspecialty

_lock = threading.Lock()
_tables: dict = {}
# Application foreign key -> the reference model it points to
FIELDS = {
    "series": Series,
    "specialty": Specialty,
    "subspecialty": Subspecialty,
    "level": Level,
    "committee": Committee,
    "office": CommitteeOffice,
    "review_cycle": ReviewCycle,
    "initial_cycle": InitialCycle,
}


def clear() -> None:
    with _lock:
        _tables.clear()


def _ttl() -> float:
    return float(getattr(settings, "REFERENCE_CACHE_SECONDS", 300))


def rows(model) -> dict:
    found = _tables.get(model)
    if found is None or time.monotonic() - found[0] > _ttl():
        found = (time.monotonic(), {obj.pk: obj for obj in model._default_manager.all()})
        with _lock:
            _tables[model] = found
    return found[1]


def get(model, pk):
    if pk is None:
        return None
    table = rows(model)
    if pk not in table:
        with _lock:
            _tables.pop(model, None)
        table = rows(model)
    return table.get(pk)


def attach(apps) -> None:
    """Set each case's reference objects (and its unit's region) from memory, as select_related would."""
    for app in apps:
        for name, model in FIELDS.items():
            field = Application._meta.get_field(name)
            if not field.is_cached(app):
                field.set_cached_value(app, get(model, getattr(app, field.attname)))
        unit = app._state.fields_cache.get("unit")
        if unit is not None:
            region_field = unit._meta.get_field("region")
            if not region_field.is_cached(unit):
                region_field.set_cached_value(unit, get(Region, unit.region_id))


class ReferenceQuerySet(StatementKeyedQuerySet):
    """A case queryset whose rows come with their reference objects from memory (`attach`); as values() rows, its
    compiled statement may be kept per connection (`statement_keyed`)."""

    def _fetch_all(self):
        fresh = self._result_cache is None
        super()._fetch_all()
        if fresh and self._result_cache and isinstance(self._result_cache[0], Application):
            attach(self._result_cache)


class CaseRowQuerySet(QuerySet):
    """Rows of another model that carry a case (`select_related("application…")`): the case's reference objects
    come from memory as in ReferenceQuerySet (the public 公示 list: issue 17)."""

    case_attr = "application"

    def _fetch_all(self):
        fresh = self._result_cache is None
        super()._fetch_all()
        if fresh and self._result_cache and isinstance(self._result_cache[0], self.model):
            attach([getattr(row, self.case_attr) for row in self._result_cache])
