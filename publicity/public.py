"""The public 公示 page at scale (issue 17): open publicities found through the index on their end
(publicity_open_ends), a page of them at a time, each with a page of its current entries; the rendered lists cached
per committee office and dropped when a publicity of that office opens, closes (the set-based close included) or
loses a case (`public_changed`), and every day (the working days left change)."""

from __future__ import annotations

from collections import OrderedDict

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Prefetch
from django.utils import timezone

from applications.refcache import CaseRowQuerySet
from zhicheng import workdays

from .models import Publication, Publicity, PublicityEntry

PUBLICITIES_PER_PAGE = 10  # a phone-sized page (~200 KB at most); the rest through paging and 续表 links
ENTRIES_PER_PUBLICITY = 50
PAST_SHOWN = 300
CACHE_SECONDS = 24 * 3600
# The rest of the page (past publicities, publications, committees) is dropped by the same changes; the committee
# table (reference data) is at most this old.
REST_SECONDS = 300


def _version(scope) -> int:
    key = f"gongshi:v:{scope}"
    value = cache.get(key)
    if value is None:
        cache.add(key, 1, None)
        value = cache.get(key) or 1
    return value


def public_changed(*, office_id=None) -> None:
    """A publicity of this office (None: a unit's own) opened, closed or lost a case, or a result was published:
    drop the cached pages of that office and of the whole list."""
    for key in (f"gongshi:v:{office_id or 0}", "gongshi:v:all"):
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 2, None)


def public_changed_soon(*, office_id=None) -> None:
    """`public_changed` now and again after the commit (a page read between the two would cache the old rows)."""
    public_changed(office_id=office_id)
    transaction.on_commit(lambda: public_changed(office_id=office_id))


def page_key(*, page: int = 1, office_id: int | None = None, publicity_id: int = 0, after: int = 0) -> str:
    """The cache key of one rendered list: it changes whenever a publicity of the office changes, and each day."""
    today = workdays.local_date(timezone.now())
    scope = office_id if office_id else "all"
    return f"{scope}:{page}:{publicity_id}:{after}:{today:%Y%m%d}:{_version(scope)}"


def rest_key() -> str:
    return f"{workdays.local_date(timezone.now()):%Y%m%d}:{_version('all')}"


def _entries():
    return (
        CaseRowQuerySet(PublicityEntry)
        .filter(left_at__isnull=True)
        .select_related("application__applicant", "application__unit")
    )


def _open():
    return Publicity.objects.filter(closed_at__isnull=True).select_related("office", "unit")


def _days_left(pub: Publicity, today) -> int:
    left, _ = workdays.workdays_between(today, pub.last_day)
    counts = pub.last_day >= today and today > pub.starts_on and workdays.is_workday(today)
    return max(left + counts, 0)


def _groups(rows: list[tuple[Publicity, list, str]]) -> list[dict]:
    """By who publishes (the committee office, or the unit for its 评前公示), with the contact for objections."""
    today = workdays.local_date(timezone.now())
    groups: OrderedDict = OrderedDict()
    for pub, entries, more in rows:
        owner = pub.office.name if pub.office_id else (pub.unit.name if pub.unit_id else "")
        group = groups.setdefault(owner, {"owner": owner, "pubs": [], "contact": None, "unit": None})
        if pub.office_id:
            group["contact"] = {"name": pub.office.name, "phones": pub.office.phones, "address": pub.office.address}
        elif pub.unit_id:
            group["unit"] = pub.unit.name
        group["pubs"].append({"pub": pub, "entries": entries, "days_left": _days_left(pub, today), "more": more})
    return list(groups.values())


def current_page(*, page: int = 1, office_id: int | None = None) -> dict:
    """One page of the open publicities (the soonest to end first, through the index on their end), each with its
    first entries (one windowed query for all of them), grouped for the page."""
    qs = _open().order_by("ends_at", "id")
    if office_id:
        qs = qs.filter(office_id=office_id)
    start = (page - 1) * PUBLICITIES_PER_PAGE
    shown = list(
        qs[start : start + PUBLICITIES_PER_PAGE + 1].prefetch_related(
            Prefetch(
                "entries",
                queryset=_entries().order_by("application_id")[: ENTRIES_PER_PUBLICITY + 1],
                to_attr="current",
            )
        )
    )
    rows = []
    for p in shown[:PUBLICITIES_PER_PAGE]:
        if not p.current:
            continue
        entries = p.current[:ENTRIES_PER_PUBLICITY]
        more = f"publicity={p.pk}&after={entries[-1].application_id}" if len(p.current) > ENTRIES_PER_PUBLICITY else ""
        rows.append((p, entries, more))
    return {"groups": _groups(rows), "page": page, "has_next": len(shown) > PUBLICITIES_PER_PAGE,
            "has_prev": page > 1}  # fmt: skip


def entries_page(*, publicity_id: int, after: int = 0) -> dict:
    """The current entries of one open publicity after application id `after` (keyset), as one group."""
    pub = _open().filter(pk=publicity_id).first()
    if pub is None:
        return {"groups": [], "page": 1, "has_next": False, "has_prev": False}
    rows = list(
        _entries()
        .filter(publicity=pub, application_id__gt=after)
        .order_by("application_id")[: ENTRIES_PER_PUBLICITY + 1]
    )
    entries = rows[:ENTRIES_PER_PUBLICITY]
    more = f"publicity={pub.pk}&after={entries[-1].application_id}" if len(rows) > ENTRIES_PER_PUBLICITY else ""
    return {"groups": _groups([(pub, entries, more)] if entries else []), "page": 1, "has_next": False,
            "has_prev": False, "publicity": pub}  # fmt: skip


def past_publicities() -> list[Publicity]:
    """The latest closed publicities with their sizes (counted for those shown only, through the unique index on
    (publicity, application))."""
    past = list(
        Publicity.objects.filter(closed_at__isnull=False)
        .select_related("office", "unit")
        .order_by("-starts_on", "-id")[:PAST_SHOWN]
    )
    sizes = dict(
        PublicityEntry.objects.filter(publicity_id__in=[p.pk for p in past])
        .order_by()
        .values_list("publicity_id")
        .annotate(n=Count("id"))
    )
    for p in past:
        p.n = sizes.get(p.pk, 0)
    return past


def publications() -> list[Publication]:
    return list(Publication.objects.annotate(n=Count("applications")).order_by("-date", "-id")[:PAST_SHOWN])
