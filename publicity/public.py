"""The public 公示 page at scale (issue 17): open publicities found through the index on their end, a page of them at
a time, each with a page of its current entries; cached per committee office and dropped when a publicity of that
office opens, closes or loses a case (`public_changed`)."""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction
from django.db.models import Prefetch

from .models import Publicity, PublicityEntry

PUBLICITIES_PER_PAGE = 20
ENTRIES_PER_PUBLICITY = 100
ENTRIES_PAGE = ENTRIES_PER_PUBLICITY
ENTRY_RELATED = ("application__applicant", "application__unit", "application__series", "application__specialty",
                 "application__level")  # fmt: skip


def _version(office_id) -> int:
    key = f"gongshi:v:{office_id}"
    value = cache.get(key)
    if value is None:
        cache.add(key, 1, None)
        value = cache.get(key) or 1
    return value


def public_changed(*, office_id=None) -> None:
    """A publicity of this office (None: a unit's own) opened, closed or lost a case: drop the cached pages."""
    for key in (f"gongshi:v:{office_id or 0}", "gongshi:v:all"):
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 2, None)


def public_changed_soon(*, office_id=None) -> None:
    """`public_changed` now and again after the commit (a page read between the two would cache the old rows)."""
    public_changed(office_id=office_id)
    transaction.on_commit(lambda: public_changed(office_id=office_id))


def _entries():
    return PublicityEntry.objects.filter(left_at__isnull=True).select_related(*ENTRY_RELATED)


def page_key(*, page: int, office_id: int | None) -> str:
    """The cache key of one rendered page of the list: it changes whenever a publicity of the office changes."""
    return f"{office_id or 'all'}:{page}:{_version(office_id if office_id else 'all')}"


def publicity_page(*, page: int = 1, office_id: int | None = None) -> dict:
    """One page of the open publicities (the soonest to end first, through the index on their end), each with its
    first entries (one windowed query for all of them)."""
    qs = Publicity.objects.filter(closed_at__isnull=True).select_related("office", "unit").order_by("ends_at", "id")
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
    return {
        "publicities": [
            {
                "publicity": p,
                "entries": p.current[:ENTRIES_PER_PUBLICITY],
                "more": len(p.current) > ENTRIES_PER_PUBLICITY,
            }
            for p in shown[:PUBLICITIES_PER_PAGE]
            if p.current
        ],
        "page": page,
        "has_next": len(shown) > PUBLICITIES_PER_PAGE,
    }


def publicity_entries_page(*, publicity: Publicity, after: int = 0) -> tuple[list[PublicityEntry], int]:
    """The current entries of one publicity after application id `after` (keyset); the next cursor or 0."""
    rows = list(
        _entries()
        .filter(publicity=publicity, application_id__gt=after)
        .order_by("application_id")[: ENTRIES_PER_PUBLICITY + 1]
    )
    more = len(rows) > ENTRIES_PER_PUBLICITY
    rows = rows[:ENTRIES_PER_PUBLICITY]
    return rows, (rows[-1].application_id if more else 0)
