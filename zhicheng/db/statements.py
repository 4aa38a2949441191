"""Compiled statements kept per database connection for a values() list whose SQL a key fully determines (issue 17).

Compiling the API inbox's query (30-odd columns, two joins, the scope) was ~0.6 ms of a ~6 ms request, the same
every time for the same scope. A queryset marked with `statement_keyed(key)` — the caller vouches that the key
determines its SQL and parameters — keeps the key through `order_by()` and slicing (both added to the key) and
loses it on ANY other change (`filter`, `exclude`, `annotate`, a cursor page's position …): that queryset compiles
as usual. Only values() rows use it. The compiled statement, its column names and Django's converters for them are
kept on the connection object (one per thread), so nothing is shared between threads; at most LIMIT per connection.
"""

from __future__ import annotations

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet
from django.db.models.query import ValuesIterable

LIMIT = 512
_EMPTY = object()  # the statement can match nothing (Django raises EmptyResultSet instead of compiling it)


class StatementKeyedQuerySet(QuerySet):
    _zc_statement_key = None

    def statement_keyed(self, key):
        clone = self._chain()
        clone._zc_statement_key = ("values", key)
        return clone

    def _clone(self):
        clone = super()._clone()
        clone._zc_statement_key = None  # any change the key does not name drops it
        return clone

    def order_by(self, *field_names):
        clone = super().order_by(*field_names)
        if self._zc_statement_key is not None:
            clone._zc_statement_key = (*self._zc_statement_key, "order_by", field_names)
        return clone

    def __getitem__(self, k):
        result = super().__getitem__(k)
        if (
            self._zc_statement_key is not None
            and isinstance(k, slice)
            and k.step is None
            and isinstance(result, StatementKeyedQuerySet)
        ):
            result._zc_statement_key = (*self._zc_statement_key, "slice", k.start, k.stop)
        return result

    def _fetch_all(self):
        if (
            self._result_cache is None
            and self._zc_statement_key is not None
            and self._iterable_class is ValuesIterable
            and not self._prefetch_related_lookups
        ):
            self._result_cache = _run(self)
        super()._fetch_all()


def _compile(qs):
    compiler = qs.query.get_compiler(using=qs.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return _EMPTY
    names = [*qs.query.extra_select, *qs.query.values_select, *qs.query.annotation_select]
    converters = compiler.get_converters([s[0] for s in compiler.select[: compiler.col_count]])
    return sql, tuple(params), names, converters, compiler


def _run(qs) -> list[dict]:
    connection = connections[qs.db]
    kept = connection.__dict__.setdefault("_zc_statements", {})
    key = qs._zc_statement_key
    entry = kept.get(key)
    if entry is None:
        if len(kept) >= LIMIT:
            kept.clear()
        entry = kept[key] = _compile(qs)
    if entry is _EMPTY:
        return []
    sql, params, names, converters, compiler = entry
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if converters:
        rows = compiler.apply_converters(rows, converters)
    return [dict(zip(names, row, strict=True)) for row in rows]


def kept_statements(alias: str = "default") -> int:
    """How many compiled statements this thread's connection keeps (for tests)."""
    return len(connections[alias].__dict__.get("_zc_statements", {}))
