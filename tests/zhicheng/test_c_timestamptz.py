"""psycopg's C `timestamptz` parser on PostgreSQL connections (zhicheng/db/loaders.py, issue 17): the values are
the ones Django's own loader gives, including the UTC zone object, over edge cases of the text format."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.backends.postgresql.psycopg_any import register_tzloader

from zhicheng.db import loaders

pytestmark = pytest.mark.django_db

TEXTS = [
    "2024-03-01 10:00:00+08",
    "2024-02-29 23:59:59.999999+00",
    "1999-12-31 16:00:00.5-08",
    "2026-10-01 00:00:00+05:45",
    "0001-01-01 00:00:00+00",
    "9999-12-31 23:59:59+00",
    "1900-01-01 00:00:00+08:05:43",  # a historical local-mean-time offset with seconds
]


def _read(cursor):
    cursor.execute("SELECT t::timestamptz FROM unnest(%s::text[]) AS t", [TEXTS])
    return [value for (value,) in cursor.fetchall()]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="需要 PostgreSQL")
def test_django_reads_timestamps_with_the_c_loader_and_the_same_values():
    with connection.cursor() as cursor:
        raw = cursor.cursor
        assert loaders.applies(connection)
        assert raw.adapters.get_loader(1184, 0) is loaders.UTCTimestamptzLoader  # 1184: timestamptz
        fast = _read(cursor)
        register_tzloader(connection.timezone, raw)  # Django's own loader, on this cursor only
        assert raw.adapters.get_loader(1184, 0) is not loaders.UTCTimestamptzLoader
        django_own = _read(cursor)
    assert fast == django_own
    assert all(v.tzinfo is dt.UTC for v in fast)
    assert fast[0] == dt.datetime(2024, 3, 1, 2, 0, tzinfo=dt.UTC)


def test_it_stays_out_when_the_session_would_not_be_utc(settings, monkeypatch):
    settings.USE_TZ = False
    assert not loaders.applies(connection)
    settings.USE_TZ = True
    monkeypatch.setattr(type(connection), "timezone_name", "Asia/Shanghai", raising=False)
    assert not loaders.applies(connection)
